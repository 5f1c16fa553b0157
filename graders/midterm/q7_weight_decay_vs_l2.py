"""Question 7: weight decay and l2 regularization are not the same for SGD with momentum.

SGDMomentumWD:  v^{k+1} = g^k + beta v^k;            theta^{k+1} = theta^k - alpha v^{k+1} - mu
theta^k SGDMomentumL2:  v^{k+1} = (g^k + lam theta^k) + beta v^k;  theta^{k+1} = theta^k - alpha
v^{k+1} (v^0 = 0; the second is torch.optim.SGD(lr=alpha, momentum=beta, weight_decay=lam,
dampening=0).)

Theorem. With g^k = 0: weight decay gives theta^k = (1 - mu)^k theta^0, l2 gives
theta^1 = (1 - alpha lam) theta^0 and theta^2 = ((1 - alpha lam)^2 - alpha beta lam) theta^0.
Equal iterates would need mu = alpha lam at k = 1, and then theta^2_WD - theta^2_L2 =
alpha beta lam theta^0 = 0 at k = 2: impossible for positive alpha, beta, lam (theta^0 != 0), so
no mu, lam > 0 make the two methods agree.

Cell ``q7_optimizers_tests`` grades the student's two optimizer classes with the optimizer
harness (``graders/core/optimizers.py``): every step against the exam's rules (two specs below,
with the catalogue of common mistakes the feedback names), against ``torch.optim.SGD``, against
the theorem's iterates, and against the student's own optimizer used differently (groups, None
grads, closures, state_dict). Cell ``q7_zero_grad_tests`` checks the two closed forms
symbolically and runs the theorem's argument on the student's own formulas (the mu that makes
theta^1 agree, the gap left at theta^2). Cell ``q7_steps_tests`` checks the proof's steps
(theta^1_L2, the matching mu, the gap) and that they fit the student's own closed forms, with a
gap that vanishes for no alpha, beta, lam > 0.

Theorem content (points that test the theorem, not the optimizer API): all of
``q7_zero_grad_tests`` and ``q7_steps_tests``, and ``zero_gradients_give_the_theorems_iterates``
(the theorem's iterates on the student's own optimizers): 8.5 of the 14 autograded points.
"""

import dataclasses
import functools

import sympy as sp
import torch

from graders.core import figures
from graders.core import optimizers as harness
from graders.core.checks import Question, subseed
from graders.core.errors import Fail, NotChecked
from graders.core.optimizers import NO_UPDATE, Hyper, LibraryOracle, Mistake, OptimizerSpec
from graders.core.steps import Step, declare_steps, expect_equivalent
from graders.core.symbolic import equivalent, isolated

QUESTION = Question(__name__, probes=harness.PROBES)

k = sp.Symbol("k", integer=True, nonnegative=True)
alpha, beta, mu, lam = (sp.Symbol(name, positive=True) for name in ("alpha", "beta", "mu", "lam"))
theta0 = sp.Symbol("theta0", real=True)
SYMBOLS = {"k": k, "alpha": alpha, "beta": beta, "mu": mu, "lam": lam, "theta0": theta0}

THETA_WD_K = (1 - mu) ** k * theta0
THETA_L2_1 = (1 - alpha * lam) * theta0
THETA_L2_2 = ((1 - alpha * lam) ** 2 - alpha * beta * lam) * theta0
MU_MATCHING = alpha * lam  # theta^1_WD = theta^1_L2
THETA_GAP_2 = alpha * beta * lam * theta0  # theta^2_WD - theta^2_L2 with mu = MU_MATCHING


# ------------------------------------------------------------------ update rules and mistakes


def momentum_buffer(d, state, h, *, dampened=False, momentum=True):
    """v <- d + beta v, stored in ``state``; ``dampened`` gives v <- (1 - beta) d + beta v and
    ``momentum`` False gives v <- d (beta taken as 0), two catalogued mistakes."""
    b = h["momentum"] if momentum else 0.0
    if dampened:
        d = (1 - b) * d
    state["momentum_buffer"] = d + b * state["momentum_buffer"]
    return state["momentum_buffer"]


