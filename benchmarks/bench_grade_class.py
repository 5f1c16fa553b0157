"""How fast is a class graded: plain nbgrader, ``grade_class`` serially, ``grade_class`` in parallel.

    .venv/bin/python benchmarks/bench_grade_class.py [--n 16] [--workers K] [--keep]

N submissions are drawn from the example class (coursepack/example_class.py: the reference and
the ``qN-alt-*``/``qN-mistake-*`` students, spread evenly over all questions, under new ids; the
hostile ``attack-*`` ones are left out; each hands in every notebook, the released one where
the example has no answers) in a temp copy of the course, and graded three ways, each in its
own copy:

1. plain nbgrader: ``nbgrader autograde`` then ``nbgrader generate_feedback`` with nbgrader's
   default ``Execute`` (no plugin: the same notebooks run, test cells run in the kernel, their
   hidden part fails closed), in one process as an instructor would run them;
2. ``python -m coursepack.grade_class midterm --workers 1``: our grading, one worker;
3. the same with one worker per core (``--workers``, default: all cores).

For each it prints wall-clock seconds of the whole command (cluster start, export and report
included for ours) and submissions per minute; then the ratios the course aims at: parallel
>= 1.7x serial, serial per submission <= 1.5x plain nbgrader. Other work on the machine slows
every figure: the load average is printed before and after.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

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
    pool = [s for s in example_class.students(course) if not s.startswith("attack-")]
    example_class.build(course, pool)
    submitted = course / "submitted"
    for source in pool:  # a student hands in every notebook: the released one where they wrote nothing
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


def timed(command: list[str], cwd: Path) -> tuple[float, str]:
    """(wall seconds, stdout) of one command."""
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}")
    started = time.monotonic()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    wall = time.monotonic() - started
    if done.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return wall, done.stdout


def prepared(base: Path, target: Path, config: str | None = None) -> Path:
    """A copy of the course with the drawn submissions and a fresh gradebook."""
    course = copy_course(target, config)
    nbgrader(course, "generate_assignment", ASSIGNMENT, "--force")
    shutil.copytree(base / "submitted", course / "submitted")
    return course


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=16, help="submissions (default %(default)s)")
    parser.add_argument("--workers", type=int, default=os.cpu_count(), help="parallel workers (default: cores)")
    parser.add_argument("--keep", action="store_true", help="keep the temp courses (their reports/) for inspection")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-grade-class-"))
    base = copy_course(work / "base")
    nbgrader(base, "generate_assignment", ASSIGNMENT, "--force")
    students = draw_class(base, args.n)
    notebooks = len(list((base / "release" / ASSIGNMENT).glob("*.ipynb")))
    print(f"{len(students)} submissions x {notebooks} notebooks, {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.1f} at start; courses in {work}", flush=True)

    results = {}
    plain = prepared(base, work / "plain", PLAIN_CONFIG)
    autograde, _ = timed([str(BIN / "nbgrader"), "autograde", ASSIGNMENT, "--force"], plain)
    feedback, _ = timed([str(BIN / "nbgrader"), "generate_feedback", ASSIGNMENT, "--force"], plain)
    results["plain nbgrader (autograde + feedback)"] = autograde + feedback
    print_row("plain nbgrader (autograde + feedback)", autograde + feedback, args.n)
    for label, workers in [("grade_class, 1 worker", 1), (f"grade_class, {args.workers} workers", args.workers)]:
        course = prepared(base, work / f"workers-{workers}")
        wall, out = timed([sys.executable, "-m", "coursepack.grade_class", ASSIGNMENT, "--no-progress",
                                "--workers", str(workers)], course)
        graded = re.search(r"graded (\d+), skipped \d+ \(unchanged\), failed (\d+)", out)
        if not graded or int(graded.group(1)) != args.n:
            raise RuntimeError(f"{label} did not grade all {args.n} submissions:\n{out}")
        results[label] = wall
        print_row(label, wall, args.n)

    plain_wall, serial_wall, parallel_wall = results.values()
    print(f"parallel speed-up over our serial run: {serial_wall / parallel_wall:.2f}x (target >= 1.7x)")
    print(f"our serial time per submission / plain nbgrader's: {serial_wall / plain_wall:.2f}x (target <= 1.5x)")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


def print_row(label: str, wall: float, n: int) -> None:
    print(f"{label:40s} {wall:8.1f} s  {60 * n / wall:6.2f} submissions/min  {wall / n:6.2f} s/submission", flush=True)


if __name__ == "__main__":
    main()
