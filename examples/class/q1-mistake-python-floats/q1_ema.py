# Mistake: returns a nested Python list instead of a tensor; the formulas are plain floats
# of one numeric example rather than SymPy expressions in the symbols.
# expect: q1_ema_tests=zero
# expect: q1_formulas_tests=zero
# %% q1_ema
def ema(g, beta):
    m = torch.zeros((g.shape[0] + 1, *g.shape[1:]), dtype=g.dtype)
    for step in range(g.shape[0]):
        m[step + 1] = beta * m[step] + (1 - beta) * g[step]
    return m.tolist()
# %% q1_formulas
mean_mk = 0.5
var_mk = 0.25
var_limit = 1 / 3
