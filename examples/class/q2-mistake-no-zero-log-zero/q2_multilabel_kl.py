# Mistake: P log(P / mu) without the convention 0 log 0 = 0: nan on every unanimous row, in the
# KL value and its gradient. The logistic objective and the gap are right.
# expect: q2_objectives_tests=partial
# fails: kl_objective_is_the_mean_kl_divergence, kl_objective_gradient
# fails: kl_objective_for_extreme_logits, objectives_keep_float32, kl_minus_logistic_is_the_gap
# %% q2_objectives
def kl_objective(logits, Y):
    minus = (Y < 0).sum(dim=1).to(logits.dtype) / Y.shape[1]
    plus = (Y > 0).sum(dim=1).to(logits.dtype) / Y.shape[1]
    log_mu_minus = torch.nn.functional.logsigmoid(-logits)
    log_mu_plus = torch.nn.functional.logsigmoid(logits)
    return (minus * (torch.log(minus) - log_mu_minus) + plus * (torch.log(plus) - log_mu_plus)).mean()


def logistic_objective(logits, Y):
    return -torch.nn.functional.logsigmoid(Y.to(logits.dtype) * logits[:, None]).mean()


def objective_gap(Y):
    dtype = Y.dtype if Y.is_floating_point() else torch.float64
    minus = (Y < 0).sum(dim=1).to(dtype) / Y.shape[1]
    plus = (Y > 0).sum(dim=1).to(dtype) / Y.shape[1]
    return (torch.xlogy(minus, minus) + torch.xlogy(plus, plus)).mean()
