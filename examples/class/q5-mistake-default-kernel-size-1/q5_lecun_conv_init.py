# Mistake: the formula is right but its default kernel_size is 1, not the exam's 3, so a call
# without kernel_size describes a 1x1 convolution.
# expect: q5_second_moment_tests=partial
# expect: q5_lecun_init_tests=full
# fails: default_arguments
# %% q5_second_moment
def output_second_moment(c_in, sigma_w, sigma_b, kernel_size=1, position="interior"):
    k = kernel_size
    inside = (k + 1) // 2
    visible = {"interior": k * k, "edge": k * inside, "corner": inside * inside}[position]
    return visible * c_in * sigma_w**2 + sigma_b**2
# %% q5_lecun_init
def lecun_init_(conv, sigma_b=0.0):
    c_out, c_in, k_h, k_w = conv.weight.shape
    fan_in = c_in * k_h * k_w
    with torch.no_grad():
        conv.weight.normal_(0.0, 1.0 / math.sqrt(fan_in))
        if conv.bias is not None:
            if sigma_b == 0:
                conv.bias.zero_()
            else:
                conv.bias.normal_(0.0, sigma_b)
    return conv
