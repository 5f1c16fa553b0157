# Mistake (subtle): log(1 + e^{-z}) as clamp(-z, min=0) + log1p(e^{-|z|}). The values are right and
# finite, but autograd differentiates the two pieces separately: at z = 0 exactly (every logit 0,
# as after zero-initialising the last layer) it returns -1 instead of -1/2 for d/dz.
# expect: q2_objectives_tests=partial
# fails: kl_objective_gradient, logistic_objective_gradient
# %% q2_objectives
def _softplus_of_minus(z):
    return torch.clamp(-z, min=0) + torch.log1p(torch.exp(-z.abs()))


def kl_objective(logits, Y):
    minus = (Y < 0).sum(dim=1).to(logits.dtype) / Y.shape[1]
    plus = (Y > 0).sum(dim=1).to(logits.dtype) / Y.shape[1]
    # -log mu_- = softplus(f) = _softplus_of_minus(-f), -log mu_+ = _softplus_of_minus(f)
    return (torch.xlogy(minus, minus) + minus * _softplus_of_minus(-logits)
            + torch.xlogy(plus, plus) + plus * _softplus_of_minus(logits)).mean()


def logistic_objective(logits, Y):
    return _softplus_of_minus(Y.to(logits.dtype) * logits[:, None]).mean()


def objective_gap(Y):
    dtype = Y.dtype if Y.is_floating_point() else torch.float64
    minus = (Y < 0).sum(dim=1).to(dtype) / Y.shape[1]
    plus = (Y > 0).sum(dim=1).to(dtype) / Y.shape[1]
    return (torch.xlogy(minus, minus) + torch.xlogy(plus, plus)).mean()
