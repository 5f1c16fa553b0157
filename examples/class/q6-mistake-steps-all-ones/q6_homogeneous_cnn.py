# Mistake (a guess): every layer given degree 1. It earns only the share of the entries that are 1.
# expect: q6_steps_tests=partial
# fails: degree_of_gelu, degree_of_sigmoid, degree_of_conv_with_bias
# fails: degree_of_batchnorm_with_a_running_mean, degree_of_square, degree_of_squared_relu
# %% q6_steps
LAYER_DEGREES = {name: 1 for name in LAYERS}
NEGATIVE_ALPHA = (-1.0, torch.randn((1, 3, 32, 32)))
