# Mistake: E[Y^2] (expectation over X too) given where E[Y^2 | X] is asked: no S in it.
# expect: q5_steps_tests=partial
# fails: conditional_second_moment_is_right
# %% q5_steps
mean_output = sp.Integer(0)
conditional_second_moment = 9 * C_in * sigma_w**2 + sigma_b**2
lecun_variance = 1 / (9 * C_in)
