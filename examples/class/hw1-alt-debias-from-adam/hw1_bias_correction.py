# Alternative: reads the bias-corrected first moment off torch.optim.Adam itself.
# expect: hw1_debias_tests=full
# expect: hw1_debias_formulas_tests=full
# %% hw1_debias
def debiased_ema(g, beta):
    p = torch.zeros_like(g[0], requires_grad=True) if g.shape[0] else None
    adam = torch.optim.Adam([p], lr=1e-3, betas=(beta, 0.999)) if p is not None else None
    rows = []
    for step in range(g.shape[0]):
        p.grad = g[step].clone()
        adam.step()
        rows.append(adam.state[p]["exp_avg"] / (1 - beta ** (step + 1)))
    return torch.stack(rows) if rows else g.clone()
# %% hw1_debias_formulas
mean_mhat = mu * (1 - beta**k) / (1 - beta**k)
var_mhat = sigma**2 * (1 - beta)**2 * (1 - beta**(2 * k)) / ((1 - beta**2) * (1 - beta**k)**2)
