# Correct, written differently: a Python loop with math.log1p / math.exp on the right branch
# for each sign of the margin; b converted with float(); C from the smallest margin, in math.
# expect: q3_loss_and_scale_tests=full
# %% q3_loss_and_scale
def _margins(a, b, X, Y):
    b = float(b)
    return [float(y) * (float(x @ a) + b) for x, y in zip(X, Y)]


def logistic_loss(a, b, X, Y):
    total = 0.0
    for z in _margins(a, b, X, Y):
        if z >= 0:
            total += math.log1p(math.exp(-z))
        else:
            total += -z + math.log1p(math.exp(z))
    return torch.tensor(total, dtype=torch.float64)


def scale_for_epsilon(a, b, X, Y, eps):
    t = min(_margins(a, b, X, Y))
    # log(1 + e^{-Ct}) <= e^{-Ct} = eps / (N e) < eps / N
    return (math.log(len(Y) / eps) + 1) / t
