# Mistake: the momentum term forgotten in v^2, so theta^2 of l2 is (1 - alpha lam)^2 theta0 and the
# gap, derived consistently, is 0: these steps would show the methods agree for mu = alpha lam.
# expect: q7_zero_grad_tests=partial
# expect: q7_steps_tests=partial
# fails: l2_second_iterate, your_formulas_prove_the_theorem, theta_gap_2_is_right
# fails: your_theta_gap_2_is_never_zero
# %% q7_zero_grad
theta_wd_k = (1 - mu)**k * theta0
theta_l2_2 = (1 - alpha * lam)**2 * theta0
# %% q7_steps
theta_l2_1 = (1 - alpha * lam) * theta0
mu_matching = alpha * lam
theta_gap_2 = sp.Integer(0)
