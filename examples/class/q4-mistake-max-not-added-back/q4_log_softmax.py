# Shifts by the max inside the log-sum-exp but forgets to add it back: off by the max.
# expect: q4_log_softmax_tests=partial
# fails: matches_torch_along_the_last_dim, respects_every_dim, accurate_for_entries_near_1e4
# fails: accurate_when_entries_differ_by_1e4, keeps_the_dtype, normaliser_is_one, shift_invariant
# fails: is_idempotent
# %% q4_log_softmax
def log_softmax(z, dim=-1):
    m = z.amax(dim=dim, keepdim=True)
    return z - (z - m).exp().sum(dim=dim, keepdim=True).log()
