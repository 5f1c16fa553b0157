# Correct, written differently: the unrolled sum m[k] = (1-beta) sum_i beta^(k-1-i) g[i] built
# with a running tensor and torch.cat; formulas expanded.
# expect: q1_ema_tests=full
# expect: q1_formulas_tests=full
# %% q1_ema
def ema(g, beta):
    rows = [torch.zeros_like(g[:1].sum(0, keepdim=True)) if g.shape[0] else torch.zeros((1, *g.shape[1:]), dtype=g.dtype)]
    current = torch.zeros(g.shape[1:], dtype=g.dtype)
    for gk in g:
        current = current + (1 - beta) * (gk - current)
        rows.append(current.unsqueeze(0))
    return torch.cat(rows)
# %% q1_formulas
mean_mk = sp.expand((1 - beta**k) * mu)
var_mk = sp.expand(sigma**2 * (1 - beta) * (1 - beta**(2 * k)) / (1 + beta))
var_limit = sigma**2 / (1 + beta) - beta * sigma**2 / (1 + beta)
