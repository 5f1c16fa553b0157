"""Hostile submissions graded through the real nbgrader CLI, with student kernels sandboxed.

One ``nbgrader autograde`` run grades every ``examples/class/attack-*`` submission, the honest
wrong answer they are combined with (``attack-baseline-wrong``) and the reference, on a copy of
the course reduced to question 1 and with tight limits (1 GiB of address space, 10 s per cell).
Each attack must gain no points, change nothing outside its own scratch copy, leave the other
students as they were, and the run must finish. A run without bubblewrap must grade nothing.
"""

import ast
import hashlib
import os
import subprocess
import time
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from coursepack import example_class
from graders.sandbox import SANDBOX_HOME, Sandbox
from tests.q1_course import q1_course
from tests.support import ROOT
from coursepack.course import BIN, nbgrader

ATTACKS = sorted(p.parent.name for p in (ROOT / "examples" / "class").glob("attack-*/q1_ema.py"))
STUDENTS = ["reference", *ATTACKS]
TIGHT_LIMITS = """
# tests/test_sandbox_attacks.py: tight limits, so the hostile examples hit them quickly.
c.Sandbox.memory_limit = 2**30
c.Execute.timeout = 10
"""
OWN_WRITES = ("autograded", "gradebook.db", "gradebook.db-journal", "__pycache__")


def limited_q1_course(target: Path, extra_config: str) -> Path:
    """The question-1 course (tests/q1_course.py) with ``extra_config`` added to its nbgrader_config.py."""
    course = q1_course(target)
    config = course / "nbgrader_config.py"
    config.write_text(config.read_text() + extra_config)
    return course


