# Attack: flood the output: 100 MiB printed by the answer cell, and 1 MiB more on every call
# the grader makes (the grader drains and drops what the kernel prints while it checks).
# no-better-than: attack-baseline-wrong
# expect: q1_ema_tests=less
# expect: q1_formulas_tests=less
# %% q1_ema
def ema(g, beta):
    print("y" * 2**20)
    m = torch.zeros((g.shape[0] + 1, *g.shape[1:]), dtype=g.dtype)
    for step in range(g.shape[0]):
        m[step + 1] = (1 - beta) * m[step] + beta * g[step]
    return m
for _ in range(100):
    print("x" * 2**20, flush=True)
# %% q1_formulas
mean_mk = mu
var_mk = sigma**2 * (1 - beta) / (1 + beta) * (1 - beta**(2 * k))
var_limit = sigma**2
