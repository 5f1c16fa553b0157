# Right formula, wrong default: dim=0 instead of dim=-1 (torch's functions use the last dim).
# expect: q4_log_softmax_tests=partial
# fails: matches_torch_along_the_last_dim, accurate_for_entries_near_1e4
# fails: accurate_when_entries_differ_by_1e4
# %% q4_log_softmax
def log_softmax(z, dim=0):
    shifted = z - z.amax(dim=dim, keepdim=True)
    return shifted - shifted.exp().sum(dim=dim, keepdim=True).log()