def sgd_wd(
    theta, grad, state, h, *, scale=1.0, on_updated=False, times_lr=False, nesterov=False, **buffer
):
    """SGDMomentumWD's step theta - alpha v - mu theta; the keywords build the mistakes (mu scaled
    by ``scale``, decay of the updated theta, decay times lr, Nesterov's look-ahead step)."""
    a, c = h["lr"], scale * h["weight_decay"]
    v = momentum_buffer(grad, state, h, **buffer)
    step = grad + h["momentum"] * v if nesterov else v
    if on_updated:
        theta = theta - a * step
        return theta - c * theta
    return theta - a * step - (a * c if times_lr else c) * theta


def sgd_l2(theta, grad, state, h, *, scale=1.0, nesterov=False, **buffer):
    """SGDMomentumL2's step: SGD with momentum on d = g + lam theta; the keywords build the
    mistakes (lam scaled by ``scale``, Nesterov's look-ahead step)."""
    d = grad + scale * h["l2"] * theta
    v = momentum_buffer(d, state, h, **buffer)
    return theta - h["lr"] * (d + h["momentum"] * v if nesterov else v)


def wd_named_l2(theta, grad, state, h, **options):
    """SGDMomentumWD's step with SGDMomentumL2's ``l2`` as the decay coefficient."""
    return sgd_wd(theta, grad, state, {**h, "weight_decay": h["l2"]}, **options)


def l2_named_weight_decay(theta, grad, state, h):
    """SGDMomentumL2's step with SGDMomentumWD's ``weight_decay`` as the l2 coefficient."""
    return sgd_l2(theta, grad, state, {**h, "l2": h["weight_decay"]})


def mistake(name, rule, message, **options):
    return Mistake(name, functools.partial(rule, **options) if options else rule, message)


def sgd_hypers(decay: str, decay_range: tuple) -> tuple:
    """lr, momentum and the decay coefficient, drawn in that order, to 4 decimals."""
    return tuple(
        Hyper(name, (bounds,), decimals=4)
        for name, bounds in [("lr", (0.02, 0.1)), ("momentum", (0.5, 0.95)), (decay, decay_range)]
    )


SGD_WD = OptimizerSpec(
    name="SGDMomentumWD",
    hypers=sgd_hypers("weight_decay", (0.005, 0.05)),
    buffers=("momentum_buffer",),
    step=sgd_wd,
    says="the exam's rule v <- g + beta v; theta <- theta - alpha v - mu theta",
    mistakes=(
        mistake(
            "decay_on_updated_theta",
            sgd_wd,
            "weight decay applied to the updated theta: "
            "theta <- (1 - mu)(theta - alpha v) instead of theta - alpha v - mu theta_old",
            on_updated=True,
        ),
        mistake(
            "decay_times_lr",
            sgd_wd,
            "weight decay scaled by the learning rate: theta <- theta - alpha v - alpha mu theta",
            times_lr=True,
        ),
        mistake(
            "decay_inside_buffer",
            l2_named_weight_decay,
            "weight decay added to the gradient "
            "inside the momentum buffer (that is l2 regularization): "
            "v <- g + mu theta + beta v",
        ),
        mistake(
            "dampening",
            sgd_wd,
            "dampening: v <- beta v + (1 - beta) g (the exam has no dampening)",
            dampened=True,
        ),
        mistake(
            "nesterov",
            sgd_wd,
            "Nesterov momentum: theta <- theta - alpha (g + beta v) - "
            "mu theta (the exam uses plain momentum)",
            nesterov=True,
        ),
        mistake("no_decay", sgd_wd, "no weight decay: theta <- theta - alpha v", scale=0.0),
        mistake("no_momentum", sgd_wd, "no momentum: v <- g", momentum=False),
        mistake(
            "decay_wrong_sign",
            sgd_wd,
            "weight decay with the wrong sign: theta <- theta - alpha v + mu theta",
            scale=-1.0,
        ),
        NO_UPDATE,
    ),
)

