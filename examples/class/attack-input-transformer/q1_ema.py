# Attack (NBGRADER_NOTES): an IPython input transformer that blanks every later cell, so hidden
# tests never run and score full. Here it only blanks what the grader sends: nothing is checked.
# no-better-than: attack-baseline-wrong
# expect: q1_ema_tests=zero
# expect: q1_formulas_tests=zero
# %% q1_ema
def ema(g, beta):
    m = torch.zeros((g.shape[0] + 1, *g.shape[1:]), dtype=g.dtype)
    for step in range(g.shape[0]):
        m[step + 1] = (1 - beta) * m[step] + beta * g[step]
    return m
# %% q1_formulas
mean_mk = mu
var_mk = sigma**2 * (1 - beta) / (1 + beta) * (1 - beta**(2 * k))
var_limit = sigma**2
get_ipython().input_transformers_post.append(lambda lines: ["pass\n"])
