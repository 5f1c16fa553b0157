# Correct, written differently: e^{-y} <= 1/y for y > 0 gives the bound N/(C t); C = 2N/(eps t);
# the bound written as a Piecewise (both branches equal).
# expect: q3_steps_tests=full
# %% q3_steps
loss_bound = sp.Piecewise((N / (C * t), C * t > 1), (N / (t * C), True))
scale_formula = 2 * N / (eps * t)
