# Mistake: fan_out = C_out k^2 instead of fan_in (the formula is right).
# expect: q5_second_moment_tests=full
# expect: q5_lecun_init_tests=less
# fails: weights_have_mean_0_and_variance_1_over_fan_in, weights_are_normally_distributed
# %% q5_second_moment
def output_second_moment(c_in, sigma_w, sigma_b, kernel_size=3, position="interior"):
    inside = (kernel_size + 1) // 2
    n = {"interior": kernel_size**2, "edge": kernel_size * inside, "corner": inside**2}[position]
    return n * c_in * sigma_w**2 + sigma_b**2
# %% q5_lecun_init
def lecun_init_(conv, sigma_b=0.0):
    c_out, c_in, k_h, k_w = conv.weight.shape
    with torch.no_grad():
        conv.weight.normal_(0.0, 1.0 / math.sqrt(c_out * k_h * k_w))
        if conv.bias is not None:
            conv.bias.normal_(0.0, sigma_b) if sigma_b > 0 else conv.bias.zero_()
    return conv
