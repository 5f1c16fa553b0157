# Correct, written differently: a Python loop over the slices along `dim` (max, then the
# shifted log-sum-exp accumulated slice by slice), no keepdim at all. Slower, same values.
# expect: q4_log_softmax_tests=full
# %% q4_log_softmax
def log_softmax(z, dim=-1):
    slices = z.unbind(dim)
    biggest = slices[0]
    for s in slices[1:]:
        biggest = torch.maximum(biggest, s)
    total = torch.zeros_like(biggest)
    for s in slices:
        total = total + torch.exp(s - biggest)
    normaliser = biggest + torch.log(total)
    return torch.stack([s - normaliser for s in slices], dim=dim)
