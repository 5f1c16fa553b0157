# Mistake (a guess): the bound 0 and C = 1. Neither is right; the limit 0 must not earn points.
# expect: q3_steps_tests=zero
# fails: loss_bound_bounds_every_data_set, loss_bound_tends_to_zero
# fails: scale_formula_makes_the_loss_below_eps
# %% q3_steps
loss_bound = sp.Integer(0)
scale_formula = sp.Integer(1)
