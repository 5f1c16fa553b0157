"""Homework 1, question 2: Adam with an l2 penalty is not AdamW (decoupled weight decay).

With m <- beta1 m + (1 - beta1) d, v <- beta2 v + (1 - beta2) d^2, m̂ = m / (1 - beta1^k),
v̂ = v / (1 - beta2^k) (k counts steps from 1) and A(d) = m̂ / (sqrt(v̂) + eps):

AdamL2:  d = g + lam theta;                  theta <- theta - alpha A(d)
         (torch.optim.Adam(lr=alpha, betas, eps, weight_decay=lam))
AdamW:   d = g; theta <- (1 - alpha lam) theta;  theta <- theta - alpha A(d)
         (torch.optim.AdamW(lr=alpha, betas, eps, weight_decay=lam))

Theorem. With g^k = 0, AdamW's moments stay 0, so theta^k = (1 - alpha lam)^k theta0 (geometric
shrinking), while AdamL2's first step has m̂ = lam theta0 and v̂ = lam^2 theta0^2, so
theta^1 = theta0 - alpha lam theta0 / (lam |theta0| + eps): a step of length close to alpha
whatever lam and theta0. The two differ whenever lam |theta0| != 1, so no l2 coefficient makes
AdamL2 equal AdamW on every loss.

Cell ``hw1_optimizers_tests`` grades the two classes with the optimizer harness
(``graders/core/optimizers.py``): trajectories against the reference step and against torch's
optimizers, the theorem's iterates, and the optimizer contract; cell ``hw1_zero_grad_tests``
checks the two formulas symbolically and that, with them, the steps differ as the theorem says.
"""

import functools
import random

import sympy as sp
import torch

from graders.core import optimizers as harness
from graders.core.checks import Fail, Question, subseed
from graders.core.optimizers import NO_UPDATE, Hyper, LibraryOracle, Mistake, OptimizerSpec
from graders.core.steps import expect_equivalent
from graders.core.symbolic import numbers_at

QUESTION = Question(__name__, probes=harness.PROBES)

k = sp.Symbol("k", integer=True, nonnegative=True)
alpha, lam, eps = (sp.Symbol(name, positive=True) for name in ("alpha", "lam", "eps"))
theta0 = sp.Symbol("theta0", real=True)
SYMBOLS = {"k": k, "alpha": alpha, "lam": lam, "eps": eps, "theta0": theta0}

THETA_ADAMW_K = (1 - alpha * lam) ** k * theta0
THETA_ADAM_L2_1 = theta0 - alpha * lam * theta0 / (lam * sp.Abs(theta0) + eps)


# ------------------------------------------------------------------ update rules and mistakes


def adam_direction(
    grad, state, hypers, *, second=None, shift=0, correct_m=True, correct_v=True, eps_inside=False
):
    """A(d) = m̂ / (sqrt(v̂) + eps) after updating the moments with d = ``grad`` (v with
    ``second`` if given); the keywords build the catalogued mistakes (bias correction with
    beta^(k + shift), one moment left uncorrected, eps under the square root)."""
    b1, b2 = hypers["betas"]
    second = grad if second is None else second
    state["exp_avg"] = b1 * state["exp_avg"] + (1 - b1) * grad
    state["exp_avg_sq"] = b2 * state["exp_avg_sq"] + (1 - b2) * second * second
    step = state["step"] + shift
    m = state["exp_avg"] / (1 - b1**step) if correct_m else state["exp_avg"]
    v = state["exp_avg_sq"] / (1 - b2**step) if correct_v else state["exp_avg_sq"]
    return m / (torch.sqrt(v + hypers["eps"]) if eps_inside else torch.sqrt(v) + hypers["eps"])


def adam_l2(theta, grad, state, h, *, factor=1.0, in_v=True, **mistake):
    """AdamL2's step; ``factor`` scales the l2 term, ``in_v`` False keeps it out of v."""
    d = grad + factor * h["l2"] * theta
    return theta - h["lr"] * adam_direction(d, state, h, second=d if in_v else grad, **mistake)


