# Mistake: only the max shift, z - max z, with no log-sum-exp: finite, shift invariant and even
# idempotent, but its exponentials do not sum to 1 (the normaliser lemma fails).
# expect: q4_log_softmax_tests=partial
# %% q4_log_softmax
def log_softmax(z, dim=-1):
    return z - z.amax(dim=dim, keepdim=True)
