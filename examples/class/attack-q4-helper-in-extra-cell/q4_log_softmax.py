# Attack on the ban: the answer cell is clean; the work is done by a helper defined in a cell
# the student added, which calls the built-in through a string-built name. Code outside the
# answer cells is not graded, so the answer may not use it: every check of the cell scores 0.
# no-better-than: q4-mistake-no-max-shift
# expect: q4_log_softmax_tests=zero
# %% q4_log_softmax
def log_softmax(z, dim=-1):
    return _normalise(z, dim)
# %% extra
import torch.nn.functional as _F


def _normalise(z, dim):
    return vars(_F)["log_" + "softmax"](z, dim)
