# Correct, written differently: the KL objective computed through the theorem itself
# (logistic objective + gap), the logistic loss as a logsumexp over (0, -z), the gap from counts.
# expect: q2_objectives_tests=full
# %% q2_objectives
def logistic_objective(logits, Y):
    z = Y.to(logits.dtype) * logits[:, None]
    # log(1 + e^{-z}) = logsumexp(0, -z)
    return torch.logsumexp(torch.stack([torch.zeros_like(z), -z]), dim=0).mean()


def objective_gap(Y):
    n = Y.shape[1]
    dtype = Y.dtype if Y.is_floating_point() else torch.float64
    counts = torch.stack([(Y == -1).sum(1), (Y == 1).sum(1)], dim=1).to(dtype)
    p = counts / n
    plogp = torch.where(p > 0, p * torch.log(torch.where(p > 0, p, torch.ones_like(p))), torch.zeros_like(p))
    return plogp.sum(dim=1).mean()


def kl_objective(logits, Y):
    return logistic_objective(logits, Y) + objective_gap(Y).to(logits.dtype)
