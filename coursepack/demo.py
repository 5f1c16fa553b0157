"""The main job: grade the bundled example class end to end and print the results.

Runs the instructor's and the grader's workflows in a fresh copy of the course in `demo/`
(rebuilt on every run, ignored by git, so this checkout's own gradebook and folders are never
touched): `nbgrader
generate_assignment` (release/ from source/), the example class into submitted/, then the
one-command batch (`python -m coursepack.grade_class midterm`: autograde on a local Dask
cluster with the trusted plugin in the sandbox, feedback, nbgrader's CSV export, the
instructor's report), and prints each student's autograded score per question.
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


def autograded_scores(students: list[str]) -> list[tuple[str, dict[str, float], float]]:
    rows = []
    with Gradebook(f"sqlite:///{COURSE / 'gradebook.db'}") as gradebook:
        notebooks = [nb.name for nb in gradebook.find_assignment(example_class.ASSIGNMENT).notebooks]
        for student in students:
            per_notebook = {}
            for name in notebooks:
                try:
                    submitted = gradebook.find_submission_notebook(name, example_class.ASSIGNMENT, student)
                except Exception:
                    continue
                per_notebook[name] = sum(g.score or 0 for g in submitted.grades if g.cell_type == "code")
            rows.append((student, per_notebook, sum(per_notebook.values())))
        maxima = {
            nb.name: sum(cell.max_score for cell in nb.grade_cells if cell.cell_type == "code")
            for nb in gradebook.find_assignment(example_class.ASSIGNMENT).notebooks
        }
    rows.append(("(maximum)", maxima, sum(maxima.values())))
    return rows


def main() -> None:
    shutil.rmtree(COURSE, ignore_errors=True)
    course.copy_course(COURSE)
    nbgrader("generate_assignment", example_class.ASSIGNMENT, "--force")
    students = example_class.build(COURSE)
    print(f"example class: {len(students)} submissions in submitted/")
    print(f"$ python -m coursepack.grade_class {example_class.ASSIGNMENT} --force", flush=True)
    subprocess.run([sys.executable, "-m", "coursepack.grade_class", example_class.ASSIGNMENT, "--force"], cwd=COURSE, check=False)
    rows = autograded_scores(students)
    notebooks = sorted(rows[-1][1])
    short = [name.split("_")[0] for name in notebooks]
    width = max(len(student) for student, _, _ in rows)
    print("\nAutograded points per question (proofs are graded by hand in formgrader)\n")
    print(f"{'student':<{width}}  " + "  ".join(f"{name:>5}" for name in short) + "  total")
    for student, per_notebook, total in rows:
        cells = "  ".join(f"{per_notebook[name]:5.2f}" if name in per_notebook else "    -" for name in notebooks)
        print(f"{student:<{width}}  {cells}  {total:5.2f}")
    print(f"\nReport, grades and histograms: {COURSE / 'reports' / example_class.ASSIGNMENT}/report.html; "
          f"feedback: {COURSE / 'feedback'}/<student>/{example_class.ASSIGNMENT}/")


if __name__ == "__main__":
    main()
