# Shifts by the max inside the log-sum-exp but forgets to add it back: off by the max.
# expect: q4_log_softmax_tests=partial
# %% q4_log_softmax
def log_softmax(z, dim=-1):
    m = z.amax(dim=dim, keepdim=True)
    return z - (z - m).exp().sum(dim=dim, keepdim=True).log()
