# Correct, written differently: the cruder bound log(1 + x) <= x, so the loss is at most
# N e^{-Ct}; C = log(2N/eps)/t written as a difference of logs.
# expect: q3_steps_tests=full
# %% q3_steps
loss_bound = N * sp.exp(-C * t)
scale_formula = (sp.log(2) + sp.log(N) - sp.log(eps)) / t
