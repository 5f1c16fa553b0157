# Mistake: weight decay scaled by the learning rate, theta^k = (1 - alpha mu)^k theta0, so the
# matching decay comes out as mu = lam (the gap happens to be right). theta_wd_k, the theorem check
# and mu_matching lose.
# expect: q7_zero_grad_tests=partial
# expect: q7_steps_tests=partial
# fails: weight_decay_iterates_are_geometric, your_formulas_prove_the_theorem, mu_matching_is_right
# %% q7_zero_grad
theta_wd_k = (1 - alpha * mu)**k * theta0
theta_l2_2 = ((1 - alpha * lam)**2 - alpha * beta * lam) * theta0
# %% q7_steps
theta_l2_1 = (1 - alpha * lam) * theta0
mu_matching = lam
theta_gap_2 = alpha * beta * lam * theta0
