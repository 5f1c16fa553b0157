# Correct, written differently: everything from mu(f) itself, -log of the sigmoid, and the KL
# as cross-entropy minus entropy with the entropy's terms written as log(q**q).
# expect: q2_steps_tests=full
# %% q2_steps
_mu_plus = 1 / (1 + sp.exp(-f))
_mu_minus = 1 - _mu_plus
nll_plus = -sp.log(_mu_plus)
nll_minus = -sp.log(_mu_minus)
gap_point = sp.log(p**p) + sp.log((1 - p)**(1 - p))
kl_point = -p * sp.log(_mu_plus) - (1 - p) * sp.log(_mu_minus) + gap_point
