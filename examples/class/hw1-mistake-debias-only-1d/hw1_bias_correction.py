# Mistake: works for 1-d g only (one number per step).
# expect: hw1_debias_tests=partial
# expect: hw1_debias_formulas_tests=partial
# fails: debiased_ema_handles_batch_dimensions, debiased_ema_keeps_the_dtype
# fails: debiased_ema_is_adams_bias_corrected_first_moment, formulas_describe_your_own_debiased_ema
# %% hw1_debias
def debiased_ema(g, beta):
    mhat = torch.empty(g.shape[0], dtype=g.dtype)
    m = 0.0
    for step in range(g.shape[0]):
        m = beta * m + (1 - beta) * g[step]
        mhat[step] = m / (1 - beta ** (step + 1))
    return mhat
# %% hw1_debias_formulas
mean_mhat = mu
var_mhat = sigma**2 * (1 - beta) / (1 + beta) * (1 - beta**(2 * k)) / (1 - beta**k)**2
