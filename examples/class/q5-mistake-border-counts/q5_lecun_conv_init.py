# Mistake: the border windows counted as (k-1) rows/columns inside the image: k(k-1) on an edge,
# (k-1)^2 at a corner. Right for k = 3 (6 and 4), wrong for k = 1, 5, 7.
# expect: q5_second_moment_tests=partial
# expect: q5_lecun_init_tests=full
# fails: edge_pixels, corner_pixels, symbolic_formulas, your_formula_matches_simulated_convolutions
# %% q5_second_moment
def output_second_moment(c_in, sigma_w, sigma_b, kernel_size=3, position="interior"):
    k = kernel_size
    n = {"interior": k * k, "edge": k * (k - 1), "corner": (k - 1) ** 2}[position]
    return n * c_in * sigma_w**2 + sigma_b**2
# %% q5_lecun_init
def lecun_init_(conv, sigma_b=0.0):
    fan_in = conv.weight[0].numel()
    with torch.no_grad():
        conv.weight.normal_(0.0, 1.0 / math.sqrt(fan_in))
        if conv.bias is not None:
            conv.bias.normal_(0.0, sigma_b) if sigma_b > 0 else conv.bias.zero_()
    return conv
