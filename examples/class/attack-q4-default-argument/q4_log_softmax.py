# Attack on the ban: the built-in bound as a default argument, so the function's body names
# only `_f`. The default is read in the source: `.log_softmax` is banned.
# no-better-than: q4-mistake-no-max-shift
# expect: q4_log_softmax_tests=zero
# %% q4_log_softmax
def log_softmax(z, dim=-1, _f=torch.log_softmax):
    return _f(z, dim)
