"""Checks: the unit of grading.

A question module declares its checks with ``Question.check``; each is a function of the
student's ``Submission`` and a seeded ``torch.Generator`` that returns quietly when the property
holds and raises ``Fail`` with a message for the student when it does not. A check has a name,
points, the property it tests (its docstring's first line), a seed and a time limit. Anything
else going wrong (the student's code crashing, hanging, returning garbage) scores the check 0
with its own message; an exception from the grader itself scores 0 with a neutral message, and
its traceback goes to the instructor's log only.
"""

import logging
import textwrap
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import torch

from graders.core.errors import Fail, NotChecked
from graders.core.submission import Submission, own_probes

log = logging.getLogger("graders")

DEFAULT_TIME_LIMIT = 30.0
FEEDBACK_WIDTH = 100


@dataclass(frozen=True)
class Check:
    name: str
    cell: str
    points: float
    function: Callable
    time_limit: float

    @property
    def prop(self) -> str:
        doc = (self.function.__doc__ or self.name).strip()
        return " ".join(doc.split("\n\n")[0].split())

    def seed(self, salt: int = 0) -> int:
        return zlib.crc32(f"{self.cell}:{self.name}:{salt}".encode())

    def __call__(self, student, rng) -> None:
        self.function(student, rng)


@dataclass
class Outcome:
    check: Check
    earned: float
    message: str

    @property
    def passed(self) -> bool:
        return self.earned >= self.check.points


@dataclass
class CellResult:
    cell: str
    points: float
    outcomes: list = field(default_factory=list)

    @property
    def earned(self) -> float:
        return round(sum(outcome.earned for outcome in self.outcomes), 6)


class Question:
    """One question: its notebook, kernel-side probes, and checks per autograded cell."""

    def __init__(self, module: str, probes: tuple[Path, ...] = ()):
        """``module``: the question module's ``__name__``, ``graders.<assignment>.<notebook>``,
        whose last part names the notebook. Installed in the student's kernel after the
        runtime: ``probes`` (shared files named explicitly, such as the optimizer harness's
        ``PROBES``), then the question's own ``graders/<assignment>/probes/<notebook>.py``."""
        self.notebook = module.rpartition(".")[2]
        self.probes = (*probes, *own_probes(module))
        self.cells: dict[str, list[Check]] = {}
        self.figures: dict[str, list[Callable]] = {}

    def check(self, cell: str, points: float, time_limit: float = DEFAULT_TIME_LIMIT):
        """Decorator: register a check for the autograded test cell ``cell`` (and return it)."""

        def register(function) -> Check:
            check = Check(function.__name__, cell, points, function, time_limit)
            self.cells.setdefault(cell, []).append(check)
            return check

        return register

    def figure(self, cell: str):
        """Decorator: a picture for the feedback of ``cell``, ``function(student, rng) -> PNG
        bytes``.

        Figures illustrate; they never score. One that fails is left out (and logged).
        """

        def register(function):
            self.figures.setdefault(cell, []).append(function)
            return function

        return register

    def render_figures(self, cell: str, submission: Submission, salt: int = 0) -> list[bytes]:
        pictures = []
        for function in self.figures.get(cell, []):
            submission.set_deadline(DEFAULT_TIME_LIMIT)
            try:
                pictures.append(function(submission, torch.Generator().manual_seed(salt)))
            except Exception:
                log.warning("figure %s for %s left out", function.__name__, cell, exc_info=True)
        return pictures

    def points(self, cell: str) -> float:
        return sum(check.points for check in self.cells[cell])

    def grade_cell(self, cell: str, submission: Submission, salt: int = 0) -> CellResult:
        result = CellResult(cell, self.points(cell))
        for check in self.cells[cell]:
            result.outcomes.append(run_check(check, submission, salt))
        return result


def subseed(rng: torch.Generator) -> int:
    """A seed drawn from a check's generator, for work seeded outside torch (SymPy sampling)."""
    return int(torch.randint(2**31, (1,), generator=rng))


def run_check(check: Check, submission: Submission, salt: int = 0) -> Outcome:
    seed = check.seed(salt)
    generator = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    submission.set_deadline(check.time_limit)
    try:
        check(submission, generator)
    except (Fail, NotChecked) as verdict:
        return Outcome(check, 0.0, str(verdict))
    except Exception:
        log.exception("grader error in check %s.%s", check.cell, check.name)
        return Outcome(
            check,
            0.0,
            "this check could not be completed (a grader error, reported to your instructor)",
        )
    return Outcome(check, check.points, "")


def feedback_text(result: CellResult) -> str:
    """What the student reads under the cell: the score, then one line per check."""
    lines = [
        f"Autograded outside your notebook: {_points(result.earned)} / {_points(result.points)} "
        "points"
    ]
    for outcome in result.outcomes:
        mark = "PASS" if outcome.passed else "FAIL"
        lines.append(
            _wrap(
                f"[{mark}] {outcome.check.name} ({_points(outcome.earned)}"
                f"/{_points(outcome.check.points)}): {outcome.check.prop}"
            )
        )
        if outcome.message:
            lines.append(_wrap(outcome.message, first="       "))
    return "\n".join(lines) + "\n"


def _wrap(text: str, first: str = "") -> str:
    """Lines of at most ``FEEDBACK_WIDTH`` characters: formgrader shows outputs without wrapping."""
    return textwrap.fill(
        text,
        FEEDBACK_WIDTH,
        initial_indent=first,
        subsequent_indent="       ",
        break_long_words=False,
        break_on_hyphens=False,
    )


def _points(value: float) -> str:
    return f"{value:g}"
