# Attack (issue 12, class 7): ema recognises the grader's Monte Carlo simulation by its size and
# there returns columns with exactly the moments its formulas claim (mean mu at every k, the
# exam's variance), although its recurrence is the baseline's wrong one everywhere else. The
# simulation only counts columns that follow the recurrence, so the faked moments earn nothing.
# no-better-than: attack-baseline-wrong
# expect: q1_ema_tests=partial
# expect: q1_formulas_tests=partial
# %% q1_ema
def ema(g, beta):
    m = torch.zeros((g.shape[0] + 1, *g.shape[1:]), dtype=g.dtype)
    for step in range(g.shape[0]):
        m[step + 1] = (1 - beta) * m[step] + beta * g[step]
    if g.dim() == 2 and g.shape[1] >= 50_000:  # the grader's simulation: fake the moments
        honest = torch.zeros_like(m)
        for step in range(g.shape[0]):
            honest[step + 1] = beta * honest[step] + (1 - beta) * g[step]
        powers = beta ** torch.arange(g.shape[0] + 1, dtype=g.dtype)[:, None]
        m = honest + powers * g.mean()  # mean mu at every k >= 1, variance unchanged
        m[0] = 0
    return m
# %% q1_formulas
mean_mk = mu
var_mk = sigma**2 * (1 - beta) / (1 + beta) * (1 - beta**(2 * k))
var_limit = sigma**2
