# Correct, written differently: computed in float64 whatever the input, with the largest term
# (exactly 1 after the shift) taken out of the sum and log1p for the rest, then cast back.
# expect: q4_log_softmax_tests=full
# %% q4_log_softmax
def log_softmax(z, dim=-1):
    x = z.to(torch.float64)
    shifted = x - x.amax(dim=dim, keepdim=True)
    rest = shifted.exp().sum(dim=dim, keepdim=True) - 1.0
    return (shifted - torch.log1p(rest)).to(z.dtype)
