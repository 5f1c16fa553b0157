# Correct, written differently: dropout applied with F.dropout(..., training=self.training)
# in forward (Dropout has no parameters, so the state_dict keys are unchanged and the random
# stream is the same), reshape instead of view; the checker reseeds torch before each call and
# uses torch.allclose with a tolerance scaled by |a f(x)|.
# expect: q6_net_tests=full
# expect: q6_checker_tests=full
# expect: q6_weight_degree_tests=full
# %% q6_net
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv_layer1 = nn.Sequential(
            nn.Conv2d(3, 64, 3, padding=1, bias=False), nn.ReLU(),
            nn.Conv2d(64, 64, 3, padding=1, bias=False), nn.ReLU(),
            nn.MaxPool2d(2, 2))
        self.conv_layer2 = nn.Sequential(
            nn.Conv2d(64, 128, 3, padding=1, bias=False), nn.ReLU(),
            nn.Conv2d(128, 128, 3, padding=1, bias=False), nn.ReLU(),
            nn.MaxPool2d(2, 2))
        self.conv_layer3 = nn.Sequential(
            nn.Conv2d(128, 256, 3, padding=1, bias=False), nn.ReLU(),
            nn.Conv2d(256, 256, 3, padding=1, bias=False), nn.ReLU(),
            nn.Conv2d(256, 256, 3, padding=1, bias=False), nn.ReLU(),
            nn.MaxPool2d(2, 2))
        self.conv_layer4 = nn.Sequential(
            nn.Conv2d(256, 512, 3, padding=1, bias=False), nn.ReLU(),
            nn.Conv2d(512, 512, 3, padding=1, bias=False), nn.ReLU(),
            nn.Conv2d(512, 512, 3, padding=1, bias=False), nn.ReLU(),
            nn.MaxPool2d(2, 2))
        self.fc_layer1 = nn.Sequential(nn.Linear(2048, 4096, bias=False), nn.ReLU())
        self.fc_layer2 = nn.Sequential(nn.Linear(4096, 4096, bias=False), nn.ReLU())
        self.fc_layer3 = nn.Linear(4096, 10, bias=False)

    def forward(self, x):
        for block in (self.conv_layer1, self.conv_layer2, self.conv_layer3, self.conv_layer4):
            x = block(x)
        x = x.reshape(x.shape[0], -1)
        x = F.dropout(self.fc_layer1(x), 0.5, self.training)
        x = F.dropout(self.fc_layer2(x), 0.5, self.training)
        return self.fc_layer3(x)
# %% q6_checker
def is_positive_homogeneous(f, x):
    seed = 1234

    def evaluate(inputs):
        torch.manual_seed(seed)
        return f(inputs).detach()

    fx = evaluate(x)
    size = fx.abs().max().item()
    for a in [0.0, 0.01, 0.3, 3.0, 30.0, 300.0]:
        if not torch.allclose(evaluate(a * x), a * fx, rtol=1e-4, atol=1e-5 * a * size):
            return False
    return True
# %% q6_weight_degree
WEIGHT_DEGREE = 13
