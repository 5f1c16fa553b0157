"""Wall time of autograding question 6's reference notebook through the real nbgrader CLI.

Copies the course (source, release, graders, coursepack, config) into a temporary folder,
generates the assignment there (its own gradebook), submits the instructor's solutions for
``q6_homogeneous_cnn`` as student ``reference``, and times ``nbgrader autograde``: kernel
start, the student's cells, every hidden check (the full exam network is built and run on
both sides). Prints the wall time and each test cell's score; exits 1 if the reference does
not get full marks. Usage: ``.venv/bin/python benchmarks/bench_q6.py [--repeat N]``.
"""

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from coursepack import example_class  # noqa: E402

NOTEBOOK = "q6_homogeneous_cnn"
COPIED = ["source", "release", "graders", "coursepack", "nbgrader_config.py"]


def nbgrader(course: Path, *args: str) -> tuple[float, float]:
    """Run one nbgrader command in ``course``; its (wall, CPU) seconds, the kernel's CPU included.

    The CPU time (user + system of nbgrader and the kernels it reaped) says what the run costs
    on an idle machine when other jobs share the cores and stretch the wall time.
    """
    env = dict(os.environ, PATH=f"{ROOT / '.venv' / 'bin'}:{os.environ['PATH']}")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(["nbgrader", *args], cwd=course, env=env, check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def scores(course: Path) -> dict:
    """{test cell grade_id: (score, points)} read from the autograded notebook."""
    nb = nbformat.read(
        course / "autograded" / "reference" / "midterm" / f"{NOTEBOOK}.ipynb", as_version=4
    )
    found = {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
            result = [o for o in cell.outputs if o.output_type == "execute_result"]
            score = float(result[0].data["text/plain"]) if result else None
            found[meta["grade_id"]] = (score, float(meta["points"]))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=1, help="autograde runs to time (default 1)")
    repeat = parser.parse_args().repeat
    with tempfile.TemporaryDirectory(prefix="bench-q6-") as tmp:
        course = Path(tmp)
        for name in COPIED:
            source = ROOT / name
            (shutil.copytree if source.is_dir() else shutil.copy)(source, course / name)
        nbgrader(course, "generate_assignment", "midterm", "--force")
        target = course / "submitted" / "reference" / "midterm"
        target.mkdir(parents=True)
        answers = example_class.reference_answers(course, NOTEBOOK)
        nbformat.write(
            example_class.fill(course / "release" / "midterm" / f"{NOTEBOOK}.ipynb", answers),
            target / f"{NOTEBOOK}.ipynb",
        )
        load = os.getloadavg()[0]
        runs = [
            nbgrader(course, "autograde", "midterm", "--student", "reference", "--force")
            for _ in range(repeat)
        ]
        result = scores(course)
    print(
        f"load average (1 min) before/after: {load:.2f}/{os.getloadavg()[0]:.2f} "
        f"on {os.cpu_count()} CPUs"
    )
    print("autograde wall time (s): " + ", ".join(f"{wall:.1f}" for wall, _ in runs))
    print("autograde CPU time (s):  " + ", ".join(f"{cpu:.1f}" for _, cpu in runs))
    print(json.dumps({cell: f"{s}/{p}" for cell, (s, p) in result.items()}))
    return 0 if all(s == p for s, p in result.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
