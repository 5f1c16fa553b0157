# Correct, written differently: the conv blocks are built by a helper from a table of
# channel counts (same Sequential indices, so the same keys); the checker saves and restores
# torch's RNG state around every call and sweeps alphas with torch.logspace.
# expect: q6_net_tests=full
# expect: q6_checker_tests=full
# expect: q6_weight_degree_tests=full
# %% q6_net
def conv_block(c_in, c_out, depth):
    layers = []
    for i in range(depth):
        layers += [nn.Conv2d(c_in if i == 0 else c_out, c_out, kernel_size=3, padding=1, bias=False), nn.ReLU()]
    return nn.Sequential(*layers, nn.MaxPool2d(kernel_size=2, stride=2))


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv_layer1 = conv_block(3, 64, 2)
        self.conv_layer2 = conv_block(64, 128, 2)
        self.conv_layer3 = conv_block(128, 256, 3)
        self.conv_layer4 = conv_block(256, 512, 3)
        self.fc_layer1 = nn.Sequential(nn.Linear(2048, 4096, bias=False), nn.ReLU(), nn.Dropout())
        self.fc_layer2 = nn.Sequential(nn.Linear(4096, 4096, bias=False), nn.ReLU(), nn.Dropout())
        self.fc_layer3 = nn.Linear(4096, 10, bias=False)

    def forward(self, x):
        x = self.conv_layer4(self.conv_layer3(self.conv_layer2(self.conv_layer1(x))))
        return self.fc_layer3(self.fc_layer2(self.fc_layer1(x.view(x.size(0), -1))))
# %% q6_checker
def is_positive_homogeneous(f, x):
    alphas = [0.0] + torch.logspace(-3, 3, 13).tolist()
    state = torch.get_rng_state()
    with torch.no_grad():
        fx = f(x)
        ok = True
        for a in alphas:
            torch.set_rng_state(state)
            fax = f(a * x)
            ok = ok and bool(((fax - a * fx).abs() <= 1e-4 * a * fx.abs().max()).all())
    torch.set_rng_state(state)
    return ok
# %% q6_weight_degree
WEIGHT_DEGREE = 13
