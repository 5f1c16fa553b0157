"""Symbolic answers: read safely, compared soundly.

A student's SymPy expression reaches the grader as text (``sympy.sstr`` in their kernel). It is
read here by walking Python's AST and building SymPy objects from an allow-list of constructs:
no ``eval``, no ``sympify`` of student text, no attribute access, bounded size and exponents.

Equivalence is decided twice: SymPy tries to prove ``student - reference == 0`` under the
symbols' assumptions (within a time limit), and both expressions are evaluated at random
points of the domain the question states, with 30-digit arithmetic. A mismatch at any point
is a counterexample and decides "not equivalent"; otherwise a proof or agreement at every
point decides "equivalent".
"""

import ast
import random
from dataclasses import dataclass
from typing import Callable

import sympy as sp

from graders.core.errors import Fail, NotChecked
from graders.core.limits import TimeLimitExceeded, time_limited

MAX_TEXT = 4000
MAX_NODES = 1500
MAX_INTEGER_DIGITS = 40
MAX_NUMERIC_EXPONENT = 200

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
    return ", ".join(sorted(symbols)) + "; + - * / **; " + ", ".join(sorted(FUNCTIONS))


def parse(text: str, symbols: dict, what: str = "the answer") -> sp.Expr:
    """Build a SymPy expression from ``text`` using only ``symbols`` and allow-listed constructs."""
    try:
        return _Reader(symbols).read(str(text))
    except UnreadableAnswer as error:
        raise NotChecked(f"{what} could not be read: {error}") from None


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
            return sp.sympify(self.node(tree.body))
        except (TypeError, ValueError) as error:  # e.g. a malformed Piecewise
            raise UnreadableAnswer(f"it is not a valid expression ({error})") from None
        except RecursionError:
            raise UnreadableAnswer("it is nested too deeply") from None

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
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in COMPARISONS:
            return COMPARISONS[type(node.ops[0])](self.node(node.left), self.node(node.comparators[0]))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            operand = self.node(node.operand)
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.BinOp) and type(node.op) in OPERATORS:
            left, right = self.node(node.left), self.node(node.right)
            if isinstance(node.op, ast.Pow):
                self.check_power(left, right)
            return OPERATORS[type(node.op)](left, right)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS:
            if node.keywords:
                raise UnreadableAnswer(f"`{node.func.id}` takes no keyword arguments here")
            args = [self.node(arg) for arg in node.args]
            try:
                return FUNCTIONS[node.func.id](*args)
            except (TypeError, ValueError) as error:
                raise UnreadableAnswer(f"`{node.func.id}` with these arguments: {error}") from None
        raise UnreadableAnswer(
            f"it uses a {type(node).__name__} construct; only these are allowed: {_allowed(self.symbols)}"
        )

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

    @staticmethod
    def check_power(base, exponent):
        if exponent.is_number and exponent.is_finite and abs(sp.N(exponent)) > MAX_NUMERIC_EXPONENT and base.is_number:
            raise UnreadableAnswer("it raises a number to a huge power")


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

    ``sample_point(rng)`` draws one point of the domain, a dict {symbol: number}.
    """
    rng = random.Random(seed)
    for _ in range(points):
        point = sample_point(rng)
        want = _evaluate(reference, point)
        got = _evaluate(student, point)
        if got is None:
            return Verdict(False, f"at {_show(point)} it does not evaluate to a number")
        if abs(got - want) > rel_tol * max(1.0, abs(want)):
            return Verdict(False, f"at {_show(point)} it gives {_number(got)}, expected {_number(want)}")
    try:
        proved = time_limited(lambda: sp.simplify(student - reference) == 0, time_limit)
    except TimeLimitExceeded:
        proved = False
    how = "SymPy proves the difference is 0" if proved else "agrees at every sampled point"
    return Verdict(True, f"equivalent ({how})")


def number_at(expr: sp.Expr, point: dict, what: str) -> float:
    """``expr`` at ``point`` as a finite real number, or ``Fail`` naming ``what`` and the point."""
    value = _evaluate(expr, point)
    if value is None or abs(value.imag) > 1e-12 * max(1.0, abs(value)):
        raise Fail(f"{what} is not a finite real number at {_show(point)}")
    return value.real


def isolated(function: Callable, time_limit: float = 10.0):
    """``function()``: grader-side SymPy work on student-derived expressions (``subs``, ``solve``,
    ``simplify``), under a time limit. ``NotChecked`` when the limit is exceeded."""
    try:
        return time_limited(function, time_limit)
    except TimeLimitExceeded:
        raise NotChecked(f"the grader's SymPy work on your answer took longer than {time_limit:g} s") from None


def _evaluate(expr, point):
    try:
        value = complex(expr.evalf(30, subs=point))
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    if value != value or abs(value) == float("inf"):
        return None
    return value


def _number(value: complex) -> str:
    return f"{value.real:.10g}" if abs(value.imag) < 1e-12 * max(1.0, abs(value)) else f"{value:.6g}"


def _show(point):
    parts = []
    for symbol, value in sorted(point.items(), key=lambda item: str(item[0])):
        parts.append(f"{symbol}={value:.6g}" if isinstance(value, float) else f"{symbol}={value}")
    return ", ".join(parts)
