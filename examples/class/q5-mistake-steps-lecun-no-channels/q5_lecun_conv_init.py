# Mistake: LeCun's variance without the input channels (fan_in counted as the kernel area only).
# expect: q5_steps_tests=partial
# fails: lecun_variance_is_right
# %% q5_steps
mean_output = sp.Integer(0)
conditional_second_moment = sigma_w**2 * S + sigma_b**2
lecun_variance = sp.Rational(1, 9)
