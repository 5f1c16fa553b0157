# Mistake: 1 - beta^k instead of 1 - beta^(2k) in the variance (copied from the mean).
# expect: q1_ema_tests=full
# expect: q1_formulas_tests=partial
# fails: variance_formula, formulas_describe_your_own_ema
# %% q1_ema
def ema(g, beta):
    m = torch.zeros((g.shape[0] + 1, *g.shape[1:]), dtype=g.dtype)
    for step in range(g.shape[0]):
        m[step + 1] = beta * m[step] + (1 - beta) * g[step]
    return m
# %% q1_formulas
mean_mk = (1 - beta**k) * mu
var_mk = sigma**2 * (1 - beta) / (1 + beta) * (1 - beta**k)
var_limit = sigma**2 * (1 - beta) / (1 + beta)
