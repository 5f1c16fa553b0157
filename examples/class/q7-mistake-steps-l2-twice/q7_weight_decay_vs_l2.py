# Mistake: 2 lam theta as the l2 gradient (of lam |theta|^2 instead of (lam/2) |theta|^2), carried
# consistently through every step: theta^1 = (1 - 2 alpha lam) theta0, mu = 2 alpha lam, gap
# 2 alpha beta lam theta0. The steps fit together, but none is the exam's.
# expect: q7_zero_grad_tests=partial
# expect: q7_steps_tests=partial
# fails: l2_second_iterate, your_formulas_prove_the_theorem, theta_l2_1_is_right
# fails: mu_matching_is_right, theta_gap_2_is_right
# %% q7_zero_grad
theta_wd_k = (1 - mu)**k * theta0
theta_l2_2 = ((1 - 2 * alpha * lam)**2 - 2 * alpha * beta * lam) * theta0
# %% q7_steps
theta_l2_1 = (1 - 2 * alpha * lam) * theta0
mu_matching = 2 * alpha * lam
theta_gap_2 = 2 * alpha * beta * lam * theta0
