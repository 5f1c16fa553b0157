"""Question 4: log-softmax, log mu(z)_i = z_i - log sum_j exp(z_j), is idempotent.

Theorem. log mu(log mu(z)) = log mu(z) for every z in R^k: exp(log mu(z)) = mu(z) sums to 1,
so the normaliser of the second application is log 1 = 0.

Cell ``q4_log_softmax_tests`` checks the student's ``log_softmax(z, dim=-1)`` against
``torch.log_softmax`` computed here, in the grader, to 1e-10 in float64: along the default and
every explicit dim (negative ones too) of random shapes, for entries up to 1e4 in magnitude and
rows whose entries differ by 1e4 (where exp over- or underflows unless the maximum is shifted
out first); float32 in gives float32 out; applying the student's own function twice changes
nothing (the theorem).

The ban (no log_softmax, softmax, logsumexp, torch.nn.functional or scipy, under any alias) is
enforced on every call: the probe (graders/probes/q4_log_softmax.py) watches the student's
function while it runs and reports each banned function it was seen calling, and a call that
used one earns nothing in any check. ``uses_only_elementary_operations`` also reads the
function's code for banned names on paths the inputs do not reach. The watch runs in the
student's process, so a determined student could switch it off (that probe's docstring says
how far it goes); direct calls, aliases and tensor methods are caught.
"""

import torch

from graders.core import numeric
from graders.core.checks import Fail, Question
from graders.core.submission import StudentCodeError

QUESTION = Question("q4_log_softmax", probes="q4_log_softmax")

#: "Agrees to 1e-10": |got - expected| <= 1e-10 (1 + |expected|) in float64.
FLOAT64_TOLERANCE = 1e-10
#: float32 keeps about 7 digits; entries here are of order 10.
FLOAT32_TOLERANCE = 1e-5
ALLOWED = "exp, log, max, sum and arithmetic"
BANNED = "torch.log_softmax, torch.softmax, torch.logsumexp, torch.nn.functional, scipy or their aliases"


def describe(z: torch.Tensor, dim, repeat: int = 1, about: str = "") -> str:
    call = "z"
    for _ in range(repeat):
        call = f"log_softmax({call})" if dim is None else f"log_softmax({call}, dim={dim})"
    dtype = str(z.dtype).replace("torch.", "")
    return f"{call} with z of shape {tuple(z.shape)}, {dtype}{about}"


def watched_call(student, z: torch.Tensor, dim=None, repeat: int = 1, about: str = ""):
    """The probe's reply to the call and the call's description; a call that used a banned function fails.

    ``dim=None`` leaves dim out of the call (the default, dim=-1, is part of the contract).
    """
    what = describe(z, dim, repeat, about)
    options = {} if dim is None else {"dim": dim}
    reply = student.probe("watched_log_softmax", z, repeat=repeat, what=what, **options)
    if reply["banned"]:
        raise Fail(
            f"while {what} ran, your code called {reply['banned'][0]}. This question asks you to build "
            f"log-softmax from {ALLOWED}; {BANNED} are not allowed, so this call earns no points"
        )
    return reply, what


def student_log_softmax(student, z: torch.Tensor, dim=None, repeat: int = 1, about: str = ""):
    """The student's outputs (one per application) and the call's description."""
    reply, what = watched_call(student, z, dim, repeat, about)
    for kind, is_tensor in zip(reply["types"], reply["is_tensor"]):
        if not is_tensor:
            raise Fail(f"{what} should return a torch.Tensor, but returned a {kind}")
    return reply["outputs"], what


def expect_matches_torch(student, z: torch.Tensor, dim=None, about: str = "") -> None:
    """The student's log_softmax(z, dim) has z's dtype and equals torch.log_softmax computed here."""
    (got,), what = student_log_softmax(student, z, dim, about=about)
    want = torch.log_softmax(z.to(torch.float64), dim=-1 if dim is None else dim)
    tolerance = FLOAT64_TOLERANCE if z.dtype == torch.float64 else FLOAT32_TOLERANCE
    numeric.expect_shape(got, z.shape, what)
    numeric.expect_dtype(got, z.dtype, what)
    numeric.expect_close(got, want, what, rtol=tolerance, atol=tolerance)


def logits(shape, rng, scale: float = 3.0) -> torch.Tensor:
    return torch.randn(shape, generator=rng, dtype=torch.float64) * scale


def rows_spanning(rows: int, k: int, spread: float, rng) -> torch.Tensor:
    """``rows`` x ``k`` entries in [-1e4, 1e4]: each row's max and min differ by exactly ``spread``, shuffled."""
    top = torch.empty((rows, 1), dtype=torch.float64).uniform_(spread - 1e4, 1e4, generator=rng)
    inside = torch.rand((rows, k - 2), generator=rng, dtype=torch.float64) * spread
    offsets = torch.cat([torch.zeros((rows, 1), dtype=torch.float64), torch.full((rows, 1), spread, dtype=torch.float64), inside], dim=1)
    order = torch.rand((rows, k), generator=rng).argsort(dim=1)
    return (top - offsets).gather(1, order)


def random_shape(rng, ndim: int) -> tuple:
    return tuple(int(n) for n in torch.randint(1, 6, (ndim,), generator=rng))


# ------------------------------------------------------------------ q4_log_softmax_tests


