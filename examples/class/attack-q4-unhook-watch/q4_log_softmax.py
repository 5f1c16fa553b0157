# Attack on the ban: switch the in-process watch off from inside the function (the profile hook
# and torch's mode stacks), call the built-in, and switch nothing back. Judged from the source
# first (sys is not an allowed import; `.log_softmax` is named).
# no-better-than: q4-mistake-no-max-shift
# expect: q4_log_softmax_tests=zero
# %% q4_log_softmax
import sys


def log_softmax(z, dim=-1):
    sys.setprofile(None)
    with torch._C.DisableTorchFunction():
        return torch.log_softmax(z, dim)
