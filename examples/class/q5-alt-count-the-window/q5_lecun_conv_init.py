# Correct, written differently: the formula counts window pixels inside the image with explicit
# loops over a large image; the init draws with torch.randn and copies into the parameters.
# expect: q5_second_moment_tests=full
# expect: q5_lecun_init_tests=full
# %% q5_second_moment
def output_second_moment(c_in, sigma_w, sigma_b, kernel_size=3, position="interior"):
    r = (kernel_size - 1) // 2
    m = 2 * kernel_size + 1
    i, j = {"interior": (m // 2, m // 2), "edge": (0, m // 2), "corner": (0, 0)}[position]
    inside = 0
    for di in range(-r, r + 1):
        for dj in range(-r, r + 1):
            if 0 <= i + di < m and 0 <= j + dj < m:
                inside += 1
    return inside * c_in * sigma_w**2 + sigma_b**2
# %% q5_lecun_init
def lecun_init_(conv, sigma_b=0.0):
    fan_in = conv.weight[0].numel()
    with torch.no_grad():
        conv.weight.copy_(torch.randn(conv.weight.shape, dtype=conv.weight.dtype) / math.sqrt(fan_in))
        if conv.bias is not None:
            conv.bias.copy_(sigma_b * torch.randn(conv.bias.shape, dtype=conv.bias.dtype))
    return conv
