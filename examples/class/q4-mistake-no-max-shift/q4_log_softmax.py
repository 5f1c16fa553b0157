# The formula as written: exp(1e4) overflows to inf and exp(-1e4) underflows to 0, so large
# entries give nan/inf; moderate entries are fine.
# expect: q4_log_softmax_tests=partial
# %% q4_log_softmax
def log_softmax(z, dim=-1):
    return z - z.exp().sum(dim=dim, keepdim=True).log()
