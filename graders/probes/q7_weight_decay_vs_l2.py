"""Question 7's probes: run the student's optimizer classes on problems the grader describes.

Installed in the student's kernel after the runtime (``probe`` and ``answer`` come from it).
The grader sends parameter groups as plain tensors plus hyperparameters, and a problem whose
gradients are computed here from the parameters' current values:

- ``quadratic``: loss sum_j 0.5 x_j^T A_j x_j - b_j^T x_j, x_j = parameter j flattened;
- ``network``: mean squared error of tanh(X W1^T + b1) W2^T + b2 against Y (parameters W1, b1, W2, b2);
- ``zero``: every gradient is 0.

What comes back is only what the student's optimizer did (theta after every step, what
``step`` returned), as plain tensors and numbers. No update rule and no verdict live here.
"""


def _build(optimizer, defaults, groups):
    """The student's optimizer on fresh leaf parameters cloned from the groups' tensors (a plain
    list of parameters, as in ``Opt(model.parameters(), ...)``, when there is one group without settings)."""
    import torch

    parameters, built = [], []
    for group in groups:
        params = [torch.nn.Parameter(t.clone()) for t in group["params"]]
        parameters += params
        built.append(dict(group, params=params))
    if len(built) == 1 and set(built[0]) == {"params"}:
        built = built[0]["params"]
    return answer(optimizer)(built, **defaults), parameters


def _step(opt, number, *closure):
    """``opt.step(*closure)``; an error says at which step it happened (traceback kept)."""
    try:
        return opt.step(*closure)
    except Exception as error:
        if len(error.args) == 1 and isinstance(error.args[0], str):
            error.args = (f"at step {number}: {error.args[0]}",)
        raise


def _loss(problem, parameters):
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


def _set_gradients(problem, parameters, active):
    """p.grad = the problem's gradient at the current theta, or None where ``active`` is False."""
    import torch

    with torch.enable_grad():
        leaves = [p.detach().clone().requires_grad_(True) for p in parameters]
        grads = torch.autograd.grad(_loss(problem, leaves), leaves)
    for p, g, on in zip(parameters, grads, active):
        p.grad = g if on else None


def _snapshot(parameters):
    return [p.detach().clone() for p in parameters]


def _plain(value):
    """What ``step`` returned, as something the codec can carry (else the name of its type)."""
    import torch

    if value is None or isinstance(value, (int, float)):
        return value
    if isinstance(value, torch.Tensor):
        return value.detach().clone()
    return f"<a {type(value).__name__}>"


@probe
def q7_trajectory(optimizer, defaults, groups, problem, steps, has_grad=None, closure=False):
    """theta^0..theta^steps under ``optimizer(groups, **defaults)``.

    ``has_grad[t][j]`` False leaves parameter j's ``.grad`` None at step t. With ``closure``,
    gradients come from ``step(closure)`` (the closure clears the grads, computes the loss,
    calls backward and returns the loss); ``returned`` holds what ``step`` returned and
    ``closure_losses`` the losses the closure computed at each step (one per call).
    """
    opt, parameters = _build(optimizer, defaults, groups)
    thetas = [_snapshot(parameters)]
    returned, closure_losses = [], []
    for step in range(steps):
        if closure:
            calls = []

            def run_closure():
                for p in parameters:
                    p.grad = None
                loss = _loss(problem, parameters)
                loss.backward()
                calls.append(float(loss.detach()))
                return loss

            returned.append(_plain(_step(opt, step + 1, run_closure)))
            closure_losses.append(calls)
        else:
            _set_gradients(problem, parameters, has_grad[step] if has_grad else [True] * len(parameters))
            _step(opt, step + 1)
        thetas.append(_snapshot(parameters))
    return {"theta": thetas, "returned": returned, "closure_losses": closure_losses}


@probe
def q7_resume(optimizer, defaults, groups, problem, before, after):
    """Train ``before`` steps, save a deep copy of ``state_dict()``, train ``after`` more; then load
    the saved state into a fresh optimizer on parameters equal to theta^before and train it
    ``after`` steps on the same problem. Returns both continuations, theta^before first."""
    import copy

    opt, parameters = _build(optimizer, defaults, groups)
    everything = [True] * len(parameters)
    for step in range(before):
        _set_gradients(problem, parameters, everything)
        _step(opt, step + 1)
    saved = copy.deepcopy(opt.state_dict())
    middle = _snapshot(parameters)
    original = [middle]
    for step in range(before, before + after):
        _set_gradients(problem, parameters, everything)
        _step(opt, step + 1)
        original.append(_snapshot(parameters))
    values = iter(middle)
    regrouped = [dict(group, params=[next(values) for _ in group["params"]]) for group in groups]
    fresh, fresh_parameters = _build(optimizer, defaults, regrouped)
    fresh.load_state_dict(saved)
    resumed = [_snapshot(fresh_parameters)]
    for step in range(before, before + after):
        _set_gradients(problem, fresh_parameters, everything)
        _step(fresh, step + 1)
        resumed.append(_snapshot(fresh_parameters))
    return {"original": original, "resumed": resumed}
