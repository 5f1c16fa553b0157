# Mistake: C chosen so that each term is below eps (e^{-Ct} = eps), forgetting that N terms add up.
# expect: q3_loss_and_scale_tests=partial
# fails: scale_for_epsilon_reaches_eps, b_may_be_a_tensor
# %% q3_loss_and_scale
def logistic_loss(a, b, X, Y):
    margins = Y * (X @ a + b)
    return (torch.clamp(-margins, min=0) + torch.log1p(torch.exp(-margins.abs()))).sum()


def scale_for_epsilon(a, b, X, Y, eps):
    t = float((Y * (X @ a + b)).min())
    return -math.log(eps) / t
