# Mistake: returns the EMA m^k itself, and formulas consistent with it.
# expect: hw1_debias_tests=zero
# expect: hw1_debias_formulas_tests=partial
# fails: debiased_ema_divides_by_one_minus_beta_to_the_k, debiased_ema_handles_batch_dimensions
# fails: debiased_ema_keeps_the_dtype, debiased_ema_is_adams_bias_corrected_first_moment
# fails: mean_of_the_debiased_ema_is_mu, variance_of_the_debiased_ema
# fails: formulas_describe_your_own_debiased_ema
# %% hw1_debias
def debiased_ema(g, beta):
    mhat = torch.empty_like(g)
    m = torch.zeros_like(g[0]) if g.shape[0] else None
    for step in range(g.shape[0]):
        m = beta * m + (1 - beta) * g[step]
        mhat[step] = m
    return mhat
# %% hw1_debias_formulas
mean_mhat = (1 - beta**k) * mu
var_mhat = sigma**2 * (1 - beta) / (1 + beta) * (1 - beta**(2 * k))
