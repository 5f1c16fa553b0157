# Mistake: theta^2 of l2 with + alpha beta lam (v^2 subtracted with the wrong sign), and the gap
# derived consistently from it (- alpha beta lam theta0). The argument still "forces alpha beta lam
# = 0", but from a wrong premise: theta_l2_2, the theorem check and the gap step lose.
# expect: q7_zero_grad_tests=partial
# expect: q7_steps_tests=partial
# fails: l2_second_iterate, your_formulas_prove_the_theorem, theta_gap_2_is_right
# %% q7_zero_grad
theta_wd_k = (1 - mu)**k * theta0
theta_l2_2 = ((1 - alpha * lam)**2 + alpha * beta * lam) * theta0
# %% q7_steps
theta_l2_1 = (1 - alpha * lam) * theta0
mu_matching = alpha * lam
theta_gap_2 = -alpha * beta * lam * theta0
