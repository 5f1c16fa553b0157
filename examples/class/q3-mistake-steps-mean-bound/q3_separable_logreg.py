# Mistake: the bound for one term, log(1 + e^{-Ct}), as if the loss were the mean over the N
# points (the question's loss is a sum); C from it then ignores N.
# expect: q3_steps_tests=zero
# fails: loss_bound_bounds_every_data_set, loss_bound_tends_to_zero
# fails: scale_formula_makes_the_loss_below_eps
# %% q3_steps
loss_bound = sp.log(1 + sp.exp(-C * t))
scale_formula = sp.log(2 / eps) / t
