# Mistake: b.item() assumes b is a tensor; the spec allows a float (and the grader mostly sends one).
# expect: q3_loss_and_scale_tests=partial
# fails: logistic_loss_matches_the_exact_value, logistic_loss_finite_for_margins_down_to_minus_1e4
# fails: logistic_loss_never_rounds_to_zero, scale_for_epsilon_reaches_eps
# fails: scale_for_epsilon_with_a_point_near_the_boundary
# %% q3_loss_and_scale
def logistic_loss(a, b, X, Y):
    margins = Y * (X @ a + b.item())
    return (torch.clamp(-margins, min=0) + torch.log1p(torch.exp(-margins.abs()))).sum()


def scale_for_epsilon(a, b, X, Y, eps):
    t = float((Y * (X @ a + b.item())).min())
    N = X.shape[0]
    return (max(-math.log(math.expm1(eps / N)), 0.0) + 1.0) / t
