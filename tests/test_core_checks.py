"""The check machinery: verdicts, messages, seeds, and points that add up."""

import re

import nbformat
import pytest
import torch

from graders.core.checks import Fail, Question, feedback_text, run_check
from graders.core.submission import StudentCodeError
from coursepack import example_class
from graders.plugin import _verdict_outputs, is_autograded_test, load_question
from tests.support import ROOT, autograded_cells

QUESTION = Question("demo")


@QUESTION.check("demo_tests", points=1)
def holds(student, rng):
    """Always holds."""


@QUESTION.check("demo_tests", points=2)
def fails(student, rng):
    """Never holds."""
    raise Fail("tried f(1): expected 2, got 3")


@QUESTION.check("demo_tests", points=0.5)
def student_crashes(student, rng):
    """The student's code raises."""
    raise StudentCodeError("f(1) raised ZeroDivisionError")


@QUESTION.check("demo_tests", points=0.5)
def grader_bug(student, rng):
    """The grader itself breaks."""
    raise KeyError("internal detail /secret/path")


class NoStudent:
    def set_deadline(self, seconds):
        pass


def test_cell_result_adds_partial_credit_with_messages():
    result = QUESTION.grade_cell("demo_tests", NoStudent())
    assert result.points == 4 and result.earned == 1
    text = feedback_text(result)
    assert "1 / 4 points" in text and "tried f(1): expected 2, got 3" in text
    assert "ZeroDivisionError" in text
    assert "/secret/path" not in text and "KeyError" not in text and "grader error" in text


def test_seeds_are_per_check_and_stable():
    seen = {}

    def record(student, rng):
        seen.setdefault("draws", []).append(torch.rand(1, generator=rng).item())

    question = Question("demo")
    question.check("c", points=1)(record)
    question.check("d", points=1)(record)
    for cell in ["c", "c", "d"]:
        run_check(question.cells[cell][0], NoStudent())
    first, again, other = seen["draws"]
    assert first == again and first != other


def test_scores_are_written_as_points_nbgrader_can_read():
    result = QUESTION.grade_cell("demo_tests", NoStudent())
    stream, score = _verdict_outputs(result, 4.0)
    assert stream.name == "stdout" and float(score.data["text/plain"]) == 1.0
    # a cell worth a different number of points than its checks is scaled, never above the maximum
    _, scaled = _verdict_outputs(result, 2.0)
    assert float(scaled.data["text/plain"]) == 0.5


SOURCES = sorted((ROOT / "source").glob("*/*.ipynb"))  # every assignment's notebooks
HIDDEN_BLOCK = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS\s*$", re.DOTALL)


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_autograded_test_cell_fails_closed(source, monkeypatch):
    """Each test cell ends with a hidden block that raises when nbgrader autogrades without the
    plugin (a broken nbgrader_config.py then scores 0, never full marks)."""
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    notebook = nbformat.read(source, as_version=4)
    tests = [cell for cell in notebook.cells if is_autograded_test(cell)]
    assert tests, f"{source.name} has no autograded test cell"
    for cell in tests:
        block = HIDDEN_BLOCK.search(cell.source)
        assert block, f"{cell.metadata.nbgrader['grade_id']} does not end with the hidden block"
        with pytest.raises(RuntimeError, match="hidden grader"):
            exec(compile(block.group(1), cell.metadata.nbgrader["grade_id"], "exec"), {})


@pytest.mark.parametrize("notebook", sorted(p.stem for p in SOURCES))
def test_checks_add_up_to_each_autograded_cells_points(notebook):
    question = load_question(notebook, example_class.assignment_of(ROOT, notebook))
    assert question is not None, f"no grader module for {notebook}"
    cells = autograded_cells(notebook)
    assert set(question.cells) == set(cells)
    for cell, points in cells.items():
        assert question.points(cell) == pytest.approx(points), cell


def test_a_notebook_without_grader_module_is_left_to_plain_nbgrader():
    assert load_question("not_a_question", "midterm") is None
    assert load_question("q1_ema", "not_an_assignment") is None
