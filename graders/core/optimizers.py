"""The optimizer harness: grade a student's ``torch.optim.Optimizer`` subclass from a spec.

In the spirit of PyTorch's ``OptimizerInfo`` / ``optim_db`` (torch/testing/_internal/
common_optimizers.py), one ``OptimizerSpec`` per optimizer a question asks for says everything
the grader needs: the constructor's hyperparameters and the ranges random values come from, the
reference update as a pure step function over any number of named state buffers and a step
counter, a catalogue of known mistakes (each a step function and the message naming it), the
library optimizer it must equal (the oracle) and which contract features apply. From the spec:

- ``simulate`` runs a step rule (the reference or a mistake) on a shared problem
  (``graders/probes/problems.py``: random quadratics, a small tanh network, zero gradients;
  the same loss text runs in the student's kernel) and ``oracle_trajectory`` the oracle;
- ``run`` runs the student's class in their kernel (``graders/probes/optimizers.py``);
- ``expect_trajectory`` fails at the first step and parameter where the student's trajectory
  leaves the expected one, naming the known mistake it follows longest;
- ``declare_trajectory_check`` and ``declare_contract_checks`` register checks for a question:
  a trajectory against the reference or the oracle, and the contract (parameter groups with
  their own hyperparameters, None gradients left alone, closures, ``state_dict`` resume).

Questions using it install the kernel side with ``Question(..., probes=PROBES)``.
"""

import itertools
import math
from dataclasses import dataclass, field
from typing import Callable

import torch

from graders.core import numeric
from graders.core.checks import DEFAULT_TIME_LIMIT, Question
from graders.core.errors import Fail
from graders.core.submission import PROBE_DIR
from graders.probes.problems import problem_gradients

F64 = torch.float64
#: Kernel-side modules a question using the harness installs (``Question(probes=PROBES)``).
PROBES = (PROBE_DIR / "problems.py", PROBE_DIR / "optimizers.py")
#: Trajectories agree when |got - want| <= ATOL + RTOL |want| at every step: algebraically equal
#: updates differ by a few ulps per step (below 1e-12 after 60 steps on these problems), every
#: catalogued mistake moves theta by more than 1e-6 within a few steps.
RTOL, ATOL = 1e-8, 1e-10

#: Contract features a spec may claim (``OptimizerSpec.features``).
GROUPS, NONE_GRAD, CLOSURE, STATE_DICT = "param_groups", "none_grad", "closure", "state_dict"
FEATURES = frozenset({GROUPS, NONE_GRAD, CLOSURE, STATE_DICT})

#: ``(theta, grad, state, hypers) -> new theta``: ``state`` holds the spec's buffers and
#: ``"step"`` (already counting this step, so 1 at the first); the rule replaces buffers in it.
StepRule = Callable[[torch.Tensor, torch.Tensor, dict, dict], torch.Tensor]


@dataclass(frozen=True)
class Hyper:
    """One constructor argument and the range its random values come from; a tuple argument
    (Adam's ``betas``) has one range per entry. ``log`` draws log-uniformly (eps); values are
    rounded to 4 significant digits, or to ``decimals`` places, so the feedback shows them
    exactly."""

    name: str
    ranges: tuple
    log: bool = False
    decimals: int | None = None

    def sample(self, rng: torch.Generator):
        values = tuple(self._draw(rng, low, high) for low, high in self.ranges)
        return values if len(values) > 1 else values[0]

    def _draw(self, rng: torch.Generator, low: float, high: float) -> float:
        if self.log:
            exponent = torch.empty((), dtype=F64).uniform_(
                math.log(low), math.log(high), generator=rng
            )
            value = math.exp(float(exponent))
        else:
            value = float(torch.empty((), dtype=F64).uniform_(low, high, generator=rng))
        return round(value, self.decimals) if self.decimals is not None else float(f"{value:.4g}")


