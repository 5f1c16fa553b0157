"""Question 7: weight decay and l2 regularization are not the same for SGD with momentum.

SGDMomentumWD:  v^{k+1} = g^k + beta v^k;            theta^{k+1} = theta^k - alpha v^{k+1} - mu theta^k
SGDMomentumL2:  v^{k+1} = (g^k + lam theta^k) + beta v^k;  theta^{k+1} = theta^k - alpha v^{k+1}
(v^0 = 0; the second is torch.optim.SGD(lr=alpha, momentum=beta, weight_decay=lam, dampening=0).)

Theorem. With g^k = 0: weight decay gives theta^k = (1 - mu)^k theta^0, l2 gives
theta^2 = ((1 - alpha lam)^2 - alpha beta lam) theta^0. Equal iterates would need
1 - mu = 1 - alpha lam at k = 1 and then alpha beta lam = 0 at k = 2: impossible for positive
alpha, beta, lam, so no mu, lam > 0 make the two methods agree.

Cell ``q7_optimizers_tests`` runs the student's two optimizer classes (kernel side:
``graders/probes/q7_weight_decay_vs_l2.py``) and compares every step with an independent
reference written here, with ``torch.optim.SGD``, with the theorem's iterates, and with the
student's own optimizer used differently (groups, None grads, closures, state_dict). When a
trajectory leaves the reference, the feedback names the step, the parameter and the common
mistake whose trajectory it follows. Cell ``q7_zero_grad_tests`` checks the two formulas
symbolically and that, with them, equal iterates force alpha beta lam = 0.
"""

import itertools
import math
from dataclasses import dataclass
from typing import Callable

import sympy as sp
import torch

from graders.core import figures, numeric
from graders.core.checks import Fail, Question
from graders.core.limits import TimeLimitExceeded, time_limited
from graders.core.symbolic import equivalent

QUESTION = Question("q7_weight_decay_vs_l2", probes="q7_weight_decay_vs_l2")

k = sp.Symbol("k", integer=True, nonnegative=True)
alpha, beta, mu, lam = (sp.Symbol(name, positive=True) for name in ("alpha", "beta", "mu", "lam"))
theta0 = sp.Symbol("theta0", real=True)
SYMBOLS = {"k": k, "alpha": alpha, "beta": beta, "mu": mu, "lam": lam, "theta0": theta0}

THETA_WD_K = (1 - mu) ** k * theta0
THETA_L2_1 = (1 - alpha * lam) * theta0
THETA_L2_2 = ((1 - alpha * lam) ** 2 - alpha * beta * lam) * theta0

F64 = torch.float64
#: Trajectories agree when |got - want| <= ATOL + RTOL |want| at every step: algebraically equal
#: formulas differ by a few ulps per step (1e-14 after 60 steps); every mistake below moves
#: theta by more than 1e-5 within a few steps on the problems used here.
RTOL, ATOL = 1e-8, 1e-10


# ------------------------------------------------------------------ update rules (reference and mistakes)


@dataclass(frozen=True)
class Rule:
    """One step theta, v, g -> theta', v' with learning rate a, momentum b and decay c."""

    says: str
    update: Callable


def _wd(t, v, g, a, b, c):
    v = g + b * v
    return t - a * v - c * t, v


def _wd_on_updated(t, v, g, a, b, c):
    v = g + b * v
    t = t - a * v
    return t - c * t, v


def _decay_times_lr(t, v, g, a, b, c):
    v = g + b * v
    return t - a * v - a * c * t, v


def _l2(t, v, g, a, b, c):
    v = (g + c * t) + b * v
    return t - a * v, v


def _l2_twice(t, v, g, a, b, c):
    return _l2(t, v, g, a, b, 2 * c)


def _wd_dampened(t, v, g, a, b, c):
    v = (1 - b) * g + b * v
    return t - a * v - c * t, v


def _l2_dampened(t, v, g, a, b, c):
    v = (1 - b) * (g + c * t) + b * v
    return t - a * v, v


def _wd_nesterov(t, v, g, a, b, c):
    v = g + b * v
    return t - a * (g + b * v) - c * t, v


def _l2_nesterov(t, v, g, a, b, c):
    d = g + c * t
    v = d + b * v
    return t - a * (d + b * v), v


def _no_decay(t, v, g, a, b, c):
    return _wd(t, v, g, a, b, 0.0)


def _wd_no_momentum(t, v, g, a, b, c):
    return _wd(t, v, g, a, 0.0, c)


def _l2_no_momentum(t, v, g, a, b, c):
    return _l2(t, v, g, a, 0.0, c)


