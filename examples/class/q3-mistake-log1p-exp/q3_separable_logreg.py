# Mistake: log1p(exp(-z)): accurate for large margins, but exp(1e4) overflows to inf.
# expect: q3_loss_and_scale_tests=partial
# fails: logistic_loss_finite_for_margins_down_to_minus_1e4
# %% q3_loss_and_scale
def logistic_loss(a, b, X, Y):
    return torch.log1p(torch.exp(-Y * (X @ a + b))).sum()


def scale_for_epsilon(a, b, X, Y, eps):
    t = float((Y * (X @ a + b)).min())
    N = X.shape[0]
    return (max(-math.log(math.expm1(eps / N)), 0.0) + 1.0) / t
