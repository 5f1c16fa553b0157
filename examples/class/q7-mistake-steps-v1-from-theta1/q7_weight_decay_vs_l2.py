# Mistake: v^2 = lam theta^1 + beta lam theta^1 (the momentum term uses theta^1 instead of theta^0),
# so theta^2 = (1 - alpha lam)(1 - alpha lam - alpha beta lam) theta0 and the consistent gap
# alpha beta lam (1 - alpha lam) theta0 vanishes at lam = 1/alpha.
# expect: q7_zero_grad_tests=partial
# expect: q7_steps_tests=partial
# fails: l2_second_iterate, your_formulas_prove_the_theorem, theta_gap_2_is_right
# fails: your_theta_gap_2_is_never_zero
# %% q7_zero_grad
theta_wd_k = (1 - mu)**k * theta0
theta_l2_2 = (1 - alpha * lam) * (1 - alpha * lam - alpha * beta * lam) * theta0
# %% q7_steps
theta_l2_1 = (1 - alpha * lam) * theta0
mu_matching = alpha * lam
theta_gap_2 = alpha * beta * lam * (1 - alpha * lam) * theta0
