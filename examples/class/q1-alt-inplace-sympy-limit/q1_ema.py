# Correct, written differently: in-place update of a preallocated buffer with torch.lerp; the
# formulas from SymPy's own summation and a limit taken with the substitution beta = 1/(1+t).
# expect: q1_ema_tests=full
# expect: q1_formulas_tests=full
# %% q1_ema
def ema(g, beta):
    m = g.new_zeros((g.shape[0] + 1,) + tuple(g.shape[1:]))
    for step in range(g.shape[0]):
        m[step + 1] = torch.lerp(m[step], g[step], 1 - beta)
    return m
# %% q1_formulas
_i = sp.Symbol("i", integer=True, nonnegative=True)
mean_mk = sp.simplify((1 - beta) * mu * sp.summation(beta**_i, (_i, 0, k - 1)))
var_mk = sp.simplify((1 - beta)**2 * sigma**2 * sp.summation(beta**(2 * _i), (_i, 0, k - 1)))
_t = sp.Symbol("t", positive=True)
var_limit = sp.simplify(sp.limit(var_mk.subs(beta, 1 / (1 + _t)), k, sp.oo).subs(_t, 1 / beta - 1))
