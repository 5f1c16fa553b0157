# Correct, written differently: move `dim` to the end, work on the last dimension with
# keepdim=True, move it back.
# expect: q4_log_softmax_tests=full
# %% q4_log_softmax
def log_softmax(z, dim=-1):
    last = z.movedim(dim, -1)
    m = last.max(dim=-1, keepdim=True).values
    lse = m + (last - m).exp().sum(dim=-1, keepdim=True).log()
    return (last - lse).movedim(-1, dim)