def _wd_wrong_sign(t, v, g, a, b, c):
    return _wd(t, v, g, a, b, -c)


def _unchanged(t, v, g, a, b, c):
    return t, v


NO_UPDATE = Rule("no update at all: theta never changes (change the parameter in place, e.g. p.sub_(...), not a new local tensor)", _unchanged)


@dataclass(frozen=True)
class Method:
    """One of the two classes the student writes."""

    name: str
    decay: str  # the constructor's keyword for the decay coefficient
    decay_range: tuple
    rule: Rule
    mistakes: tuple


WD = Method(
    "SGDMomentumWD",
    "weight_decay",
    (0.005, 0.05),
    Rule("the exam's rule v <- g + beta v; theta <- theta - alpha v - mu theta", _wd),
    (
        Rule("weight decay applied to the updated theta: theta <- (1 - mu)(theta - alpha v) instead of theta - alpha v - mu theta_old", _wd_on_updated),
        Rule("weight decay scaled by the learning rate: theta <- theta - alpha v - alpha mu theta", _decay_times_lr),
        Rule("weight decay added to the gradient inside the momentum buffer (that is l2 regularization): v <- g + mu theta + beta v", _l2),
        Rule("dampening: v <- beta v + (1 - beta) g (the exam has no dampening)", _wd_dampened),
        Rule("Nesterov momentum: theta <- theta - alpha (g + beta v) - mu theta (the exam uses plain momentum)", _wd_nesterov),
        Rule("no weight decay: theta <- theta - alpha v", _no_decay),
        Rule("no momentum: v <- g", _wd_no_momentum),
        Rule("weight decay with the wrong sign: theta <- theta - alpha v + mu theta", _wd_wrong_sign),
        NO_UPDATE,
    ),
)
L2 = Method(
    "SGDMomentumL2",
    "l2",
    (0.05, 0.5),
    Rule("the exam's rule v <- (g + lam theta) + beta v; theta <- theta - alpha v", _l2),
    (
        Rule("lam theta added outside the momentum buffer: v <- g + beta v; theta <- theta - alpha (v + lam theta)", _decay_times_lr),
        Rule("decoupled weight decay instead of l2: theta <- theta - alpha v - lam theta", _wd),
        Rule("2 lam theta added to the gradient (the gradient of lam |theta|^2, not of (lam/2) |theta|^2)", _l2_twice),
        Rule("dampening: v <- beta v + (1 - beta)(g + lam theta) (the exam has no dampening)", _l2_dampened),
        Rule("Nesterov momentum: theta <- theta - alpha (g + lam theta + beta v) (the exam uses plain momentum)", _l2_nesterov),
        Rule("no l2 term: v <- g + beta v", _no_decay),
        Rule("no momentum: v <- g + lam theta", _l2_no_momentum),
        NO_UPDATE,
    ),
)


# ------------------------------------------------------------------ problems and the reference


def loss(problem: dict, params: list) -> torch.Tensor:
    """The problem's loss (the same problems the kernel-side probe computes gradients of)."""
    if problem["kind"] == "quadratic":
        return sum(0.5 * (p.reshape(-1) @ (a @ p.reshape(-1))) - b @ p.reshape(-1) for p, a, b in zip(params, problem["A"], problem["b"]))
    if problem["kind"] == "network":
        w1, b1, w2, b2 = params
        return ((torch.tanh(problem["X"] @ w1.T + b1) @ w2.T + b2 - problem["Y"]) ** 2).mean()
    return sum((p * 0).sum() for p in params)


def gradients(problem: dict, thetas: list) -> list:
    leaves = [t.clone().requires_grad_(True) for t in thetas]
    return list(torch.autograd.grad(loss(problem, leaves), leaves))


def simulate(rule: Rule, hypers: list, problem: dict, theta: list, steps: int, has_grad=None, v=None) -> list:
    """theta^0..theta^steps (a list per step of one tensor per parameter) under ``rule``.

    ``hypers[j]`` = (lr, momentum, decay) of parameter j; a parameter without a gradient at a
    step is skipped (its theta and v stay as they are); ``v`` defaults to v^0 = 0.
    """
    theta = [t.clone() for t in theta]
    v = [torch.zeros_like(t) for t in theta] if v is None else [x.clone() for x in v]
    trajectory = [theta]
    for step in range(steps):
        grads = gradients(problem, theta)
        theta = list(theta)
        for j, (g, (a, b, c)) in enumerate(zip(grads, hypers)):
            if has_grad is None or has_grad[step][j]:
                theta[j], v[j] = rule.update(theta[j], v[j], g, a, b, c)
        trajectory.append(theta)
    return trajectory


