# Correct, written differently: the steps built from the variance of a sum of independent terms
# (Var(a X + b Y) = a^2 Var X + b^2 Var Y) and the mean's fixed point M = beta M + (1-beta) mu.
# expect: q1_ema_tests=full
# expect: q1_formulas_tests=full
# expect: q1_steps_tests=full
# %% q1_ema
def ema(g, beta):
    m = torch.zeros((g.shape[0] + 1, *g.shape[1:]), dtype=g.dtype)
    for step in range(g.shape[0]):
        m[step + 1] = beta * m[step] + (1 - beta) * g[step]
    return m
# %% q1_formulas
mean_mk = (1 - beta**k) * mu
var_mk = sigma**2 * (1 - beta) / (1 + beta) * (1 - beta**(2 * k))
var_limit = sigma**2 * (1 - beta) / (1 + beta)
# %% q1_steps
_a, _b = beta, 1 - beta
mean_next = _a * M + _b * mu
var_next = _a**2 * V + _b**2 * sigma**2
_fixed = sp.Symbol("x")
mean_limit = sp.solve(sp.Eq(_fixed, beta * _fixed + (1 - beta) * mu), _fixed)[0]