@dataclass(frozen=True)
class Mistake:
    """A known wrong update and the message that names it for the student."""

    name: str
    step: StepRule
    message: str


def unchanged(theta, grad, state, hypers):
    return theta


#: The mistake any optimizer can make: building a new tensor instead of changing the parameter.
NO_UPDATE = Mistake(
    "no_update",
    unchanged,
    "no update at all: θ never changes (change the "
    "parameter in place, e.g. p.sub_(...) or p.copy_(...), not a new local tensor)",
)


@dataclass(frozen=True)
class LibraryOracle:
    """The library optimizer the spec equals: its class, and the spec's hyperparameters mapped
    to its keyword arguments (e.g. ``l2`` -> ``weight_decay``)."""

    cls: type
    keywords: Callable[[dict], dict]
    says: str


@dataclass(frozen=True)
class OptimizerSpec:
    """Everything the harness needs to grade one optimizer class the student writes."""

    name: str
    hypers: tuple
    buffers: tuple
    step: StepRule
    says: str
    mistakes: tuple = ()
    oracle: LibraryOracle | None = None
    features: frozenset = field(default=FEATURES)

    @property
    def names(self) -> tuple:
        return tuple(hyper.name for hyper in self.hypers)

    def sample(self, rng: torch.Generator) -> dict:
        return {hyper.name: hyper.sample(rng) for hyper in self.hypers}

    def call_text(self, hypers: dict) -> str:
        shown = ", ".join(
            f"{key}={_value(value)}" for key, value in hypers.items() if key != "params"
        )
        return f"{self.name}({shown})"


def _value(value) -> str:
    if isinstance(value, tuple):
        return "(" + ", ".join(f"{v:g}" for v in value) + ")"
    return f"{value:g}"


# ------------------------------------------------------------------ shared problems


@dataclass
class Problem:
    """A loss as plain data (``graders/probes/problems.py``), theta^0 and a label per parameter."""

    data: dict
    theta: list
    labels: list

    def restricted(self, indices: list) -> "Problem":
        """The quadratic problem on the parameters ``indices`` only."""
        data = {
            "kind": "quadratic",
            "A": [self.data["A"][i] for i in indices],
            "b": [self.data["b"][i] for i in indices],
        }
        return Problem(data, [self.theta[i] for i in indices], [self.labels[i] for i in indices])


def random_quadratics(rng: torch.Generator, shapes: list) -> Problem:
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
    return Problem({"kind": "quadratic", "A": A, "b": b}, theta, labels)


def small_network(rng: torch.Generator) -> Problem:
    """Regression with one hidden tanh layer (3 -> 6 -> 2) on a fixed batch of 16."""
    shapes = {"W1": (6, 3), "b1": (6,), "W2": (2, 6), "b2": (2,)}
    theta = [torch.randn(shape, generator=rng, dtype=F64) * 0.5 for shape in shapes.values()]
    data = {
        "kind": "network",
        "X": torch.randn(16, 3, generator=rng, dtype=F64),
        "Y": torch.randn(16, 2, generator=rng, dtype=F64),
    }
    return Problem(data, theta, [f"{name} (shape {shape})" for name, shape in shapes.items()])


def zero_gradients(rng: torch.Generator, shapes: list) -> Problem:
    """A constant loss (every gradient 0) and random theta^0."""
    theta = [torch.randn(shape, generator=rng, dtype=F64) for shape in shapes]
    labels = [f"parameter {j} (shape {tuple(s)})" for j, s in enumerate(shapes)]
    return Problem({"kind": "zero"}, theta, labels)


# ------------------------------------------------------------------ expected trajectories


def fresh_state(spec: OptimizerSpec, theta: torch.Tensor) -> dict:
    """A parameter's state before its first step: every buffer 0, step 0."""
    return {"step": 0, **{name: torch.zeros_like(theta) for name in spec.buffers}}


