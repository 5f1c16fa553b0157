# Mistake: the bias term left out of E[Y^2 | X].
# expect: q5_steps_tests=partial
# fails: conditional_second_moment_is_right
# %% q5_steps
mean_output = sp.Integer(0)
conditional_second_moment = sigma_w**2 * S
lecun_variance = 1 / (9 * C_in)
