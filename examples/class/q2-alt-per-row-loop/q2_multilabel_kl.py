# Correct, written differently: a Python loop over data points, KL written out term by term with
# math for the constant part and torch only where the logits enter.
# expect: q2_objectives_tests=full
# %% q2_objectives
def _entropy_term(share):
    return share * math.log(share) if share > 0 else 0.0


def kl_objective(logits, Y):
    N, n = Y.shape
    total = torch.zeros((), dtype=logits.dtype)
    for i in range(N):
        plus = float((Y[i] > 0).sum()) / n
        minus = float((Y[i] < 0).sum()) / n
        f = logits[i]
        # KL = sum_k P_k log P_k - P_- log mu_- - P_+ log mu_+
        total = total + _entropy_term(minus) + _entropy_term(plus)
        total = total + minus * torch.nn.functional.softplus(f) + plus * torch.nn.functional.softplus(-f)
    return total / N


def logistic_objective(logits, Y):
    N, n = Y.shape
    total = torch.zeros((), dtype=logits.dtype)
    for i in range(N):
        for j in range(n):
            total = total + torch.nn.functional.softplus(-float(Y[i, j]) * logits[i])
    return total / (n * N)


def objective_gap(Y):
    N, n = Y.shape
    total = 0.0
    for i in range(N):
        plus = float((Y[i] > 0).sum()) / n
        total += _entropy_term(plus) + _entropy_term(1 - plus)
    return torch.tensor(total / N, dtype=torch.float64)
