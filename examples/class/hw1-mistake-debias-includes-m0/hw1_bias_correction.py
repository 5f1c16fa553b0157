# Mistake: returns K + 1 rows, starting with m^0 (0/0 = nan).
# expect: hw1_debias_tests=zero
# expect: hw1_debias_formulas_tests=partial
# fails: debiased_ema_divides_by_one_minus_beta_to_the_k, debiased_ema_handles_batch_dimensions
# fails: debiased_ema_keeps_the_dtype, debiased_ema_is_adams_bias_corrected_first_moment
# fails: formulas_describe_your_own_debiased_ema
# %% hw1_debias
def debiased_ema(g, beta):
    mhat = torch.zeros((g.shape[0] + 1, *g.shape[1:]), dtype=g.dtype)
    m = torch.zeros_like(g[0]) if g.shape[0] else None
    mhat[0] = float("nan")
    for step in range(g.shape[0]):
        m = beta * m + (1 - beta) * g[step]
        mhat[step + 1] = m / (1 - beta ** (step + 1))
    return mhat
# %% hw1_debias_formulas
mean_mhat = mu
var_mhat = sigma**2 * (1 - beta) / (1 + beta) * (1 - beta**(2 * k)) / (1 - beta**k)**2