def torch_sgd(hypers: dict, problem: dict, theta: list, steps: int) -> list:
    """The same run with torch.optim.SGD(lr, momentum, weight_decay=l2, dampening=0)."""
    params = [torch.nn.Parameter(t.clone()) for t in theta]
    sgd = torch.optim.SGD(params, lr=hypers["lr"], momentum=hypers["momentum"], weight_decay=hypers["l2"], dampening=0)
    trajectory = [[p.detach().clone() for p in params]]
    for _ in range(steps):
        for p, g in zip(params, gradients(problem, [p.detach() for p in params])):
            p.grad = g
        sgd.step()
        trajectory.append([p.detach().clone() for p in params])
    return trajectory


def random_quadratics(rng: torch.Generator, shapes: list) -> tuple:
    """Convex quadratics 0.5 x^T A x - b^T x (eigenvalues of A in [0.1, 3]) and random theta^0."""
    A, b, theta = [], [], []
    for shape in shapes:
        n = math.prod(shape)
        q, _ = torch.linalg.qr(torch.randn(n, n, generator=rng, dtype=F64))
        a = (q * torch.empty(n, dtype=F64).uniform_(0.1, 3.0, generator=rng)) @ q.T
        A.append((a + a.T) / 2)
        b.append(torch.randn(n, generator=rng, dtype=F64))
        theta.append(torch.randn(shape, generator=rng, dtype=F64))
    labels = [f"parameter {j} (shape {tuple(s)})" for j, s in enumerate(shapes)]
    return {"kind": "quadratic", "A": A, "b": b}, theta, labels


def small_network(rng: torch.Generator) -> tuple:
    """Regression with one hidden tanh layer (3 -> 6 -> 2) on a fixed batch of 16."""
    shapes = {"W1": (6, 3), "b1": (6,), "W2": (2, 6), "b2": (2,)}
    theta = [torch.randn(shape, generator=rng, dtype=F64) * 0.5 for shape in shapes.values()]
    problem = {"kind": "network", "X": torch.randn(16, 3, generator=rng, dtype=F64), "Y": torch.randn(16, 2, generator=rng, dtype=F64)}
    return problem, theta, [f"{name} (shape {shape})" for name, shape in shapes.items()]


def uniform(rng: torch.Generator, low: float, high: float) -> float:
    return round(float(torch.empty((), dtype=F64).uniform_(low, high, generator=rng)), 4)


def random_hypers(rng: torch.Generator, method: Method) -> dict:
    return {"lr": uniform(rng, 0.02, 0.1), "momentum": uniform(rng, 0.5, 0.95), method.decay: uniform(rng, *method.decay_range)}


def triple(method: Method, hypers: dict) -> tuple:
    return hypers["lr"], hypers["momentum"], hypers[method.decay]


def per_parameter(method: Method, defaults: dict, groups: list) -> list:
    """(lr, momentum, decay) of every parameter, group settings over the constructor's defaults."""
    return [triple(method, {**defaults, **group}) for group in groups for _ in group["params"]]


def call_text(method: Method, hypers: dict) -> str:
    return f"{method.name}(" + ", ".join(f"{key}={value:g}" for key, value in hypers.items() if key != "params") + ")"


# ------------------------------------------------------------------ comparing trajectories


def close(got, want: torch.Tensor, rtol: float = RTOL, atol: float = ATOL) -> bool:
    if not isinstance(got, torch.Tensor) or got.is_complex() or tuple(got.shape) != tuple(want.shape):
        return False
    return bool(((got.to(F64) - want).abs() <= atol + rtol * want.abs()).all())


def departure(got: list, want: list, rtol: float = RTOL, atol: float = ATOL):
    """(step, parameter) where ``got`` first leaves ``want``, or None if it never does."""
    for step, (got_row, want_row) in enumerate(zip(got, want)):
        for j, (g, w) in enumerate(zip(got_row, want_row)):
            if not close(g, w, rtol, atol):
                return step, j
    return None


def column(trajectory: list, j: int) -> list:
    return [[row[j]] for row in trajectory]


def _same(a, b) -> bool:
    return isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor) and a.shape == b.shape and a.dtype == b.dtype and bool(torch.equal(a, b))


def _show(value) -> str:
    if not isinstance(value, torch.Tensor):
        return repr(value)[:80]
    flat = value.detach().flatten().tolist()
    return "[" + ", ".join(f"{x:.10g}" for x in flat[:4]) + (", ...]" if len(flat) > 4 else "]")


