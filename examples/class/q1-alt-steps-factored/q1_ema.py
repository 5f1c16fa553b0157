# Correct, written differently: the mean step as "M moves toward mu by 1 - beta", the variance
# step as a sum of squared scaled deviations, the limit as a Piecewise on beta < 1; the formulas
# in the unrolled geometric-sum form.
# expect: q1_ema_tests=full
# expect: q1_formulas_tests=full
# expect: q1_steps_tests=full
# %% q1_ema
def ema(g, beta):
    m = torch.zeros((g.shape[0] + 1, *g.shape[1:]), dtype=g.dtype)
    for step in range(g.shape[0]):
        m[step + 1] = beta * m[step] + (1 - beta) * g[step]
    return m
# %% q1_formulas
mean_mk = (1 - beta) * mu * (1 - beta**k) / (1 - beta)
var_mk = (1 - beta)**2 * sigma**2 * (1 - beta**(2 * k)) / (1 - beta**2)
var_limit = (1 - beta)**2 * sigma**2 / (1 - beta**2)
# %% q1_steps
mean_next = M + (1 - beta) * (mu - M)
var_next = (beta * sp.sqrt(V))**2 + ((1 - beta) * sigma)**2
mean_limit = sp.Piecewise((mu, beta < 1), (0, True))
