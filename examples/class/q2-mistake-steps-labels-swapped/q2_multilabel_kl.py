# Mistake: a sign slip, mu(f)_(+1) read as 1/(1 + e^f), so nll_plus and nll_minus are swapped,
# and kl_point is built consistently on them (its gap is right).
# expect: q2_steps_tests=partial
# fails: nll_plus_is_right, nll_minus_is_right, kl_point_is_right, kl_point_at_unanimous_labels
# %% q2_steps
nll_plus = sp.log(1 + sp.exp(f))
nll_minus = sp.log(1 + sp.exp(-f))
_xlogx = lambda q: sp.Piecewise((0, sp.Eq(q, 0)), (q * sp.log(q), True))
gap_point = _xlogx(p) + _xlogx(1 - p)
kl_point = gap_point + p * nll_plus + (1 - p) * nll_minus
