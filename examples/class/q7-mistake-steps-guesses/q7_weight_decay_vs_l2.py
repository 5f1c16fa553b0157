# Guesses: theta^1 = theta0, the matching decay "mu", a gap of 0 (with the right formulas). A
# guessable answer earns nothing in the steps cell.
# expect: q7_zero_grad_tests=partial
# expect: q7_steps_tests=zero
# fails: your_formulas_prove_the_theorem, theta_l2_1_is_right, mu_matching_is_right
# fails: theta_gap_2_is_right, your_mu_matching_makes_your_first_iterates_agree
# fails: your_theta_gap_2_is_the_difference_of_your_second_iterates, your_theta_gap_2_is_never_zero
# %% q7_zero_grad
theta_wd_k = (1 - mu)**k * theta0
theta_l2_2 = ((1 - alpha * lam)**2 - alpha * beta * lam) * theta0
# %% q7_steps
theta_l2_1 = theta0
mu_matching = mu
theta_gap_2 = sp.Integer(0)
