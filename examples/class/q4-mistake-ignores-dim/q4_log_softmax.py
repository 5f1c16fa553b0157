# Always normalises the last dimension, whatever `dim` says.
# expect: q4_log_softmax_tests=partial
# fails: respects_every_dim, accurate_for_entries_near_1e4, accurate_when_entries_differ_by_1e4
# fails: keeps_the_dtype, normaliser_is_one, shift_invariant
# %% q4_log_softmax
def log_softmax(z, dim=-1):
    shifted = z - z.amax(dim=-1, keepdim=True)
    return shifted - shifted.exp().sum(dim=-1, keepdim=True).log()
