# Alternative: the steps left unsimplified (a plain 0, a fraction over 9 C_in, a Rational).
# expect: q5_steps_tests=full
# %% q5_steps
mean_output = 0
conditional_second_moment = (9 * C_in * sigma_w**2 * S + 9 * C_in * sigma_b**2) / (9 * C_in)
lecun_variance = sp.Rational(1, 9) / C_in