def apply(
    rule: StepRule, theta: torch.Tensor, grad: torch.Tensor, state: dict, hypers: dict
) -> torch.Tensor:
    """One step of ``rule`` for one parameter: counts the step in ``state``, returns theta'."""
    state["step"] += 1
    return rule(theta, grad, state, hypers)


def simulate(
    spec: OptimizerSpec,
    rule: StepRule,
    hypers: list,
    problem: Problem,
    steps: int,
    has_grad: list | None = None,
) -> list:
    """theta^0..theta^steps (a list per step of one tensor per parameter) under ``rule``;
    ``hypers[j]`` are parameter j's hyperparameters. A parameter without a gradient at a step is
    skipped: its theta, buffers and step count stay as they are."""
    theta = [t.clone() for t in problem.theta]
    states = [fresh_state(spec, t) for t in theta]
    trajectory = [theta]
    for step in range(steps):
        grads = problem_gradients(problem.data, theta)
        theta = list(theta)
        for j, grad in enumerate(grads):
            if has_grad is None or has_grad[step][j]:
                theta[j] = apply(rule, theta[j], grad, states[j], hypers[j])
        trajectory.append(theta)
    return trajectory


def oracle_trajectory(spec: OptimizerSpec, defaults: dict, problem: Problem, steps: int) -> list:
    """The same run with the library optimizer (one group, ``defaults`` mapped to its keywords)."""
    params = [torch.nn.Parameter(t.clone()) for t in problem.theta]
    optimizer = spec.oracle.cls(params, **spec.oracle.keywords(defaults))
    trajectory = [[p.detach().clone() for p in params]]
    for _ in range(steps):
        for p, g in zip(params, problem_gradients(problem.data, [p.detach() for p in params])):
            p.grad = g
        optimizer.step()
        trajectory.append([p.detach().clone() for p in params])
    return trajectory


def mistakes(spec: OptimizerSpec, hypers: list, problem: Problem, steps: int) -> list:
    """(message, trajectory) of every catalogued mistake on the same run."""
    return [(m.message, simulate(spec, m.step, hypers, problem, steps)) for m in spec.mistakes]


def per_parameter(spec: OptimizerSpec, defaults: dict, groups: list) -> list:
    """Each parameter's hyperparameters: its group's settings over the constructor's defaults."""
    return [
        {name: {**defaults, **group}[name] for name in spec.names}
        for group in groups
        for _ in group["params"]
    ]


# ------------------------------------------------------------------ comparing trajectories


def close(got, want: torch.Tensor, rtol: float = RTOL, atol: float = ATOL) -> bool:
    if not isinstance(got, torch.Tensor) or got.is_complex() or got.shape != want.shape:
        return False
    return bool(((got.to(F64) - want).abs() <= atol + rtol * want.abs()).all())


def departure(got: list, want: list, rtol: float = RTOL, atol: float = ATOL):
    """(step, parameter) where ``got`` first leaves ``want``, or None if it never does."""
    if not isinstance(got, list) or len(got) < len(want):
        return (len(got) if isinstance(got, list) else 0), 0
    for step, (got_row, want_row) in enumerate(zip(got, want)):
        if not isinstance(got_row, list) or len(got_row) != len(want_row):
            return step, 0
        for j, (g, w) in enumerate(zip(got_row, want_row)):
            if not close(g, w, rtol, atol):
                return step, j
    return None


def column(trajectory: list, j: int) -> list:
    return [[row[j]] for row in trajectory]


def same(a, b) -> bool:
    """Bit-for-bit equal tensors of the same shape and dtype."""
    return (
        isinstance(a, torch.Tensor)
        and isinstance(b, torch.Tensor)
        and a.shape == b.shape
        and a.dtype == b.dtype
        and bool(torch.equal(a, b))
    )


def show(value) -> str:
    if not isinstance(value, torch.Tensor):
        return repr(value)[:80]
    flat = value.detach().flatten().tolist()
    return "[" + ", ".join(f"{x:.10g}" for x in flat[:4]) + (", ...]" if len(flat) > 4 else "]")


