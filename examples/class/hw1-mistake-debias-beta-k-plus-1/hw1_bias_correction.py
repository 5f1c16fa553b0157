# Mistake: bias correction with beta^(k+1) instead of beta^k.
# expect: hw1_debias_tests=zero
# expect: hw1_debias_formulas_tests=partial
# fails: debiased_ema_divides_by_one_minus_beta_to_the_k, debiased_ema_handles_batch_dimensions
# fails: debiased_ema_keeps_the_dtype, debiased_ema_is_adams_bias_corrected_first_moment
# fails: formulas_describe_your_own_debiased_ema
# %% hw1_debias
def debiased_ema(g, beta):
    mhat = torch.empty_like(g)
    m = torch.zeros_like(g[0]) if g.shape[0] else None
    for step in range(g.shape[0]):
        m = beta * m + (1 - beta) * g[step]
        mhat[step] = m / (1 - beta ** (step + 2))
    return mhat
# %% hw1_debias_formulas
mean_mhat = mu
var_mhat = sigma**2 * (1 - beta) / (1 + beta) * (1 - beta**(2 * k)) / (1 - beta**k)**2
