# Mistake (a guess): every layer said not to be positive homogeneous (None), as if only the
# whole network could be. It earns only the share of the entries that are None.
# expect: q6_steps_tests=partial
# fails: degree_of_relu, degree_of_leaky_relu, degree_of_max_pool, degree_of_avg_pool
# fails: degree_of_bias_free_conv, degree_of_bias_free_linear, degree_of_flatten
# fails: degree_of_dropout_with_a_fixed_mask, degree_of_square, degree_of_squared_relu
# %% q6_steps
LAYER_DEGREES = {name: None for name in LAYERS}
NEGATIVE_ALPHA = (-1.0, torch.randn((1, 3, 32, 32)))
