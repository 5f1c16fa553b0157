# Attack (NBGRADER_NOTES): os._exit kills the kernel, which in plain nbgrader leaves the whole
# submission ungraded and fails the run. Here the kernel is restarted without that cell: the
# rest is graded, the formulas (defined in the killing cell) score 0.
# no-better-than: attack-baseline-wrong
# expect: q1_ema_tests=less
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
import os
os._exit(0)
