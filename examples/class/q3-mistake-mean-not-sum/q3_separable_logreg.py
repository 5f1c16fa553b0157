# Mistake: the mean of the losses instead of their sum (the question's objective is a sum).
# expect: q3_loss_and_scale_tests=partial
# fails: logistic_loss_matches_the_exact_value, logistic_loss_finite_for_margins_down_to_minus_1e4
# fails: logistic_loss_never_rounds_to_zero, b_may_be_a_tensor
# %% q3_loss_and_scale
def logistic_loss(a, b, X, Y):
    margins = Y * (X @ a + b)
    return (torch.clamp(-margins, min=0) + torch.log1p(torch.exp(-margins.abs()))).mean()


def scale_for_epsilon(a, b, X, Y, eps):
    t = float((Y * (X @ a + b)).min())
    N = X.shape[0]
    return (max(-math.log(math.expm1(eps / N)), 0.0) + 1.0) / t
