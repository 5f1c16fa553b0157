"""Question 2: with n labels per point, the mean KL objective is the logistic objective plus a
constant.

Theorem. For labels Y_ij in {-1, +1} with empirical distributions P_i and logits f_i = f_theta(X_i),
(1/N) sum_i KL(P_i || mu(f_i)) = (1/(nN)) sum_ij log(1 + exp(-Y_ij f_i)) + c(Y), where
c(Y) = -(1/N) sum_i H(P_i) does not depend on theta; so the two minimizations are equivalent.

Cell ``q2_objectives_tests`` checks ``kl_objective`` and ``logistic_objective`` (values and
autograd gradients, computed in the student's kernel by the probe in
``graders/midterm/probes/q2_multilabel_kl.py``) against references built here from
``torch.nn.functional.kl_div`` and ``binary_cross_entropy_with_logits``, then ``objective_gap``
against minus the mean entropy, then the theorem itself on the student's own three functions.

Cell ``q2_steps_tests`` checks the proof's steps for one data point whose labels have a share p
of +1: the cross-entropies of a single +1 and -1 label, the KL divergence (also at the unanimous
ends p = 0 and p = 1, where 0 log 0 = 0), the gap (free of f), and that the student's own steps
fit together: kl_point - (p nll_plus + (1 - p) nll_minus) = gap_point, the theorem per point.

Tolerances (float64): values rtol 1e-9 + atol 1e-12, gradients rtol 1e-8 + atol 1e-13. A
stable float64 evaluation of these means of at most a few thousand terms of size <= 1e4 is
accurate to about 1e-13 relative. The margin accepts any stable formula, including
torch.nn.functional.softplus, which returns x for x > 20: its value is then off by at most
e^{-20} ~ 2e-9 absolute on a term >= 20 (1e-10 relative), its gradient by up to e^{-20} ~ 2e-9
relative. A label frequency rounded to float32 (error ~1e-8 relative) is still caught.
"""

import sympy as sp
import torch
import torch.nn.functional as F

from graders.core import numeric
from graders.core.checks import Fail, Question, subseed
from graders.core.steps import Step, declare_steps, expect_equivalent
from graders.core.symbolic import equivalent, isolated, number_at

QUESTION = Question(__name__)

VALUE_TOLERANCE = {"rtol": 1e-9, "atol": 1e-12}
GRADIENT_TOLERANCE = {"rtol": 1e-8, "atol": 1e-13}

#: (N points, n labels each, dtype of Y, scale of the logits): n = 1 and N = 1 included.
CASES = [
    (1, 1, torch.int64, 2.0),
    (1, 6, torch.float64, 3.0),
    (9, 1, torch.float32, 1.0),
    (30, 3, torch.int32, 5.0),
    (64, 8, torch.float64, 20.0),
    (200, 5, torch.int8, 0.5),
]


# ------------------------------------------------------------------ data and references


def labels(rng, N: int, n: int, dtype: torch.dtype) -> torch.Tensor:
    """Random +/-1 labels of shape (N, n), about a third of the rows unanimous (P_i = (1, 0) or (0,
    1))."""
    Y = torch.randint(0, 2, (N, n), generator=rng) * 2 - 1
    unanimous = torch.rand(N, generator=rng) < 1 / 3
    sign = torch.randint(0, 2, (N, 1), generator=rng) * 2 - 1
    return torch.where(unanimous[:, None], sign.expand(N, n), Y).to(dtype)


def extreme_logits(rng, N: int) -> torch.Tensor:
    """Logits of magnitude 1e3 to 1e4, both signs, +/-1e4 itself included."""
    f = torch.empty(N, dtype=torch.float64).uniform_(1e3, 1e4, generator=rng)
    f = f * (torch.randint(0, 2, (N,), generator=rng) * 2 - 1)
    f[:2] = torch.tensor([1e4, -1e4], dtype=torch.float64)
    return f