def adam_w(theta, grad, state, h, *, decay=lambda lr, wd: lr * wd, after=False, **mistake):
    """AdamW's step; ``decay`` gives the shrink factor's decay term, ``after`` shrinks the
    updated θ instead of θ^k."""
    shrink = 1 - decay(h["lr"], h["weight_decay"])
    if after:
        return shrink * (theta - h["lr"] * adam_direction(grad, state, h, **mistake))
    return shrink * theta - h["lr"] * adam_direction(grad, state, h, **mistake)


def decay_named_l2(theta, grad, state, h):
    """AdamW's step with AdamL2's ``l2`` as the decay coefficient."""
    return adam_w(theta, grad, state, {**h, "weight_decay": h["l2"]})


def l2_named_weight_decay(theta, grad, state, h):
    """AdamL2's step with AdamW's ``weight_decay`` as the l2 coefficient."""
    return adam_l2(theta, grad, state, {**h, "l2": h["weight_decay"]})


def mistake(name, rule, message, **options):
    return Mistake(name, functools.partial(rule, **options) if options else rule, message)


def shared_adam_mistakes(rule) -> tuple:
    """The Adam mistakes both classes can make, with ``rule`` the class's reference."""
    return (
        mistake(
            "eps_inside_sqrt",
            rule,
            "eps inside the square root: sqrt(v̂ + eps) instead of sqrt(v̂) + eps",
            eps_inside=True,
        ),
        mistake(
            "beta_power_k_plus_1",
            rule,
            "bias correction with beta^(k+1) instead of beta^k "
            "(k counts steps from 1: the first step divides by 1 - beta)",
            shift=1,
        ),
        mistake("corrects_v_not_m", rule, "bias correction of v but not of m", correct_m=False),
        mistake("corrects_m_not_v", rule, "bias correction of m but not of v", correct_v=False),
        mistake(
            "no_bias_correction",
            rule,
            "no bias correction: m and v used as they are",
            correct_m=False,
            correct_v=False,
        ),
    )


ADAM_HYPERS = (
    Hyper("lr", ((0.01, 0.1),)),
    Hyper("betas", ((0.5, 0.95), (0.9, 0.999))),
    Hyper("eps", ((1e-4, 1e-2),), log=True),
)


def adam_keywords(hypers: dict) -> dict:
    """The keywords torch's Adam and AdamW share."""
    return {name: hypers[name] for name in ("lr", "betas", "eps")}


ADAM_L2 = OptimizerSpec(
    name="AdamL2",
    hypers=ADAM_HYPERS + (Hyper("l2", ((0.01, 0.3),)),),
    buffers=("exp_avg", "exp_avg_sq"),
    step=adam_l2,
    says="Adam on d = g + l2 θ (θ <- θ - lr m̂ / (sqrt(v̂) + eps))",
    mistakes=(
        mistake(
            "decoupled_decay",
            decay_named_l2,
            "decoupled weight decay (AdamW) instead of l2: "
            "the l2 term must go into the gradient before the moments",
        ),
        mistake(
            "l2_twice",
            adam_l2,
            "2 l2 θ added to the gradient (the gradient of l2 |θ|^2, not "
            "of (l2/2) |θ|^2, which torch's weight_decay uses)",
            factor=2.0,
        ),
        mistake(
            "l2_in_m_only",
            adam_l2,
            "the l2 term added to the gradient in m but not in v",
            in_v=False,
        ),
        mistake("no_l2", adam_l2, "no l2 term: plain Adam on g", factor=0.0),
        *shared_adam_mistakes(adam_l2),
        NO_UPDATE,
    ),
    oracle=LibraryOracle(
        torch.optim.Adam,
        lambda h: {**adam_keywords(h), "weight_decay": h["l2"]},
        "torch.optim.Adam(lr, betas, eps, weight_decay=l2)",
    ),
)

