# Mistake: a uniform law with the right variance 1/fan_in (LeCun-uniform), not the normal law.
# expect: q5_second_moment_tests=full
# expect: q5_lecun_init_tests=partial
# fails: weights_are_normally_distributed
# %% q5_second_moment
def output_second_moment(c_in, sigma_w, sigma_b, kernel_size=3, position="interior"):
    inside = (kernel_size + 1) // 2
    n = {"interior": kernel_size**2, "edge": kernel_size * inside, "corner": inside**2}[position]
    return n * c_in * sigma_w**2 + sigma_b**2
# %% q5_lecun_init
def lecun_init_(conv, sigma_b=0.0):
    fan_in = conv.weight[0].numel()
    bound = math.sqrt(3.0 / fan_in)
    with torch.no_grad():
        conv.weight.uniform_(-bound, bound)
        if conv.bias is not None:
            conv.bias.normal_(0.0, sigma_b) if sigma_b > 0 else conv.bias.zero_()
    return conv
