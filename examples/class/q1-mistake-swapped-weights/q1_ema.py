# Mistake: m[k+1] = (1-beta) m[k] + beta g[k] (weights swapped). Formulas right, so only the
# simulation check of the formulas (which uses this ema) fails in the second cell.
# expect: q1_ema_tests=partial
# expect: q1_formulas_tests=partial
# fails: ema_follows_the_recurrence, ema_handles_batch_dimensions, ema_keeps_the_dtype
# fails: ema_is_adams_first_moment, formulas_describe_your_own_ema
# %% q1_ema
def ema(g, beta):
    m = torch.zeros((g.shape[0] + 1, *g.shape[1:]), dtype=g.dtype)
    for step in range(g.shape[0]):
        m[step + 1] = (1 - beta) * m[step] + beta * g[step]
    return m
# %% q1_formulas
mean_mk = (1 - beta**k) * mu
var_mk = sigma**2 * (1 - beta) / (1 + beta) * (1 - beta**(2 * k))
var_limit = sigma**2 * (1 - beta) / (1 + beta)