def expect_trajectory(got, want, what, labels, *, candidates=(), rule="the exam's rule", first=0, rtol=RTOL, atol=ATOL):
    """Fail at the first step and parameter where ``got`` leaves ``want``, naming the candidate
    (description, trajectory) that ``got`` follows longest when it follows one longer than ``want``."""
    found = departure(got, want, rtol, atol)
    if found is None:
        return
    step, j = found
    detail = f"θ^{first + step} of {labels[j]} leaves {rule}"
    try:
        numeric.expect_close(got[step][j], want[step][j], detail, rtol=rtol, atol=atol)
    except Fail as failure:
        detail = str(failure)
    raise Fail(f"{what}: {detail}. {explain(got, want, step, j, candidates, first)}".strip())


def explain(got, want, step, j, candidates, first) -> str:
    """What the departure at (step, j) points to: the candidate ``got`` follows longest (if longer
    than ``want``), else a float32 hint for tiny differences, else that no known mistake fits."""
    best, best_step = None, step
    for says, trajectory in candidates:
        found = departure(got, trajectory)
        if found is None:
            return f"Your whole trajectory matches {says}."
        if found[0] > best_step:
            best, best_step = says, found[0]
    if best:
        return f"Up to θ^{first + best_step - 1} it matches {best}."
    g = got[step][j]
    if isinstance(g, torch.Tensor) and g.shape == want[step][j].shape and torch.isfinite(g).all():
        relative = float((g.to(F64) - want[step][j]).abs().max() / want[step][j].abs().max().clamp(min=1e-300))
        if relative < 1e-4:
            return (f"The difference is small (relative {relative:.1e}) but far above float64 rounding: is part of "
                    "your computation in float32 (e.g. a buffer made with torch.zeros(p.shape) instead of torch.zeros_like(p))?")
    if candidates:
        return "It matches none of the common mistakes the grader knows (decay on the updated theta, decay times lr, dampening, Nesterov, ...)."
    return ""


def mistakes(method: Method, hypers: list, problem: dict, theta: list, steps: int) -> list:
    return [(rule.says, simulate(rule, hypers, problem, theta, steps)) for rule in method.mistakes]


# ------------------------------------------------------------------ running the student's optimizers


def run(student, method, defaults, groups, problem, steps, what, **options) -> dict:
    """The student's optimizer run in their kernel: {"theta": [...], "returned": [...], "closure_losses": [...]}."""
    reply = student.probe("q7_trajectory", method.name, defaults, groups, problem, steps, what=what, **options)
    if not isinstance(reply, dict) or "theta" not in reply:
        raise Fail(f"{what}: the grader got no trajectory back")
    return reply


def expect_moves(trajectory: list, what: str) -> None:
    """The contract checks compare the optimizer with itself, which an optimizer that changes
    nothing would pass: they first require the first step to move some parameter."""
    if all(_same(before, after) for before, after in zip(trajectory[0], trajectory[1])):
        raise Fail(f"{what}: the first step changed no parameter, so this property cannot be checked (step must update the parameters in place)")


def follows_the_rule(student, rng, method: Method, shapes: list, steps: int):
    problem, theta, labels = random_quadratics(rng, shapes)
    hypers = random_hypers(rng, method)
    what = f"{call_text(method, hypers)} on {len(shapes)} random quadratics, {steps} steps"
    got = run(student, method, hypers, [{"params": theta}], problem, steps, what)["theta"]
    per = [triple(method, hypers)] * len(theta)
    want = simulate(method.rule, per, problem, theta, steps)
    expect_trajectory(got, want, what, labels, candidates=mistakes(method, per, problem, theta, steps))


# ------------------------------------------------------------------ q7_optimizers_tests: the update rules


@QUESTION.check("q7_optimizers_tests", points=1.5)
def weight_decay_follows_the_exam_rule(student, rng):
    """SGDMomentumWD: v <- g + beta v; theta <- theta - alpha v - mu theta_old, every step of 60, on 3 random quadratics (float64)."""
    follows_the_rule(student, rng, WD, [(5,), (3, 2), (4,)], 60)


@QUESTION.check("q7_optimizers_tests", points=1.5)
def l2_follows_the_exam_rule(student, rng):
    """SGDMomentumL2: v <- (g + lam theta) + beta v; theta <- theta - alpha v, every step of 60, on 3 random quadratics (float64)."""
    follows_the_rule(student, rng, L2, [(5,), (3, 2), (4,)], 60)


