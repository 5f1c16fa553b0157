# Mistake: everything converted to float64, so float32 logits give a float64 result (the spec:
# return the dtype of the logits). Values are right.
# expect: q2_objectives_tests=partial
# fails: objectives_keep_float32
# %% q2_objectives
def kl_objective(logits, Y):
    logits = logits.double()
    minus = (Y < 0).sum(dim=1).double() / Y.shape[1]
    plus = (Y > 0).sum(dim=1).double() / Y.shape[1]
    log_mu_minus = torch.nn.functional.logsigmoid(-logits)
    log_mu_plus = torch.nn.functional.logsigmoid(logits)
    return (torch.xlogy(minus, minus) - minus * log_mu_minus + torch.xlogy(plus, plus) - plus * log_mu_plus).mean()


def logistic_objective(logits, Y):
    return -torch.nn.functional.logsigmoid(Y.double() * logits.double()[:, None]).mean()


def objective_gap(Y):
    dtype = Y.dtype if Y.is_floating_point() else torch.float64
    minus = (Y < 0).sum(dim=1).to(dtype) / Y.shape[1]
    plus = (Y > 0).sum(dim=1).to(dtype) / Y.shape[1]
    return (torch.xlogy(minus, minus) + torch.xlogy(plus, plus)).mean()
