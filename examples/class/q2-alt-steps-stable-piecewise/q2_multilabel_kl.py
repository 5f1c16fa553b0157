# Correct, written differently: the numerically stable softplus split on the sign of f as a
# Piecewise, nll_minus = f + nll_plus (log(1 + e^f) = f + log(1 + e^-f)), xlogy-like terms.
# expect: q2_steps_tests=full
# %% q2_steps
nll_plus = sp.Piecewise((sp.log(1 + sp.exp(-f)), f >= 0), (-f + sp.log(1 + sp.exp(f)), True))
nll_minus = f + nll_plus
_xlogx = lambda q: sp.Piecewise((0, sp.Eq(q, 0)), (q * sp.log(q), True))
gap_point = _xlogx(p) + _xlogx(1 - p)
kl_point = p * nll_plus + (1 - p) * nll_minus + gap_point
