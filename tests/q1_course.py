"""A temporary copy of the course holding question 1 only, for the workflow tests (exchange,
browser): they test how notebooks travel and show, which one notebook covers, and every other
notebook would add a kernel run to each autograde."""

from pathlib import Path

from tests.support import one_notebook_course

NOTEBOOK = "q1_ema"


def q1_course(target: Path) -> Path:
    """Copy the course to ``target``, keep only q1 in source/ and release/, generate it
    (gradebook)."""
    return one_notebook_course(target, "midterm", NOTEBOOK)
