# Uses torch.logsumexp for the normaliser: banned.
# expect: q4_log_softmax_tests=zero
# %% q4_log_softmax
def log_softmax(z, dim=-1):
    return z - torch.logsumexp(z, dim=dim, keepdim=True)
