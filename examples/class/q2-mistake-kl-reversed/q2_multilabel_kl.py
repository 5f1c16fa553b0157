# Mistake: KL taken the wrong way round, D_KL(mu || P) (infinite on unanimous labels, and a
# different objective elsewhere). The logistic objective and the gap are right.
# expect: q2_objectives_tests=partial
# fails: kl_objective_is_the_mean_kl_divergence, kl_objective_gradient
# fails: kl_objective_for_extreme_logits, objectives_keep_float32, kl_minus_logistic_is_the_gap
# %% q2_objectives
def kl_objective(logits, Y):
    minus = (Y < 0).sum(dim=1).to(logits.dtype) / Y.shape[1]
    plus = (Y > 0).sum(dim=1).to(logits.dtype) / Y.shape[1]
    mu_minus, mu_plus = torch.sigmoid(-logits), torch.sigmoid(logits)
    return (mu_minus * (torch.log(mu_minus) - torch.log(minus)) + mu_plus * (torch.log(mu_plus) - torch.log(plus))).mean()


def logistic_objective(logits, Y):
    return -torch.nn.functional.logsigmoid(Y.to(logits.dtype) * logits[:, None]).mean()


def objective_gap(Y):
    dtype = Y.dtype if Y.is_floating_point() else torch.float64
    minus = (Y < 0).sum(dim=1).to(dtype) / Y.shape[1]
    plus = (Y > 0).sum(dim=1).to(dtype) / Y.shape[1]
    return (torch.xlogy(minus, minus) + torch.xlogy(plus, plus)).mean()