@QUESTION.check("q7_optimizers_tests", points=0.75)
def weight_decay_trains_a_small_network(student, rng):
    """SGDMomentumWD trains a small tanh network (3 -> 6 -> 2, MSE, float64) exactly like the exam's rule for 50 steps."""
    problem, theta, labels = small_network(rng)
    hypers = random_hypers(rng, WD)
    what = f"{call_text(WD, hypers)} on a small tanh network, 50 steps"
    got = run(student, WD, hypers, [{"params": theta}], problem, 50, what)["theta"]
    per = [triple(WD, hypers)] * len(theta)
    want = simulate(WD.rule, per, problem, theta, 50)
    expect_trajectory(got, want, what, labels, candidates=mistakes(WD, per, problem, theta, 50))


@QUESTION.check("q7_optimizers_tests", points=0.75)
def l2_is_torch_sgd_on_a_small_network(student, rng):
    """SGDMomentumL2 trains a small tanh network exactly like torch.optim.SGD(lr, momentum, weight_decay=lam, dampening=0) for 50 steps."""
    problem, theta, labels = small_network(rng)
    hypers = random_hypers(rng, L2)
    what = f"{call_text(L2, hypers)} on a small tanh network, 50 steps"
    got = run(student, L2, hypers, [{"params": theta}], problem, 50, what)["theta"]
    per = [triple(L2, hypers)] * len(theta)
    want = torch_sgd(hypers, problem, theta, 50)
    expect_trajectory(got, want, what, labels, rule="torch.optim.SGD(lr, momentum, weight_decay=lam, dampening=0)",
                      candidates=mistakes(L2, per, problem, theta, 50))


@QUESTION.check("q7_optimizers_tests", points=1.0)
def zero_gradients_give_the_theorems_iterates(student, rng):
    """With g = 0: SGDMomentumWD gives theta^k = (1 - mu)^k theta^0 (k <= 60) and SGDMomentumL2 theta^2 = ((1 - alpha lam)^2 - alpha beta lam) theta^0."""
    zero = {"kind": "zero"}
    theta = [torch.randn(3, generator=rng, dtype=F64), torch.randn(2, 2, generator=rng, dtype=F64)]
    labels = ["parameter 0 (shape (3,))", "parameter 1 (shape (2, 2))"]
    wd_formula = sp.lambdify((k, mu, theta0), THETA_WD_K)
    l2_formulas = [sp.lambdify((alpha, beta, lam, theta0), f) for f in (theta0, THETA_L2_1, THETA_L2_2)]
    for method, steps in [(WD, 60), (L2, 2)]:
        hypers = {"lr": uniform(rng, 0.05, 0.5), "momentum": uniform(rng, 0.5, 0.95), method.decay: uniform(rng, 0.05, 0.3)}
        a, b, c = triple(method, hypers)
        if method is WD:
            want = [[wd_formula(step, c, t) for t in theta] for step in range(steps + 1)]
            says = "theta^k = (1 - mu)^k theta^0"
        else:
            want = [[f(a, b, c, t) for t in theta] for f in l2_formulas]
            says = "theta^1 = (1 - alpha lam) theta^0, theta^2 = ((1 - alpha lam)^2 - alpha beta lam) theta^0"
        what = f"{call_text(method, hypers)} with every gradient 0, {steps} steps"
        got = run(student, method, hypers, [{"params": theta}], zero, steps, what)["theta"]
        expect_trajectory(got, want, what, labels, rule=f"the theorem's {says}",
                          candidates=mistakes(method, [(a, b, c)] * 2, zero, theta, steps))


# ------------------------------------------------------------------ q7_optimizers_tests: the optimizer contract


METHODS = (WD, L2)


def three_groups(rng, method: Method, theta: list) -> tuple:
    """Constructor defaults and three groups: one overriding lr, one all three, one momentum and decay."""
    defaults = random_hypers(rng, method)
    other = random_hypers(rng, method)
    third = random_hypers(rng, method)
    groups = [
        {"params": theta[:1], "lr": other["lr"]},
        {"params": theta[1:3], **other},
        {"params": theta[3:], "momentum": third["momentum"], method.decay: third[method.decay]},
    ]
    return defaults, groups


def ignored_hyperparameters(method, defaults, groups, problem, theta, steps, j) -> list:
    """Candidates for parameter j: the exam's rule with some of its group's settings replaced by
    the constructor's (e.g. read from self.defaults) or by the first group's."""
    names = ("lr", "momentum", method.decay)
    own = per_parameter(method, defaults, groups)
    sources = {"the constructor's": triple(method, defaults), "the first group's": own[0]}
    candidates = []
    for source, values in sources.items():
        for size in (1, 2, 3):
            for chosen in itertools.combinations(range(3), size):
                mixed = list(own)
                mixed[j] = tuple(values[i] if i in chosen else own[j][i] for i in range(3))
                if mixed[j] == own[j]:
                    continue
                listed = " and ".join(names[i] for i in chosen)
                trajectory = column(simulate(method.rule, mixed, problem, theta, steps), j)
                candidates.append((f"the exam's rule with {source} {listed} instead of its group's (read group['{names[chosen[0]]}'] inside step)", trajectory))
    return candidates


