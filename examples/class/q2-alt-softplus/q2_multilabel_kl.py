# Correct, written differently: softplus for the logistic loss, log mu via logaddexp, entropy via
# torch.special.entr, shares from the mean of (Y + 1)/2.
# expect: q2_objectives_tests=full
# %% q2_objectives
def _shares(Y, dtype):
    plus = ((Y.to(dtype) + 1) / 2).mean(dim=1)
    minus = ((1 - Y.to(dtype)) / 2).mean(dim=1)
    return torch.stack([minus, plus], dim=1)


def kl_objective(logits, Y):
    P = _shares(Y, logits.dtype)
    zero = torch.zeros_like(logits)
    # log mu_- = -log(1 + e^f), log mu_+ = -log(1 + e^-f)
    log_mu = -torch.stack([torch.logaddexp(zero, logits), torch.logaddexp(zero, -logits)], dim=1)
    return (torch.special.entr(P).sum(dim=1).neg() - (P * log_mu).sum(dim=1)).mean()


def logistic_objective(logits, Y):
    return torch.nn.functional.softplus(-Y.to(logits.dtype) * logits.unsqueeze(1)).mean()


def objective_gap(Y):
    dtype = Y.dtype if Y.is_floating_point() else torch.float64
    return -torch.special.entr(_shares(Y, dtype)).sum(dim=1).mean()