@QUESTION.check("q4_log_softmax_tests", points=1.0)
def matches_torch_along_the_last_dim(student, rng):
    """log_softmax(z) and log_softmax(z, dim=-1) equal torch.log_softmax(z, dim=-1) to 1e-10 in float64, for shapes (1,), (6,), (3, 7), (2, 3, 4)."""
    for shape in [(1,), (6,), (3, 7), (2, 3, 4)]:
        z = logits(shape, rng)
        expect_matches_torch(student, z)
        expect_matches_torch(student, z, dim=-1)


@QUESTION.check("q4_log_softmax_tests", points=1.0)
def respects_every_dim(student, rng):
    """log_softmax(z, dim=d) equals torch.log_softmax(z, dim=d) to 1e-10 for every d, negative ones too, on random shapes with 1 to 4 dims (one square)."""
    shapes = [(5,), (4, 4), (3, 5), (2, 3, 4), (3, 1, 4, 2)] + [random_shape(rng, n) for n in (2, 3, 4)]
    for shape in shapes:
        z = logits(shape, rng)
        for dim in range(-len(shape), len(shape)):
            expect_matches_torch(student, z, dim)


@QUESTION.check("q4_log_softmax_tests", points=1.0)
def accurate_for_entries_near_1e4(student, rng):
    """For entries near +1e4 and near -1e4 (exp overflows to inf or underflows to 0 there) the result is finite and equals torch.log_softmax to 1e-10."""
    for sign, about in [(1, ", entries near +1e4"), (-1, ", entries near -1e4")]:
        z = sign * (1e4 - torch.rand((4, 6), generator=rng, dtype=torch.float64) * 10)
        expect_matches_torch(student, z, about=about)
        expect_matches_torch(student, z, dim=0, about=about)


@QUESTION.check("q4_log_softmax_tests", points=1.0)
def accurate_when_entries_differ_by_1e4(student, rng):
    """For rows whose entries differ by 1e4 (and up to 2e4), entries in [-1e4, 1e4], the result is finite and equals torch.log_softmax to 1e-10."""
    z = rows_spanning(5, 6, 1e4, rng)
    expect_matches_torch(student, z, about=", each row's entries differ by up to 1e4")
    expect_matches_torch(student, z.T.contiguous(), dim=0, about=", each column's entries differ by up to 1e4")
    z = torch.tensor([[1e4, 0.0, -1e4], [-1e4, -1e4, 1e4]], dtype=torch.float64)
    expect_matches_torch(student, z, dim=1, about=f" = {z.tolist()}")
    z = torch.empty((3, 5, 4), dtype=torch.float64).uniform_(-1e4, 1e4, generator=rng)
    expect_matches_torch(student, z, dim=1, about=", entries uniform in [-1e4, 1e4]")


@QUESTION.check("q4_log_softmax_tests", points=0.5)
def keeps_the_dtype(student, rng):
    """float32 input gives a float32 result (within 1e-5 of the exact values), float64 a float64 one."""
    expect_matches_torch(student, logits((5,), rng).to(torch.float32))
    expect_matches_torch(student, logits((3, 4), rng).to(torch.float32), dim=0)
    expect_matches_torch(student, logits((2, 3), rng), dim=1)


@QUESTION.check("q4_log_softmax_tests", points=0.5)
def is_idempotent(student, rng):
    """Your own log_softmax applied twice equals it applied once, to 1e-10 (the theorem), along dims -1, 0 and 1."""
    cases = [
        (logits((4, 6), rng, scale=5.0), -1, ""),
        (rows_spanning(5, 3, 4e3, rng).T.contiguous(), 0, ", entries differing by 4e3"),
        (logits((2, 3, 4), rng), 1, ""),
    ]
    for z, dim, about in cases:
        (once, twice), what = student_log_softmax(student, z, dim, repeat=2, about=about)
        numeric.expect_finite(once, f"{describe(z, dim, about=about)}, the first application")
        numeric.expect_close(twice, once, f"{what}, compared with log_softmax applied once", rtol=FLOAT64_TOLERANCE, atol=FLOAT64_TOLERANCE)


@QUESTION.check("q4_log_softmax_tests", points=1.0)
def uses_only_elementary_operations(student, rng):
    """log_softmax is built from exp, log, max, sum and arithmetic: it never calls torch.log_softmax, torch.softmax, torch.logsumexp, torch.nn.functional, scipy or an alias of them (watched while it runs, and looked for in its code)."""
    calls = [
        (logits((7,), rng), None, ""),
        (logits((3, 5), rng), 0, ""),
        (logits((2, 3, 4), rng).to(torch.float32), 1, ""),
        (rows_spanning(3, 4, 1e4, rng), -1, ", each row's entries differ by up to 1e4"),
    ]
    errors = []
    for z, dim, about in calls:
        try:
            watched_call(student, z, dim, about=about)
        except StudentCodeError as error:  # judged on the calls that return
            errors.append(str(error))
    if len(errors) == len(calls):
        raise Fail(f"every call the grader tried raised an error, so the ban could not be checked; the first: {errors[0]}")
    found = student.probe("banned_references", what="reading the code of log_softmax")
    if found:
        raise Fail(
            f"your code refers to {'; '.join(found[:3])}. This question asks you to build log-softmax from "
            f"{ALLOWED}; {BANNED} are not allowed, even on a path these inputs do not reach"
        )
