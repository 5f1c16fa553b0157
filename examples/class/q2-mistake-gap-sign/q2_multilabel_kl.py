# Mistake: the gap is + the mean entropy (sign slip: KL = cross entropy - entropy).
# expect: q2_objectives_tests=partial
# fails: objective_gap_is_minus_the_mean_entropy, kl_minus_logistic_is_the_gap
# %% q2_objectives
def kl_objective(logits, Y):
    minus = (Y < 0).sum(dim=1).to(logits.dtype) / Y.shape[1]
    plus = (Y > 0).sum(dim=1).to(logits.dtype) / Y.shape[1]
    log_mu_minus = torch.nn.functional.logsigmoid(-logits)
    log_mu_plus = torch.nn.functional.logsigmoid(logits)
    return (torch.xlogy(minus, minus) - minus * log_mu_minus + torch.xlogy(plus, plus) - plus * log_mu_plus).mean()


def logistic_objective(logits, Y):
    return -torch.nn.functional.logsigmoid(Y.to(logits.dtype) * logits[:, None]).mean()


def objective_gap(Y):
    dtype = Y.dtype if Y.is_floating_point() else torch.float64
    minus = (Y < 0).sum(dim=1).to(dtype) / Y.shape[1]
    plus = (Y > 0).sum(dim=1).to(dtype) / Y.shape[1]
    return -(torch.xlogy(minus, minus) + torch.xlogy(plus, plus)).mean()