def frequencies(Y: torch.Tensor) -> torch.Tensor:
    """P_i = (share of -1 labels, share of +1 labels), shape (N, 2), float64."""
    n = Y.shape[1]
    return torch.stack([(Y < 0).sum(1), (Y > 0).sum(1)], dim=1).to(torch.float64) / n


def reference_kl(logits: torch.Tensor, Y: torch.Tensor) -> torch.Tensor:
    """(1/N) sum_i KL(P_i || mu(f_i)) by F.kl_div (which takes 0 log 0 = 0) on log mu from
    logsigmoid."""
    log_mu = F.logsigmoid(torch.stack([-logits, logits], dim=1))
    return F.kl_div(log_mu, frequencies(Y), reduction="sum") / logits.shape[0]


def reference_logistic(logits: torch.Tensor, Y: torch.Tensor) -> torch.Tensor:
    """(1/(nN)) sum_ij log(1 + exp(-Y_ij f_i)): binary cross-entropy with logits, target 1 for Y =
    +1."""
    target = (Y > 0).to(torch.float64)
    return F.binary_cross_entropy_with_logits(logits[:, None].expand_as(target), target)


def reference_gap(Y: torch.Tensor) -> torch.Tensor:
    """c(Y) = -(1/N) sum_i H(P_i), with torch.special.entr(0) = 0."""
    return -torch.special.entr(frequencies(Y)).sum(1).mean()


def with_gradient(reference, logits, Y):
    """(value, gradient in logits) of a reference objective, by autograd here in the grader."""
    leaf = logits.detach().clone().requires_grad_(True)
    value = reference(leaf, Y)
    (gradient,) = torch.autograd.grad(value, leaf)
    return value.detach(), gradient


REFERENCES = {"kl_objective": reference_kl, "logistic_objective": reference_logistic}


def describe(name: str, logits: torch.Tensor, Y: torch.Tensor) -> str:
    dtype = str(Y.dtype).replace("torch.", "")
    return (
        f"{name}(logits, Y) with N={Y.shape[0]}, n={Y.shape[1]}, Y of dtype {dtype}, "
        f"|logits| up to {logits.abs().max().item():.3g}"
    )


# ------------------------------------------------------------------ student calls


def student_value(student, name: str, logits, Y) -> tuple[torch.Tensor, str]:
    what = describe(name, logits, Y)
    got = numeric.tensor(student.call(name, logits, Y, what=what), what)
    numeric.expect_shape(got, (), what)
    return got, what


def student_value_and_gradient(student, name: str, logits, Y):
    what = describe(name, logits, Y)
    reply = student.probe("value_and_gradient", name, logits, Y, what=what)
    if not (isinstance(reply, dict) and set(reply) == {"value", "gradient"}):
        raise Fail(f"the grader could not read what {what} returned")
    value = numeric.tensor(reply["value"], what)
    numeric.expect_shape(value, (), what)
    if reply["gradient"] is None:
        raise Fail(
            f"{what} is not differentiable in logits: autograd finds no gradient from the result "
            "back to logits (was it computed with .item(), float(), numpy, or a detached/new "
            "tensor?)"
        )
    gradient = numeric.tensor(reply["gradient"], f"the gradient in logits of {what}")
    numeric.expect_shape(gradient, logits.shape, f"the gradient in logits of {what}")
    return value, gradient, what


def expect_matches_reference(student, name: str, logits, Y) -> None:
    got, what = student_value(student, name, logits, Y)
    numeric.expect_close(got, REFERENCES[name](logits, Y), what, **VALUE_TOLERANCE)


def expect_gradient_matches_reference(student, name: str, logits, Y) -> None:
    value, gradient, what = student_value_and_gradient(student, name, logits, Y)
    want_value, want_gradient = with_gradient(REFERENCES[name], logits, Y)
    numeric.expect_close(value, want_value, what, **VALUE_TOLERANCE)
    try:
        numeric.expect_close(
            gradient, want_gradient, f"the gradient in logits of {what}", **GRADIENT_TOLERANCE
        )
    except Fail as failure:
        error = (gradient.to(torch.float64) - want_gradient).abs()
        bad = ~(
            error <= GRADIENT_TOLERANCE["atol"] + GRADIENT_TOLERANCE["rtol"] * want_gradient.abs()
        )
        where = (
            f" (there logits[{int(bad.nonzero()[0, 0])}] = {logits[bad][0].item():.6g})"
            if bad.any()
            else ""
        )
        raise Fail(f"{failure}{where}") from None


