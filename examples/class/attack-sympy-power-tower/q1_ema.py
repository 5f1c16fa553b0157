# Attack: var_mk carries a legal but unevaluated SymPy number tower, ((2**100)**100)**100, whose
# reading would compute a number of 10**8 digits in the grader. The reader estimates a power's
# size before computing it and refuses the answer.
# no-better-than: attack-baseline-wrong
# expect: q1_ema_tests=partial
# expect: q1_formulas_tests=less
# %% q1_ema
def ema(g, beta):
    m = torch.zeros((g.shape[0] + 1, *g.shape[1:]), dtype=g.dtype)
    for step in range(g.shape[0]):
        m[step + 1] = (1 - beta) * m[step] + beta * g[step]
    return m
# %% q1_formulas
mean_mk = mu
_tower = sp.Integer(2)
for _ in range(3):
    _tower = sp.Pow(_tower, 100, evaluate=False)
_zero = sp.Mul(0, _tower, evaluate=False)
var_mk = sp.Add(sigma**2 * (1 - beta) / (1 + beta) * (1 - beta**(2 * k)), _zero, evaluate=False)
var_limit = sigma**2