SGD_L2 = OptimizerSpec(
    name="SGDMomentumL2",
    hypers=sgd_hypers("l2", (0.05, 0.5)),
    buffers=("momentum_buffer",),
    step=sgd_l2,
    says="the exam's rule v <- (g + lam theta) + beta v; theta <- theta - alpha v",
    mistakes=(
        mistake(
            "l2_outside_buffer",
            wd_named_l2,
            "lam theta added outside the momentum buffer: "
            "v <- g + beta v; theta <- theta - alpha (v + lam theta)",
            times_lr=True,
        ),
        mistake(
            "decoupled_decay",
            wd_named_l2,
            "decoupled weight decay instead of l2: theta <- theta - alpha v - lam theta",
        ),
        mistake(
            "l2_twice",
            sgd_l2,
            "2 lam theta added to the gradient (the gradient of "
            "lam |theta|^2, not of (lam/2) |theta|^2)",
            scale=2.0,
        ),
        mistake(
            "dampening",
            sgd_l2,
            "dampening: v <- beta v + (1 - beta)(g + lam theta) (the exam has no dampening)",
            dampened=True,
        ),
        mistake(
            "nesterov",
            sgd_l2,
            "Nesterov momentum: theta <- theta - alpha (g + lam theta + "
            "beta v) (the exam uses plain momentum)",
            nesterov=True,
        ),
        mistake("no_l2", sgd_l2, "no l2 term: v <- g + beta v", scale=0.0),
        mistake("no_momentum", sgd_l2, "no momentum: v <- g + lam theta", momentum=False),
        NO_UPDATE,
    ),
    oracle=LibraryOracle(
        torch.optim.SGD,
        lambda h: dict(lr=h["lr"], momentum=h["momentum"], weight_decay=h["l2"], dampening=0),
        "torch.optim.SGD(lr, momentum, weight_decay=lam, dampening=0)",
    ),
)
SPECS = (SGD_WD, SGD_L2)


# ------------------------------------------------------------------ q7_optimizers_tests

QUADRATICS = functools.partial(harness.random_quadratics, shapes=[(5,), (3, 2), (4,)])
harness.declare_trajectory_check(
    QUESTION,
    "q7_optimizers_tests",
    SGD_WD,
    name="weight_decay_follows_the_exam_rule",
    points=1.0,
    problem=QUADRATICS,
    on="3 random quadratics",
    steps=60,
)
harness.declare_trajectory_check(
    QUESTION,
    "q7_optimizers_tests",
    SGD_L2,
    name="l2_follows_the_exam_rule",
    points=1.0,
    problem=QUADRATICS,
    on="3 random quadratics",
    steps=60,
)
harness.declare_trajectory_check(
    QUESTION,
    "q7_optimizers_tests",
    SGD_WD,
    name="weight_decay_trains_a_small_network",
    points=0.5,
    problem=harness.small_network,
    on="a small tanh network (3 -> 6 -> 2, MSE)",
    steps=50,
)
harness.declare_trajectory_check(
    QUESTION,
    "q7_optimizers_tests",
    SGD_L2,
    name="l2_is_torch_sgd_on_a_small_network",
    points=0.5,
    problem=harness.small_network,
    on="a small tanh network (3 -> 6 -> 2, MSE)",
    steps=50,
    oracle=True,
)


def with_theorem_ranges(spec: OptimizerSpec) -> OptimizerSpec:
    """``spec`` drawing lr in [0.05, 0.5] and the decay in [0.05, 0.3]: with g = 0 the iterates
    only shrink, and larger rates keep them (and the mistakes' departures) well above rounding."""
    lr, momentum, decay = spec.hypers
    return dataclasses.replace(
        spec,
        hypers=(
            dataclasses.replace(lr, ranges=((0.05, 0.5),)),
            momentum,
            dataclasses.replace(decay, ranges=((0.05, 0.3),)),
        ),
    )


@QUESTION.check("q7_optimizers_tests", points=1.5)
def zero_gradients_give_the_theorems_iterates(student, rng):
    """With g = 0: SGDMomentumWD gives theta^k = (1 - mu)^k theta^0 (k <= 60) and SGDMomentumL2
    theta^2 = ((1 - alpha lam)^2 - alpha beta lam) theta^0."""
    problem = harness.zero_gradients(rng, [(3,), (2, 2)])
    wd_formula = sp.lambdify((k, mu, theta0), THETA_WD_K)
    l2_formulas = [
        sp.lambdify((alpha, beta, lam, theta0), f) for f in (theta0, THETA_L2_1, THETA_L2_2)
    ]
    for spec, steps in [(SGD_WD, 60), (SGD_L2, 2)]:
        spec = with_theorem_ranges(spec)
        hypers = spec.sample(rng)
        if spec.name == SGD_WD.name:
            want = [
                [wd_formula(step, hypers["weight_decay"], t) for t in problem.theta]
                for step in range(steps + 1)
            ]
            says = "theta^k = (1 - mu)^k theta^0"
        else:
            a, b, c = hypers["lr"], hypers["momentum"], hypers["l2"]
            want = [[f(a, b, c, t) for t in problem.theta] for f in l2_formulas]
            says = (
                "theta^1 = (1 - alpha lam) theta^0, "
                "theta^2 = ((1 - alpha lam)^2 - alpha beta lam) theta^0"
            )
        harness.expect_theorem_iterates(student, spec, hypers, problem, want, says)


