# Mistake: mean_mhat is the biased EMA's mean (1 - beta^k) mu.
# expect: hw1_debias_tests=full
# expect: hw1_debias_formulas_tests=partial
# fails: mean_of_the_debiased_ema_is_mu, formulas_describe_your_own_debiased_ema
# %% hw1_debias
def debiased_ema(g, beta):
    mhat = torch.empty_like(g)
    m = torch.zeros_like(g[0]) if g.shape[0] else None
    for step in range(g.shape[0]):
        m = beta * m + (1 - beta) * g[step]
        mhat[step] = m / (1 - beta ** (step + 1))
    return mhat
# %% hw1_debias_formulas
mean_mhat = (1 - beta**k) * mu
var_mhat = sigma**2 * (1 - beta) / (1 + beta) * (1 - beta**(2 * k)) / (1 - beta**k)**2
