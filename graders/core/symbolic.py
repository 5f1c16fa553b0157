"""Symbolic answers: read safely, compared soundly, never at the grader's peril.

A student's SymPy expression reaches the grader as text (``sympy.sstr`` in their kernel, which
has already applied ``doit()`` to any ``Sum``, ``Product`` or ``Integral``). It is read here by
walking Python's AST and building SymPy objects from an allow-list of constructs: no ``eval``,
no ``sympify`` of student text, no attribute access, bounded size, and every number bounded
before it is computed (a power's size is estimated from its base and exponent; a ``Float``'s
precision is capped), so building the expression is always cheap.

Anything that evaluates a student-derived expression (reading it first, ``evalf`` at sample
points, ``simplify``, ``solve``) runs in a child process that a wall-clock deadline and memory
limit really stop (``graders.core.limits``): a number tower hidden inside a function costs that
check its points, never the grader's time.

Equivalence is decided twice: both expressions are evaluated at random points of the domain the
question states, with 30-digit arithmetic, and SymPy tries to prove ``student - reference == 0``.
A mismatch at any point is a counterexample and decides "not equivalent"; otherwise a proof or
agreement at every point decides "equivalent".
"""

import ast
import random
from dataclasses import dataclass
from typing import Callable

import sympy as sp

from graders.core.errors import Fail, NotChecked
from graders.core.limits import Child, LimitExceeded, time_limited

MAX_TEXT = 4000
MAX_NODES = 1500
MAX_INTEGER_DIGITS = 40
#: A power of a number (not a symbol) with a larger exponent is refused unread.
MAX_NUMERIC_EXPONENT = 200
#: Largest number (in bits of its integer part, numerator or denominator) the grader computes.
MAX_NUMBER_BITS = 10_000
#: Largest precision of a Float (bits; 50 decimal digits).
MAX_FLOAT_BITS = 170
MAX_FLOAT_DIGITS = 50
#: Largest SymPy result ``isolated`` hands back (nodes of its expression trees).
MAX_RESULT_NODES = 20_000
READ_TIME_LIMIT = 3.0
#: Constructs SymPy may leave unevaluated (the kernel applies ``doit()`` first, but a closed form
#: can keep one, e.g. a divergent branch of a Piecewise): their bound variable's assumptions.
UNEVALUATED = {
    "Sum": (sp.Sum, {"integer": True}),
    "Product": (sp.Product, {"integer": True}),
    "Integral": (sp.Integral, {"real": True}),
}

FUNCTIONS = {
    "exp": sp.exp,
    "log": sp.log,
    "sqrt": sp.sqrt,
    "Abs": sp.Abs,
    "Rational": sp.Rational,
    "Integer": sp.Integer,
    "Float": sp.Float,
    "Max": sp.Max,
    "Min": sp.Min,
    "sin": sp.sin,
    "cos": sp.cos,
    "tanh": sp.tanh,
    # SymPy's own summation answers with a Piecewise (e.g. the case beta**2 == 1 of a geometric sum)
    "Piecewise": sp.Piecewise,
    "Eq": sp.Eq,
    "Ne": sp.Ne,
    "And": sp.And,
    "Or": sp.Or,
    "Not": sp.Not,
}
CONSTANTS = {"pi": sp.pi, "E": sp.E, "oo": sp.oo}
COMPARISONS = {ast.Lt: sp.Lt, ast.LtE: sp.Le, ast.Gt: sp.Gt, ast.GtE: sp.Ge}
OPERATORS = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
    ast.Pow: lambda a, b: a**b,
}


class UnreadableAnswer(ValueError):
    """The text is not an expression the grader accepts; the message says why."""


def _allowed(symbols):
    return (
        ", ".join(sorted(symbols))
        + "; + - * / **; "
        + ", ".join(sorted(FUNCTIONS))
        + "; "
        + ", ".join(f"{name}(term, (i, lower, upper))" for name in UNEVALUATED)
    )


