# Mistake: the max trick with log instead of log1p: finite everywhere, but 1 + e^{-|z|} rounds
# to 1 for |z| > 37, so the loss is exactly 0 on well-separated data (part (b) broken).
# expect: q3_loss_and_scale_tests=partial
# fails: logistic_loss_never_rounds_to_zero
# %% q3_loss_and_scale
def logistic_loss(a, b, X, Y):
    z = Y * (X @ a + b)
    return (torch.clamp(-z, min=0) + torch.log(1 + torch.exp(-z.abs()))).sum()


def scale_for_epsilon(a, b, X, Y, eps):
    t = float((Y * (X @ a + b)).min())
    N = X.shape[0]
    return (max(-math.log(math.expm1(eps / N)), 0.0) + 1.0) / t