@QUESTION.check("q7_optimizers_tests", points=1.0)
def parameter_groups_keep_their_own_hyperparameters(student, rng):
    """With three parameter groups overriding lr, momentum and decay, each group moves exactly as your optimizer built for that group alone."""
    steps = 15
    for method in METHODS:
        problem, theta, labels = random_quadratics(rng, [(3,), (2,), (2, 2), (4,)])
        defaults, groups = three_groups(rng, method, theta)
        what = f"{call_text(method, defaults)} with three parameter groups ({steps} steps)"
        got = run(student, method, defaults, groups, problem, steps, what)["theta"]
        expect_moves(got, what)
        start = 0
        for number, group in enumerate(groups):
            alone = {**defaults, **{key: value for key, value in group.items() if key != "params"}}
            size = len(group["params"])
            sub = {"kind": "quadratic", "A": problem["A"][start : start + size], "b": problem["b"][start : start + size]}
            single = run(student, method, alone, [{"params": group["params"]}], sub, steps, f"{call_text(method, alone)} alone")["theta"]
            mine = [row[start : start + size] for row in got]
            found = departure(mine, single)
            if found is not None:
                step, i = found
                j = start + i
                candidates = ignored_hyperparameters(method, defaults, groups, problem, theta, steps, j)
                hint = explain(column(got, j), column(single, i), step, 0, candidates, 0) if candidates else ""
                if hint.startswith("It matches none"):
                    hint = ""
                raise Fail(
                    f"{what}: θ^{step} of {labels[j]} (group {number}: {call_text(method, alone)}) is {_show(mine[step][i])}, but "
                    f"{call_text(method, alone)} on that group alone gives {_show(single[step][i])}. {hint}".strip()
                )
            start += size


@QUESTION.check("q7_optimizers_tests", points=1.0)
def parameters_without_gradient_are_left_alone(student, rng):
    """A parameter whose .grad is None is not changed (no decay, no momentum) and does not stop the others from updating."""
    steps = 12
    # parameter 1 never has a gradient, parameter 2 only at even steps
    has_grad = [[True, False, step % 2 == 0, True] for step in range(steps)]
    for method in METHODS:
        problem, theta, labels = random_quadratics(rng, [(4,), (3,), (2, 2), (5,)])
        hypers = random_hypers(rng, method)
        what = f"{call_text(method, hypers)}.step() with parameter 1's .grad always None and parameter 2's None at odd steps"
        got = run(student, method, hypers, [{"params": theta}], problem, steps, what, has_grad=has_grad)["theta"]
        expect_moves(got, what)
        for step in range(steps):
            for j in (1, 2):
                if not has_grad[step][j] and not _same(got[step + 1][j], got[step][j]):
                    raise Fail(
                        f"{what}: {labels[j]} changed at step {step + 1} although its .grad was None "
                        f"(θ^{step} = {_show(got[step][j])}, θ^{step + 1} = {_show(got[step + 1][j])}): skip such parameters entirely, weight decay included"
                    )
        def restricted(indices):
            return {"kind": "quadratic", "A": [problem["A"][i] for i in indices], "b": [problem["b"][i] for i in indices]}
        others = run(student, method, hypers, [{"params": [theta[0], theta[3]]}], restricted([0, 3]), steps, f"{what} (without parameters 1 and 2)")["theta"]
        expect_trajectory([[row[0], row[3]] for row in got], others, what, [labels[0], labels[3]],
                          rule="the same optimizer run without the None-grad parameters (did a None grad `return` or `break` out of the loop?)")
        updates = [0] + [step + 1 for step in range(steps) if has_grad[step][2]]
        alone = run(student, method, hypers, [{"params": [theta[2]]}], restricted([2]), len(updates) - 1, f"{what} (parameter 2 alone)")["theta"]
        expect_trajectory([[got[step][2]] for step in updates], alone, f"{what}, looking only at the steps where parameter 2 had a gradient", [labels[2]],
                          rule="the same optimizer run on parameter 2 alone (did its momentum change at steps without a gradient?)")


