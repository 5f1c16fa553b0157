"""Question 4: log-softmax, log mu(z)_i = z_i - log sum_j exp(z_j), is idempotent.

Theorem. log mu(log mu(z)) = log mu(z) for every z in R^k. Proof by two lemmas: (normaliser)
sum_j exp(log mu(z)_j) = sum_j mu(z)_j = 1; (shift invariance) log mu(z + c 1) = log mu(z),
since e^c cancels between numerator and denominator. log mu(z) = z - c(z) 1 with
c(z) = log sum_j e^{z_j}, so log mu(log mu(z)) = log mu(z) by shift invariance, or directly:
its normaliser is log sum_j exp(log mu(z)_j) = log 1 = 0.

Cell ``q4_log_softmax_tests`` checks the student's ``log_softmax(z, dim=-1)`` against
``torch.log_softmax`` computed here, in the grader, to 1e-10 in float64: along the default and
every explicit dim (negative ones too) of random shapes, for entries up to 1e4 in magnitude and
rows whose entries differ by 1e4 (where exp over- or underflows unless the maximum is shifted
out first); float32 in gives float32 out. Then the theorem and its lemmas on the student's own
function: the normaliser is 1 (logsumexp of the output is 0, which z - max z fails), shift
invariance (c per row up to 5e3), idempotence.

Cell ``q4_steps_tests`` checks ``log_softmax_sym``, the student's symbolic twin, for k = 2, 3, 4
(called in the kernel on symbols the probe builds): its entries are z_i - log sum_j e^{z_j}, and
the three lemmas hold symbolically (sum_j exp(entry_j) = 1; entries unchanged by z + c;
unchanged when applied to its own output). Shift invariance and idempotence hold for many maps
(z - max z, the zero map), so they count only for a normalised map; ``twice_minus_once`` (0, a
guessable number) is worth a tenth of the cell.

The ban (no log_softmax, softmax, logsumexp, torch.nn.functional or scipy, under any alias) is
judged twice. First here, in the grader, on the source of the answer cells
(``graders.core.banned_code``): a banned function named anywhere in the code the answer uses
costs the ban check; a route the grader cannot follow (a name built at run time, ``eval``,
``__dict__``, an import outside the allow-list, a global that no answer cell defines: code
outside the answer cells is not graded and may not be used) costs every check of the cell, since
nothing it returns can be trusted to obey the ban. Then as a cross-check in the student's
process (graders/midterm/probes/q4_log_softmax.py): a watch on every call reports each banned
function the function was seen calling and any thread or process it started or that ran beside
it; such a call earns nothing in any check. The probe also reads the function's bytecode.
"""

import functools
import random

import sympy as sp
import torch

from graders.core import numeric
from graders.core.banned_code import Ban, violations
from graders.core.checks import Fail, Question, subseed
from graders.core.submission import StudentCodeError
from graders.core.symbolic import isolated, parse

QUESTION = Question(__name__)

#: "Agrees to 1e-10": |got - expected| <= 1e-10 (1 + |expected|) in float64.
FLOAT64_TOLERANCE = 1e-10
#: float32 keeps about 7 digits; entries here are of order 10.
FLOAT32_TOLERANCE = 1e-5
ALLOWED = "exp, log, max, sum and arithmetic"
BANNED = (
    "torch.log_softmax, torch.softmax, torch.logsumexp, torch.nn.functional, scipy or their aliases"
)
#: The answer cells whose code log_softmax may use (read by the grader, never run here).
ANSWER_CELLS = ("q4_log_softmax", "q4_steps")
BAN = Ban(
    names=frozenset(
        {
            "log_softmax",
            "softmax",
            "logsumexp",
            "_log_softmax",
            "_softmax",
            "_safe_softmax",
            "special_log_softmax",
            "special_softmax",
            "special_logsumexp",
            "logcumsumexp",
            "_logcumsumexp",
            "softmin",
            "LogSoftmax",
            "Softmax",
            "Softmin",
            "Softmax2d",
            "AdaptiveLogSoftmaxWithLoss",
            # torch's ways to reach a function through a name or code built at run time
            "distributions",
            "overrides",
            "jit",
            "compile",
            "fx",
            "library",
            "cpp_extension",
            "hub",
            "package",
        }
    ),
    modules=("torch.nn.functional", "scipy"),
    allowed_imports=frozenset({"math", "torch", "numpy", "sympy", "functools", "itertools"}),
    provided=frozenset({"math", "torch", "sp", "z1", "z2", "z3", "c"}),
    modules_provided=(("math", "math"), ("torch", "torch"), ("sp", "sympy")),
)


