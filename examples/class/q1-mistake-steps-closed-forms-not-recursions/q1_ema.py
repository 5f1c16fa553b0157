# Mistake: the closed forms at k + 1 given as the "steps" (no M, no V): they agree with the
# induction's conclusion but are not the recursion the proof needs; the limit is right.
# expect: q1_ema_tests=full
# expect: q1_formulas_tests=full
# expect: q1_steps_tests=partial
# fails: mean_next_is_right, var_next_is_right
# fails: your_mean_mk_follows_from_your_mean_next_by_induction
# fails: your_var_mk_follows_from_your_var_next_by_induction
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
mean_next = (1 - beta**(k + 1)) * mu
var_next = sigma**2 * (1 - beta) / (1 + beta) * (1 - beta**(2 * k + 2))
mean_limit = mu
