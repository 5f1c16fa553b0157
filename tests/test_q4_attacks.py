"""Question 4's ban under attack, through the real nbgrader CLI (kernels, sandbox, plugin).

The attacks (examples/class/attack-q4-*) try to reach the banned built-ins where the watch in
the student's process does not look: names built from strings, eval, a worker thread, a thread
started in an added cell, a helper outside the answer cells, a default argument, switching the
watch off. Each must score no more than the honest submission it names (`# no-better-than:`)
and get what its `# expect:` lines say; the reference keeps full marks and honest examples keep
their verdicts in the same run. One `nbgrader autograde` of a question-4-only copy of the course,
under a wall-clock limit.
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from coursepack import example_class
from coursepack.course import BIN, copy_course, nbgrader
from tests.support import ROOT

NOTEBOOK = "q4_log_softmax"
ATTACKS = sorted(p.parent.name for p in (ROOT / "examples" / "class").glob(f"attack-q4-*/{NOTEBOOK}.py"))
HONEST = ["q4-mistake-no-max-shift", "q4-mistake-only-max-shift", "q4-alt-steps-log-of-ratio",
          "q4-mistake-steps-max-shift"]
STUDENTS = ["reference", *HONEST, *ATTACKS]
#: Wall-clock limit of the one autograde run (about 10 s per student on a loaded machine).
AUTOGRADE_LIMIT = 900


def question_4_course(target: Path) -> Path:
    """A copy of the course with question 4 only in source/ and release/, generated."""
    course = copy_course(target)
    for folder in ["source", "release"]:
        for path in (course / folder / "midterm").iterdir():
            if path.stem != NOTEBOOK:
                shutil.rmtree(path) if path.is_dir() else path.unlink()
    nbgrader(course, "generate_assignment", "midterm", "--force")
    return course


@pytest.fixture(scope="module")
def scores(tmp_path_factory) -> dict:
    """{student: {test cell: (score, max)}} after one real autograde run."""
    course = question_4_course(tmp_path_factory.mktemp("q4course"))
    example_class.build(course, STUDENTS)
    env = dict(os.environ, PATH=f"{BIN}:{os.environ['PATH']}")
    subprocess.run([str(BIN / "nbgrader"), "autograde", "midterm", f"--notebook={NOTEBOOK}", "--force"],
                   cwd=course, env=env, capture_output=True, text=True, timeout=AUTOGRADE_LIMIT)
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


def answers(student: str) -> example_class.Answers:
    return example_class.read_answers(ROOT / "examples" / "class" / student / f"{NOTEBOOK}.py")


def test_the_reference_scores_full(scores):
    assert scores["reference"] and all(score == top for score, top in scores["reference"].values()), scores["reference"]


@pytest.mark.parametrize("student", HONEST + ATTACKS)
def test_expectations_hold_through_nbgrader(scores, student):
    for cell, expected in answers(student).expect.items():
        score, top = scores[student][cell]
        assert {"full": score == top, "zero": score == 0, "partial": 0 < score < top,
                "less": score < top}[expected], (cell, expected, score, top)


@pytest.mark.parametrize("student", ATTACKS)
def test_an_attack_scores_no_better_than_its_baseline(scores, student):
    baseline = answers(student).baseline
    assert baseline in HONEST, f"{student} names no honest baseline graded here"
    total = sum(score for score, _ in scores[student].values())
    assert total <= sum(score for score, _ in scores[baseline].values())
