# Mistake: C = 1/eps, "large when eps is small", without looking at the data.
# expect: q3_loss_and_scale_tests=partial
# fails: scale_for_epsilon_reaches_eps, scale_for_epsilon_with_a_point_near_the_boundary
# %% q3_loss_and_scale
def logistic_loss(a, b, X, Y):
    margins = Y * (X @ a + b)
    return (torch.clamp(-margins, min=0) + torch.log1p(torch.exp(-margins.abs()))).sum()


def scale_for_epsilon(a, b, X, Y, eps):
    return 1.0 / eps
