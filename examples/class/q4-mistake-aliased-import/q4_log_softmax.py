# The built-in under another name: `from torch.nn.functional import log_softmax as f`.
# expect: q4_log_softmax_tests=zero
# %% q4_log_softmax
from torch.nn.functional import log_softmax as f

def log_softmax(z, dim=-1):
    return f(z, dim)
