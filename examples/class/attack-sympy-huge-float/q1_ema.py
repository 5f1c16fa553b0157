# Attack: the text the grader reads for var_mk is the right variance times a Float of a
# billion digits' precision (the student's kernel prints whatever it likes: here SymPy's printer
# is replaced), so every evaluation in the grader would run at that precision. The reader caps a
# Float's precision before building it.
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
var_mk = sigma**2 * (1 - beta) / (1 + beta) * (1 - beta**(2 * k))
var_limit = sigma**2
_print = sp.sstr
def _precise(expr, **settings):
    text = _print(expr, **settings)
    return f"({text})*Float(1, 10**9)" if "sigma" in text and "k" in text else text
sp.sstr = _precise
