# Mistake: the divergence taken to be the cross-entropy alone (the entropy forgotten), so the
# gap comes out 0.
# expect: q2_steps_tests=partial
# fails: kl_point_is_right, gap_point_is_minus_the_entropy_in_p_alone
# %% q2_steps
nll_plus = sp.log(1 + sp.exp(-f))
nll_minus = sp.log(1 + sp.exp(f))
kl_point = p * nll_plus + (1 - p) * nll_minus
gap_point = sp.Integer(0)
