"""How fast is a class graded: plain nbgrader, ``grade_class`` serially and in parallel.

Issue 13's benchmark (benchmarks/bench_midterm.py) runs the same and more, with peak memory.

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
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.class_runs import (  # noqa: E402
    ASSIGNMENT,
    PLAIN_CONFIG,
    drawn_course,
    grade_class_command,
    graded_by_grade_class,
    nbgrader_command,
    notebooks_per_submission,
    prepared,
    timed,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=16, help="submissions (default %(default)s)")
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count(), help="parallel workers (default: cores)"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the temp courses (their reports/) for inspection"
    )
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-grade-class-"))
    base, students = drawn_course(work / "base", args.n)
    notebooks = notebooks_per_submission(base)
    print(
        f"{len(students)} submissions x {notebooks} notebooks, {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.1f} at start; courses in {work}",
        flush=True,
    )

    results = {}
    plain = prepared(base, work / "plain", PLAIN_CONFIG)
    autograde = timed(nbgrader_command("autograde", ASSIGNMENT, "--force"), plain).wall
    feedback = timed(nbgrader_command("generate_feedback", ASSIGNMENT, "--force"), plain).wall
    results["plain nbgrader (autograde + feedback)"] = autograde + feedback
    print_row("plain nbgrader (autograde + feedback)", autograde + feedback, args.n)
    for label, workers in [
        ("grade_class, 1 worker", 1),
        (f"grade_class, {args.workers} workers", args.workers),
    ]:
        course = prepared(base, work / f"workers-{workers}")
        done = timed(grade_class_command(workers), course)
        if graded_by_grade_class(done.stdout) != args.n:
            raise RuntimeError(f"{label} did not grade all {args.n} submissions:\n{done.stdout}")
        results[label] = done.wall
        print_row(label, done.wall, args.n)

    plain_wall, serial_wall, parallel_wall = results.values()
    print(
        "parallel speed-up over our serial run: "
        f"{serial_wall / parallel_wall:.2f}x (target >= 1.7x)"
    )
    print(
        "our serial time per submission / plain nbgrader's: "
        f"{serial_wall / plain_wall:.2f}x (target <= 1.5x)"
    )
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


def print_row(label: str, wall: float, n: int) -> None:
    print(
        f"{label:40s} {wall:8.1f} s  {60 * n / wall:6.2f} submissions/min  "
        f"{wall / n:6.2f} s/submission",
        flush=True,
    )


if __name__ == "__main__":
    main()
