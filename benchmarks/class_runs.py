"""Shared parts of the class benchmarks: a drawn class, courses to grade it in, timed commands.

The class is drawn from the example class (coursepack/example_class.py): the reference and the
``qN-alt-*``/``qN-mistake-*`` students, spread evenly over all questions, under new ids; the
hostile ``attack-*`` ones and the other assignments' examples are left out; each hands in every
notebook, the released one where the example has no answers. Each way of grading gets its own
copy of the course holding the same submissions and a fresh gradebook.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.process_memory import Peaks, TreeMemory  # noqa: E402
from coursepack import example_class  # noqa: E402
from coursepack.course import BIN, copy_course, nbgrader  # noqa: E402

ASSIGNMENT = "midterm"
PLAIN_CONFIG = """c = get_config()  # noqa: F821
c.CourseDirectory.course_id = "dnn-math"
c.Execute.timeout = 60
"""


def draw_class(course: Path, n: int) -> list[str]:
    """Submit n students to ``course``, spread evenly over the example class (the reference
    first, then every question's examples in turn); returns their ids."""
    examples = [s for s in example_class.students(course) if not s.startswith("attack-")]
    pool = example_class.build(course, examples, ASSIGNMENT)  # those with answers to it
    submitted = course / "submitted"
    for source in pool:  # a student hands in every notebook: the released one if they wrote none
        for notebook in (course / "release" / ASSIGNMENT).glob("*.ipynb"):
            if not (submitted / source / ASSIGNMENT / notebook.name).exists():
                shutil.copy(notebook, submitted / source / ASSIGNMENT / notebook.name)
    ids = []
    for i in range(n):
        source = pool[(i * len(pool) // n) % len(pool)] if n <= len(pool) else pool[i % len(pool)]
        student = f"s{i:03d}-{source}"
        shutil.copytree(submitted / source, submitted / student)
        ids.append(student)
    for source in pool:
        shutil.rmtree(submitted / source)
    return ids


def drawn_course(target: Path, n: int) -> tuple[Path, list[str]]:
    """A generated copy of the course with n drawn submissions: the source of every run's copy."""
    base = copy_course(target)
    nbgrader(base, "generate_assignment", ASSIGNMENT, "--force")
    return base, draw_class(base, n)


def prepared(base: Path, target: Path, config: str | None = None) -> Path:
    """A copy of the course with the drawn submissions and a fresh gradebook."""
    course = copy_course(target, config)
    nbgrader(course, "generate_assignment", ASSIGNMENT, "--force")
    shutil.copytree(base / "submitted", course / "submitted")
    return course


@dataclass
class Timed:
    """One command's wall seconds, output, and the peak memory of its process tree."""

    wall: float
    stdout: str
    stderr: str
    memory: Peaks


def timed(
    command: list[str], cwd: Path, is_worker: Callable[[psutil.Process], bool] = lambda _: False
) -> Timed:
    """Run ``command`` in ``cwd`` with this venv's tools on PATH, sampling its memory meanwhile.
    Exit status 1 is accepted (nbgrader and grade_class use it for a failed submission, which
    the caller checks); anything else raises with the command's output."""
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}")
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.monotonic()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=err)
        memory = TreeMemory(process.pid, is_worker).start()
        returncode = process.wait()
        wall = time.monotonic() - started
        peaks = memory.stop()
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if returncode not in (0, 1):
        raise RuntimeError(
            f"{' '.join(command)} exited {returncode}:\n{stdout[-2000:]}\n{stderr[-2000:]}"
        )
    return Timed(wall, stdout, stderr, peaks)


def nbgrader_command(*args: str) -> list[str]:
    return [str(BIN / "nbgrader"), *args]


def grade_class_command(workers: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "coursepack.grade_class",
        ASSIGNMENT,
        "--no-progress",
        "--workers",
        str(workers),
    ]


def graded_by_grade_class(stdout: str) -> int:
    """How many submissions grade_class's summary says it graded (0 if it printed none)."""
    graded = re.search(r"graded (\d+), skipped \d+ \(unchanged\), failed \d+", stdout)
    return int(graded.group(1)) if graded else 0


def autograded_notebooks(course: Path) -> int:
    """Notebooks nbgrader wrote to ``autograded/`` (a student whose autograde failed has none)."""
    return len(list((course / "autograded").glob(f"*/{ASSIGNMENT}/*.ipynb")))


def notebooks_per_submission(course: Path) -> int:
    return len(list((course / "release" / ASSIGNMENT).glob("*.ipynb")))


def scores(course: Path) -> dict[str, float]:
    """Each student's total score in the course's gradebook."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "dnn-math") as gradebook:
        return {s.student_id: s.score for s in gradebook.assignment_submissions(ASSIGNMENT)}