def parse(text: str, symbols: dict, what: str = "the answer") -> sp.Expr:
    """Build a SymPy expression from ``text`` using only ``symbols`` and allow-listed constructs.

    The text is read first in a child process under a time and memory limit; the grader then
    builds it itself, repeating only work that finished within those limits.
    """
    if not isinstance(text, str):
        raise NotChecked(f"{what} could not be read: it did not arrive as text")
    if len(text) > MAX_TEXT:
        raise NotChecked(f"{what} could not be read: it is longer than {MAX_TEXT} characters")
    try:
        problem = time_limited(lambda: _problem_reading(text, symbols), READ_TIME_LIMIT)
    except LimitExceeded as error:
        raise NotChecked(f"{what} could not be read: reading it {error}") from None
    if problem is None:
        problem = _problem_reading(text, symbols, keep=True)
    if isinstance(problem, str):
        raise NotChecked(f"{what} could not be read: {problem}")
    return problem


def _problem_reading(text, symbols, keep=False):
    """What is wrong with ``text`` (a message), or None; with ``keep``, the expression instead."""
    try:
        expression = _Reader(symbols).read(text)
    except UnreadableAnswer as error:
        return str(error)
    return expression if keep else None


class _Reader:
    def __init__(self, symbols):
        self.symbols = symbols
        self.nodes = 0

    def read(self, text):
        if len(text) > MAX_TEXT:
            raise UnreadableAnswer(f"it is longer than {MAX_TEXT} characters")
        try:
            tree = ast.parse(text, mode="eval")
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            raise UnreadableAnswer(f"`{text[:80]}` is not a closed-form expression") from None
        try:
            result = sp.sympify(self.node(tree.body))
        except UnreadableAnswer:
            raise
        except RecursionError:
            raise UnreadableAnswer("it is nested too deeply") from None
        except MemoryError:
            raise
        except Exception as error:  # SymPy refusing a combination, e.g. a malformed Piecewise
            reason = f"{type(error).__name__}: {str(error)[:120]}"
            raise UnreadableAnswer(f"SymPy cannot build it ({reason})") from None
        if not isinstance(result, sp.Expr):
            raise UnreadableAnswer(f"it is a {type(result).__name__}, not an expression")
        return result

    def node(self, node):
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise UnreadableAnswer(f"it has more than {MAX_NODES} parts")
        if isinstance(node, ast.Constant):
            return self.constant(node.value)
        if isinstance(node, ast.Name):
            if node.id in self.symbols:
                return self.symbols[node.id]
            if node.id in CONSTANTS:
                return CONSTANTS[node.id]
            raise UnreadableAnswer(
                f"it uses `{node.id}`; only these are allowed: {_allowed(self.symbols)}"
            )
        if isinstance(node, ast.Tuple):  # the (expression, condition) pairs of a Piecewise
            return tuple(self.node(item) for item in node.elts)
        if (
            isinstance(node, ast.Compare)
            and len(node.ops) == 1
            and type(node.ops[0]) in COMPARISONS
        ):
            return COMPARISONS[type(node.ops[0])](
                self.node(node.left), self.node(node.comparators[0])
            )
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            operand = self.node(node.operand)
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.BinOp) and type(node.op) in OPERATORS:
            left, right = self.node(node.left), self.node(node.right)
            if isinstance(node.op, ast.Pow):
                _check_power(left, right)
            return _bounded(OPERATORS[type(node.op)](left, right))
        call = isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        called = node.func.id if call else None
        if called in UNEVALUATED:
            return self.unevaluated(node)
        if called in FUNCTIONS:
            if node.keywords:
                raise UnreadableAnswer(f"`{called}` takes no keyword arguments here")
            args = [self.node(arg) for arg in node.args]
            _check_call(called, args)
            try:
                return _bounded(FUNCTIONS[called](*args))
            except UnreadableAnswer:
                raise
            except (TypeError, ValueError) as error:
                raise UnreadableAnswer(f"`{called}` with these arguments: {error}") from None
        raise UnreadableAnswer(
            f"it uses a {type(node).__name__} construct; only these are allowed: "
            f"{_allowed(self.symbols)}"
        )

    def unevaluated(self, node):
        """``Sum(term, (i, lower, upper), ...)`` and the like: ``i`` is bound in ``term`` only."""
        name = node.func.id
        construct, assumptions = UNEVALUATED[name]
        ranges = node.args[1:]
        if (
            node.keywords
            or not ranges
            or not all(
                isinstance(r, ast.Tuple)
                and len(r.elts) == 3
                and isinstance(r.elts[0], ast.Name)
                and r.elts[0].id not in CONSTANTS
                and r.elts[0].id not in FUNCTIONS
                for r in ranges
            )
        ):
            raise UnreadableAnswer(f"`{name}` is accepted only as {name}(term, (i, lower, upper))")
        outer = self.symbols
        limits = []
        for r in ranges:
            lower, upper = self.node(r.elts[1]), self.node(r.elts[2])
            variable = sp.Symbol(r.elts[0].id, **assumptions)
            self.symbols = {**self.symbols, variable.name: variable}
            limits.append((variable, lower, upper))
        try:
            term = self.node(node.args[0])
        finally:
            self.symbols = outer
        return construct(term, *limits)

    @staticmethod
    def constant(value):
        if isinstance(value, bool):
            return sp.true if value else sp.false
        if not isinstance(value, (int, float)):
            raise UnreadableAnswer(f"it contains the literal {value!r}")
        if isinstance(value, int):
            if len(str(abs(value))) > MAX_INTEGER_DIGITS:
                raise UnreadableAnswer("it contains an integer with too many digits")
            return sp.Integer(value)
        return sp.Float(value)


