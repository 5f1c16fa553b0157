# Mistake: the share of +1 labels taken as the mean of Y, as if labels were 0/1 (for +/-1 labels
# it is 2 * share - 1). Affects the KL and the gap; the logistic objective is right.
# expect: q2_objectives_tests=partial
# fails: kl_objective_is_the_mean_kl_divergence, kl_objective_gradient
# fails: kl_objective_for_extreme_logits, objectives_keep_float32
# fails: objective_gap_is_minus_the_mean_entropy, kl_minus_logistic_is_the_gap
# %% q2_objectives
def kl_objective(logits, Y):
    plus = Y.to(logits.dtype).mean(dim=1)
    minus = 1 - plus
    log_mu_minus = torch.nn.functional.logsigmoid(-logits)
    log_mu_plus = torch.nn.functional.logsigmoid(logits)
    return (torch.xlogy(minus, minus) - minus * log_mu_minus + torch.xlogy(plus, plus) - plus * log_mu_plus).mean()


def logistic_objective(logits, Y):
    return -torch.nn.functional.logsigmoid(Y.to(logits.dtype) * logits[:, None]).mean()


def objective_gap(Y):
    plus = Y.to(torch.float64).mean(dim=1)
    minus = 1 - plus
    return (torch.xlogy(minus, minus) + torch.xlogy(plus, plus)).mean()
