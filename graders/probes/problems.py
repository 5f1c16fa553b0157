"""The loss functions optimizer questions train on, defined once for both sides.

The grader imports this module to compute reference trajectories; the same file's text is
installed in the student's kernel before ``graders/probes/optimizers.py``, which computes the
gradients it hands to the student's optimizer from it. A problem is plain data:

- ``quadratic``: sum_j 0.5 x_j^T A_j x_j - b_j^T x_j, x_j = parameter j flattened;
- ``network``: mean squared error of tanh(X W1^T + b1) W2^T + b2 against Y;
- ``zero``: a constant loss, every gradient 0.
"""


def problem_loss(problem, parameters):
    """The loss of ``problem`` at ``parameters`` (a list of tensors, one per parameter)."""
    import torch

    kind = problem["kind"]
    if kind == "quadratic":
        loss = 0
        for p, a, b in zip(parameters, problem["A"], problem["b"]):
            x = p.reshape(-1)
            loss = loss + 0.5 * (x @ (a @ x)) - b @ x
        return loss
    if kind == "network":
        w1, b1, w2, b2 = parameters
        out = torch.tanh(problem["X"] @ w1.T + b1) @ w2.T + b2
        return ((out - problem["Y"]) ** 2).mean()
    if kind == "zero":
        return sum((p * 0).sum() for p in parameters)
    raise ValueError(f"unknown problem {kind!r}")


def problem_gradients(problem, values):
    """The gradient of ``problem_loss`` at ``values`` (plain tensors), one tensor per parameter."""
    import torch

    with torch.enable_grad():
        leaves = [v.detach().clone().requires_grad_(True) for v in values]
        return list(torch.autograd.grad(problem_loss(problem, leaves), leaves))
