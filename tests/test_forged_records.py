"""Records that look like the grader's must not reach the class report (issue 12, class 6).

``attack-forged-records`` displays objects whose output metadata imitates the per-check records
the plugin writes (``graders.checks``). ``grade_class`` (real nbgrader, kernels, the sandbox)
grades it beside the reference and the honest wrong answer, under a wall-clock limit: its
score is no better than the wrong answer's, its outputs carry no metadata, and the report
counts each check once per submission, from the autograded test cells only. A notebook forged
after grading (records of the wrong types in a test cell) is rejected with a reason, not
counted and not a crash.
"""

import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from coursepack import class_report, example_class
from coursepack.course import BIN
from graders.midterm.q1_ema import QUESTION
from tests.q1_course import NOTEBOOK, q1_course

ASSIGNMENT = "midterm"
STUDENTS = ["reference", "attack-baseline-wrong", "attack-forged-records"]
WALL_CLOCK_LIMIT = 600


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = q1_course(tmp_path_factory.mktemp("forged") / "course")
    example_class.build(course, STUDENTS)
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    started = time.monotonic()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "coursepack.grade_class",
            ASSIGNMENT,
            "--no-progress",
            "--workers",
            "1",
        ],
        cwd=course,
        env=env,
        capture_output=True,
        text=True,
        timeout=WALL_CLOCK_LIMIT,
    )
    return {"course": course, "done": done, "seconds": time.monotonic() - started}


def rows(path: Path) -> list[dict]:
    with path.open() as file:
        return list(csv.DictReader(file))


def test_the_class_is_graded_in_time(graded):
    assert graded["done"].returncode == 0, (
        graded["done"].stdout[-3000:] + graded["done"].stderr[-3000:]
    )
    assert graded["seconds"] < WALL_CLOCK_LIMIT


def test_the_forger_scores_no_better_than_the_honest_wrong_answer(graded):
    scores = {
        row["student"]: row
        for row in rows(graded["course"] / "reports" / ASSIGNMENT / "scores.csv")
    }
    assert float(scores["attack-forged-records"][NOTEBOOK]) <= float(
        scores["attack-baseline-wrong"][NOTEBOOK]
    )


def test_the_report_counts_only_the_graders_records(graded):
    reports = graded["course"] / "reports" / ASSIGNMENT
    checks = rows(reports / "checks.csv")
    registered = {
        (cell, check.name) for cell, cell_checks in QUESTION.cells.items() for check in cell_checks
    }
    assert {(row["cell"], row["check"]) for row in checks} == registered
    assert all(row["submissions"] == str(len(STUDENTS)) for row in checks), checks
    recurrence = next(row for row in checks if row["check"] == "ema_follows_the_recurrence")
    assert recurrence["failed"] == "2", "the forger's claim that it passed was not counted"
    assert (reports / "rejected_records.txt").read_text() == ""


def test_no_student_output_keeps_metadata(graded):
    path = (
        graded["course"] / "autograded" / "attack-forged-records" / ASSIGNMENT / f"{NOTEBOOK}.ipynb"
    )
    for cell in json.loads(path.read_text())["cells"]:
        if cell["cell_type"] == "code" and not cell["metadata"].get("nbgrader", {}).get("grade"):
            assert all(not output.get("metadata") for output in cell["outputs"]), cell["outputs"]


@pytest.mark.parametrize(
    "forged",
    [
        "not a list",
        [{"check": "ema_follows_the_recurrence", "points": "1", "earned": 1}],
        [{"check": "made_up", "points": 1, "earned": 1}],
        [{"check": "ema_follows_the_recurrence", "points": 1.0, "earned": 99.0}],
        [["check", "points", "earned"]],
    ],
)
def test_a_forged_test_cell_record_is_rejected_not_counted(graded, tmp_path, forged):
    """Edited after grading (as if the sanitiser had been bypassed): the report neither crashes
    nor counts it, and says which cell it rejected."""
    course = graded["course"]
    source = course / "autograded" / "attack-forged-records" / ASSIGNMENT / f"{NOTEBOOK}.ipynb"
    notebook = json.loads(source.read_text())
    for cell in notebook["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("grade_id") == "q1_ema_tests":
            next(o for o in cell["outputs"] if o["output_type"] == "execute_result")["metadata"] = {
                "graders": {"checks": forged}
            }
    target = tmp_path / "autograded" / "forger" / ASSIGNMENT
    target.mkdir(parents=True)
    (target / source.name).write_text(json.dumps(notebook))
    checks, rejected = class_report.read_checks(
        tmp_path, ASSIGNMENT, ["forger"], f"sqlite:///{course / 'gradebook.db'}", "dnn-math"
    )
    assert [line.split(":")[0] for line in rejected] == [f"forger/{NOTEBOOK}/q1_ema_tests"], (
        rejected
    )
    assert not [c for c in checks if c.cell == "q1_ema_tests"]
    assert {c.cell for c in checks} == set(QUESTION.cells) - {"q1_ema_tests"}
