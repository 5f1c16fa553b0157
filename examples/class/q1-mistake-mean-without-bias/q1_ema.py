# Mistake: E[m^k] = mu (the limit, not the biased mean), and the variance limit written as sigma^2.
# expect: q1_ema_tests=full
# expect: q1_formulas_tests=partial
# fails: mean_is_debiased_by_one_minus_beta_to_the_k, variance_limit, formulas_describe_your_own_ema
# %% q1_ema
def ema(g, beta):
    m = torch.zeros((g.shape[0] + 1, *g.shape[1:]), dtype=g.dtype)
    for step in range(g.shape[0]):
        m[step + 1] = beta * m[step] + (1 - beta) * g[step]
    return m
# %% q1_formulas
mean_mk = mu
var_mk = sigma**2 * (1 - beta) / (1 + beta) * (1 - beta**(2 * k))
var_limit = sigma**2
