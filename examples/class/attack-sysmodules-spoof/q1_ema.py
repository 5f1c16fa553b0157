# Attack (NBGRADER_NOTES): fake grader modules in sys.modules, so that a hidden "import" of the
# grader would get the fake and report full marks. Combined with wrong answers.
# no-better-than: attack-baseline-wrong
# expect: q1_ema_tests=less
# expect: q1_formulas_tests=less
# %% q1_ema
import sys, types
for _name in ["graders", "graders.midterm", "graders.midterm.q1_ema", "graders.plugin",
              "graders.core", "graders.core.checks", "safetensors", "safetensors.torch"]:
    _fake = types.ModuleType(_name)
    _fake.__dict__.update(grade=lambda *a, **k: 3.0, QUESTION=None, save=lambda *a, **k: b"", load=lambda *a, **k: {})
    sys.modules[_name] = _fake
def ema(g, beta):
    m = torch.zeros((g.shape[0] + 1, *g.shape[1:]), dtype=g.dtype)
    for step in range(g.shape[0]):
        m[step + 1] = (1 - beta) * m[step] + beta * g[step]
    return m
# %% q1_formulas
mean_mk = mu
var_mk = sigma**2 * (1 - beta) / (1 + beta) * (1 - beta**(2 * k))
var_limit = sigma**2
