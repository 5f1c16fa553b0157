# Mistake: the gap left as "kl_point minus the losses" with f still in it (its value does not
# change with f, but it is not written as a function of p alone).
# expect: q2_steps_tests=partial
# fails: gap_point_is_minus_the_entropy_in_p_alone
# %% q2_steps
nll_plus = sp.log(1 + sp.exp(-f))
nll_minus = sp.log(1 + sp.exp(f))
kl_point = sp.Piecewise(
    (nll_minus, sp.Eq(p, 0)),
    (nll_plus, sp.Eq(p, 1)),
    (p * sp.log(p * (1 + sp.exp(-f))) + (1 - p) * sp.log((1 - p) * (1 + sp.exp(f))), True),
)
gap_point = (p * sp.log(p * (1 + sp.exp(-f))) + (1 - p) * sp.log((1 - p) * (1 + sp.exp(f)))
             - p * nll_plus - (1 - p) * nll_minus)
