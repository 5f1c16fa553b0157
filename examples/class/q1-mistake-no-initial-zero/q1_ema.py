# Mistake: returns only m[1..K] (shape (K, *batch)), forgetting m[0] = 0. Formulas right.
# expect: q1_ema_tests=zero
# expect: q1_formulas_tests=partial
# fails: ema_follows_the_recurrence, ema_handles_batch_dimensions, ema_of_no_steps_is_zero
# fails: ema_keeps_the_dtype, ema_is_adams_first_moment, formulas_describe_your_own_ema
# %% q1_ema
def ema(g, beta):
    out, m = [], torch.zeros(g.shape[1:], dtype=g.dtype)
    for gk in g:
        m = beta * m + (1 - beta) * gk
        out.append(m)
    return torch.stack(out) if out else torch.zeros((0, *g.shape[1:]), dtype=g.dtype)
# %% q1_formulas
mean_mk = (1 - beta**k) * mu
var_mk = sigma**2 * (1 - beta) / (1 + beta) * (1 - beta**(2 * k))
var_limit = sigma**2 * (1 - beta) / (1 + beta)
