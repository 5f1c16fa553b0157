# Correct, written differently: the recursions expanded into sums of monomials.
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
mean_next = sp.expand(beta * M + mu - beta * mu)
var_next = sp.expand(beta**2 * V + sigma**2 - 2 * beta * sigma**2 + beta**2 * sigma**2)
mean_limit = sp.expand((1 - 0) * mu)
