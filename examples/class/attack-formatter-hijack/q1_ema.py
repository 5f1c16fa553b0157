# Attack (NBGRADER_NOTES): a text/plain formatter that prints every float as the maximum score,
# plus an execute_result of 3.0 from the answer cell. Combined with wrong answers.
# no-better-than: attack-baseline-wrong
# expect: q1_ema_tests=less
# expect: q1_formulas_tests=less
# %% q1_ema
_formatter = get_ipython().display_formatter.formatters["text/plain"]
_formatter.for_type(float, lambda value, printer, cycle: printer.text("3.0"))
def ema(g, beta):
    m = torch.zeros((g.shape[0] + 1, *g.shape[1:]), dtype=g.dtype)
    for step in range(g.shape[0]):
        m[step + 1] = (1 - beta) * m[step] + beta * g[step]
    return m
3.0
# %% q1_formulas
mean_mk = mu
var_mk = sigma**2 * (1 - beta) / (1 + beta) * (1 - beta**(2 * k))
var_limit = sigma**2
