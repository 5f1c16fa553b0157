# The formula as written: exp(1e4) overflows to inf and exp(-1e4) underflows to 0, so large
# entries give nan/inf; moderate entries are fine.
# expect: q4_log_softmax_tests=partial
# fails: accurate_for_entries_near_1e4, accurate_when_entries_differ_by_1e4, normaliser_is_one
# fails: shift_invariant, is_idempotent
# %% q4_log_softmax
def log_softmax(z, dim=-1):
    return z - z.exp().sum(dim=dim, keepdim=True).log()
