# Mistake: C from the largest margin instead of the smallest one.
# expect: q3_loss_and_scale_tests=partial
# fails: scale_for_epsilon_reaches_eps, scale_for_epsilon_with_a_point_near_the_boundary
# fails: b_may_be_a_tensor
# %% q3_loss_and_scale
def logistic_loss(a, b, X, Y):
    margins = Y * (X @ a + b)
    return (torch.clamp(-margins, min=0) + torch.log1p(torch.exp(-margins.abs()))).sum()


def scale_for_epsilon(a, b, X, Y, eps):
    t = float((Y * (X @ a + b)).max())
    N = X.shape[0]
    return (max(-math.log(math.expm1(eps / N)), 0.0) + 1.0) / t