@QUESTION.check("q7_optimizers_tests", points=0.75)
def step_with_closure_returns_its_loss(student, rng):
    """step(closure) calls the closure (with gradients enabled), returns the loss it returned, and updates exactly as step() after backward."""
    steps = 6
    for method in METHODS:
        problem, theta, labels = random_quadratics(rng, [(3,), (2,)])
        hypers = random_hypers(rng, method)
        what = f"{call_text(method, hypers)}.step(closure)"
        reply = run(student, method, hypers, [{"params": theta}], problem, steps, what, closure=True)
        expect_moves(reply["theta"], what)
        for step, (returned, calls) in enumerate(zip(reply["returned"], reply["closure_losses"])):
            if not calls:
                raise Fail(f"{what} at step {step + 1} never called the closure")
            if isinstance(returned, str) or returned is None:
                raise Fail(f"{what} at step {step + 1} returned {returned}; it must return the closure's loss ({calls[0]:.10g})")
            value = numeric.number(returned, f"what {what} returned at step {step + 1}")
            if abs(value - calls[0]) > 1e-12 * max(1.0, abs(calls[0])):
                raise Fail(f"{what} at step {step + 1} returned {value:.10g}, but the closure's loss was {calls[0]:.10g}")
        plain = run(student, method, hypers, [{"params": theta}], problem, steps, f"{call_text(method, hypers)}.step()")["theta"]
        expect_trajectory(reply["theta"], plain, what, labels, rule="the trajectory of step() after loss.backward()")


@QUESTION.check("q7_optimizers_tests", points=0.75)
def state_dict_resumes_training_exactly(student, rng):
    """state_dict() taken after 10 steps and loaded into a fresh optimizer continues exactly (bit for bit) like the original for 10 more steps."""
    before, after = 10, 10
    for method in METHODS:
        problem, theta, labels = random_quadratics(rng, [(3,), (2,), (2, 2)])
        defaults = random_hypers(rng, method)
        groups = [{"params": theta[:1], "lr": uniform(rng, 0.02, 0.1)}, {"params": theta[1:]}]
        what = (f"{call_text(method, defaults)} with two groups: state_dict() after {before} steps, loaded into a fresh "
                f"optimizer with load_state_dict()")
        reply = student.probe("q7_resume", method.name, defaults, groups, problem, before, after, what=what)
        resumed, original = reply["resumed"], reply["original"]
        expect_moves(original, what)
        restarted = simulate(method.rule, per_parameter(method, defaults, groups), problem, original[0], after)
        expect_trajectory(resumed, original, what, labels, first=before, rtol=0.0, atol=0.0,
                          rule="the original optimizer's continuation",
                          candidates=[("the exam's rule with the momentum restarted from v = 0: keep v in self.state[p], "
                                       "which is what state_dict() saves", restarted)])


# ------------------------------------------------------------------ q7_zero_grad_tests


def sample_point(rng):
    """A random point of the question's domain."""
    return {
        k: rng.randint(0, 30),
        alpha: rng.uniform(0.001, 1.0),
        beta: rng.uniform(0.01, 0.99),
        mu: rng.uniform(0.001, 0.999),
        lam: rng.uniform(0.01, 5.0),
        theta0: rng.uniform(-5.0, 5.0),
    }


def expect_equivalent(student, rng, name, reference, description):
    answer = student.expression(name, SYMBOLS)
    verdict = equivalent(answer, reference, sample_point, seed=int(torch.randint(2**31, (1,), generator=rng)))
    if not verdict.equivalent:
        raise Fail(f"`{name}` = {sp.sstr(answer)[:200]} is not {description}: {verdict.detail}")


@QUESTION.check("q7_zero_grad_tests", points=1.0)
def weight_decay_iterates_are_geometric(student, rng):
    """`theta_wd_k` equals (1 - mu)^k theta0, theta^k of SGDMomentumWD when every gradient is 0."""
    expect_equivalent(student, rng, "theta_wd_k", THETA_WD_K, "theta^k of SGDMomentumWD with zero gradients")


@QUESTION.check("q7_zero_grad_tests", points=1.0)
def l2_second_iterate(student, rng):
    """`theta_l2_2` equals ((1 - alpha lam)^2 - alpha beta lam) theta0, theta^2 of SGDMomentumL2 when every gradient is 0."""
    expect_equivalent(student, rng, "theta_l2_2", THETA_L2_2, "theta^2 of SGDMomentumL2 with zero gradients")


def equal_iterate_equations(theta_wd_k, theta_l2_2) -> list:
    """theta^1_WD = theta^1_L2 and theta^2_WD = theta^2_L2, divided by theta0 (any theta0 != 0),
    with theta^1_L2 = (1 - alpha lam) theta0, each as an expression that must vanish."""
    return [
        sp.cancel((theta_wd_k.subs(k, 1) - THETA_L2_1) / theta0),
        sp.cancel((theta_wd_k.subs(k, 2) - theta_l2_2) / theta0),
    ]


