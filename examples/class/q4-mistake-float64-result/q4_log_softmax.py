# Computes in float64 (fine) but forgets to cast back: float32 in gives float64 out.
# expect: q4_log_softmax_tests=partial
# fails: keeps_the_dtype
# %% q4_log_softmax
def log_softmax(z, dim=-1):
    x = z.double()
    shifted = x - x.amax(dim=dim, keepdim=True)
    return shifted - shifted.exp().sum(dim=dim, keepdim=True).log()
