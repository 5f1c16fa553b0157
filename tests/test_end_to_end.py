"""The three workflows through the real nbgrader CLI, on a copy of the course.

generate_assignment (release/ must come out identical to the committed one, with nothing
hidden in it), autograde of a slice of the example class (the reference and the blank on every
notebook, question 1's honest and hostile submissions), generate_feedback (no hidden test, no
grader source, no grader path) and export (one CSV row per student).
"""

import csv
import json
import shutil
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from coursepack import example_class
from coursepack.course import copy_course, nbgrader
from tests.support import ROOT

# Question 1's honest answers and the in-kernel attacks of NBGRADER_NOTES (the sandbox's attacks
# are graded in tests/test_sandbox_attacks.py).
Q1_STUDENTS = [
    "q1-alt-closed-form",
    "q1-mistake-swapped-weights",
    "attack-baseline-wrong",
    "attack-sysmodules-spoof",
    "attack-input-transformer",
    "attack-formatter-hijack",
    "attack-kernel-exit",
    "attack-exit-while-graded",
    "attack-lying-tensor",
]
STUDENTS = ["reference", "blank"] + Q1_STUDENTS
# What only the grader knows: the hidden block of a test cell, grader paths and grader source.
# (Not the bare word "graders": a student's own cell may name it, as attack-sysmodules-spoof does.)
LEAKS = [
    "BEGIN HIDDEN TESTS",
    "NBGRADER_EXECUTION",
    "/graders/",
    "graders/core",
    "def reference_",
    "QUESTION.check",
    "site-packages",
]


@pytest.fixture(scope="module")
def graded_course(tmp_path_factory):
    course = copy_course(tmp_path_factory.mktemp("course"))
    shutil.rmtree(course / "release")
    nbgrader(course, "generate_assignment", "midterm", "--force")
    example_class.build(course, STUDENTS)
    nbgrader(course, "autograde", "midterm", "--force")
    nbgrader(course, "generate_feedback", "midterm", "--force")
    nbgrader(course, "export")
    return course


def scores(course: Path) -> dict:
    """{student: {grade cell: (score, max)}} from the gradebook."""
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        return {
            student: {
                grade.name: (grade.score, grade.max_score)
                for notebook in gradebook.find_submission("midterm", student).notebooks
                for grade in notebook.grades
                if grade.cell_type == "code"
            }
            for student in STUDENTS
        }


def test_release_is_generated_from_source_and_hides_everything(graded_course):
    for committed in sorted((ROOT / "release" / "midterm").glob("*.ipynb")):
        generated = graded_course / "release" / "midterm" / committed.name
        assert json.loads(generated.read_text()) == json.loads(committed.read_text()), (
            f"{committed.name} is stale: regenerate release/"
        )
        text = committed.read_text()
        for marker in [
            "BEGIN SOLUTION",
            "BEGIN HIDDEN TESTS",
            "NBGRADER_EXECUTION",
            "import graders",
            "from graders",
        ]:
            assert marker not in text, f"{committed.name} leaks {marker!r}"
    assert sorted(p.name for p in (ROOT / "release" / "midterm").iterdir()) == sorted(
        p.name for p in (ROOT / "source" / "midterm").iterdir()
    )


def test_reference_full_and_blank_zero_on_every_autograded_cell(graded_course):
    graded = scores(graded_course)
    assert graded["reference"], "the reference was not graded"
    for cell, (score, maximum) in graded["reference"].items():
        assert score == maximum, f"reference lost points on {cell}"
    for cell, (score, maximum) in graded["blank"].items():
        assert score == 0, f"blank scored {score} on {cell}"


@pytest.mark.parametrize("student", Q1_STUDENTS)
def test_question_1_submissions_score_as_expected(graded_course, student):
    answers = example_class.read_answers(ROOT / "examples" / "class" / student / "q1_ema.py")
    graded = scores(graded_course)[student]
    for cell, expected in answers.expect.items():
        score, maximum = graded[cell]
        assert {
            "full": score == maximum,
            "zero": score == 0,
            "less": score < maximum,
            "partial": 0 < score < maximum,
        }[expected], f"{student} {cell}: {score}/{maximum}, expected {expected}"
    if answers.baseline:
        baseline = sum(score for score, _ in scores(graded_course)[answers.baseline].values())
        assert sum(score for score, _ in graded.values()) <= baseline


def test_every_lost_point_has_a_message_and_feedback_leaks_nothing(graded_course):
    for student in STUDENTS:
        for path in sorted((graded_course / "autograded" / student / "midterm").glob("*.ipynb")):
            for cell in nbformat.read(path, as_version=4).cells:
                if cell.metadata.get("nbgrader", {}).get("grade") and cell.cell_type == "code":
                    text = "".join(output.get("text", "") for output in cell.outputs)
                    assert "Autograded outside your notebook" in text, (
                        f"{student}/{path.name} has no verdict"
                    )
                    assert "[FAIL]" not in text or "       " in text, (
                        "a failed check without a message"
                    )
        for page in sorted((graded_course / "feedback" / student / "midterm").glob("*.html")):
            html = page.read_text()
            for leak in LEAKS:
                assert leak not in html, f"feedback {student}/{page.name} contains {leak!r}"


def test_no_grader_io_left_behind(graded_course):
    leftovers = [p for p in (graded_course / "autograded").rglob(".grader-io-*")]
    assert not leftovers


def test_export_has_one_row_per_student(graded_course):
    with open(graded_course / "grades.csv") as handle:
        rows = list(csv.DictReader(handle))
    assert sorted(row["student_id"] for row in rows) == sorted(STUDENTS)


def test_grading_fails_closed_when_the_plugin_does_not_load(tmp_path):
    """nbgrader ignores a config that raises: the hidden part of each test cell then scores it 0."""
    course = copy_course(tmp_path, config='raise ImportError("graders not found")\n')
    nbgrader(
        course, "generate_assignment", "midterm", "--force", "--CourseDirectory.root=" + str(course)
    )
    example_class.build(course, ["reference"])
    nbgrader(
        course,
        "autograde",
        "midterm",
        "--force",
        "--notebook=q1_ema",
        "--CourseDirectory.root=" + str(course),
    )
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        grades = gradebook.find_submission_notebook("q1_ema", "midterm", "reference").grades
        autograded = [grade for grade in grades if grade.cell_type == "code"]
        assert autograded and all(grade.score == 0 for grade in autograded)


def test_feedback_shows_question_1s_picture_and_the_score_is_unchanged_by_it(graded_course):
    notebook = nbformat.read(
        graded_course / "autograded" / "reference" / "midterm" / "q1_ema.ipynb", as_version=4
    )
    cell = next(
        c
        for c in notebook.cells
        if c.metadata.get("nbgrader", {}).get("grade_id") == "q1_formulas_tests"
    )
    kinds = [output.output_type for output in cell.outputs]
    assert (
        kinds == ["stream", "execute_result", "display_data"]
        and "image/png" in cell.outputs[2].data
    )
    assert (
        "data:image/png"
        in (graded_course / "feedback" / "reference" / "midterm" / "q1_ema.html").read_text()
    )