ADAM_W = OptimizerSpec(
    name="AdamW",
    hypers=ADAM_HYPERS + (Hyper("weight_decay", ((0.05, 0.5),)),),
    buffers=("exp_avg", "exp_avg_sq"),
    step=adam_w,
    says="θ <- (1 - lr weight_decay) θ, then the Adam step on g",
    mistakes=(
        mistake(
            "decay_after_step",
            adam_w,
            "weight decay applied after the Adam step: "
            "θ <- (1 - lr wd)(θ - lr A) instead of decaying θ^k first",
            after=True,
        ),
        mistake(
            "decay_lr_twice",
            adam_w,
            "weight decay scaled by lr twice: θ <- (1 - lr^2 wd) θ",
            decay=lambda lr, wd: lr * lr * wd,
        ),
        mistake(
            "decay_without_lr",
            adam_w,
            "weight decay not scaled by lr: θ <- (1 - wd) θ "
            "(torch's AdamW uses 1 - lr weight_decay)",
            decay=lambda lr, wd: wd,
        ),
        mistake(
            "decay_wrong_sign",
            adam_w,
            "weight decay with the wrong sign: θ <- (1 + lr wd) θ",
            decay=lambda lr, wd: -lr * wd,
        ),
        mistake(
            "l2_instead_of_decay",
            l2_named_weight_decay,
            "l2 regularization instead of "
            "decoupled decay: weight_decay θ added to the gradient (that is AdamL2)",
        ),
        *shared_adam_mistakes(adam_w),
        NO_UPDATE,
    ),
    oracle=LibraryOracle(
        torch.optim.AdamW,
        lambda h: {**adam_keywords(h), "weight_decay": h["weight_decay"]},
        "torch.optim.AdamW(lr, betas, eps, weight_decay)",
    ),
)
SPECS = (ADAM_L2, ADAM_W)


# ------------------------------------------------------------------ hw1_optimizers_tests

QUADRATICS = functools.partial(harness.random_quadratics, shapes=[(5,), (3, 2), (4,)])
for _spec, _name in [
    (ADAM_L2, "adam_l2_follows_adam_on_the_penalized_gradient"),
    (ADAM_W, "adamw_decays_theta_then_takes_the_adam_step"),
]:
    harness.declare_trajectory_check(
        QUESTION,
        "hw1_optimizers_tests",
        _spec,
        name=_name,
        points=1.5,
        problem=QUADRATICS,
        on="3 random quadratics",
        steps=60,
    )
for _spec, _name in [
    (ADAM_L2, "adam_l2_is_torch_adam_on_a_small_network"),
    (ADAM_W, "adamw_is_torch_adamw_on_a_small_network"),
]:
    harness.declare_trajectory_check(
        QUESTION,
        "hw1_optimizers_tests",
        _spec,
        name=_name,
        points=1.0,
        problem=harness.small_network,
        on="a small tanh network (3 -> 6 -> 2, MSE)",
        steps=50,
        oracle=True,
    )


@QUESTION.check("hw1_optimizers_tests", points=1.0)
def zero_gradients_give_the_theorems_iterates(student, rng):
    """With g = 0: AdamW gives θ^k = (1 - lr wd)^k θ^0 (k <= 30) and AdamL2
    θ^1 = θ^0 - lr l2 θ^0 / (l2 |θ^0| + eps), elementwise."""
    problem = harness.zero_gradients(rng, [(3,), (2, 2)])
    adamw_k = sp.lambdify((k, alpha, lam, theta0), THETA_ADAMW_K)
    adam_l2_1 = sp.lambdify(
        (alpha, lam, eps, theta0), THETA_ADAM_L2_1, modules=[{"Abs": torch.abs}]
    )
    for spec, steps in [(ADAM_W, 30), (ADAM_L2, 1)]:
        hypers = spec.sample(rng)
        if spec is ADAM_W:
            want = [
                [adamw_k(step, hypers["lr"], hypers["weight_decay"], t) for t in problem.theta]
                for step in range(steps + 1)
            ]
            says = "θ^k = (1 - lr weight_decay)^k θ^0"
        else:
            first = [adam_l2_1(hypers["lr"], hypers["l2"], hypers["eps"], t) for t in problem.theta]
            want = [problem.theta, first]
            says = "θ^1 = θ^0 - lr l2 θ^0 / (l2 |θ^0| + eps)"
        harness.expect_theorem_iterates(student, spec, hypers, problem, want, says)