def _bits(number) -> int:
    """Size of a SymPy number in bits: of its numerator or denominator, or a Float's magnitude."""
    if isinstance(number, sp.Float):
        sign, mantissa, exponent, count = number._mpf_
        return abs(exponent + count) + 1 if mantissa else 1
    if isinstance(number, sp.Rational):
        return max(abs(number.p).bit_length(), number.q.bit_length())
    return 1


def _bounded(value):
    """``value``, or ``UnreadableAnswer`` if it is (or directly holds, as a coefficient) a number
    larger or more precise than allowed."""
    for number in (value, *getattr(value, "args", ())):
        if not isinstance(number, sp.Number):
            continue
        if _bits(number) > MAX_NUMBER_BITS:
            raise UnreadableAnswer(f"it builds a number with more than {MAX_NUMBER_BITS} bits")
        if isinstance(number, sp.Float) and number._prec > MAX_FLOAT_BITS:
            raise UnreadableAnswer(f"it has a Float with more than {MAX_FLOAT_DIGITS} digits")
    return value


def _check_power(base, exponent):
    """Refuse a power of a number whose size would explode, before SymPy computes it."""
    trivial = base in (sp.S.Zero, sp.S.One, sp.S.NegativeOne)
    if trivial or not (base.is_number and exponent.is_number):
        return
    if isinstance(exponent, sp.Number):
        if exponent.is_Rational:
            size = abs(exponent.p).bit_length() - exponent.q.bit_length()
        else:
            size = _bits(exponent)
        huge = abs(float(exponent)) > MAX_NUMERIC_EXPONENT
        if size > 60 or huge and not isinstance(base, sp.Number):
            raise UnreadableAnswer("it raises a number to a huge power")
        if isinstance(base, sp.Number) and _bits(base) * abs(float(exponent)) > MAX_NUMBER_BITS:
            raise UnreadableAnswer("it raises a number to a huge power")


def _check_call(name, args):
    """Arguments that would make a constructor compute something huge are refused first."""
    numbers = all(isinstance(arg, sp.Number) for arg in args)
    if name in ("Float", "Rational", "Integer") and not numbers:
        raise UnreadableAnswer(f"`{name}` takes numbers only")
    digits = args[1] if name == "Float" and len(args) == 2 else sp.S.One
    if not (digits.is_Integer and 0 < digits <= MAX_FLOAT_DIGITS):
        raise UnreadableAnswer(f"a Float may have at most {MAX_FLOAT_DIGITS} digits")


@dataclass
class Verdict:
    equivalent: bool
    detail: str  # how it was decided, or the counterexample


