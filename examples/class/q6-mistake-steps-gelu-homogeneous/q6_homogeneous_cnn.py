# Mistake: GELU taken for positive homogeneous (GELU(0) = 0 and it looks like ReLU).
# expect: q6_steps_tests=partial
# fails: degree_of_gelu
# %% q6_steps
LAYER_DEGREES = {
    "ReLU": 1, "LeakyReLU(0.1)": 1, "GELU": None, "Sigmoid": None, "MaxPool2d(2)": 1, "AvgPool2d(2)": 1,
    "Conv2d(bias=False)": 1, "Conv2d(bias=True)": None, "Linear(bias=False)": 1, "Flatten": 1,
    "Dropout(fixed mask)": 1, "BatchNorm2d(eval, running_mean != 0)": None, "x * x": 2, "ReLU(x)**2": 2,
}
LAYER_DEGREES["GELU"] = 1
NEGATIVE_ALPHA = (-1.0, torch.randn((1, 3, 32, 32)))
