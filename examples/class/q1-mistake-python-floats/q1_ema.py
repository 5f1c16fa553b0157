# Mistake: returns a nested Python list instead of a tensor; the formulas are plain floats
# of one numeric example rather than SymPy expressions in the symbols.
# expect: q1_ema_tests=zero
# expect: q1_formulas_tests=zero
# fails: ema_follows_the_recurrence, ema_handles_batch_dimensions, ema_of_no_steps_is_zero
# fails: ema_keeps_the_dtype, ema_is_adams_first_moment
# fails: mean_is_debiased_by_one_minus_beta_to_the_k, variance_formula, variance_limit
# fails: formulas_describe_your_own_ema
# %% q1_ema
def ema(g, beta):
    m = torch.zeros((g.shape[0] + 1, *g.shape[1:]), dtype=g.dtype)
    for step in range(g.shape[0]):
        m[step + 1] = beta * m[step] + (1 - beta) * g[step]
    return m.tolist()
# %% q1_formulas
mean_mk = 0.5
var_mk = 0.25
var_limit = 1 / 3