harness.declare_contract_checks(
    QUESTION,
    "q7_optimizers_tests",
    SPECS,
    {
        harness.GROUPS: 0.75,
        harness.NONE_GRAD: 0.75,
        harness.CLOSURE: 0.5,
        harness.STATE_DICT: 0.5,
    },
)


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


@QUESTION.check("q7_zero_grad_tests", points=1.0)
def weight_decay_iterates_are_geometric(student, rng):
    """`theta_wd_k` equals (1 - mu)^k theta0, theta^k of SGDMomentumWD when every gradient is 0."""
    expect_equivalent(
        student,
        "theta_wd_k",
        THETA_WD_K,
        "theta^k of SGDMomentumWD with zero gradients",
        SYMBOLS,
        sample_point,
        rng,
    )


@QUESTION.check("q7_zero_grad_tests", points=1.0)
def l2_second_iterate(student, rng):
    """`theta_l2_2` equals ((1 - alpha lam)^2 - alpha beta lam) theta0, theta^2 of SGDMomentumL2
    when every gradient is 0."""
    expect_equivalent(
        student,
        "theta_l2_2",
        THETA_L2_2,
        "theta^2 of SGDMomentumL2 with zero gradients",
        SYMBOLS,
        sample_point,
        rng,
    )


def matching_decays(theta_wd_k, theta_l2_1) -> list:
    """The mu > 0 with theta^1_WD = theta^1_L2 (SymPy's solve, bounded): [alpha lam] for the exam's
    formulas. Solved at theta0 = 1, as the proof divides by theta0 != 0 (which also settles
    Piecewise cases on theta0 that would otherwise come back as separate solutions)."""

    def solve():
        equation = (theta_wd_k.subs(k, 1) - theta_l2_1).subs(theta0, 1)
        return [solution[mu] for solution in sp.solve(equation, mu, dict=True)]

    try:
        return isolated(solve)
    except (NotImplementedError, ValueError, TypeError) as error:
        raise Fail(
            f"SymPy could not solve theta^1_WD = theta^1_L2 for mu with your formulas "
            f"({type(error).__name__})"
        ) from None


def factored(expr) -> str:
    """``expr`` factored for the feedback (as it is if SymPy cannot factor it in time)."""
    try:
        expr = isolated(lambda: sp.factor(expr), 5.0)
    except (NotChecked, sp.PolynomialError, TypeError, ValueError):
        pass
    return sp.sstr(expr)[:200]


