# Alternative: the degrees built from LAYERS in a loop; alpha = -2 (an int) at the all-ones image.
# expect: q6_steps_tests=full
# %% q6_steps
_none = {"GELU", "Sigmoid", "Conv2d(bias=True)", "BatchNorm2d(eval, running_mean != 0)"}
_squares = {"x * x", "ReLU(x)**2"}
LAYER_DEGREES = {name: None if name in _none else 2 if name in _squares else 1 for name in LAYERS}
NEGATIVE_ALPHA = (-2, torch.ones((1, 3, 32, 32)))
