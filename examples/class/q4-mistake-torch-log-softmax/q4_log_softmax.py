# Calls the built-in: banned, so every check scores 0 and names torch.log_softmax.
# expect: q4_log_softmax_tests=zero
# fails: matches_torch_along_the_last_dim, respects_every_dim, accurate_for_entries_near_1e4
# fails: accurate_when_entries_differ_by_1e4, keeps_the_dtype, normaliser_is_one, shift_invariant
# fails: is_idempotent, uses_only_elementary_operations
# %% q4_log_softmax
def log_softmax(z, dim=-1):
    return torch.log_softmax(z, dim=dim)
