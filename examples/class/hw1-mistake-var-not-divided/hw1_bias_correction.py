# Mistake: var_mhat is the EMA's variance (the divisor (1 - beta^k)^2 forgotten).
# expect: hw1_debias_tests=full
# expect: hw1_debias_formulas_tests=partial
# fails: variance_of_the_debiased_ema, formulas_describe_your_own_debiased_ema
# %% hw1_debias
def debiased_ema(g, beta):
    mhat = torch.empty_like(g)
    m = torch.zeros_like(g[0]) if g.shape[0] else None
    for step in range(g.shape[0]):
        m = beta * m + (1 - beta) * g[step]
        mhat[step] = m / (1 - beta ** (step + 1))
    return mhat
# %% hw1_debias_formulas
mean_mhat = mu
var_mhat = sigma**2 * (1 - beta) / (1 + beta) * (1 - beta**(2 * k))
