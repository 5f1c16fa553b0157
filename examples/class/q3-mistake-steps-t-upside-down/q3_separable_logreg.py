# Mistake: C = t log(2N/eps) (t multiplied instead of divided): too small for small margins.
# expect: q3_steps_tests=partial
# fails: scale_formula_makes_the_loss_below_eps
# %% q3_steps
loss_bound = N * sp.log(1 + sp.exp(-C * t))
scale_formula = t * sp.log(2 * N / eps)
