# Correct, written as SymPy sums: the mean and variance of m^k as unevaluated sp.Sum over the
# weights (1 - beta) beta^i, the limit as a sum to infinity. SymPy's doit() turns them into
# closed forms (one branch of the limit keeps an unevaluated Sum, which the grader reads).
# expect: q1_ema_tests=full
# expect: q1_formulas_tests=full
# %% q1_ema
def ema(g, beta):
    m = torch.zeros((g.shape[0] + 1, *g.shape[1:]), dtype=g.dtype)
    for step in range(g.shape[0]):
        m[step + 1] = beta * m[step] + (1 - beta) * g[step]
    return m
# %% q1_formulas
_i = sp.Symbol("i", integer=True, nonnegative=True)
mean_mk = sp.Sum((1 - beta) * beta**_i * mu, (_i, 0, k - 1))
var_mk = sp.Sum((1 - beta)**2 * beta**(2 * _i) * sigma**2, (_i, 0, k - 1))
var_limit = sp.Sum((1 - beta)**2 * beta**(2 * _i) * sigma**2, (_i, 0, sp.oo))
