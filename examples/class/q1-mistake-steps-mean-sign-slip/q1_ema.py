# Mistake: a sign slip in the mean step, E[m^(k+1)] = beta M - (1 - beta) mu; and the limit of
# the mean given as 0 (beta^k -> 0 applied to the wrong factor).
# expect: q1_ema_tests=full
# expect: q1_formulas_tests=full
# expect: q1_steps_tests=partial
# fails: mean_next_is_right, mean_limit_is_right
# fails: your_mean_mk_follows_from_your_mean_next_by_induction
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
mean_next = beta * M - (1 - beta) * mu
var_next = beta**2 * V + (1 - beta)**2 * sigma**2
mean_limit = 0
