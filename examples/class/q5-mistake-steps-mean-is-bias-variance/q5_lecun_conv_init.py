# Mistake: the mean of the output taken to be the bias's variance, sign slip in the bias term.
# expect: q5_steps_tests=partial
# fails: mean_output_is_right, conditional_second_moment_is_right
# %% q5_steps
mean_output = sigma_b**2
conditional_second_moment = sigma_w**2 * S - sigma_b**2
lecun_variance = 1 / (9 * C_in)