harness.declare_contract_checks(
    QUESTION,
    "hw1_optimizers_tests",
    SPECS,
    {
        harness.GROUPS: 1.0,
        harness.NONE_GRAD: 1.25,
        harness.CLOSURE: 0.75,
        harness.STATE_DICT: 1.0,
    },
)


# ------------------------------------------------------------------ hw1_zero_grad_tests


def sample_point(rng):
    """A random point of the question's domain: k >= 0 integer, alpha, lam, eps > 0, theta0 != 0."""
    return {
        k: rng.randint(0, 30),
        alpha: rng.uniform(0.001, 0.5),
        lam: rng.uniform(0.01, 2.0),
        eps: 10 ** rng.uniform(-8, -2),
        theta0: rng.choice([-1, 1]) * rng.uniform(0.1, 5.0),
    }


@QUESTION.check("hw1_zero_grad_tests", points=1.5)
def adamw_iterates_are_geometric(student, rng):
    """`theta_adamw_k` equals (1 - alpha lam)^k theta0, θ^k of AdamW when every gradient is 0."""
    expect_equivalent(
        student,
        "theta_adamw_k",
        THETA_ADAMW_K,
        "θ^k of AdamW with zero gradients",
        SYMBOLS,
        sample_point,
        rng,
    )


@QUESTION.check("hw1_zero_grad_tests", points=1.5)
def adam_l2_first_iterate(student, rng):
    """`theta_adam_l2_1` equals theta0 - alpha lam theta0 / (lam |theta0| + eps), θ^1 of AdamL2
    when every gradient is 0."""
    expect_equivalent(
        student,
        "theta_adam_l2_1",
        THETA_ADAM_L2_1,
        "θ^1 of AdamL2 with zero gradients",
        SYMBOLS,
        sample_point,
        rng,
    )


@QUESTION.check("hw1_zero_grad_tests", points=1.0)
def your_formulas_show_the_methods_differ(student, rng):
    """With your formulas, AdamL2's first step moves theta0 by less than alpha, and by alpha up
    to 1e-6 relative when eps = 1e-12, whatever lam and theta0; AdamW's moves it by
    alpha lam |theta0|.

    Checked at 20 random points of the domain (|theta0| in [0.1, 5], lam in [0.01, 2]): the step
    lengths then differ unless lam |theta0| = 1, which is the theorem's conclusion.
    """
    adamw = student.expression("theta_adamw_k", SYMBOLS)
    adam_l2 = student.expression("theta_adam_l2_1", SYMBOLS)
    sampler = random.Random(subseed(rng))
    points = [sample_point(sampler) for _ in range(20)]
    tiny = [{**point, eps: 1e-12} for point in points]
    first = [{**point, k: 1} for point in points]
    steps = zip(
        points,
        numbers_at(adam_l2, points, "`theta_adam_l2_1`"),
        numbers_at(adam_l2, tiny, "`theta_adam_l2_1`"),
        numbers_at(adamw, first, "`theta_adamw_k`"),
    )
    for point, moved, moved_tiny, shrunk in steps:
        a, t = point[alpha], point[theta0]
        shown = ", ".join(f"{s}={v:.4g}" for s, v in point.items() if s is not k)
        if not abs(t - moved) < a:
            raise Fail(
                f"at {shown}: your theta_adam_l2_1 moves theta0 by {abs(t - moved):.6g}, "
                f"not less than alpha = {a:.4g}: Adam's step m̂ / (sqrt(v̂) + eps) is "
                "smaller than 1 in size"
            )
        if abs(abs(t - moved_tiny) - a) > 1e-6 * a:
            raise Fail(
                f"at {shown} with eps = 1e-12: your theta_adam_l2_1 moves theta0 by "
                f"{abs(t - moved_tiny):.6g}, not alpha = {a:.4g}: with eps -> 0 the first "
                "Adam step has length exactly alpha"
            )
        expected = a * point[lam] * abs(t)
        if abs(abs(t - shrunk) - expected) > 1e-9 * max(expected, 1e-300):
            raise Fail(
                f"at {shown}: your theta_adamw_k at k = 1 moves theta0 by "
                f"{abs(t - shrunk):.6g}, not "
                f"alpha lam |theta0| = {expected:.6g}"
            )
