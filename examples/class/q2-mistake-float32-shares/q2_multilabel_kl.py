# Mistake: the label shares computed with .float() (float32) inside a float64 computation: values
# agree to ~7 digits only, not to float64 accuracy. The logistic objective is right.
# expect: q2_objectives_tests=partial
# fails: kl_objective_is_the_mean_kl_divergence, kl_objective_gradient
# fails: objective_gap_is_minus_the_mean_entropy, kl_minus_logistic_is_the_gap
# %% q2_objectives
def kl_objective(logits, Y):
    plus = (Y > 0).float().mean(dim=1)
    minus = (Y < 0).float().mean(dim=1)
    log_mu_minus = torch.nn.functional.logsigmoid(-logits)
    log_mu_plus = torch.nn.functional.logsigmoid(logits)
    return (torch.xlogy(minus, minus) - minus * log_mu_minus + torch.xlogy(plus, plus) - plus * log_mu_plus).mean()


def logistic_objective(logits, Y):
    return -torch.nn.functional.logsigmoid(Y.to(logits.dtype) * logits[:, None]).mean()


def objective_gap(Y):
    plus = (Y > 0).float().mean(dim=1)
    minus = (Y < 0).float().mean(dim=1)
    return (torch.xlogy(minus, minus) + torch.xlogy(plus, plus)).mean()
