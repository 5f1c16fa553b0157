# Mistake: the logistic objective computed in NumPy and wrapped back in a tensor: the values are
# right, but nothing can be differentiated through it.
# expect: q2_objectives_tests=partial
# fails: logistic_objective_gradient, logistic_objective_for_extreme_logits
# %% q2_objectives
import numpy as np

def kl_objective(logits, Y):
    minus = (Y < 0).sum(dim=1).to(logits.dtype) / Y.shape[1]
    plus = (Y > 0).sum(dim=1).to(logits.dtype) / Y.shape[1]
    log_mu_minus = torch.nn.functional.logsigmoid(-logits)
    log_mu_plus = torch.nn.functional.logsigmoid(logits)
    return (torch.xlogy(minus, minus) - minus * log_mu_minus + torch.xlogy(plus, plus) - plus * log_mu_plus).mean()


def logistic_objective(logits, Y):
    z = Y.detach().numpy().astype(np.float64) * logits.detach().numpy()[:, None]
    return torch.tensor(np.logaddexp(0.0, -z).mean(), dtype=logits.dtype)


def objective_gap(Y):
    dtype = Y.dtype if Y.is_floating_point() else torch.float64
    minus = (Y < 0).sum(dim=1).to(dtype) / Y.shape[1]
    plus = (Y > 0).sum(dim=1).to(dtype) / Y.shape[1]
    return (torch.xlogy(minus, minus) + torch.xlogy(plus, plus)).mean()
