# Alternative: alpha as a 0-d tensor, x in float64 with positive entries only.
# expect: q6_steps_tests=full
# %% q6_steps
LAYER_DEGREES = {
    "ReLU": 1, "LeakyReLU(0.1)": 1, "GELU": None, "Sigmoid": None, "MaxPool2d(2)": 1, "AvgPool2d(2)": 1,
    "Conv2d(bias=False)": 1, "Conv2d(bias=True)": None, "Linear(bias=False)": 1, "Flatten": 1,
    "Dropout(fixed mask)": 1, "BatchNorm2d(eval, running_mean != 0)": None, "x * x": 2, "ReLU(x)**2": 2,
}
NEGATIVE_ALPHA = (torch.tensor(-0.5), torch.rand((1, 3, 32, 32), dtype=torch.float64) + 0.1)
