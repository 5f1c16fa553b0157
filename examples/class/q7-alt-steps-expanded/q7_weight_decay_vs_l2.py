# Correct, every formula expanded or reordered (sp.expand, products in another order).
# expect: q7_zero_grad_tests=full
# expect: q7_steps_tests=full
# %% q7_zero_grad
theta_wd_k = theta0 * (1 - mu)**k
theta_l2_2 = sp.expand(((1 - alpha * lam)**2 - alpha * beta * lam) * theta0)
# %% q7_steps
theta_l2_1 = theta0 - alpha * lam * theta0
mu_matching = lam * alpha
theta_gap_2 = sp.expand(theta0 * lam * beta * alpha)
