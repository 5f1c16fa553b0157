# Attack: wherever the grader's runtime in the kernel publishes a reply file, a FIFO is put in its
# place (os.replace is swapped for mkfifo), so a grader that opens it blocks forever waiting for
# a writer. The grader opens replies non-blocking and reads regular files only.
# no-better-than: attack-baseline-wrong
# expect: q1_ema_tests=less
# expect: q1_formulas_tests=less
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
# %% extra
import os as _os
_replace = _os.replace
def _plant_fifo(source, target, *args, **kwargs):
    if "reply-" in _os.path.basename(str(target)):
        _os.unlink(source)
        _os.mkfifo(target)
        return None
    return _replace(source, target, *args, **kwargs)
_os.replace = _plant_fifo
