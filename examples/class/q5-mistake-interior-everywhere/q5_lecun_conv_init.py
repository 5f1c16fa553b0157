# Mistake: the exam's interior formula k^2 C_in sigma_w^2 + sigma_b^2 at every pixel (padding ignored).
# expect: q5_second_moment_tests=partial
# expect: q5_lecun_init_tests=full
# fails: edge_pixels, corner_pixels, symbolic_formulas, default_arguments
# fails: your_formula_matches_simulated_convolutions
# %% q5_second_moment
def output_second_moment(c_in, sigma_w, sigma_b, kernel_size=3, position="interior"):
    return kernel_size**2 * c_in * sigma_w**2 + sigma_b**2
# %% q5_lecun_init
def lecun_init_(conv, sigma_b=0.0):
    fan_in = conv.weight[0].numel()
    with torch.no_grad():
        conv.weight.normal_(0.0, 1.0 / math.sqrt(fan_in))
        if conv.bias is not None:
            conv.bias.normal_(0.0, sigma_b) if sigma_b > 0 else conv.bias.zero_()
    return conv
