# Mistake: works only for 1-d g (builds a Python list of floats), so batch dimensions fail.
# expect: q1_ema_tests=partial
# expect: q1_formulas_tests=less
# fails: ema_handles_batch_dimensions, ema_of_no_steps_is_zero, ema_keeps_the_dtype
# fails: ema_is_adams_first_moment, formulas_describe_your_own_ema
# %% q1_ema
def ema(g, beta):
    values = [0.0]
    for gk in g.tolist():
        values.append(beta * values[-1] + (1 - beta) * gk)
    return torch.tensor(values, dtype=g.dtype)
# %% q1_formulas
mean_mk = (1 - beta**k) * mu
var_mk = sigma**2 * (1 - beta) / (1 + beta) * (1 - beta**(2 * k))
var_limit = sigma**2 * (1 - beta) / (1 + beta)
