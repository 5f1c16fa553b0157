# Alternative: the whole EMA first, then one broadcast division by 1 - beta^k.
# expect: hw1_debias_tests=full
# expect: hw1_debias_formulas_tests=full
# %% hw1_debias
def debiased_ema(g, beta):
    m = torch.zeros_like(g)
    previous = torch.zeros_like(g[0]) if g.shape[0] else None
    for step in range(g.shape[0]):
        previous = beta * previous + (1 - beta) * g[step]
        m[step] = previous
    powers = beta ** torch.arange(1, g.shape[0] + 1, dtype=torch.float64)
    return m / (1 - powers).to(g.dtype).reshape(-1, *[1] * (g.dim() - 1))
# %% hw1_debias_formulas
mean_mhat = mu
var_mhat = sigma**2 * (1 - beta) / (1 + beta) * (1 - beta**(2 * k)) / (1 - beta**k)**2
