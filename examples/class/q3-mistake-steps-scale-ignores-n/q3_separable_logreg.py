# Mistake: C with e^{-Ct} = eps (each term below eps), forgetting that N terms add up.
# expect: q3_steps_tests=partial
# fails: scale_formula_makes_the_loss_below_eps
# %% q3_steps
loss_bound = N * sp.log(1 + sp.exp(-C * t))
scale_formula = -sp.log(eps) / t
