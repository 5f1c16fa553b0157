# Attack: files named like libraries beside the notebook (files/: torch.py, numpy.py, graders.py).
# The working directory comes first on the kernel's sys.path, so the notebook's "import torch"
# gets torch.py, which loads the real torch and makes its comparisons always say "equal" (numpy.py
# only counts if numpy was not imported yet: torch imports it);
# graders.py claims full marks if anything imports it. The grader runs in its own process.
# no-better-than: attack-baseline-wrong
# expect: q1_ema_tests=less
# expect: q1_formulas_tests=less
# %% q1_ema
import numpy
import graders
def ema(g, beta):
    m = torch.zeros((g.shape[0] + 1, *g.shape[1:]), dtype=g.dtype)
    for step in range(g.shape[0]):
        m[step + 1] = (1 - beta) * m[step] + beta * g[step]
    return m
# %% q1_formulas
mean_mk = mu
var_mk = sigma**2 * (1 - beta) / (1 + beta) * (1 - beta**(2 * k))
var_limit = sigma**2
