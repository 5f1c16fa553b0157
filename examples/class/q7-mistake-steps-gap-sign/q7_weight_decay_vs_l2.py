# Mistake: the gap with the sign flipped (theta^2 of l2 minus theta^2 of weight decay).
# expect: q7_zero_grad_tests=full
# expect: q7_steps_tests=partial
# fails: theta_gap_2_is_right, your_theta_gap_2_is_the_difference_of_your_second_iterates
# %% q7_zero_grad
theta_wd_k = (1 - mu)**k * theta0
theta_l2_2 = ((1 - alpha * lam)**2 - alpha * beta * lam) * theta0
# %% q7_steps
theta_l2_1 = (1 - alpha * lam) * theta0
mu_matching = alpha * lam
theta_gap_2 = -alpha * beta * lam * theta0
