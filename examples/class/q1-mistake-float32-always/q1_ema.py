# Mistake: always allocates float32, so float64 input loses precision and dtype.
# expect: q1_ema_tests=partial
# expect: q1_formulas_tests=full
# fails: ema_follows_the_recurrence, ema_handles_batch_dimensions, ema_keeps_the_dtype
# fails: ema_is_adams_first_moment
# %% q1_ema
def ema(g, beta):
    m = torch.zeros((g.shape[0] + 1, *g.shape[1:]))
    for step in range(g.shape[0]):
        m[step + 1] = beta * m[step] + (1 - beta) * g[step]
    return m
# %% q1_formulas
mean_mk = (1 - beta**k) * mu
var_mk = sigma**2 * (1 - beta) / (1 + beta) * (1 - beta**(2 * k))
var_limit = sigma**2 * (1 - beta) / (1 + beta)
