# Guesses: theta^1 = theta0, the matching decay "mu", a gap of 0 (with the right formulas). A
# guessable answer earns nothing in the steps cell.
# expect: q7_zero_grad_tests=partial
# expect: q7_steps_tests=zero
# %% q7_zero_grad
theta_wd_k = (1 - mu)**k * theta0
theta_l2_2 = ((1 - alpha * lam)**2 - alpha * beta * lam) * theta0
# %% q7_steps
theta_l2_1 = theta0
mu_matching = mu
theta_gap_2 = sp.Integer(0)
