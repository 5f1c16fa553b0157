# Mistake: only the max shift, z - max z, with no log-sum-exp: finite, shift invariant and even
# idempotent, but its exponentials do not sum to 1 (the normaliser lemma fails).
# expect: q4_log_softmax_tests=partial
# fails: matches_torch_along_the_last_dim, respects_every_dim, accurate_for_entries_near_1e4
# fails: accurate_when_entries_differ_by_1e4, keeps_the_dtype, normaliser_is_one
# %% q4_log_softmax
def log_softmax(z, dim=-1):
    return z - z.amax(dim=dim, keepdim=True)
