# Attack: var_mk is the right variance plus exp(-exp(exp(exp(exp(k + 10))))), a term too small
# to matter whose evaluation at any point never ends (big-number arithmetic a signal cannot
# interrupt). Every evaluation of student text runs in a child process the grader kills at its
# deadline, so var_mk costs its own points only.
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
_tiny = sp.exp(-sp.exp(sp.exp(sp.exp(sp.exp(k + 10)))))
var_mk = sigma**2 * (1 - beta) / (1 + beta) * (1 - beta**(2 * k)) + _tiny
var_limit = sigma**2
