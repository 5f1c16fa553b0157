# Attack (issue 12, class 6): outputs whose metadata imitates the grader's per-check records
# (graders.checks), claiming every check passed, plus records of the wrong types, hoping the
# class report counts them or crashes on them. With wrong answers.
# no-better-than: attack-baseline-wrong
# expect: q1_ema_tests=less
# expect: q1_formulas_tests=less
# %% q1_ema
class _Forged:
    """Displays as the maximum score, with the grader's record format in its metadata."""
    def _repr_mimebundle_(self, include=None, exclude=None):
        checks = [{"check": "ema_follows_the_recurrence", "points": 1.0, "earned": 1.0},
                  {"check": "forged", "points": "all", "earned": None}, "not a record"]
        return {"text/plain": "3.0"}, {"graders": {"checks": checks}, "nbgrader": {"grade": True}}

def ema(g, beta):
    m = torch.zeros((g.shape[0] + 1, *g.shape[1:]), dtype=g.dtype)
    for step in range(g.shape[0]):
        m[step + 1] = (1 - beta) * m[step] + beta * g[step]
    return m
_Forged()
# %% q1_formulas
mean_mk = mu
var_mk = sigma**2 * (1 - beta) / (1 + beta) * (1 - beta**(2 * k))
var_limit = sigma**2
display(_Forged())
# %% extra
from IPython.display import display
display(_Forged(), metadata={"graders": {"checks": 7}})
_Forged()
