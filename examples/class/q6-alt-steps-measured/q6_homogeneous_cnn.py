# Alternative: the degrees measured numerically on real torch layers; a tiny alpha = -1e-3.
# expect: q6_steps_tests=full
# %% q6_steps
def _degree(layer, shape):
    torch.manual_seed(0)
    x = torch.randn(shape)
    with torch.no_grad():
        outputs = {}
        for a in (0.5, 2.0, 3.0):
            torch.manual_seed(1)
            outputs[a] = layer(a * x)
        torch.manual_seed(1)
        fx = layer(x)
    for d in (1, 2):
        if all(torch.allclose(outputs[a], a**d * fx, rtol=1e-4, atol=1e-6) for a in outputs):
            return d
    return None


_bn = nn.BatchNorm2d(4, affine=False).eval()
_bn.running_mean.fill_(0.5)
_layers = {
    "ReLU": nn.ReLU(), "LeakyReLU(0.1)": nn.LeakyReLU(0.1), "GELU": nn.GELU(), "Sigmoid": nn.Sigmoid(),
    "MaxPool2d(2)": nn.MaxPool2d(2), "AvgPool2d(2)": nn.AvgPool2d(2),
    "Conv2d(bias=False)": nn.Conv2d(4, 3, 3, bias=False), "Conv2d(bias=True)": nn.Conv2d(4, 3, 3),
    "Linear(bias=False)": nn.Sequential(nn.Flatten(), nn.Linear(64, 5, bias=False)), "Flatten": nn.Flatten(),
    "Dropout(fixed mask)": nn.Dropout(0.5).train(), "BatchNorm2d(eval, running_mean != 0)": _bn,
    "x * x": lambda x: x * x, "ReLU(x)**2": lambda x: torch.relu(x) ** 2,
}
LAYER_DEGREES = {name: _degree(_layers[name], (2, 4, 4, 4)) for name in LAYERS}
NEGATIVE_ALPHA = (-1e-3, torch.randn((1, 3, 32, 32)))
