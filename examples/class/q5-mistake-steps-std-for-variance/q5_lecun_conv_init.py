# Mistake: standard deviations where variances belong, in E[Y^2 | X] and in LeCun's choice.
# expect: q5_steps_tests=partial
# fails: conditional_second_moment_is_right, lecun_variance_is_right
# %% q5_steps
mean_output = sp.Integer(0)
conditional_second_moment = sigma_w * S + sigma_b
lecun_variance = 1 / (3 * sp.sqrt(C_in))
