# Mistake: log mu computed as log(sigmoid(f)): sigmoid(-1e4) rounds to 0, so the KL is inf/nan
# for large |logits|. Right for moderate logits.
# expect: q2_objectives_tests=partial
# fails: kl_objective_for_extreme_logits
# %% q2_objectives
def kl_objective(logits, Y):
    minus = (Y < 0).sum(dim=1).to(logits.dtype) / Y.shape[1]
    plus = (Y > 0).sum(dim=1).to(logits.dtype) / Y.shape[1]
    log_mu_minus = torch.log(torch.sigmoid(-logits))
    log_mu_plus = torch.log(torch.sigmoid(logits))
    return (torch.xlogy(minus, minus) - minus * log_mu_minus + torch.xlogy(plus, plus) - plus * log_mu_plus).mean()


def logistic_objective(logits, Y):
    return -torch.nn.functional.logsigmoid(Y.to(logits.dtype) * logits[:, None]).mean()


def objective_gap(Y):
    dtype = Y.dtype if Y.is_floating_point() else torch.float64
    minus = (Y < 0).sum(dim=1).to(dtype) / Y.shape[1]
    plus = (Y > 0).sum(dim=1).to(dtype) / Y.shape[1]
    return (torch.xlogy(minus, minus) + torch.xlogy(plus, plus)).mean()
