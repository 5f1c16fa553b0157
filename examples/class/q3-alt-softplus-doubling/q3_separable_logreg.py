# Correct, written differently: the loss by torch's softplus; C found by doubling until the
# student's own (stable) loss is below eps/2.
# expect: q3_loss_and_scale_tests=full
# %% q3_loss_and_scale
def logistic_loss(a, b, X, Y):
    return torch.nn.functional.softplus(-Y * (X @ a + b)).sum()


def scale_for_epsilon(a, b, X, Y, eps):
    C = 1.0
    while float(logistic_loss(C * a, C * b, X, Y)) >= eps / 2:
        C *= 2.0
    return C
