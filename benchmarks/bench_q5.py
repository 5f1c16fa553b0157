"""Wall time of autograding question 5's reference notebook through real nbgrader.

Copies the course into a temporary folder (so the working tree's gradebook and submissions are
left alone), generates the assignment there, submits the instructor's solution as student
`reference`, and times `nbgrader autograde` on q5's notebook alone, with the course's grading
plugin and, for comparison, with plain nbgrader (same notebook, default preprocessors: the
hidden block then scores 0, but the kernel work is the same).

    .venv/bin/python benchmarks/bench_q5.py [--repeat N]

Prints each run's wall and CPU time, the scores the plugin gave, and the plugin / plain ratios.
"""

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nbgrader.api import Gradebook  # noqa: E402

from coursepack import example_class  # noqa: E402

NOTEBOOK = "q5_lecun_conv_init"
COPIED = ["source", "release", "graders", "coursepack", "examples", "nbgrader_config.py"]
PLAIN_CONFIG = """c = get_config()  # noqa: F821
c.CourseDirectory.course_id = "dnn-math"
c.CourseDirectory.root = {root!r}
c.Execute.timeout = 60
"""


def course_copy(parent: Path, name: str, plain: bool) -> Path:
    course = parent / name
    course.mkdir()
    for item in COPIED:
        source = ROOT / item
        if source.is_dir():
            shutil.copytree(source, course / item, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, course / item)
    if plain:
        (course / "nbgrader_config.py").write_text(PLAIN_CONFIG.format(root=str(course)))
    nbgrader(course, "generate_assignment", "midterm", "--force")
    example_class.build(course, ["reference"])
    return course


def nbgrader(course: Path, *args: str) -> tuple[float, float]:
    """Run one nbgrader command in ``course``: (wall seconds, CPU seconds of nbgrader and its
    kernel).

    The CPU time hardly depends on what else the machine is doing; the wall time does.
    """
    env = dict(os.environ, PATH=f"{ROOT / '.venv' / 'bin'}:{os.environ['PATH']}")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(["nbgrader", *args], cwd=course, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"nbgrader {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def autograde(course: Path) -> tuple[float, float]:
    return nbgrader(
        course, "autograde", "midterm", "--student", "reference", "--notebook", NOTEBOOK, "--force"
    )


def scores(course: Path) -> dict:
    """{grade cell: (auto_score, max_score)} of the reference's q5 notebook, from the gradebook."""
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "dnn-math") as gradebook:
        notebook = gradebook.find_submission_notebook(NOTEBOOK, "midterm", "reference")
        return {grade.name: (grade.auto_score, grade.max_score) for grade in notebook.grades}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=2)
    repeat = parser.parse_args().repeat
    with tempfile.TemporaryDirectory(prefix="bench-q5-") as tmp:
        timings = {}
        for name, plain in [("plugin", False), ("plain", True)]:
            course = course_copy(Path(tmp), name, plain)
            timings[name] = [autograde(course) for _ in range(repeat)]
            runs = ", ".join(f"{wall:.1f} s wall / {cpu:.1f} s CPU" for wall, cpu in timings[name])
            print(f"{name:6s} nbgrader autograde ({NOTEBOOK}): {runs}")
            if not plain:
                for cell, (auto, most) in sorted(scores(course).items()):
                    print(f"       {cell}: {auto} / {most}")
        for unit, index in [("wall", 0), ("CPU", 1)]:
            best = {name: min(run[index] for run in runs) for name, runs in timings.items()}
            print(
                f"best {unit}: plugin {best['plugin']:.1f} s, plain {best['plain']:.1f} s, "
                f"ratio {best['plugin'] / best['plain']:.2f}"
            )
        print(f"load average at the end: {os.getloadavg()[0]:.1f} (2 cores)")


if __name__ == "__main__":
    main()
