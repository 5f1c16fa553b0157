# Alternative: m^k as a weighted sum of g^0..g^(k-1) (one matrix product), then divided.
# expect: hw1_debias_tests=full
# expect: hw1_debias_formulas_tests=full
# %% hw1_debias
def debiased_ema(g, beta):
    K = g.shape[0]
    steps = torch.arange(K, dtype=torch.float64)
    lags = steps[:, None] - steps[None, :]
    weights = torch.where(lags >= 0, (1 - beta) * beta ** lags.clamp(min=0), torch.zeros(()))
    weights = weights / (1 - beta ** (steps + 1))[:, None]
    return (weights.to(g.dtype) @ g.reshape(K, -1)).reshape(g.shape)
# %% hw1_debias_formulas
mean_mhat = mu
var_mhat = sigma**2 * (1 - beta) * (1 + beta**k) / ((1 + beta) * (1 - beta**k))
