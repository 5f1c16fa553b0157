# Correct, written differently: ema as a weighted sum (a lower-triangular matrix of powers of
# beta, computed in float64), formulas in other algebraic forms.
# expect: q1_ema_tests=full
# expect: q1_formulas_tests=full
# %% q1_ema
def ema(g, beta):
    K = g.shape[0]
    steps = torch.arange(K + 1, dtype=torch.float64).unsqueeze(1)
    lags = torch.arange(K, dtype=torch.float64).unsqueeze(0)
    exponent = steps - 1 - lags
    weights = torch.where(exponent >= 0, (1 - beta) * beta ** exponent.clamp(min=0), torch.zeros(()))
    flat = g.reshape(K, math.prod(g.shape[1:])).to(torch.float64)
    return (weights @ flat).reshape(K + 1, *g.shape[1:]).to(g.dtype)
# %% q1_formulas
mean_mk = mu - mu * beta**k
var_mk = sigma**2 * (1 - beta)**2 * (1 - beta**(2 * k)) / (1 - beta**2)
var_limit = sigma**2 * (1 - beta)**2 / (1 - beta**2)