def expect_trajectory(
    got,
    want,
    what,
    labels,
    *,
    candidates=(),
    rule="the reference update",
    first=0,
    rtol=RTOL,
    atol=ATOL,
) -> None:
    """Fail at the first step and parameter where ``got`` leaves ``want``, naming the candidate
    (message, trajectory) that ``got`` follows longest when it follows one longer than ``want``;
    ``candidates`` may be a function returning them, called only on failure."""
    found = departure(got, want, rtol, atol)
    if found is None:
        return
    step, j = found
    if step >= len(got) or not isinstance(got[step], list) or j >= len(got[step]):
        raise Fail(f"{what}: the grader got {step} steps of {len(want) - 1} back")
    detail = f"θ^{first + step} of {labels[j]} leaves {rule}"
    try:
        numeric.expect_close(got[step][j], want[step][j], detail, rtol=rtol, atol=atol)
    except Fail as failure:
        detail = str(failure)
    raise Fail(f"{what}: {detail}. {explain(got, want, step, j, candidates, first)}".strip())


def explain(got, want, step, j, candidates, first) -> str:
    """What the departure at (step, j) points to: the candidate ``got`` follows longest (if longer
    than ``want``), else a float32 hint for tiny differences, else that no known mistake fits."""
    candidates = candidates() if callable(candidates) else candidates
    best, best_step = None, step
    for says, trajectory in candidates:
        found = departure(got, trajectory)
        if found is None:
            return f"Your whole trajectory matches a known mistake: {says}."
        if found[0] > best_step:
            best, best_step = says, found[0]
    if best:
        return f"Up to θ^{first + best_step - 1} it matches a known mistake: {best}."
    g = got[step][j]
    if isinstance(g, torch.Tensor) and g.shape == want[step][j].shape and torch.isfinite(g).all():
        scale = want[step][j].abs().max().clamp(min=1e-300)
        relative = float((g.to(F64) - want[step][j]).abs().max() / scale)
        if relative < 1e-4:
            return (
                f"The difference is small (relative {relative:.1e}) but far above float64 "
                "rounding: is part of your computation in float32 (e.g. a buffer made with "
                "torch.zeros(p.shape) instead of torch.zeros_like(p))?"
            )
    if candidates:
        return "It matches none of the common mistakes the grader knows."
    return ""


# ------------------------------------------------------------------ the student's optimizer


def run(
    student,
    spec: OptimizerSpec,
    defaults: dict,
    groups: list,
    problem: Problem,
    steps: int,
    what: str,
    **options,
) -> dict:
    """The student's optimizer run in their kernel on ``groups`` (plain tensors):
    {"theta": [...], "returned": [...], "closure_losses": [...]}."""
    reply = student.probe(
        "optimizer_trajectory",
        spec.name,
        defaults,
        groups,
        problem.data,
        steps,
        what=what,
        **options,
    )
    if not isinstance(reply, dict) or not isinstance(reply.get("theta"), list):
        raise Fail(f"{what}: the grader got no trajectory back")
    return reply


def run_alone(student, spec, defaults, problem, steps, what, **options) -> list:
    """The student's trajectory with one group holding every parameter of ``problem``."""
    groups = [{"params": problem.theta}]
    return run(student, spec, defaults, groups, problem, steps, what, **options)["theta"]


def expect_theorem_iterates(
    student, spec: OptimizerSpec, hypers: dict, problem: Problem, want: list, says: str
) -> None:
    """The student's ``spec.name`` with ``hypers`` on ``problem`` (every gradient 0) gives the
    iterates ``want`` (theta^0..theta^K, one entry per parameter) that the theorem ``says``;
    a departure is explained by the catalogued mistake it matches, if any."""
    steps = len(want) - 1
    what = f"{spec.call_text(hypers)} with every gradient 0, {steps} steps"
    got = run_alone(student, spec, hypers, problem, steps, what)
    per = [hypers] * len(problem.theta)
    expect_trajectory(
        got,
        want,
        what,
        problem.labels,
        rule=f"the theorem's {says}",
        candidates=lambda: mistakes(spec, per, problem, steps),
    )


