# Correct, written differently: torch.flatten instead of view, ReLU(inplace=True),
# Dropout(p=0.5) spelled out; the checker replays dropout with torch.random.fork_rng and one
# seed, compares whole outputs with a norm-relative error over a log-spaced range of alphas;
# WEIGHT_DEGREE as a sum.
# expect: q6_net_tests=full
# expect: q6_checker_tests=full
# expect: q6_weight_degree_tests=full
# %% q6_net
class Net(nn.Module) :
    def __init__(self) :
        super(Net, self).__init__()
        self.conv_layer1 = nn.Sequential(
            nn.Conv2d(3, 64, kernel_size=3, padding=1, bias=False),
            nn.ReLU(inplace=True),
            nn.Conv2d(64, 64, kernel_size=3, padding=1, bias=False),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=2, stride=2) )
        self.conv_layer2 = nn.Sequential(
            nn.Conv2d(64, 128, kernel_size=3, padding=1, bias=False),
            nn.ReLU(inplace=True),
            nn.Conv2d(128, 128, kernel_size=3, padding=1, bias=False),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=2, stride=2) )
        self.conv_layer3 = nn.Sequential(
            nn.Conv2d(128, 256, kernel_size=3, padding=1, bias=False),
            nn.ReLU(inplace=True),
            nn.Conv2d(256, 256, kernel_size=3, padding=1, bias=False),
            nn.ReLU(inplace=True),
            nn.Conv2d(256, 256, kernel_size=3, padding=1, bias=False),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=2, stride=2) )
        self.conv_layer4 = nn.Sequential(
            nn.Conv2d(256, 512, kernel_size=3, padding=1, bias=False),
            nn.ReLU(inplace=True),
            nn.Conv2d(512, 512, kernel_size=3, padding=1, bias=False),
            nn.ReLU(inplace=True),
            nn.Conv2d(512, 512, kernel_size=3, padding=1, bias=False),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=2, stride=2) )
        self.fc_layer1 = nn.Sequential(
            nn.Linear(512*2*2, 4096, bias=False),
            nn.ReLU(inplace=True),
            nn.Dropout(p=0.5) )
        self.fc_layer2 = nn.Sequential(
            nn.Linear(4096, 4096, bias=False),
            nn.ReLU(inplace=True),
            nn.Dropout(p=0.5) )
        self.fc_layer3 = nn.Linear(4096, 10, bias=False)

    def forward(self, x) :
        output = self.conv_layer1(x)
        output = self.conv_layer2(output)
        output = self.conv_layer3(output)
        output = self.conv_layer4(output)
        output = torch.flatten(output, 1)
        output = self.fc_layer1(output)
        output = self.fc_layer2(output)
        return self.fc_layer3(output)
# %% q6_checker
def is_positive_homogeneous(f, x):
    seed = int(torch.randint(0, 2**31 - 1, (1,)))

    def evaluate(inputs):
        with torch.random.fork_rng():
            torch.manual_seed(seed)
            return f(inputs).detach()

    fx = evaluate(x)
    for a in [0.0] + [10.0 ** e for e in range(-3, 4)]:
        gap = torch.linalg.vector_norm(evaluate(a * x) - a * fx)
        if not gap <= 1e-4 * a * torch.linalg.vector_norm(fx):
            return False
    return True
# %% q6_weight_degree
WEIGHT_DEGREE = 10 + 3  # ten convolutions and three linear layers, each linear in its weights