@QUESTION.check("q7_zero_grad_tests", points=1.0)
def your_formulas_prove_the_theorem(student, rng):
    """With your `theta_wd_k`, `theta_l2_1` and `theta_l2_2`, theta^1_WD = theta^1_L2 forces
    mu = alpha lam, and then theta^2_WD - theta^2_L2 = alpha beta lam theta0 != 0: no mu, lam > 0
    make the methods agree.

    The proof's argument run on the student's own formulas: the mu they make theta^1 agree for
    and the gap they leave at theta^2 must be the ones the update rules give. Formulas that still
    "prove" the theorem from a wrong premise (theta^2_L2 with + alpha beta lam, theta^k_WD =
    (1 - alpha mu)^k theta0) lose this point; so do formulas without the momentum term, which let
    mu = alpha lam make theta^2 agree too.
    """
    wd = student.expression("theta_wd_k", SYMBOLS)
    first = student.expression("theta_l2_1", SYMBOLS)
    second = student.expression("theta_l2_2", SYMBOLS)
    mine = "with your theta_wd_k and theta_l2_1 (cell q7_steps), theta^1 of the two methods agree"
    choices = matching_decays(wd, first)
    if len(choices) != 1:
        found = ", ".join(f"mu = {sp.sstr(choice)}" for choice in choices) or "no single mu > 0"
        raise Fail(
            f"{mine} for {found}; the update rules make them agree for exactly one mu, "
            f"mu = {sp.sstr(MU_MATCHING)}"
        )
    choice = choices[0]
    verdict = equivalent(choice, MU_MATCHING, sample_point, seed=subseed(rng))
    if not verdict.equivalent:
        raise Fail(
            f"{mine} for mu = {sp.sstr(choice)}, but the update rules make them agree for "
            f"mu = {sp.sstr(MU_MATCHING)} ({verdict.detail}): one of these formulas is not "
            "theta^1 of its method"
        )
    gap = isolated(lambda: wd.subs(k, 2).subs(mu, choice) - second)
    verdict = equivalent(gap, THETA_GAP_2, sample_point, seed=subseed(rng))
    if not verdict.equivalent:
        raise Fail(
            f"with your formulas and mu = {sp.sstr(choice)}, theta^2_WD - theta^2_L2 = "
            f"{factored(gap)}, but the update rules give {sp.sstr(THETA_GAP_2)} "
            f"({verdict.detail}): your theta_wd_k or theta_l2_2 is not theta^2 of its "
            "method, so the argument does not show how the two methods really differ"
        )


# ------------------------------------------------------------------ q7_steps_tests

declare_steps(
    QUESTION,
    "q7_steps_tests",
    [
        Step("theta_l2_1", THETA_L2_1, "theta^1 of SGDMomentumL2 with zero gradients", points=0.75),
        Step(
            "mu_matching",
            MU_MATCHING,
            "the mu for which theta^1 of SGDMomentumWD equals theta^1 of SGDMomentumL2",
            points=0.75,
        ),
        Step(
            "theta_gap_2",
            THETA_GAP_2,
            "theta^2 of SGDMomentumWD minus theta^2 of SGDMomentumL2 with mu = mu_matching",
            points=1.0,
        ),
    ],
    SYMBOLS,
    sample_point,
)


@QUESTION.check("q7_steps_tests", points=0.5)
def your_mu_matching_makes_your_first_iterates_agree(student, rng):
    """Your `theta_wd_k` at k = 1 with mu = your `mu_matching` is your `theta_l2_1`."""
    wd = student.expression("theta_wd_k", SYMBOLS)
    first = student.expression("theta_l2_1", SYMBOLS)
    matching = student.expression("mu_matching", SYMBOLS)
    matched = isolated(lambda: wd.subs(k, 1).subs(mu, matching))
    verdict = equivalent(matched, first, sample_point, seed=subseed(rng))
    if not verdict.equivalent:
        raise Fail(
            f"your theta_wd_k at k = 1 with mu = your mu_matching "
            f"({sp.sstr(matching)[:100]}) is {sp.sstr(matched)[:200]}, not your "
            f"theta_l2_1 = {sp.sstr(first)[:200]}: {verdict.detail}"
        )


@QUESTION.check("q7_steps_tests", points=0.5)
def your_theta_gap_2_is_the_difference_of_your_second_iterates(student, rng):
    """Your `theta_gap_2` is your `theta_wd_k` at k = 2 with mu = your `mu_matching`, minus your
    `theta_l2_2`."""
    wd = student.expression("theta_wd_k", SYMBOLS)
    second = student.expression("theta_l2_2", SYMBOLS)
    matching = student.expression("mu_matching", SYMBOLS)
    gap = student.expression("theta_gap_2", SYMBOLS)
    difference = isolated(lambda: wd.subs(k, 2).subs(mu, matching) - second)
    verdict = equivalent(gap, difference, sample_point, seed=subseed(rng))
    if not verdict.equivalent:
        raise Fail(
            f"your theta_gap_2 = {sp.sstr(gap)[:200]} is not your theta_wd_k at k = 2 with "
            f"mu = your mu_matching minus your theta_l2_2, which is {factored(difference)}: "
            f"{verdict.detail}"
        )