def expect_moves(trajectory: list, what: str) -> None:
    """The contract checks compare the optimizer with itself, which an optimizer that changes
    nothing would pass: they first require the first step to move some parameter."""
    if len(trajectory) < 2 or all(same(a, b) for a, b in zip(trajectory[0], trajectory[1])):
        raise Fail(
            f"{what}: the first step changed no parameter, so this property cannot be "
            "checked (step must update the parameters in place)"
        )


# ------------------------------------------------------------------ check factories


def declare_trajectory_check(
    question: Question,
    cell: str,
    spec: OptimizerSpec,
    *,
    name: str,
    points: float,
    problem: Callable,
    on: str,
    steps: int,
    oracle: bool = False,
    time_limit: float = DEFAULT_TIME_LIMIT,
) -> None:
    """Register check ``name``: the student's ``spec.name`` on ``problem(rng)`` (described by
    ``on``) follows the reference step (or, with ``oracle``, the library optimizer) for
    ``steps`` steps."""
    against = spec.oracle.says if oracle else spec.says

    def check(student, rng):
        instance = problem(rng)
        hypers = spec.sample(rng)
        what = f"{spec.call_text(hypers)} on {on}, {steps} steps"
        got = run_alone(student, spec, hypers, instance, steps, what)
        per = [hypers] * len(instance.theta)
        want = (
            oracle_trajectory(spec, hypers, instance, steps)
            if oracle
            else simulate(spec, spec.step, per, instance, steps)
        )
        expect_trajectory(
            got,
            want,
            what,
            instance.labels,
            rule=against,
            candidates=lambda: mistakes(spec, per, instance, steps),
        )

    check.__name__ = name
    check.__doc__ = f"{spec.name} follows {against} at every step of {steps} on {on}, float64."
    question.check(cell, points=points, time_limit=time_limit)(check)


def declare_contract_checks(
    question: Question,
    cell: str,
    specs: tuple,
    points: dict,
    time_limit: float = DEFAULT_TIME_LIMIT,
) -> None:
    """Register one check per contract feature in ``points`` ({feature: points}); each runs
    every spec in ``specs`` that claims the feature."""
    for feature, worth in points.items():
        applying = tuple(spec for spec in specs if feature in spec.features)
        function = CONTRACT[feature]

        def check(student, rng, function=function, applying=applying):
            for spec in applying:
                function(student, rng, spec)

        check.__name__ = function.__name__
        check.__doc__ = function.__doc__
        question.check(cell, points=worth, time_limit=time_limit)(check)


def three_groups(rng, spec: OptimizerSpec, theta: list) -> tuple:
    """Constructor defaults and three groups: one overriding the first hyperparameter, one
    overriding all, one overriding all but the first."""
    defaults, other, third = spec.sample(rng), spec.sample(rng), spec.sample(rng)
    first = spec.names[0]
    groups = [
        {"params": theta[:1], first: other[first]},
        {"params": theta[1:3], **other},
        {"params": theta[3:], **{key: value for key, value in third.items() if key != first}},
    ]
    return defaults, groups