def equal_iterate_solutions(theta_wd_k, theta_l2_2) -> list:
    """SymPy's solutions (mu, lam), with alpha, beta, mu, lam > 0, of ``equal_iterate_equations``."""
    return sp.solve(equal_iterate_equations(theta_wd_k, theta_l2_2), [mu, lam], dict=True)


def second_step_gap(theta_wd_k, theta_l2_2):
    """(theta^2_WD - theta^2_L2) / theta0 once mu is chosen to make theta^1 agree (None if that
    choice is not unique). For the exam's formulas: mu = alpha lam and the gap is alpha beta lam."""
    first, second = equal_iterate_equations(theta_wd_k, theta_l2_2)
    choices = sp.solve(first, mu, dict=True)
    if len(choices) != 1:
        return None
    return choices[0][mu], sp.factor(second.subs(mu, choices[0][mu]))


@QUESTION.check("q7_zero_grad_tests", points=1.0)
def your_formulas_prove_the_theorem(student, rng):
    """With your formulas and theta^1 = (1 - alpha lam) theta0, equal iterates force mu = alpha lam and then alpha beta lam = 0: no mu, lam > 0 work.

    The exam's formulas give theta^2_WD - theta^2_L2 = alpha beta lam theta0 once mu = alpha lam,
    so SymPy finds no solution with positive alpha, beta, mu, lam; formulas that drop the
    momentum term (e.g. theta_l2_2 = (1 - alpha lam)^2 theta0) let mu = alpha lam work and
    would not prove the theorem.
    """
    wd = student.expression("theta_wd_k", SYMBOLS)
    l2 = student.expression("theta_l2_2", SYMBOLS)
    try:
        solutions = time_limited(lambda: equal_iterate_solutions(wd, l2), 10.0)
    except TimeLimitExceeded:
        raise Fail("SymPy could not solve theta^1_WD = theta^1_L2, theta^2_WD = theta^2_L2 with your formulas within 10 s") from None
    except (NotImplementedError, ValueError, TypeError) as error:
        raise Fail(f"SymPy could not solve theta^1_WD = theta^1_L2, theta^2_WD = theta^2_L2 with your formulas ({type(error).__name__})") from None
    if solutions:
        shown = ", ".join("{" + ", ".join(f"{s} = {sp.sstr(v)}" for s, v in solution.items()) + "}" for solution in solutions[:3])
        gap = time_limited(lambda: second_step_gap(wd, l2), 10.0)
        how = f" (theta^1 agree for mu = {sp.sstr(gap[0])}, and then theta^2_WD - theta^2_L2 = ({sp.sstr(gap[1])}) theta0)" if gap else ""
        exam_mu, exam_gap = second_step_gap(THETA_WD_K, THETA_L2_2)
        raise Fail(
            f"with your theta_wd_k and theta_l2_2, theta^1 and theta^2 of the two methods agree for {shown}{how}, "
            f"so your formulas would not show that the methods differ; the exam's give mu = {sp.sstr(exam_mu)} and then "
            f"theta^2_WD - theta^2_L2 = ({sp.sstr(exam_gap)}) theta0, which is 0 only if alpha beta lam = 0"
        )


# ------------------------------------------------------------------ feedback picture


@QUESTION.figure("q7_optimizers_tests")
def your_trajectories_beside_the_exams(student, rng):
    """theta^k of your two optimizers beside the exam's rules, on one random 1-d quadratic, 40 steps."""
    series, markers = {}, set()
    for method in METHODS:
        problem, theta, _ = random_quadratics(rng, [(1,)])
        hypers = random_hypers(rng, method)
        want = simulate(method.rule, [triple(method, hypers)], problem, theta, 40)
        got = run(student, method, hypers, [{"params": theta}], problem, 40, call_text(method, hypers))["theta"]
        left = departure(got, want)
        until = len(got) if left is None else left[0] + 1  # your trajectory up to where it leaves the exam's
        series[f"exam's {method.name}"] = (range(len(want)), [float(row[0]) for row in want])
        yours = f"your {method.name}" + ("" if left is None else f" (leaves it at step {left[0]})")
        series[yours] = (range(until), [float(row[0]) for row in got[:until]])
        markers.add(yours)
    return figures.line_plot(series, title="theta^k on a random quadratic", xlabel="step k", ylabel="theta^k", markers=markers)
