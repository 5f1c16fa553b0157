# Mistake: the reverse divergence D_KL(mu(f) || P) = sum_k mu_k log(mu_k / P_k); its gap is then
# not the entropy term either.
# expect: q2_steps_tests=partial
# fails: kl_point_is_right, kl_point_at_unanimous_labels, your_steps_give_the_theorem_for_one_point
# %% q2_steps
nll_plus = sp.log(1 + sp.exp(-f))
nll_minus = sp.log(1 + sp.exp(f))
_mu_plus, _mu_minus = 1 / (1 + sp.exp(-f)), 1 / (1 + sp.exp(f))
kl_point = _mu_plus * sp.log(_mu_plus / p) + _mu_minus * sp.log(_mu_minus / (1 - p))
gap_point = p * sp.log(p) + (1 - p) * sp.log(1 - p)