def ignored_hyperparameters(spec, defaults, groups, problem, steps, j) -> list:
    """Candidates for parameter j: the reference with some of its group's settings replaced by
    the constructor's (read from self.defaults) or by the first group's."""
    own = per_parameter(spec, defaults, groups)
    sources = {
        "the constructor's": {name: defaults[name] for name in spec.names},
        "the first group's": own[0],
    }
    candidates = []
    for source, values in sources.items():
        for size in range(1, len(spec.names) + 1):
            for chosen in itertools.combinations(spec.names, size):
                mixed = list(own)
                mixed[j] = {**own[j], **{name: values[name] for name in chosen}}
                if mixed[j] == own[j]:
                    continue
                listed = " and ".join(chosen)
                trajectory = column(simulate(spec, spec.step, mixed, problem, steps), j)
                says = (
                    f"{spec.says} with {source} {listed} instead of its group's (read "
                    f"group['{chosen[0]}'] inside step)"
                )
                candidates.append((says, trajectory))
    return candidates


def parameter_groups_keep_their_own_hyperparameters(student, rng, spec: OptimizerSpec) -> None:
    """With three parameter groups overriding the hyperparameters, each group moves exactly as
    your optimizer built for that group alone."""
    steps = 15
    problem = random_quadratics(rng, [(3,), (2,), (2, 2), (4,)])
    defaults, groups = three_groups(rng, spec, problem.theta)
    what = f"{spec.call_text(defaults)} with three parameter groups ({steps} steps)"
    got = run(student, spec, defaults, groups, problem, steps, what)["theta"]
    expect_moves(got, what)
    start = 0
    for number, group in enumerate(groups):
        alone = {**defaults, **{key: value for key, value in group.items() if key != "params"}}
        indices = list(range(start, start + len(group["params"])))
        single = run_alone(
            student,
            spec,
            alone,
            problem.restricted(indices),
            steps,
            f"{spec.call_text(alone)} alone",
        )
        mine = [row[start : start + len(indices)] for row in got]
        found = departure(mine, single)
        if found is not None:
            step, i = found
            j = start + i
            candidates = ignored_hyperparameters(spec, defaults, groups, problem, steps, j)
            hint = explain(column(got, j), column(single, i), step, 0, candidates, 0)
            hint = "" if hint.startswith("It matches none") else hint
            raise Fail(
                f"{what}: θ^{step} of {problem.labels[j]} (group {number}: "
                f"{spec.call_text(alone)}) is {show(mine[step][i])}, but "
                f"{spec.call_text(alone)} on that group alone gives "
                f"{show(single[step][i])}. {hint}".strip()
            )
        start += len(indices)


def parameters_without_gradient_are_left_alone(student, rng, spec: OptimizerSpec) -> None:
    """A parameter whose .grad is None is not changed (no decay, no buffer update) and does not
    stop the others from updating."""
    steps = 12
    # parameter 1 never has a gradient, parameter 2 only at even steps
    has_grad = [[True, False, step % 2 == 0, True] for step in range(steps)]
    problem = random_quadratics(rng, [(4,), (3,), (2, 2), (5,)])
    hypers = spec.sample(rng)
    what = (
        f"{spec.call_text(hypers)}.step() with parameter 1's .grad always None and "
        "parameter 2's None at odd steps"
    )
    got = run_alone(student, spec, hypers, problem, steps, what, has_grad=has_grad)
    expect_moves(got, what)
    for step in range(steps):
        for j in (1, 2):
            if not has_grad[step][j] and not same(got[step + 1][j], got[step][j]):
                raise Fail(
                    f"{what}: {problem.labels[j]} changed at step {step + 1} although "
                    f"its .grad was None (θ^{step} = {show(got[step][j])}, θ^{step + 1} = "
                    f"{show(got[step + 1][j])}): skip such parameters entirely, weight "
                    "decay included"
                )
    kept = problem.restricted([0, 3])
    others = run_alone(student, spec, hypers, kept, steps, f"{what} (without parameters 1 and 2)")
    expect_trajectory(
        [[row[0], row[3]] for row in got],
        others,
        what,
        kept.labels,
        rule="the same optimizer run without the None-grad parameters (did a None "
        "grad `return` or `break` out of the loop?)",
    )
    updates = [0] + [step + 1 for step in range(steps) if has_grad[step][2]]
    alone = run_alone(
        student,
        spec,
        hypers,
        problem.restricted([2]),
        len(updates) - 1,
        f"{what} (parameter 2 alone)",
    )
    expect_trajectory(
        [[got[step][2]] for step in updates],
        alone,
        f"{what}, looking only at the steps where parameter 2 had a gradient",
        [problem.labels[2]],
        rule="the same optimizer run on parameter 2 alone (did its state or step "
        "count change at steps without a gradient?)",
    )


