# Mistake: re-initializes correctly but forgets `return conv`.
# expect: q5_second_moment_tests=full
# expect: q5_lecun_init_tests=partial
# fails: returns_the_same_working_conv
# %% q5_second_moment
def output_second_moment(c_in, sigma_w, sigma_b, kernel_size=3, position="interior"):
    inside = (kernel_size + 1) // 2
    n = {"interior": kernel_size**2, "edge": kernel_size * inside, "corner": inside**2}[position]
    return n * c_in * sigma_w**2 + sigma_b**2
# %% q5_lecun_init
def lecun_init_(conv, sigma_b=0.0):
    fan_in = conv.weight[0].numel()
    with torch.no_grad():
        conv.weight.normal_(0.0, 1.0 / math.sqrt(fan_in))
        if conv.bias is not None:
            conv.bias.normal_(0.0, sigma_b) if sigma_b > 0 else conv.bias.zero_()
