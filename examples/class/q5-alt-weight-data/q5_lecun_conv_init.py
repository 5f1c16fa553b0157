# Correct: replaces .data (the Parameter object stays), formula with sympy-friendly fractions.
# expect: q5_second_moment_tests=full
# expect: q5_lecun_init_tests=full
# %% q5_second_moment
def output_second_moment(c_in, sigma_w, sigma_b, kernel_size=3, position="interior"):
    k = kernel_size
    count = {"interior": k**2, "edge": k * (k + 1) / 2, "corner": (k + 1) ** 2 / 4}[position]
    return float(count) * c_in * sigma_w**2 + sigma_b**2
# %% q5_lecun_init
def lecun_init_(conv, sigma_b=0.0):
    c_out, c_in, k_h, k_w = conv.weight.shape
    std = (1.0 / (c_in * k_h * k_w)) ** 0.5
    conv.weight.data = torch.empty_like(conv.weight.data).normal_() * std
    if conv.bias is not None:
        conv.bias.data = torch.empty_like(conv.bias.data).normal_(0.0, 1.0) * sigma_b
    return conv