NONZERO_THETA0 = sp.Symbol("theta0", real=True, nonzero=True)  # the theorem's theta^0 != 0


def _could_be(symbol, value) -> bool:
    """``value`` may lie in the domain of ``symbol`` (positive, or theta0: real and nonzero)."""
    if symbol == NONZERO_THETA0:
        return value.is_real is not False and value.is_zero is not True
    return value.is_positive is not False


def zeros_of(gap) -> list | None:
    """Where ``gap`` may vanish with alpha, beta, lam > 0 and theta0 != 0, as text
    ("lam = 1/alpha", "alpha = 1 (when lam < 1)"), from SymPy's solve for each symbol (bounded);
    None if SymPy cannot solve it. Piecewise solutions count branch by branch."""

    def solve():
        found = []
        at_theta0 = gap.subs(theta0, NONZERO_THETA0)
        for symbol in sorted(at_theta0.free_symbols, key=str):
            for solution in sp.solve(at_theta0, symbol):
                if isinstance(solution, sp.Piecewise):
                    branches = solution.args
                else:
                    branches = [(solution, sp.true)]
                found += [
                    f"{symbol} = {sp.sstr(value)}"
                    + ("" if condition is sp.true else f" (when {condition})")
                    for value, condition in branches
                    if value is not sp.nan
                    and condition is not sp.false
                    and _could_be(symbol, value)
                ]
        return found

    try:
        return isolated(solve)
    except (NotImplementedError, ValueError, TypeError):
        return None


@QUESTION.check("q7_steps_tests", points=0.5)
def your_theta_gap_2_is_never_zero(student, rng):
    """Your `theta_gap_2` is nonzero for every alpha, beta, lam > 0 and theta0 != 0: the step
    that proves the theorem.

    Where SymPy can solve gap = 0 for each symbol, no solution may lie in the domain; where it
    cannot, the gap passes only if it equals the exam's alpha beta lam theta0 (never zero).
    """
    gap = student.expression("theta_gap_2", SYMBOLS)
    shown = f"your theta_gap_2 = {sp.sstr(gap)[:200]}"
    extra = gap.free_symbols - {alpha, beta, lam, theta0}
    if extra:
        raise Fail(
            f"{shown} uses {', '.join(sorted(map(str, extra)))}; it must be in terms of "
            "alpha, beta, lam, theta0"
        )
    if equivalent(gap, sp.Integer(0), sample_point, seed=subseed(rng)).equivalent:
        raise Fail(f"{shown} is 0: it would let the two methods agree at theta^2")
    zeros = zeros_of(gap)
    if zeros is None:
        if equivalent(gap, THETA_GAP_2, sample_point, seed=subseed(rng)).equivalent:
            return
        raise Fail(
            f"SymPy could not solve {shown} = 0, so it does not show where the gap "
            "vanishes; write it as a polynomial in alpha, beta, lam, theta0"
        )
    if zeros:
        raise Fail(
            f"{shown} is 0 when {'; '.join(zeros[:3])}: for such alpha, beta, lam > 0 the "
            "two methods' theta^2 would agree, so it does not prove the theorem"
        )


# ------------------------------------------------------------------ feedback picture


@QUESTION.figure("q7_optimizers_tests")
def your_trajectories_beside_the_exams(student, rng):
    """theta^k of your two optimizers beside the exam's rules, on one random 1-d quadratic,
    40 steps."""
    series, markers = {}, set()
    for spec in SPECS:
        problem = harness.random_quadratics(rng, [(1,)])
        hypers = spec.sample(rng)
        want = harness.simulate(spec, spec.step, [hypers], problem, 40)
        got = harness.run_alone(student, spec, hypers, problem, 40, spec.call_text(hypers))
        left = harness.departure(got, want)
        until = len(got) if left is None else left[0] + 1  # yours up to where it leaves the exam's
        series[f"exam's {spec.name}"] = (range(len(want)), [float(row[0]) for row in want])
        yours = f"your {spec.name}" + ("" if left is None else f" (leaves it at step {left[0]})")
        series[yours] = (range(until), [float(row[0]) for row in got[:until]])
        markers.add(yours)
    return figures.line_plot(
        series,
        title="theta^k on a random quadratic",
        xlabel="step k",
        ylabel="theta^k",
        markers=markers,
    )
