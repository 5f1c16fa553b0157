# Mistake: the mean off by one step, (1 - beta^(k+1)) mu, and the variance with 1 - beta^k: the
# right recursions carry them from k to k + 1 (mean) but the base case E[m^0] = 0 fails, and the
# variance's induction step fails.
# expect: q1_ema_tests=full
# expect: q1_formulas_tests=partial
# expect: q1_steps_tests=partial
# fails: mean_is_debiased_by_one_minus_beta_to_the_k, variance_formula
# fails: formulas_describe_your_own_ema, your_mean_mk_follows_from_your_mean_next_by_induction
# fails: your_var_mk_follows_from_your_var_next_by_induction
# %% q1_ema
def ema(g, beta):
    m = torch.zeros((g.shape[0] + 1, *g.shape[1:]), dtype=g.dtype)
    for step in range(g.shape[0]):
        m[step + 1] = beta * m[step] + (1 - beta) * g[step]
    return m
# %% q1_formulas
mean_mk = (1 - beta**(k + 1)) * mu
var_mk = sigma**2 * (1 - beta) / (1 + beta) * (1 - beta**k)
var_limit = sigma**2 * (1 - beta) / (1 + beta)
# %% q1_steps
mean_next = beta * M + (1 - beta) * mu
var_next = beta**2 * V + (1 - beta)**2 * sigma**2
mean_limit = mu
