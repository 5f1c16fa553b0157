# Mistake: C with e^{-Ct} = eps (each term below eps), forgetting that N terms add up.
# expect: q3_steps_tests=partial
# %% q3_steps
loss_bound = N * sp.log(1 + sp.exp(-C * t))
scale_formula = -sp.log(eps) / t
