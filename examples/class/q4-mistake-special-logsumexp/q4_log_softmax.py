# torch.special.logsumexp, an alias of torch.logsumexp: banned.
# expect: q4_log_softmax_tests=zero
# %% q4_log_softmax
def log_softmax(z, dim=-1):
    return z - torch.special.logsumexp(z, dim, keepdim=True)
