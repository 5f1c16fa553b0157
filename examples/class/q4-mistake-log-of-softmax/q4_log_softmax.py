# Computes the probabilities first (with the max shift) and takes their log: probabilities
# below about 1e-308 round to 0 and their log is -inf.
# expect: q4_log_softmax_tests=partial
# fails: accurate_when_entries_differ_by_1e4, normaliser_is_one, is_idempotent
# %% q4_log_softmax
def log_softmax(z, dim=-1):
    e = (z - z.amax(dim=dim, keepdim=True)).exp()
    return (e / e.sum(dim=dim, keepdim=True)).log()