def describe(z: torch.Tensor, dim, repeat: int = 1, about: str = "") -> str:
    call = "z"
    for _ in range(repeat):
        call = f"log_softmax({call})" if dim is None else f"log_softmax({call}, dim={dim})"
    dtype = str(z.dtype).replace("torch.", "")
    return f"{call} with z of shape {tuple(z.shape)}, {dtype}{about}"


@functools.lru_cache(maxsize=64)
def _source_violations(sources: tuple) -> tuple:
    return tuple(violations(dict(sources), "q4_log_softmax", BAN))


def source_violations(student) -> tuple:
    """What the grader's reading of the answer cells finds (judged once per submission)."""
    return _source_violations(tuple((cell, student.source(cell)) for cell in ANSWER_CELLS))


def expect_followable(student) -> None:
    """``Fail`` if the code reaches functions by routes the grader cannot follow."""
    hidden = [str(found) for found in source_violations(student) if found.hides]
    if hidden:
        raise Fail(
            f"your code uses {'; '.join(hidden[:3])}. The grader cannot tell what such code calls, "
            f"so nothing log_softmax returns can be trusted to be built from {ALLOWED}: this check "
            "earns no points"
        )


def watched_call(student, z: torch.Tensor, dim=None, repeat: int = 1, about: str = ""):
    """The probe's reply to the call and the call's description; a call that used a banned function
    (or code the grader cannot follow) fails.

    ``dim=None`` leaves dim out of the call (the default, dim=-1, is part of the contract).
    """
    expect_followable(student)
    what = describe(z, dim, repeat, about)
    options = {} if dim is None else {"dim": dim}
    reply = student.probe("watched_log_softmax", z, repeat=repeat, what=what, **options)
    if reply["banned"]:
        raise Fail(
            f"while {what} ran, your code called {reply['banned'][0]}. This question asks you to "
            f"build log-softmax from {ALLOWED}; {BANNED} are not allowed, so this call earns no "
            "points"
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
    """The student's log_softmax(z, dim) has z's dtype and equals torch.log_softmax computed
    here."""
    (got,), what = student_log_softmax(student, z, dim, about=about)
    want = torch.log_softmax(z.to(torch.float64), dim=-1 if dim is None else dim)
    tolerance = FLOAT64_TOLERANCE if z.dtype == torch.float64 else FLOAT32_TOLERANCE
    numeric.expect_shape(got, z.shape, what)
    numeric.expect_dtype(got, z.dtype, what)
    numeric.expect_close(got, want, what, rtol=tolerance, atol=tolerance)


def logits(shape, rng, scale: float = 3.0) -> torch.Tensor:
    return torch.randn(shape, generator=rng, dtype=torch.float64) * scale


def rows_spanning(rows: int, k: int, spread: float, rng) -> torch.Tensor:
    """``rows`` x ``k`` entries in [-1e4, 1e4]: each row's max and min differ by exactly ``spread``,
    shuffled."""
    top = torch.empty((rows, 1), dtype=torch.float64).uniform_(spread - 1e4, 1e4, generator=rng)
    inside = torch.rand((rows, k - 2), generator=rng, dtype=torch.float64) * spread
    offsets = torch.cat(
        [
            torch.zeros((rows, 1), dtype=torch.float64),
            torch.full((rows, 1), spread, dtype=torch.float64),
            inside,
        ],
        dim=1,
    )
    order = torch.rand((rows, k), generator=rng).argsort(dim=1)
    return (top - offsets).gather(1, order)


def random_shape(rng, ndim: int) -> tuple:
    return tuple(int(n) for n in torch.randint(1, 6, (ndim,), generator=rng))


# ------------------------------------------------------------------ q4_log_softmax_tests


@QUESTION.check("q4_log_softmax_tests", points=0.5)
def matches_torch_along_the_last_dim(student, rng):
    """log_softmax(z) and log_softmax(z, dim=-1) equal torch.log_softmax(z, dim=-1) to 1e-10 in
    float64, for shapes (1,), (6,), (3, 7), (2, 3, 4)."""
    for shape in [(1,), (6,), (3, 7), (2, 3, 4)]:
        z = logits(shape, rng)
        expect_matches_torch(student, z)
        expect_matches_torch(student, z, dim=-1)


@QUESTION.check("q4_log_softmax_tests", points=0.75)
def respects_every_dim(student, rng):
    """log_softmax(z, dim=d) equals torch.log_softmax(z, dim=d) to 1e-10 for every d, negative ones
    too, on random shapes with 1 to 4 dims (one square)."""
    shapes = [(5,), (4, 4), (3, 5), (2, 3, 4), (3, 1, 4, 2)] + [
        random_shape(rng, n) for n in (2, 3, 4)
    ]
    for shape in shapes:
        z = logits(shape, rng)
        for dim in range(-len(shape), len(shape)):
            expect_matches_torch(student, z, dim)


@QUESTION.check("q4_log_softmax_tests", points=0.5)
def accurate_for_entries_near_1e4(student, rng):
    """For entries near +1e4 and near -1e4 (exp overflows to inf or underflows to 0 there) the
    result is finite and equals torch.log_softmax to 1e-10."""
    for sign, about in [(1, ", entries near +1e4"), (-1, ", entries near -1e4")]:
        z = sign * (1e4 - torch.rand((4, 6), generator=rng, dtype=torch.float64) * 10)
        expect_matches_torch(student, z, about=about)
        expect_matches_torch(student, z, dim=0, about=about)


@QUESTION.check("q4_log_softmax_tests", points=0.5)
def accurate_when_entries_differ_by_1e4(student, rng):
    """For rows whose entries differ by 1e4 (and up to 2e4), entries in [-1e4, 1e4], the result is
    finite and equals torch.log_softmax to 1e-10."""
    z = rows_spanning(5, 6, 1e4, rng)
    expect_matches_torch(student, z, about=", each row's entries differ by up to 1e4")
    expect_matches_torch(
        student, z.T.contiguous(), dim=0, about=", each column's entries differ by up to 1e4"
    )
    z = torch.tensor([[1e4, 0.0, -1e4], [-1e4, -1e4, 1e4]], dtype=torch.float64)
    expect_matches_torch(student, z, dim=1, about=f" = {z.tolist()}")
    z = torch.empty((3, 5, 4), dtype=torch.float64).uniform_(-1e4, 1e4, generator=rng)
    expect_matches_torch(student, z, dim=1, about=", entries uniform in [-1e4, 1e4]")


@QUESTION.check("q4_log_softmax_tests", points=0.25)
def keeps_the_dtype(student, rng):
    """float32 input gives a float32 result (within 1e-5 of the exact values), float64 a float64
    one."""
    expect_matches_torch(student, logits((5,), rng).to(torch.float32))
    expect_matches_torch(student, logits((3, 4), rng).to(torch.float32), dim=0)
    expect_matches_torch(student, logits((2, 3), rng), dim=1)


@QUESTION.check("q4_log_softmax_tests", points=0.75)
def normaliser_is_one(student, rng):
    """Lemma 1 on your log_softmax: sum_j exp(output_j) = 1 along dim (z - max z is not enough).

    logsumexp of the output, computed here, is 0 to 1e-10, for entries up to 1e4, dims -1, 0, 1.
    """
    cases = [
        (logits((4, 6), rng, scale=5.0), -1, ""),
        (rows_spanning(5, 4, 1e4, rng).T.contiguous(), 0, ", entries differing by 1e4"),
        (logits((2, 5, 3), rng), 1, ""),
    ]
    for z, dim, about in cases:
        (out,), what = student_log_softmax(student, z, dim, about=about)
        numeric.expect_finite(out, what)
        normaliser = torch.logsumexp(out.to(torch.float64), dim=dim)
        numeric.expect_close(
            normaliser,
            torch.zeros_like(normaliser),
            f"log sum_j exp of {what}",
            rtol=0,
            atol=FLOAT64_TOLERANCE,
        )


@QUESTION.check("q4_log_softmax_tests", points=0.75)
def shift_invariant(student, rng):
    """Lemma 2 on your log_softmax: adding c to every entry of a slice changes nothing (1e-9).

    c per slice, up to 5e3 in magnitude (rounding z + c costs about 1e-12).
    """
    z = logits((5, 6), rng)
    shifts = torch.tensor([[5e3], [-5e3], [0.5], [-37.25], [1e3]], dtype=torch.float64)
    cases = [
        (-1, z, z + shifts, ", each row shifted by c in [-5e3, 5e3]"),
        (0, z.T.contiguous(), (z + shifts).T.contiguous(), ", each column shifted by c"),
    ]
    for dim, base, shifted, about in cases:
        (plain,), _ = student_log_softmax(student, base, dim)
        (moved,), what = student_log_softmax(student, shifted, dim, about=about)
        numeric.expect_close(
            moved,
            plain,
            f"{what}, compared with log_softmax of the unshifted z",
            rtol=1e-9,
            atol=1e-9,
        )


@QUESTION.check("q4_log_softmax_tests", points=0.5)
def is_idempotent(student, rng):
    """Your own log_softmax applied twice equals it applied once, to 1e-10 (the theorem), along dims
    -1, 0 and 1."""
    cases = [
        (logits((4, 6), rng, scale=5.0), -1, ""),
        (rows_spanning(5, 3, 4e3, rng).T.contiguous(), 0, ", entries differing by 4e3"),
        (logits((2, 3, 4), rng), 1, ""),
    ]
    for z, dim, about in cases:
        (once, twice), what = student_log_softmax(student, z, dim, repeat=2, about=about)
        numeric.expect_finite(once, f"{describe(z, dim, about=about)}, the first application")
        numeric.expect_close(
            twice,
            once,
            f"{what}, compared with log_softmax applied once",
            rtol=FLOAT64_TOLERANCE,
            atol=FLOAT64_TOLERANCE,
        )


@QUESTION.check("q4_log_softmax_tests", points=0.5)
def uses_only_elementary_operations(student, rng):
    """log_softmax is built from exp, log, max, sum and arithmetic: it never calls
    torch.log_softmax, torch.softmax, torch.logsumexp, torch.nn.functional, scipy or an alias of
    them (watched while it runs, and looked for in its code)."""
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
        raise Fail(
            "every call the grader tried raised an error, so the ban could not be checked; the "
            f"first: {errors[0]}"
        )
    found = student.probe("banned_references", what="reading the code of log_softmax")
    if found:
        raise Fail(
            f"your code refers to {'; '.join(found[:3])}. This question asks you to build "
            f"log-softmax from {ALLOWED}; {BANNED} are not allowed, even on a path these inputs "
            "do not reach"
        )


# ------------------------------------------------------------------ q4_steps_tests

z1, z2, z3, z4 = sp.symbols("z1:5", real=True)
c = sp.Symbol("c", real=True)
SYMBOLS = {"z1": z1, "z2": z2, "z3": z3, "z4": z4, "c": c}
SIZES = (2, 3, 4)
#: Why a lemma that many maps satisfy is checked on normalised maps only.
GATE = " (this lemma counts only for a map whose exponentials sum to 1, as log-softmax's do)"


def sample_point(rng):
    """z_j and c real: moderate values, where every expression here is well conditioned."""
    return {**{z: rng.uniform(-6, 6) for z in (z1, z2, z3, z4)}, c: rng.uniform(-20, 20)}


def log_softmax_entries(zs):
    """The exam's definition, entry by entry: z_i - log sum_j e^{z_j}."""
    normaliser = sp.log(sum(sp.exp(z) for z in zs))
    return [z - normaliser for z in zs]


def symbolic_twin(student) -> dict:
    """{k: {"once", "shifted", "twice": [entries]}} of the student's log_softmax_sym, read by the
    grader's parser; ``Fail`` if a list has the wrong length."""
    what = "log_softmax_sym([z1, ..., zk]) for k = 2, 3, 4"
    reply = student.probe("symbolic_log_softmax", list(SIZES), what=what)
    texts = []
    for k in SIZES:
        for kind in ("once", "shifted", "twice"):
            found = isinstance(reply, dict) and isinstance(reply.get(k), dict)
            entries = reply[k][kind] if found else None
            if not isinstance(entries, list) or len(entries) != k:
                raise Fail(
                    f"log_softmax_sym on {k} expressions should return a list of {k} SymPy "
                    "expressions"
                )
            texts.append((k, kind, tuple(str(entry) for entry in entries)))
    return read_twin(tuple(texts))


@functools.lru_cache(maxsize=16)
def read_twin(texts: tuple) -> dict:
    """The parsed entries (cached: the four checks of the cell read the same reply)."""
    twin = {}
    for k, kind, entries in texts:
        twin.setdefault(k, {})[kind] = [
            parse(entry, SYMBOLS, what=f"entry {i + 1} of log_softmax_sym([z1, ..., z{k}]), {kind}")
            for i, entry in enumerate(entries)
        ]
    return twin


#: Sample points per comparison, each evaluated with 30 digits; agreement to this relative error.
SAMPLES = 12
REL_TOL = 1e-9


def _value(expr: sp.Expr, point: dict):
    """``expr`` at ``point`` with 30 digits, or None. The point's numbers are put in first
    (``xreplace``), so Max, Abs and Piecewise decide at once instead of inside ``evalf``."""
    try:
        value = complex(expr.xreplace({s: sp.Float(v, 30) for s, v in point.items()}).evalf(30))
    except Exception:  # not a number: a free symbol, zoo, a relational
        return None
    return value if value == value and abs(value) != float("inf") else None


def _first_mismatch(comparisons: list, points: list):
    """(comparison index, point index, got, want) of the first disagreement, or None."""
    for index, (got, want, _, _) in enumerate(comparisons):
        for at, point in enumerate(points):
            a, b = _value(got, point), _value(want, point)
            if a is None or b is None or abs(a - b) > REL_TOL * max(1.0, abs(b)):
                return index, at, a, b
    return None


def expect_all_same(comparisons: list, rng) -> None:
    """``Fail`` with a counterexample at the first (got, want, what, meaning) where ``got`` differs
    from ``want`` at random points of the domain. All are evaluated (30 digits) in one child
    process of the grader, which stops at the first mismatch; no proof is attempted: these nested
    expressions would spend the proof's time limit for nothing, and a mismatch decides anyway."""
    sampler = random.Random(subseed(rng))
    points = [sample_point(sampler) for _ in range(SAMPLES)]
    mismatch = isolated(lambda: _first_mismatch(comparisons, points))
    if mismatch is None:
        return
    index, at, a, b = mismatch
    got, _, what, meaning = comparisons[index]
    where = ", ".join(f"{s}={value:.6g}" for s, value in sorted(points[at].items(), key=str))
    if a is None or b is None:
        raise Fail(f"{what if a is None else meaning} is not a finite number at {where}")
    raise Fail(
        f"{what} = {sp.sstr(got)[:160]} is not {meaning}: at {where} it gives "
        f"{a.real:.10g}, expected {b.real:.10g}"
    )


def expect_normalised(twin, rng, why: str = "") -> None:
    expect_all_same(
        [
            (
                sum(sp.exp(entry) for entry in twin[k]["once"]),
                sp.Integer(1),
                f"sum_j exp(entry_j) of log_softmax_sym([z1, ..., z{k}]){why}",
                "1",
            )
            for k in SIZES
        ],
        rng,
    )


def entrywise(twin, kind: str, against: str, what: str, meaning: str) -> list:
    """(got, want, what, meaning) for entry i of ``twin[k][kind]`` against ``twin[k][against]``."""
    return [
        (got, want, what.format(i=i + 1, k=k), meaning.format(i=i + 1, k=k))
        for k in SIZES
        for i, (got, want) in enumerate(zip(twin[k][kind], twin[k][against]))
    ]


def expect_unchanged_if_normalised(student, rng, kind: str, what: str, meaning: str) -> None:
    """Entry i of the student's ``kind`` twin (shifted input, or applied twice) equals entry i
    applied once, for k = 2, 3, 4, on a map that passes Lemma 1 first (``GATE``)."""
    twin = symbolic_twin(student)
    expect_normalised(twin, rng, GATE)
    expect_all_same(entrywise(twin, kind, "once", what, meaning), rng)


@QUESTION.check("q4_steps_tests", points=0.75)
def log_softmax_sym_is_log_softmax(student, rng):
    """`log_softmax_sym([z1, ..., zk])` has entries z_i - log sum_j exp(z_j), for k = 2, 3, 4."""
    twin, zs = symbolic_twin(student), [z1, z2, z3, z4]
    expect_all_same(
        [
            (got, want, f"entry {i + 1} of log_softmax_sym([z1, ..., z{k}])", sp.sstr(want))
            for k in SIZES
            for i, (got, want) in enumerate(zip(twin[k]["once"], log_softmax_entries(zs[:k])))
        ],
        rng,
    )


@QUESTION.check("q4_steps_tests", points=0.75)
def normaliser_lemma(student, rng):
    """Lemma 1 on `log_softmax_sym`: sum_j exp(entry_j) = 1 symbolically, for k = 2, 3, 4."""
    expect_normalised(symbolic_twin(student), rng)


@QUESTION.check("q4_steps_tests", points=0.6)
def shift_invariance_lemma(student, rng):
    """Lemma 2 on `log_softmax_sym`: entries unchanged by z + c (k = 2, 3, 4); normalised maps only.

    z - max z is shift invariant too: the lemma counts for a map whose exponentials sum to 1.
    """
    expect_unchanged_if_normalised(
        student,
        rng,
        "shifted",
        "entry {i} of log_softmax_sym([z1 + c, ..., z{k} + c])",
        "entry {i} for z1, ..., z{k}",
    )


@QUESTION.check("q4_steps_tests", points=0.6)
def idempotence(student, rng):
    """The theorem on `log_softmax_sym`: applied to its own output it changes nothing (k = 2, 3, 4).

    It counts for a map whose exponentials sum to 1 only (z - max z is idempotent too).
    """
    expect_unchanged_if_normalised(
        student,
        rng,
        "twice",
        "entry {i} of log_softmax_sym applied twice to [z1, ..., z{k}]",
        "entry {i} applied once",
    )


@QUESTION.check("q4_steps_tests", points=0.3)
def twice_minus_once_is_zero(student, rng):
    """`twice_minus_once`, log_softmax(log_softmax(z))_1 - log_softmax(z)_1, is 0."""
    answer = student.expression("twice_minus_once", SYMBOLS)
    expect_all_same([(answer, sp.Integer(0), "`twice_minus_once`", "0")], rng)
