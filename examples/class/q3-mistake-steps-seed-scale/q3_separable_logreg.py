# Mistake: the right bound, but C = -log(e^{eps/N} - 1)/t, negative once eps/N > log 2.
# expect: q3_steps_tests=partial
# fails: scale_formula_makes_the_loss_below_eps
# %% q3_steps
loss_bound = N * sp.log(1 + sp.exp(-C * t))
scale_formula = -sp.log(sp.exp(eps / N) - 1) / t
