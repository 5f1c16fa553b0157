# Mistake: tests a = -1 as well (homogeneity instead of positive homogeneity), so every
# ReLU network is rejected.
# expect: q6_net_tests=full
# expect: q6_checker_tests=partial
# expect: q6_weight_degree_tests=full
# fails: tells_bias_free_layers_from_biased_ones, tells_relu_and_leaky_relu_from_smooth_activations
# fails: sees_through_dropout_in_train_mode, tells_batchnorm_with_a_running_mean_apart
# fails: catches_homogeneity_at_some_scales_only
# %% q6_net
class Net(nn.Module) :
    def __init__(self) :
        super(Net, self).__init__()
        self.conv_layer1 = nn.Sequential(
            nn.Conv2d(3, 64, kernel_size=3, padding=1, bias=False),
            nn.ReLU(),
            nn.Conv2d(64, 64, kernel_size=3, padding=1, bias=False),
            nn.ReLU(),
            nn.MaxPool2d(kernel_size=2, stride=2) )
        self.conv_layer2 = nn.Sequential(
            nn.Conv2d(64, 128, kernel_size=3, padding=1, bias=False),
            nn.ReLU(),
            nn.Conv2d(128, 128, kernel_size=3, padding=1, bias=False),
            nn.ReLU(),
            nn.MaxPool2d(kernel_size=2, stride=2) )
        self.conv_layer3 = nn.Sequential(
            nn.Conv2d(128, 256, kernel_size=3, padding=1, bias=False),
            nn.ReLU(),
            nn.Conv2d(256, 256, kernel_size=3, padding=1, bias=False),
            nn.ReLU(),
            nn.Conv2d(256, 256, kernel_size=3, padding=1, bias=False),
            nn.ReLU(),
            nn.MaxPool2d(kernel_size=2, stride=2) )
        self.conv_layer4 = nn.Sequential(
            nn.Conv2d(256, 512, kernel_size=3, padding=1, bias=False),
            nn.ReLU(),
            nn.Conv2d(512, 512, kernel_size=3, padding=1, bias=False),
            nn.ReLU(),
            nn.Conv2d(512, 512, kernel_size=3, padding=1, bias=False),
            nn.ReLU(),
            nn.MaxPool2d(kernel_size=2, stride=2) )
        self.fc_layer1 = nn.Sequential(
            nn.Linear(512*2*2, 4096, bias=False),
            nn.ReLU(),
            nn.Dropout() )
        self.fc_layer2 = nn.Sequential(
            nn.Linear(4096, 4096, bias=False),
            nn.ReLU(),
            nn.Dropout() )
        self.fc_layer3 = nn.Linear(4096, 10, bias=False)

    def forward(self, x) :
        output = self.conv_layer1(x)
        output = self.conv_layer2(output)
        output = self.conv_layer3(output)
        output = self.conv_layer4(output)
        output = output.view(-1, 512*2*2)
        output = self.fc_layer1(output)
        output = self.fc_layer2(output)
        return self.fc_layer3(output)
# %% q6_checker
def is_positive_homogeneous(f, x):
    state = torch.get_rng_state()

    def evaluate(inputs):
        torch.set_rng_state(state)  # same dropout masks on both sides
        with torch.no_grad():
            return f(inputs)

    fx = evaluate(x)
    scale = fx.abs().max()
    for a in (-1.0, 0.0, 1e-3, 0.1, 0.5, 2.0, 10.0, 1e3):
        if not (evaluate(a * x) - a * fx).abs().max() <= 1e-4 * a * scale:
            return False
    return True
# %% q6_weight_degree
WEIGHT_DEGREE = 13
