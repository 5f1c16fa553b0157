# Correct, derived with SymPy from the update rules: the iterates unrolled, mu_matching solved for,
# the gap factored (unsimplified intermediate forms).
# expect: q7_zero_grad_tests=full
# expect: q7_steps_tests=full
# %% q7_zero_grad
theta_wd_k = (1 - mu)**k * theta0
_v1 = lam * theta0
_theta1 = theta0 - alpha * _v1
_v2 = lam * _theta1 + beta * _v1
theta_l2_2 = _theta1 - alpha * _v2
# %% q7_steps
theta_l2_1 = theta0 - alpha * (lam * theta0 + beta * 0)
mu_matching = sp.solve(sp.Eq(theta_wd_k.subs(k, 1), theta_l2_1), mu)[0]
theta_gap_2 = sp.factor(theta_wd_k.subs({k: 2, mu: mu_matching}) - theta_l2_2)
