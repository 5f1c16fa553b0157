# Mistake: the textbook log(1 + exp(-z)): inf for margins far below 0, exactly 0 for margins
# above ~37 (contradicting part (b)). scale_for_epsilon is right.
# expect: q3_loss_and_scale_tests=partial
# fails: logistic_loss_finite_for_margins_down_to_minus_1e4, logistic_loss_never_rounds_to_zero
# %% q3_loss_and_scale
def logistic_loss(a, b, X, Y):
    return torch.log(1 + torch.exp(-Y * (X @ a + b))).sum()


def scale_for_epsilon(a, b, X, Y, eps):
    t = float((Y * (X @ a + b)).min())
    N = X.shape[0]
    return (max(-math.log(math.expm1(eps / N)), 0.0) + 1.0) / t
