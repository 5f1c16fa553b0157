# Attack: an infinite loop that swallows the interrupt, after the answer: the cell times out,
# the interrupt is ignored, the kernel is restarted without that cell (so ema is lost) and the
# remaining cells and checks still run.
# no-better-than: attack-baseline-wrong
# expect: q1_ema_tests=zero
# expect: q1_formulas_tests=less
# %% q1_ema
def ema(g, beta):
    m = torch.zeros((g.shape[0] + 1, *g.shape[1:]), dtype=g.dtype)
    for step in range(g.shape[0]):
        m[step + 1] = (1 - beta) * m[step] + beta * g[step]
    return m
while True:
    try:
        while True:
            pass
    except BaseException:
        pass
# %% q1_formulas
mean_mk = mu
var_mk = sigma**2 * (1 - beta) / (1 + beta) * (1 - beta**(2 * k))
var_limit = sigma**2