def tree_digest(course: Path) -> dict:
    """{relative path: sha256} of the course, minus what autograde itself writes."""
    digest = {}
    for path in sorted(course.rglob("*")):
        relative = path.relative_to(course)
        if path.is_file() and not set(relative.parts) & set(OWN_WRITES):
            digest[str(relative)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digest


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    course = limited_q1_course(tmp_path_factory.mktemp("attacks"), TIGHT_LIMITS)
    example_class.build(course, STUDENTS)
    before = tree_digest(course)
    started = time.monotonic()
    result = nbgrader(course, "autograde", "midterm", "--force", check=False)
    return {"course": course, "result": result, "seconds": time.monotonic() - started, "before": before}


def grades(course: Path, student: str) -> dict:
    """{test cell: (score, max)} of the student's q1 notebook, from the gradebook."""
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        notebook = gradebook.find_submission_notebook("q1_ema", "midterm", student)
        return {g.name: (g.score, g.max_score) for g in notebook.grades if g.cell_type == "code"}


def notebook_text(course: Path, student: str) -> str:
    return (course / "autograded" / student / "midterm" / "q1_ema.ipynb").read_text()


def cell_outputs(course: Path, student: str) -> list:
    """Outputs of the student's extra cell (the last cell)."""
    return nbformat.read(course / "autograded" / student / "midterm" / "q1_ema.ipynb", as_version=4).cells[-1].outputs


def test_the_batch_completes(run):
    assert run["result"].returncode == 0, run["result"].stderr[-3000:]
    for student in STUDENTS:
        assert grades(run["course"], student), f"{student} was not graded"


def test_reference_keeps_full_marks_under_the_limits(run):
    for cell, (score, maximum) in grades(run["course"], "reference").items():
        assert score == maximum, f"reference lost points on {cell} in the sandbox"


@pytest.mark.parametrize("student", [a for a in ATTACKS if a != "attack-baseline-wrong"])
def test_attack_gains_nothing(run, student):
    answers = example_class.read_answers(ROOT / "examples" / "class" / student / "q1_ema.py")
    graded = grades(run["course"], student)
    for cell, expected in answers.expect.items():
        score, maximum = graded[cell]
        assert {"full": score == maximum, "zero": score == 0, "less": score < maximum,
                "partial": 0 < score < maximum}[expected], f"{cell}: {score}/{maximum}, expected {expected}"
    assert answers.baseline, f"{student} names no baseline (# no-better-than:)"
    baseline = grades(run["course"], answers.baseline)
    for cell, (score, _) in graded.items():
        assert score <= baseline[cell][0], f"{cell}: {score} beats the honest wrong answer's {baseline[cell][0]}"


def test_nothing_outside_the_scratch_copies_changed(run):
    course = run["course"]
    assert tree_digest(course) == run["before"]
    for student in STUDENTS:
        submitted = sorted(p.name for p in (course / "submitted" / student / "midterm").iterdir())
        autograded = sorted(p.name for p in (course / "autograded" / student / "midterm").iterdir())
        assert autograded == submitted, f"autograded/{student} holds other files than it submitted"
    planted = [p for p in course.rglob("*PWNED*")]
    assert not planted
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for student in STUDENTS:
            for notebook in gradebook.find_submission("midterm", student).notebooks:
                assert all(grade.manual_score is None for grade in notebook.grades), f"{student}'s grades were edited"


def test_no_course_file_reaches_a_notebook(run):
    course = run["course"]
    solution = max(example_class.reference_answers(course, "q1_ema").cells["q1_ema"].splitlines(), key=len).strip()
    secrets = [str(course), "def reference_ema", "QUESTION.check", "SQLite format 3", "BEGIN SOLUTION", solution]
    for student in ATTACKS:
        text = notebook_text(course, student)
        for secret in secrets:
            assert secret not in text, f"{student}'s notebook shows {secret!r}"
    outputs = "".join(o.get("text", "") for o in cell_outputs(course, "attack-read-course"))
    assert "network reachable: []" in outputs
    report = "".join(o.get("text", "") for o in cell_outputs(course, "attack-write-course"))
    written = ast.literal_eval(report.split("written outside my folder:")[1].strip())
    assert all(path.startswith(SANDBOX_HOME + "/") for path in written), f"writes outside the sandbox's home: {written}"


def test_memory_cap_stops_the_hog(run):
    errors = [o for o in cell_outputs(run["course"], "attack-memory-hog") if o.output_type == "error"]
    assert errors and errors[0].ename == "MemoryError"


def test_process_cap_stops_the_storm_and_nothing_survives(run):
    text = "".join(o.get("text", "") for o in cell_outputs(run["course"], "attack-process-storm"))
    threads, processes = (int(word) for word in text.split() if word.isdigit())
    cap = Sandbox().max_processes
    assert threads < cap and processes < cap, text
    first = orphaned_kernels()
    time.sleep(2)  # a kernel being shut down by a concurrent run is not an orphan
    assert not first & orphaned_kernels(), "sandboxed processes outlived their sandbox"


def orphaned_kernels() -> set:
    """Pids of sandboxed kernel processes (or their forks) whose sandbox folder is gone."""
    found = set()
    for proc in Path("/proc").iterdir():
        try:
            argv = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"ipykernel_launcher" in argv and b"-f" in argv[:-1]:
            connection_file = argv[argv.index(b"-f") + 1]
            if b"nbgrader-sandbox-" in connection_file and not os.path.exists(connection_file):
                found.add(proc.name)
    return found


def test_output_flood_is_cut(run):
    assert "output cut by the grader" in notebook_text(run["course"], "attack-output-flood")
    assert (run["course"] / "autograded" / "attack-output-flood" / "midterm" / "q1_ema.ipynb").stat().st_size < 2 * 2**20


def test_grading_stops_without_bubblewrap(tmp_path):
    """No bwrap on PATH: every submission fails to grade, with the reason, and no score is recorded."""
    course = q1_course(tmp_path)
    example_class.build(course, ["reference"])
    no_tools = tmp_path / "bin"
    no_tools.mkdir()
    for tool in ["alembic", "python", "python3"]:
        os.symlink(BIN / tool, no_tools / tool)
    env = dict(os.environ, PATH=str(no_tools))
    result = subprocess.run([str(BIN / "nbgrader"), "autograde", "midterm", "--force"], cwd=course, env=env, capture_output=True, text=True)
    assert result.returncode != 0
    assert "c.Sandbox.enabled = False" in result.stdout + result.stderr
    assert not (course / "autograded" / "reference" / "midterm").exists()
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        notebook = gradebook.find_submission_notebook("q1_ema", "midterm", "reference")
        assert all(grade.auto_score is None for grade in notebook.grades)
