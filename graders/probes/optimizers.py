"""Kernel-side half of the optimizer harness (``graders/core/optimizers.py``): run the student's
optimizer class, named by the grader, on a problem the grader describes as plain data.

Installed after the runtime (``probe``, ``answer``) and ``graders/probes/problems.py``
(``problem_loss``, ``problem_gradients``). The grader sends parameter groups as plain tensors
plus hyperparameters; gradients are computed here from the parameters' current values. What
comes back is only what the student's optimizer did (theta after every step, what ``step``
returned), as plain tensors and numbers: no update rule and no verdict live here.
"""


def _build(optimizer, defaults, groups):
    """The student's optimizer on fresh leaf parameters cloned from the groups' tensors (a plain
    list of parameters, as in ``Opt(model.parameters(), ...)``, for one group without settings)."""
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


def _set_gradients(problem, parameters, active):
    """p.grad = the problem's gradient at the current theta, or None where ``active`` is False."""
    grads = problem_gradients(problem, [p.detach() for p in parameters])
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


def _train(opt, parameters, problem, first, steps, thetas):
    """``steps`` plain steps (gradients set, then ``step()``), appending theta after each."""
    everything = [True] * len(parameters)
    for step in range(first, first + steps):
        _set_gradients(problem, parameters, everything)
        _step(opt, step + 1)
        thetas.append(_snapshot(parameters))


@probe
def optimizer_trajectory(optimizer, defaults, groups, problem, steps, has_grad=None, closure=False):
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
                loss = problem_loss(problem, parameters)
                loss.backward()
                calls.append(float(loss.detach()))
                return loss

            returned.append(_plain(_step(opt, step + 1, run_closure)))
            closure_losses.append(calls)
        else:
            active = has_grad[step] if has_grad else [True] * len(parameters)
            _set_gradients(problem, parameters, active)
            _step(opt, step + 1)
        thetas.append(_snapshot(parameters))
    return {"theta": thetas, "returned": returned, "closure_losses": closure_losses}


@probe
def optimizer_resume(optimizer, defaults, groups, problem, before, after):
    """Train ``before`` steps, save a deep copy of ``state_dict()``, train ``after`` more; then load
    the saved state into a fresh optimizer on parameters equal to theta^before and train it
    ``after`` steps on the same problem. Returns both continuations, theta^before first."""
    import copy

    opt, parameters = _build(optimizer, defaults, groups)
    _train(opt, parameters, problem, 0, before, [])
    saved = copy.deepcopy(opt.state_dict())
    original = [_snapshot(parameters)]
    values = iter(original[0])
    regrouped = [dict(group, params=[next(values) for _ in group["params"]]) for group in groups]
    _train(opt, parameters, problem, before, after, original)
    fresh, fresh_parameters = _build(optimizer, defaults, regrouped)
    fresh.load_state_dict(saved)
    resumed = [_snapshot(fresh_parameters)]
    _train(fresh, fresh_parameters, problem, before, after, resumed)
    return {"original": original, "resumed": resumed}
