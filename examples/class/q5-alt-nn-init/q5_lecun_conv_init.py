# Correct, with torch.nn.init: fan_in from torch's own helper, zeros_ / normal_ for the bias;
# the formula as rows times columns of the window inside the image.
# expect: q5_second_moment_tests=full
# expect: q5_lecun_init_tests=full
# %% q5_second_moment
def output_second_moment(c_in, sigma_w, sigma_b, kernel_size=3, position="interior"):
    half = (kernel_size + 1) // 2
    rows = kernel_size if position == "interior" else half
    cols = half if position == "corner" else kernel_size
    return c_in * rows * cols * sigma_w**2 + sigma_b**2
# %% q5_lecun_init
def lecun_init_(conv, sigma_b=0.0):
    fan_in, _ = nn.init._calculate_fan_in_and_fan_out(conv.weight)
    nn.init.normal_(conv.weight, mean=0.0, std=fan_in ** -0.5)
    if conv.bias is not None:
        if sigma_b == 0:
            nn.init.zeros_(conv.bias)
        else:
            nn.init.normal_(conv.bias, mean=0.0, std=sigma_b)
    return conv
