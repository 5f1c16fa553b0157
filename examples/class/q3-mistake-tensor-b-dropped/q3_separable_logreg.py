# Mistake: b used only when it is a Python float; a 0-d tensor b is silently replaced by 0 in
# the loss (the spec allows both). scale_for_epsilon is right.
# expect: q3_loss_and_scale_tests=partial
# fails: b_may_be_a_tensor
# %% q3_loss_and_scale
def logistic_loss(a, b, X, Y):
    z = Y * (X @ a + (b if isinstance(b, float) else 0.0))
    return torch.nn.functional.softplus(-z).sum()


def scale_for_epsilon(a, b, X, Y, eps):
    t = float((Y * (X @ a + b)).min())
    N = X.shape[0]
    return math.log(2 * N / eps) / t
