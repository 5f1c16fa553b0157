# Hand-written for the inputs the grader happens to send, the built-in on a path they never
# reach (huge tensors): caught by reading the code, not by watching the calls.
# expect: q4_log_softmax_tests=less
# fails: uses_only_elementary_operations
# %% q4_log_softmax
def log_softmax(z, dim=-1):
    if z.numel() > 10**7:
        return torch.log_softmax(z, dim=dim)
    shifted = z - z.amax(dim=dim, keepdim=True)
    return shifted - shifted.exp().sum(dim=dim, keepdim=True).log()
