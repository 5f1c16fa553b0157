# Correct, written differently: the loss as logaddexp(0, -z); C from log(1 + x) <= x:
# e^{-Ct} = eps/(2N) gives a loss <= eps/2.
# expect: q3_loss_and_scale_tests=full
# %% q3_loss_and_scale
def logistic_loss(a, b, X, Y):
    z = Y * (X @ a + b)
    return torch.logaddexp(torch.zeros_like(z), -z).sum()


def scale_for_epsilon(a, b, X, Y, eps):
    t = torch.min(Y * (X @ a + b)).item()
    return math.log(2 * len(Y) / eps) / t
