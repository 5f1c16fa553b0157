# Mistake: p log p written as is, so kl_point is nan at p = 0 (all labels -1): the convention
# 0 log 0 = 0 is not stated. Everything else is right.
# expect: q2_steps_tests=partial
# fails: kl_point_at_unanimous_labels
# %% q2_steps
nll_plus = sp.log(1 + sp.exp(-f))
nll_minus = sp.log(1 + sp.exp(f))
gap_point = p * sp.log(p) + (1 - p) * sp.log(1 - p)
kl_point = gap_point + p * nll_plus + (1 - p) * nll_minus
