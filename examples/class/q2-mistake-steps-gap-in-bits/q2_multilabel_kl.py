# Mistake: the gap in bits (log base 2) while the divergence is in nats.
# expect: q2_steps_tests=partial
# fails: gap_point_is_minus_the_entropy_in_p_alone, your_steps_give_the_theorem_for_one_point
# %% q2_steps
nll_plus = sp.log(1 + sp.exp(-f))
nll_minus = sp.log(1 + sp.exp(f))
_xlogx = lambda q: sp.Piecewise((0, sp.Eq(q, 0)), (q * sp.log(q), True))
kl_point = _xlogx(p) + _xlogx(1 - p) + p * nll_plus + (1 - p) * nll_minus
gap_point = (_xlogx(p) + _xlogx(1 - p)) / sp.log(2)
