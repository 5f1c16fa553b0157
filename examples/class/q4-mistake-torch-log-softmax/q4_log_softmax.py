# Calls the built-in: banned, so every check scores 0 and names torch.log_softmax.
# expect: q4_log_softmax_tests=zero
# %% q4_log_softmax
def log_softmax(z, dim=-1):
    return torch.log_softmax(z, dim=dim)
