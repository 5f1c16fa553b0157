"""The main job: grade the bundled example class end to end and print the results.

Runs the instructor's and the grader's workflows in a fresh copy of the course in `demo/`
(rebuilt on every run, ignored by git, so this checkout's own gradebook and folders are never
touched), for every assignment found in `source/`: `nbgrader generate_assignment` (release/
from source/), the example class's submissions to it into submitted/, then the one-command
batch (`python -m coursepack.grade_class <assignment>`: autograde on a local Dask cluster with
the trusted plugin in the sandbox, feedback, nbgrader's CSV export, the instructor's report),
and prints each student's autograded score per question.
"""

import shutil
import subprocess
import sys

from nbgrader.api import Gradebook

from coursepack import course, example_class

COURSE = course.ROOT / "demo"


def nbgrader(*args: str) -> None:
    print(f"$ nbgrader {' '.join(args)}", flush=True)
    course.nbgrader(COURSE, *args, "--log-level=WARN", check=False)


def autograded_scores(assignment: str, students: list[str]) -> list[tuple[str, dict, float]]:
    """(student, {notebook: autograded points}, total) per student, then the maxima."""
    rows = []
    with Gradebook(f"sqlite:///{COURSE / 'gradebook.db'}") as gradebook:
        notebooks = gradebook.find_assignment(assignment).notebooks
        for student in students:
            per_notebook = {}
            for notebook in notebooks:
                try:
                    submitted = gradebook.find_submission_notebook(
                        notebook.name, assignment, student
                    )
                except Exception:
                    continue
                per_notebook[notebook.name] = sum(
                    g.score or 0 for g in submitted.grades if g.cell_type == "code"
                )
            rows.append((student, per_notebook, sum(per_notebook.values())))
        maxima = {
            notebook.name: sum(c.max_score for c in notebook.grade_cells if c.cell_type == "code")
            for notebook in notebooks
        }
    rows.append(("(maximum)", maxima, sum(maxima.values())))
    return rows


def column_labels(notebooks: list[str]) -> list[str]:
    """The shortest leading parts of each name (q1, q2, ...; hw1_adamw, hw1_bias) that tell the
    assignment's notebooks apart."""
    labels = []
    for name in notebooks:
        parts = name.split("_")
        length = next(
            (
                n
                for n in range(1, len(parts))
                if sum(other.split("_")[:n] == parts[:n] for other in notebooks) == 1
            ),
            len(parts),
        )
        labels.append("_".join(parts[:length]))
    return labels


def grade(assignment: str) -> None:
    """Release, submit the example class, grade and print one assignment's table."""
    nbgrader("generate_assignment", assignment, "--force")
    students = example_class.build(COURSE, assignment=assignment)
    print(f"example class: {len(students)} submissions in submitted/*/{assignment}/")
    print(f"$ python -m coursepack.grade_class {assignment} --force", flush=True)
    subprocess.run(
        [sys.executable, "-m", "coursepack.grade_class", assignment, "--force"],
        cwd=COURSE,
        check=False,
    )
    rows = autograded_scores(assignment, students)
    notebooks = sorted(rows[-1][1])
    labels = column_labels(notebooks)
    width = max(len(student) for student, _, _ in rows)
    columns = [max(5, len(label)) for label in labels]
    print(
        f"\n{assignment}: autograded points per question "
        "(proofs are graded by hand in formgrader)\n"
    )
    header = "  ".join(f"{label:>{w}}" for label, w in zip(labels, columns))
    print(f"{'student':<{width}}  {header}  total")
    for student, per_notebook, total in rows:
        cells = "  ".join(
            f"{per_notebook[name]:{w}.2f}" if name in per_notebook else f"{'-':>{w}}"
            for name, w in zip(notebooks, columns)
        )
        print(f"{student:<{width}}  {cells}  {total:5.2f}")
    print(
        f"\nReport, grades and histograms: {COURSE / 'reports' / assignment}/report.html; "
        f"feedback: {COURSE / 'feedback'}/<student>/{assignment}/\n"
    )


def main() -> None:
    shutil.rmtree(COURSE, ignore_errors=True)
    course.copy_course(COURSE)
    for assignment in example_class.assignments(COURSE):
        grade(assignment)


if __name__ == "__main__":
    main()
