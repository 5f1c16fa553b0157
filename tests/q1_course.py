"""A temporary copy of the course holding question 1 only, for the workflow tests (exchange,
browser): they test how notebooks travel and show, which one notebook covers, and every other
notebook would add a kernel run to each autograde."""

import shutil
from pathlib import Path

from coursepack.course import copy_course, nbgrader

NOTEBOOK = "q1_ema"


def q1_course(target: Path) -> Path:
    """Copy the course to ``target``, keep only q1 in source/ and release/, generate it (gradebook)."""
    course = copy_course(target)
    for folder in ["source", "release"]:
        for path in (course / folder / "midterm").iterdir():
            if path.stem == NOTEBOOK:
                continue
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()
    nbgrader(course, "generate_assignment", "midterm", "--force")
    return course
