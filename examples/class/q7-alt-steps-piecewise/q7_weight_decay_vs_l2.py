# Correct, written with sp.Piecewise: cases that agree on the whole domain (theta0 = 0 or not,
# alpha*lam below 1 or not).
# expect: q7_zero_grad_tests=full
# expect: q7_steps_tests=full
# %% q7_zero_grad
theta_wd_k = sp.Piecewise((theta0 * (1 - mu)**k, sp.Ne(theta0, 0)), (0, True))
theta_l2_2 = ((1 - alpha * lam)**2 - alpha * beta * lam) * theta0
# %% q7_steps
theta_l2_1 = sp.Piecewise(((1 - alpha * lam) * theta0, alpha * lam < 1), (theta0 - alpha * lam * theta0, True))
mu_matching = alpha * lam
theta_gap_2 = sp.Piecewise((alpha * beta * lam * theta0, sp.Ne(theta0, 0)), (0, True))
