# Mistake: the seed's construction taken literally: C with e^{-Ct} = e^{eps/N} - 1, i.e.
# C = -log(e^{eps/N} - 1)/t, which is negative once eps/N > log 2 (N = 1, eps = 0.9).
# expect: q3_loss_and_scale_tests=partial
# fails: scale_for_epsilon_reaches_eps
# %% q3_loss_and_scale
def logistic_loss(a, b, X, Y):
    margins = Y * (X @ a + b)
    return (torch.clamp(-margins, min=0) + torch.log1p(torch.exp(-margins.abs()))).sum()


def scale_for_epsilon(a, b, X, Y, eps):
    t = float((Y * (X @ a + b)).min())
    N = X.shape[0]
    return -math.log(math.expm1(eps / N)) / t
