# Alternative: factored forms (sigma_b^2 pulled out, the variance as a squared standard deviation).
# expect: q5_steps_tests=full
# %% q5_steps
mean_output = 0.0
conditional_second_moment = sigma_b**2 * (1 + (sigma_w / sigma_b) ** 2 * S)
lecun_variance = (3 * sp.sqrt(C_in)) ** -2
