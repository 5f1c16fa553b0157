# Always normalises the last dimension, whatever `dim` says.
# expect: q4_log_softmax_tests=partial
# %% q4_log_softmax
def log_softmax(z, dim=-1):
    shifted = z - z.amax(dim=-1, keepdim=True)
    return shifted - shifted.exp().sum(dim=-1, keepdim=True).log()
