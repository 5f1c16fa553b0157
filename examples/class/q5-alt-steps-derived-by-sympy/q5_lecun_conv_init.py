# Alternative: the steps computed with SymPy (a sum over the 9 C_in window terms, solve for sigma_w^2).
# expect: q5_steps_tests=full
# %% q5_steps
_q = sp.Symbol("q", integer=True, positive=True)
_v = sp.Symbol("v", positive=True)
mean_output = sp.expand(sigma_w * 0 + sigma_b * 0)
conditional_second_moment = sp.Sum(sigma_w**2 * S / (9 * C_in), (_q, 1, 9 * C_in)).doit() + sigma_b**2
lecun_variance = sp.solve(sp.Eq(9 * C_in * _v, 1), _v)[0]