def equivalent(
    student: sp.Expr,
    reference: sp.Expr,
    sample_point: Callable[[random.Random], dict],
    *,
    seed: int,
    points: int = 40,
    time_limit: float = 5.0,
    rel_tol: float = 1e-9,
) -> Verdict:
    """Decide whether ``student`` equals ``reference`` on the question's domain.

    ``sample_point(rng)`` draws one point of the domain, a dict {symbol: number}. The sampling
    and then the proof each run under ``time_limit`` in one child process; sampling that exceeds
    it (or the memory limit) is ``NotChecked``, a proof that does is simply not used.
    """

    def work(send):
        send(_counterexample(student, reference, sample_point, seed, points, rel_tol))
        send(sp.simplify(student - reference) == 0)

    with Child(work, cpu_seconds=2 * time_limit) as child:
        try:
            counterexample = child.receive(time_limit)
        except LimitExceeded as error:
            where = f"at {points} points of the domain"
            raise NotChecked(f"evaluating your answer {where} {error}") from None
        if counterexample is not None:
            return Verdict(False, counterexample)
        try:
            proved = child.receive(time_limit) is True
        except LimitExceeded:
            proved = False
    how = "SymPy proves the difference is 0" if proved else "agrees at every sampled point"
    return Verdict(True, f"equivalent ({how})")


def _counterexample(student, reference, sample_point, seed, points, rel_tol):
    rng = random.Random(seed)
    for _ in range(points):
        point = sample_point(rng)
        want = _evaluate(reference, point)
        got = _evaluate(student, point)
        if got is None:
            return f"at {_show(point)} it does not evaluate to a number"
        if abs(got - want) > rel_tol * max(1.0, abs(want)):
            return f"at {_show(point)} it gives {_number(got)}, expected {_number(want)}"
    return None


def number_at(expr: sp.Expr, point: dict, what: str) -> float:
    """``expr`` at ``point`` as a finite real number, or ``Fail`` naming ``what`` and the point."""
    return numbers_at(expr, [point], what)[0]


def numbers_at(expr: sp.Expr, points: list, what: str, time_limit: float = 5.0) -> list:
    """``number_at`` for many points, evaluated in one child process (one fork for all)."""
    try:
        values = time_limited(lambda: [_evaluate(expr, point) for point in points], time_limit)
    except LimitExceeded as error:
        raise NotChecked(f"evaluating {what} {error}") from None
    numbers = []
    for value, point in zip(values, points):
        if value is None or abs(value.imag) > 1e-12 * max(1.0, abs(value)):
            raise Fail(f"{what} is not a finite real number at {_show(point)}")
        numbers.append(value.real)
    return numbers


def isolated(function: Callable, time_limit: float = 10.0):
    """``function()``: grader-side SymPy work on student-derived expressions (``subs``, ``solve``,
    ``simplify``, ``limit``), run in a child process under a time and memory limit. Returns its
    result (plain data or SymPy objects of at most ``MAX_RESULT_NODES`` nodes and bounded
    numbers); ``NotChecked`` when a limit is exceeded."""
    try:
        return time_limited(function, time_limit, check=_check_result)
    except LimitExceeded as error:
        raise NotChecked(f"the grader's SymPy work on your answer {error}") from None


def _check_result(value):
    """Refuse (in the child) a result too large to hand back and rebuild cheaply."""
    pending, nodes = [value], 0
    while pending:
        item = pending.pop()
        nodes += 1
        if nodes > MAX_RESULT_NODES:
            raise LimitExceeded(f"returned a result of more than {MAX_RESULT_NODES} parts")
        if isinstance(item, sp.Basic):
            try:
                _bounded(item)
            except UnreadableAnswer as error:
                raise LimitExceeded(f"returned a result that {str(error)[3:]}") from None
            pending.extend(item.args)
        elif isinstance(item, dict):
            pending.extend(item.items())
        elif isinstance(item, (list, tuple, set, frozenset)):
            pending.extend(item)
        elif isinstance(item, int) and item.bit_length() > MAX_NUMBER_BITS:
            raise LimitExceeded(f"returned a number with more than {MAX_NUMBER_BITS} bits")


def _evaluate(expr, point):
    try:
        value = complex(expr.evalf(30, subs=point))
    except MemoryError:
        raise
    except Exception:  # not a number (a free symbol, a relational, zoo), or SymPy gave up
        return None
    if value != value or abs(value) == float("inf"):
        return None
    return value


def _number(value: complex) -> str:
    return (
        f"{value.real:.10g}" if abs(value.imag) < 1e-12 * max(1.0, abs(value)) else f"{value:.6g}"
    )


def _show(point):
    parts = []
    for symbol, value in sorted(point.items(), key=lambda item: str(item[0])):
        parts.append(f"{symbol}={value:.6g}" if isinstance(value, float) else f"{symbol}={value}")
    return ", ".join(parts)
