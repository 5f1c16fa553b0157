# Mistake carried through consistently: the mean step without its (1 - beta), E[m^(k+1)] =
# beta M + mu, and the closed form that follows from it, mu (1 - beta^k)/(1 - beta). Both are
# wrong, but the induction from this student's own step to their own closed form holds, which
# earns its share (follow-through).
# expect: q1_ema_tests=full
# expect: q1_formulas_tests=partial
# expect: q1_steps_tests=partial
# fails: mean_is_debiased_by_one_minus_beta_to_the_k, formulas_describe_your_own_ema
# fails: mean_next_is_right, mean_limit_is_right
# %% q1_ema
def ema(g, beta):
    m = torch.zeros((g.shape[0] + 1, *g.shape[1:]), dtype=g.dtype)
    for step in range(g.shape[0]):
        m[step + 1] = beta * m[step] + (1 - beta) * g[step]
    return m
# %% q1_formulas
mean_mk = mu * (1 - beta**k) / (1 - beta)
var_mk = sigma**2 * (1 - beta) / (1 + beta) * (1 - beta**(2 * k))
var_limit = sigma**2 * (1 - beta) / (1 + beta)
# %% q1_steps
mean_next = beta * M + mu
var_next = beta**2 * V + (1 - beta)**2 * sigma**2
mean_limit = mu / (1 - beta)
