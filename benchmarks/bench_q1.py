"""Wall time to autograde one question-1 submission: with the trusted plugin vs plain nbgrader.

Both runs use the same course copy, the same reference submission and the same `nbgrader
autograde` command; "plain" only swaps the plugin for nbgrader's own Execute (which runs the
visible checks in the student's kernel and scores nothing it can trust). Prints the median of
several runs of each and the ratio.

    .venv/bin/python -m benchmarks.bench_q1 [--runs 3]
"""

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from coursepack import example_class
from coursepack.course import copy_course, nbgrader

PLAIN = 'c = get_config()\nc.CourseDirectory.course_id = "dnn-math"\n'


def autograde_seconds(course: Path, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        nbgrader(
            course, "autograde", "midterm", "--force", "--student=reference", "--notebook=q1_ema"
        )
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    results = {}
    for label, config in [("plugin", None), ("plain", PLAIN)]:
        with tempfile.TemporaryDirectory() as folder:
            course = copy_course(Path(folder), config)
            nbgrader(
                course,
                "generate_assignment",
                "midterm",
                "--force",
                f"--CourseDirectory.root={course}",
            )
            example_class.build(course, ["reference"])
            results[label] = autograde_seconds(course, runs)
        print(
            f"{label:>6}: median {statistics.median(results[label]):.2f} s  "
            f"runs {[round(t, 2) for t in results[label]]}"
        )
    ratio = statistics.median(results["plugin"]) / statistics.median(results["plain"])
    print(f"ratio plugin / plain: {ratio:.2f}")


if __name__ == "__main__":
    main()
