"""Attack examples graded through the real nbgrader CLI: one `nbgrader autograde` of a
one-notebook copy of the course, under a wall-clock limit, then the scores from its gradebook.

The attack tests of a question (tests/test_q4_attacks.py, tests/test_q6_attacks.py) grade its
attacks beside the honest submissions they name as baselines in the same run, so that an attack
is held to what the same grader gave an honest answer.
"""

import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from coursepack import example_class
from coursepack.course import BIN
from tests.support import ROOT, one_notebook_course


@dataclass(frozen=True)
class AutogradeRun:
    """One autograde of ``notebook``: the course it ran in, nbgrader's result and its seconds."""

    course: Path
    assignment: str
    notebook: str
    result: subprocess.CompletedProcess
    seconds: float

    def scores(self, student: str) -> dict:
        """{test cell: (score, max)} of the student's notebook, from the gradebook."""
        with Gradebook(f"sqlite:///{self.course / 'gradebook.db'}") as gradebook:
            graded = gradebook.find_submission_notebook(self.notebook, self.assignment, student)
            return {g.name: (g.score, g.max_score) for g in graded.grades if g.cell_type == "code"}

    def total(self, student: str) -> float:
        return sum(score for score, _ in self.scores(student).values())


def autograde(
    target: Path, assignment: str, notebook: str, students: list, limit: float
) -> AutogradeRun:
    """Build ``students``' submissions of ``notebook`` in a one-notebook course in ``target`` and
    autograde them in one `nbgrader autograde`, killed after ``limit`` seconds."""
    course = one_notebook_course(target, assignment, notebook)
    example_class.build(course, students)
    started = time.monotonic()
    result = subprocess.run(
        [str(BIN / "nbgrader"), "autograde", assignment, f"--notebook={notebook}", "--force"],
        cwd=course,
        capture_output=True,
        text=True,
        timeout=limit,
        env={**os.environ, "PATH": f"{BIN}:{os.environ['PATH']}"},
    )
    return AutogradeRun(course, assignment, notebook, result, time.monotonic() - started)


def answers(student: str, notebook: str) -> example_class.Answers:
    """``student``'s example answers to ``notebook``: cells, expectations, baseline."""
    return example_class.read_answers(ROOT / "examples" / "class" / student / f"{notebook}.py")


def graded_fixture(notebook: str, students: list, limit: float, assignment: str = "midterm"):
    """A module-scoped fixture: the ``AutogradeRun`` of ``students`` on ``notebook``."""

    @pytest.fixture(scope="module")
    def graded(tmp_path_factory) -> AutogradeRun:
        return autograde(tmp_path_factory.mktemp(notebook), assignment, notebook, students, limit)

    return graded


def expect_completed(run: AutogradeRun, limit: float) -> None:
    """The run ended by itself, successfully, within ``limit`` seconds."""
    assert run.result.returncode == 0, run.result.stderr[-3000:]
    assert run.seconds < limit