def step_with_closure_returns_its_loss(student, rng, spec: OptimizerSpec) -> None:
    """step(closure) calls the closure (with gradients enabled), returns the loss it returned,
    and updates exactly as step() after backward."""
    steps = 6
    problem = random_quadratics(rng, [(3,), (2,)])
    hypers = spec.sample(rng)
    what = f"{spec.call_text(hypers)}.step(closure)"
    reply = run(
        student, spec, hypers, [{"params": problem.theta}], problem, steps, what, closure=True
    )
    expect_moves(reply["theta"], what)
    for step, (returned, calls) in enumerate(zip(reply["returned"], reply["closure_losses"])):
        if not calls:
            raise Fail(f"{what} at step {step + 1} never called the closure")
        if isinstance(returned, str) or returned is None:
            raise Fail(
                f"{what} at step {step + 1} returned {returned}; it must return the "
                f"closure's loss ({calls[0]:.10g})"
            )
        value = numeric.number(returned, f"what {what} returned at step {step + 1}")
        if abs(value - calls[0]) > 1e-12 * max(1.0, abs(calls[0])):
            raise Fail(
                f"{what} at step {step + 1} returned {value:.10g}, but the closure's loss "
                f"was {calls[0]:.10g}"
            )
    plain = run_alone(student, spec, hypers, problem, steps, f"{spec.call_text(hypers)}.step()")
    expect_trajectory(
        reply["theta"],
        plain,
        what,
        problem.labels,
        rule="the trajectory of step() after loss.backward()",
    )


def state_dict_resumes_training_exactly(student, rng, spec: OptimizerSpec) -> None:
    """state_dict() taken after 10 steps and loaded into a fresh optimizer continues exactly
    (bit for bit) like the original for 10 more steps."""
    before, after = 10, 10
    problem = random_quadratics(rng, [(3,), (2,), (2, 2)])
    defaults = spec.sample(rng)
    first = spec.names[0]
    groups = [
        {"params": problem.theta[:1], first: spec.hypers[0].sample(rng)},
        {"params": problem.theta[1:]},
    ]
    what = (
        f"{spec.call_text(defaults)} with two groups: state_dict() after {before} steps, "
        "loaded into a fresh optimizer with load_state_dict()"
    )
    reply = student.probe(
        "optimizer_resume", spec.name, defaults, groups, problem.data, before, after, what=what
    )
    if not isinstance(reply, dict) or not isinstance(reply.get("original"), list):
        raise Fail(f"{what}: the grader got no trajectory back")
    resumed, original = reply["resumed"], reply["original"]
    expect_moves(original, what)
    restarted = simulate(
        spec,
        spec.step,
        per_parameter(spec, defaults, groups),
        Problem(problem.data, original[0], problem.labels),
        after,
    )
    expect_trajectory(
        resumed,
        original,
        what,
        problem.labels,
        first=before,
        rtol=0.0,
        atol=0.0,
        rule="the original optimizer's continuation",
        candidates=[
            (
                "the reference restarted from empty state: keep every buffer "
                "and the step count in self.state[p], which is what "
                "state_dict() saves",
                restarted,
            )
        ],
    )


CONTRACT = {
    GROUPS: parameter_groups_keep_their_own_hyperparameters,
    NONE_GRAD: parameters_without_gradient_are_left_alone,
    CLOSURE: step_with_closure_returns_its_loss,
    STATE_DICT: state_dict_resumes_training_exactly,
}
