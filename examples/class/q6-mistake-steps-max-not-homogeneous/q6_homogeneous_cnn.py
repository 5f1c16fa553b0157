# Mistake: max-pooling and LeakyReLU taken for not homogeneous (non-smooth, so "no degree").
# expect: q6_steps_tests=partial
# fails: degree_of_leaky_relu, degree_of_max_pool
# %% q6_steps
LAYER_DEGREES = {
    "ReLU": 1, "LeakyReLU(0.1)": 1, "GELU": None, "Sigmoid": None, "MaxPool2d(2)": 1, "AvgPool2d(2)": 1,
    "Conv2d(bias=False)": 1, "Conv2d(bias=True)": None, "Linear(bias=False)": 1, "Flatten": 1,
    "Dropout(fixed mask)": 1, "BatchNorm2d(eval, running_mean != 0)": None, "x * x": 2, "ReLU(x)**2": 2,
}
LAYER_DEGREES["MaxPool2d(2)"] = None
LAYER_DEGREES["LeakyReLU(0.1)"] = None
NEGATIVE_ALPHA = (-1.0, torch.randn((1, 3, 32, 32)))
