# Mistake: a sign slip in the exponent, log(1 + e^{Ct}): a bound, but it grows with C.
# expect: q3_steps_tests=partial
# fails: loss_bound_tends_to_zero, scale_formula_makes_the_loss_below_eps
# %% q3_steps
loss_bound = N * sp.log(1 + sp.exp(C * t))
scale_formula = sp.log(2 * N / eps) / t