def random_cases(rng):
    """Logits and labels for each of CASES; from N = 9 on, one logit is exactly 0 (a
    zero-initialised last layer gives that)."""
    for N, n, dtype, scale in CASES:
        logits = torch.randn(N, generator=rng, dtype=torch.float64) * scale
        if N >= 9:
            logits[N // 2] = 0.0
        yield logits, labels(rng, N, n, dtype)


# ------------------------------------------------------------------ q2_objectives_tests


@QUESTION.check("q2_objectives_tests", points=0.75)
def kl_objective_is_the_mean_kl_divergence(student, rng):
    """`kl_objective` equals (1/N) sum_i KL(P_i || mu(f_i)), with 0 log 0 = 0, for random logits and
    labels (n = 1, N = 1, unanimous rows, integer and float Y)."""
    for logits, Y in random_cases(rng):
        expect_matches_reference(student, "kl_objective", logits, Y)


@QUESTION.check("q2_objectives_tests", points=0.5)
def logistic_objective_is_the_mean_logistic_loss(student, rng):
    """`logistic_objective` equals (1/(nN)) sum_ij log(1 + exp(-Y_ij f_i)) for random logits and
    labels (n = 1, N = 1, integer and float Y)."""
    for logits, Y in random_cases(rng):
        expect_matches_reference(student, "logistic_objective", logits, Y)


@QUESTION.check("q2_objectives_tests", points=0.5)
def kl_objective_gradient(student, rng):
    """Autograd through your `kl_objective` gives the right gradient in the logits (unanimous rows
    and logits exactly 0 included)."""
    for logits, Y in random_cases(rng):
        expect_gradient_matches_reference(student, "kl_objective", logits, Y)


@QUESTION.check("q2_objectives_tests", points=0.5)
def logistic_objective_gradient(student, rng):
    """Autograd through your `logistic_objective` gives the right gradient in the logits (logits
    exactly 0 included)."""
    for logits, Y in random_cases(rng):
        expect_gradient_matches_reference(student, "logistic_objective", logits, Y)


@QUESTION.check("q2_objectives_tests", points=0.25)
def kl_objective_for_extreme_logits(student, rng):
    """`kl_objective` and its gradient stay finite and accurate for |logits| up to 1e4 (no inf, no
    nan)."""
    for N, n, dtype in [(12, 4, torch.float64), (40, 1, torch.int64)]:
        expect_gradient_matches_reference(
            student, "kl_objective", extreme_logits(rng, N), labels(rng, N, n, dtype)
        )


@QUESTION.check("q2_objectives_tests", points=0.25)
def logistic_objective_for_extreme_logits(student, rng):
    """`logistic_objective` and its gradient stay finite and accurate for |logits| up to 1e4 (no
    inf, no nan)."""
    for N, n, dtype in [(12, 4, torch.float64), (40, 1, torch.int64)]:
        expect_gradient_matches_reference(
            student, "logistic_objective", extreme_logits(rng, N), labels(rng, N, n, dtype)
        )


@QUESTION.check("q2_objectives_tests", points=0.25)
def objectives_keep_float32(student, rng):
    """Both objectives return a float32 result for float32 logits, with the right value (rtol 1e-5).

    1e-5 is about 100 float32 ulps: a float32 evaluation of a mean of 100 terms stays within it.
    """
    logits = torch.randn(25, generator=rng, dtype=torch.float64) * 3
    Y = labels(rng, 25, 4, torch.float32)
    for name, reference in REFERENCES.items():
        got, what = student_value(student, name, logits.to(torch.float32), Y)
        numeric.expect_dtype(got, torch.float32, what)
        numeric.expect_close(
            got,
            reference(logits.to(torch.float32).to(torch.float64), Y),
            what,
            rtol=1e-5,
            atol=1e-6,
        )


@QUESTION.check("q2_objectives_tests", points=0.5)
def objective_gap_is_minus_the_mean_entropy(student, rng):
    """`objective_gap(Y)` equals -(1/N) sum_i H(P_i), minus the mean entropy of the label
    distributions.

    Float64 Y must give a float64 result (tolerance as for the objectives); integer or float32 Y
    may give float32, then compared at rtol 1e-5 (about 100 float32 ulps).
    """
    for N, n, dtype, _ in CASES:
        Y = labels(rng, N, n, dtype)
        what = f"objective_gap(Y) with N={N}, n={n}, Y of dtype {str(dtype).replace('torch.', '')}"
        got = numeric.tensor(student.call("objective_gap", Y, what=what), what)
        numeric.expect_shape(got, (), what)
        if dtype == torch.float64:
            numeric.expect_dtype(got, torch.float64, what)
        if not got.is_floating_point():
            raise Fail(f"{what}: expected a floating-point tensor, got dtype {got.dtype}")
        tolerance = VALUE_TOLERANCE if got.dtype == torch.float64 else {"rtol": 1e-5, "atol": 1e-6}
        numeric.expect_close(got, reference_gap(Y), what, **tolerance)


@QUESTION.check("q2_objectives_tests", points=0.5)
def kl_minus_logistic_is_the_gap(student, rng):
    """The theorem, on your own functions: kl_objective(f, Y) - logistic_objective(f, Y) =
    objective_gap(Y) for many random f.

    Tolerance: the accuracy already accepted for each objective, 1e-9 (|kl| + |logistic|) + 1e-12.
    """
    for N, n in [(1, 1), (15, 3), (50, 7)]:
        Y = labels(rng, N, n, torch.float64)
        what = f"objective_gap(Y) with N={N}, n={n}"
        gap = numeric.number(
            numeric.tensor(student.call("objective_gap", Y, what=what), what), what
        )
        for trial in range(8):
            logits = torch.randn(N, generator=rng, dtype=torch.float64) * (0.1 + 4 * trial)
            kl, kl_what = student_value(student, "kl_objective", logits, Y)
            logistic, logistic_what = student_value(student, "logistic_objective", logits, Y)
            numeric.expect_finite(kl, kl_what)
            numeric.expect_finite(logistic, logistic_what)
            difference = float(kl) - float(logistic)
            tolerance = (
                VALUE_TOLERANCE["rtol"] * (abs(float(kl)) + abs(float(logistic)))
                + VALUE_TOLERANCE["atol"]
            )
            if not abs(difference - gap) <= tolerance:
                raise Fail(
                    f"with N={N}, n={n} and logits of scale {0.1 + 4 * trial:g}: kl_objective - "
                    f"logistic_objective = {difference:.12g}, but objective_gap(Y) = {gap:.12g}; "
                    "the two objectives must differ by objective_gap(Y) whatever the logits"
                )


# ------------------------------------------------------------------ q2_steps_tests

f = sp.Symbol("f", real=True)  # the logit f_theta(X) of one data point
p = sp.Symbol("p", nonnegative=True)  # its share of +1 labels, 0 <= p <= 1
STEP_SYMBOLS = {"f": f, "p": p}


def x_log_x(q):
    """q log q with 0 log 0 = 0 (the entropy's convention)."""
    return sp.Piecewise((0, sp.Eq(q, 0)), (q * sp.log(q), True))


NLL_PLUS = sp.log(1 + sp.exp(-f))  # -log mu(f)_(+1) = -log(1 / (1 + e^-f))
NLL_MINUS = sp.log(1 + sp.exp(f))  # -log mu(f)_(-1) = -log(1 / (1 + e^f))
GAP_POINT = x_log_x(p) + x_log_x(1 - p)  # minus the entropy of (1 - p, p)
KL_POINT = GAP_POINT + p * NLL_PLUS + (1 - p) * NLL_MINUS  # cross-entropy minus entropy


def sample_point(rng):
    """A point with mixed labels (0 < p < 1; the ends are checked apart), a logit of either sign."""
    return {f: rng.uniform(-15, 15), p: rng.uniform(0.001, 0.999)}


declare_steps(
    QUESTION,
    "q2_steps_tests",
    [
        Step(
            "nll_plus", NLL_PLUS, "-log mu(f)_(+1), the cross-entropy of one +1 label", points=0.5
        ),
        Step(
            "nll_minus", NLL_MINUS, "-log mu(f)_(-1), the cross-entropy of one -1 label", points=0.5
        ),
        Step(
            "kl_point",
            KL_POINT,
            "D_KL(P || mu(f)) for a share p of +1 labels, 0 < p < 1",
            points=0.75,
        ),
    ],
    STEP_SYMBOLS,
    sample_point,
)


@QUESTION.check("q2_steps_tests", points=0.25)
def kl_point_at_unanimous_labels(student, rng):
    """`kl_point` at p = 0 and p = 1 (unanimous labels, 0 log 0 = 0) is the cross-entropy of the
    one label present: log(1 + e^f) and log(1 + e^-f), for random f."""
    answer = student.expression("kl_point", STEP_SYMBOLS)
    for share, expected, labels_are in [(0, NLL_MINUS, "all -1"), (1, NLL_PLUS, "all +1")]:
        for _ in range(3):
            point = {p: share, f: float(torch.empty(()).uniform_(-15, 15, generator=rng))}
            what = f"`kl_point` at p = {share} ({labels_are} labels)"
            try:
                got = number_at(answer, point, what)
            except Fail as failure:
                raise Fail(
                    f"{failure}: with 0 log 0 = 0 it is a number; write q log q so that "
                    "it is 0 at q = 0 (e.g. with sp.Piecewise)"
                ) from None
            want = number_at(expected, point, "the cross-entropy")
            if abs(got - want) > 1e-9 * max(1.0, abs(want)):
                raise Fail(
                    f"{what} and f = {point[f]:.6g} gives {got:.10g}, expected {want:.10g} "
                    "(the cross-entropy of the one label present, 0 log 0 = 0)"
                )


@QUESTION.check("q2_steps_tests", points=0.5)
def gap_point_is_minus_the_entropy_in_p_alone(student, rng):
    """`gap_point` = kl_point - mean logistic loss of the labels, minus the entropy of (1 - p, p),
    written without f: it does not depend on the logit."""
    answer = student.expression("gap_point", STEP_SYMBOLS)
    if f in answer.free_symbols:
        raise Fail(
            f"`gap_point` = {sp.sstr(answer)[:200]} contains f: the gap between the two "
            "objectives must not depend on the logit (write it in terms of p alone)"
        )
    expect_equivalent(
        student,
        "gap_point",
        GAP_POINT,
        "kl_point minus the mean logistic loss",
        STEP_SYMBOLS,
        sample_point,
        rng,
    )


@QUESTION.check("q2_steps_tests", points=0.5)
def your_steps_give_the_theorem_for_one_point(student, rng):
    """Your steps fit together: your `kl_point` minus the mean of your `nll_plus` (share p) and
    `nll_minus` (share 1 - p) is your `gap_point`, and your `kl_point` depends on f."""
    kl = student.expression("kl_point", STEP_SYMBOLS)
    nll_plus = student.expression("nll_plus", STEP_SYMBOLS)
    nll_minus = student.expression("nll_minus", STEP_SYMBOLS)
    gap = student.expression("gap_point", STEP_SYMBOLS)
    if f not in kl.free_symbols:
        raise Fail(
            f"`kl_point` = {sp.sstr(kl)[:200]} does not contain f: a divergence from "
            "mu(f) depends on the logit"
        )
    difference = isolated(lambda: kl - (p * nll_plus + (1 - p) * nll_minus))
    verdict = equivalent(difference, gap, sample_point, seed=subseed(rng))
    if not verdict.equivalent:
        raise Fail(
            "your kl_point - (p nll_plus + (1 - p) nll_minus) is not your gap_point: "
            f"{verdict.detail}"
        )
