# Correct, written differently: the cross-entropies as log(1 + e^-+f), the divergence as
# sum_k P_k log(P_k / mu_k) with each 0 log 0 case stated by a Piecewise, the gap as a log of
# powers (p**p is 1 at p = 0 in SymPy).
# expect: q2_steps_tests=full
# %% q2_steps
nll_plus = sp.log(1 + sp.exp(-f))
nll_minus = sp.log(1 + sp.exp(f))
kl_point = sp.Piecewise(
    (nll_minus, sp.Eq(p, 0)),
    (nll_plus, sp.Eq(p, 1)),
    (p * sp.log(p * (1 + sp.exp(-f))) + (1 - p) * sp.log((1 - p) * (1 + sp.exp(f))), True),
)
gap_point = sp.log(p**p * (1 - p)**(1 - p))
