"""The instructor's report on a graded class: scores, score distributions, failing checks.

Written by ``grade_class`` into ``reports/<assignment>/``:
``scores.csv`` (one row per student: status, total, each question), ``checks.csv`` (each
autograder check: how many submissions it was run on, how many lost points on it),
``<notebook>.png`` (a histogram of each question's scores) and ``report.html`` showing all of
it. Scores come from the gradebook. Per-check results come from the autograded notebooks: the
plugin stores them in each test cell's ``execute_result`` metadata (``graders.checks``), written
after the student's kernel ran. Only autograded test cells are read (a student's own output in
that format is stripped by ``graders.sanitize``, and would be ignored here anyway), and records
that do not match the checks registered for the cell are listed in ``rejected_records.txt``.
"""

import csv
import html
import json
import math
import threading
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402 (the backend must be chosen first)


@dataclass
class Row:
    student: str
    status: str
    score: float | None
    max_score: float
    manual_pending: bool
    questions: dict  # notebook -> score


@dataclass
class CheckStats:
    notebook: str
    cell: str
    check: str
    points: float
    runs: int = 0
    failed: int = 0
    earned: float = 0.0

    @property
    def failure_rate(self) -> float:
        return self.failed / self.runs if self.runs else 0.0


def write(
    root: Path, assignment: str, db_url: str, course_id: str, outcomes: dict, out: Path
) -> Path:
    """Write the report files into ``out``; returns the HTML file."""
    out.mkdir(parents=True, exist_ok=True)
    notebooks, maxima, rows = read_scores(db_url, course_id, assignment, outcomes)
    checks, rejected = read_checks(
        root, assignment, [row.student for row in rows if row.score is not None], db_url, course_id
    )
    _write_scores_csv(out / "scores.csv", notebooks, rows)
    _write_checks_csv(out / "checks.csv", checks)
    (out / "rejected_records.txt").write_text("".join(f"{line}\n" for line in rejected))
    pictures = {
        notebook: histogram(notebook, maxima[notebook], rows, out / f"{notebook}.png")
        for notebook in notebooks
    }
    path = out / "report.html"
    path.write_text(_html(assignment, notebooks, maxima, rows, checks, pictures, rejected))
    return path


def read_scores(db_url: str, course_id: str, assignment: str, outcomes: dict):
    """(notebooks, {notebook: max points}, rows) for every student graded or attempted."""
    from nbgrader.api import Gradebook

    with Gradebook(db_url, course_id) as gradebook:
        found = gradebook.find_assignment(assignment)
        notebooks = sorted(notebook.name for notebook in found.notebooks)
        maxima = {notebook.name: notebook.max_score for notebook in found.notebooks}
        rows = {}
        for submission in gradebook.assignment_submissions(assignment):
            outcome = outcomes.get(submission.student_id, {"status": "not in this run"})
            rows[submission.student_id] = Row(
                submission.student_id,
                outcome["status"],
                submission.score,
                submission.max_score,
                submission.needs_manual_grade,
                {n.name: n.score for n in submission.notebooks},
            )
    for student, outcome in outcomes.items():
        # whatever the gradebook holds for it is not this submission's grade
        if outcome["status"] == "failed":
            rows[student] = Row(student, "failed", None, sum(maxima.values()), False, {})
    return notebooks, maxima, [rows[student] for student in sorted(rows)]


def read_checks(
    root: Path, assignment: str, students: list[str], db_url: str | None = None, course_id: str = ""
) -> tuple[list[CheckStats], list[str]]:
    """(per-check counts over the autograded notebooks of these students, records rejected).

    Only the records of the notebook's autograded test cells (as the gradebook lists them) are
    read, each checked against the checks its question module registers for that cell; any
    other is rejected with a reason, never counted."""
    test_cells = _test_cells(db_url or f"sqlite:///{root / 'gradebook.db'}", course_id, assignment)
    stats: dict[tuple, CheckStats] = {}
    rejected: list[str] = []
    for student in students:
        for path in sorted((root / "autograded" / student / assignment).glob("*.ipynb")):
            known = _registered_checks(path.stem, assignment)
            for cell, records in _test_cell_records(path, test_cells.get(path.stem, {})):
                problem = record_problem(records, known.get(cell))
                if problem:
                    rejected.append(f"{student}/{path.stem}/{cell}: {problem}")
                    continue
                for record in records:
                    key = (path.stem, cell, record["check"])
                    entry = stats.setdefault(key, CheckStats(*key, points=record["points"]))
                    entry.runs += 1
                    entry.failed += record["earned"] < record["points"]
                    entry.earned += record["earned"]
    return [stats[key] for key in sorted(stats)], rejected


def record_problem(records, known: dict | None) -> str | None:
    """Why ``records`` are not the grader's per-check results for a cell whose checks are
    ``known`` ({name: points}), or None if they are."""
    if known is None:
        return "no checks are registered for this cell"
    if not isinstance(records, list) or not all(
        isinstance(r, dict) and set(r) == RECORD_KEYS for r in records
    ):
        return "records are not a list of {check, points, earned}"
    names = [r["check"] for r in records]
    if sorted(map(str, names)) != sorted(known) or not all(isinstance(n, str) for n in names):
        return f"checks {names!r} are not the registered {sorted(known)!r}"
    for record in records:
        points, earned = record["points"], record["earned"]
        if not _is_number(points) or points != known[record["check"]]:
            return (
                f"{record['check']}: points {points!r} are not the registered "
                f"{known[record['check']]!r}"
            )
        if not _is_number(earned) or not 0 <= earned <= points:
            return f"{record['check']}: earned {earned!r} is not within 0..{points!r}"
    return None


RECORD_KEYS = {"check", "points", "earned"}


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _test_cells(db_url: str, course_id: str, assignment: str) -> dict[str, dict[str, float]]:
    """{notebook: {autograded test cell: points}}: grade cells that are not answer cells."""
    from nbgrader.api import Gradebook

    with Gradebook(db_url, course_id) as gradebook:
        return {
            notebook.name: {
                cell.name: cell.max_score
                for cell in notebook.grade_cells
                if cell.cell_type == "code"
                and cell.name not in {s.name for s in notebook.solution_cells}
            }
            for notebook in gradebook.find_assignment(assignment).notebooks
        }


def preload_checks(root: Path, assignment: str) -> threading.Thread:
    """Import the assignment's question modules (torch with them: 2 to 3 s) in a thread, so
    that ``grade_class`` does it while its workers grade rather than before the report. An error
    here is left to the report's own import, which says it."""
    from graders.plugin import load_question

    def load() -> None:
        for path in sorted((root / "release" / assignment).glob("*.ipynb")):
            try:
                load_question(path.stem, assignment)
            except Exception:  # noqa: BLE001 (raised again where the report needs it)
                continue

    thread = threading.Thread(target=load, name="report-checks")  # not cut off at exit
    thread.start()
    return thread


def _registered_checks(notebook: str, assignment: str) -> dict[str, dict[str, float]]:
    """{cell: {check name: points}} of the question module, or {} for a notebook without one."""
    from graders.plugin import load_question

    question = load_question(notebook, assignment)
    if question is None:
        return {}
    return {
        cell: {check.name: check.points for check in checks}
        for cell, checks in question.cells.items()
    }


def _test_cell_records(path: Path, test_cells: dict):
    """(cell, records) of the first cell with each test cell's id, from its execute_result."""
    seen = set()
    for cell in _mapping(json.loads(path.read_text())).get("cells", []):
        nbgrader = _mapping(_mapping(_mapping(cell).get("metadata")).get("nbgrader"))
        grade_id = nbgrader.get("grade_id")
        if (
            cell.get("cell_type") != "code"
            or grade_id not in test_cells
            or grade_id in seen
            or not nbgrader.get("grade")
            or nbgrader.get("solution")
        ):
            continue
        seen.add(grade_id)
        results = [
            _mapping(o)
            for o in cell.get("outputs", [])
            if _mapping(o).get("output_type") == "execute_result"
        ]
        if results:
            yield (
                grade_id,
                _mapping(_mapping(results[-1].get("metadata")).get("graders")).get("checks"),
            )


def _mapping(value) -> dict:
    """``value`` if it is a dict, else an empty one: a hand-edited notebook may hold anything."""
    return value if isinstance(value, dict) else {}


def histogram(notebook: str, max_score: float, rows: list[Row], path: Path) -> Path:
    scores = [row.questions[notebook] for row in rows if notebook in row.questions]
    figure, axes = plt.subplots(figsize=(5, 3), dpi=100)
    bins = [max_score * i / 10 for i in range(11)] if max_score > 0 else 10
    axes.hist(scores, bins=bins, color="#4477aa", edgecolor="white")
    axes.set_xlim(0, max_score or 1)
    axes.set_xlabel(f"points (of {max_score:g})")
    axes.set_ylabel("students")
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.set_title(f"{notebook}: {len(scores)} submissions")
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)
    return path


def _write_scores_csv(path: Path, notebooks: list[str], rows: list[Row]) -> None:
    with path.open("w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(
            ["student", "status", "score", "max_score", "manual_grading_pending", *notebooks]
        )
        for row in rows:
            writer.writerow(
                [
                    row.student,
                    row.status,
                    _number(row.score),
                    _number(row.max_score),
                    row.manual_pending,
                    *(_number(row.questions.get(n)) for n in notebooks),
                ]
            )


def _write_checks_csv(path: Path, checks: list[CheckStats]) -> None:
    with path.open("w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(
            [
                "notebook",
                "cell",
                "check",
                "points",
                "submissions",
                "failed",
                "failure_rate",
                "mean_earned",
            ]
        )
        for c in checks:
            writer.writerow(
                [
                    c.notebook,
                    c.cell,
                    c.check,
                    _number(c.points),
                    c.runs,
                    c.failed,
                    f"{c.failure_rate:.3f}",
                    f"{c.earned / c.runs:.4g}" if c.runs else "",
                ]
            )


def _number(value) -> str:
    return "" if value is None else f"{value:g}"


def _html(assignment, notebooks, maxima, rows, checks, pictures, rejected) -> str:
    e = html.escape
    head = "".join(f"<th>{e(n)}<br>/{maxima[n]:g}</th>" for n in notebooks)
    body = "".join(
        f"<tr class='{e(row.status.replace(' ', '-'))}'><td>{e(row.student)}</td><td>"
        f"{e(row.status)}</td><td>{_number(row.score)} / {row.max_score:g}</td><td>"
        f"{'yes' if row.manual_pending else ''}</td>"
        + "".join(f"<td>{_number(row.questions.get(n))}</td>" for n in notebooks)
        + "</tr>"
        for row in rows
    )
    check_rows = "".join(
        f"<tr><td>{e(c.notebook)}</td><td>{e(c.cell)}</td><td>{e(c.check)}</td><td>{c.points:g}"
        f"</td><td>{c.failed} / {c.runs}</td><td><span class='bar' "
        f"style='width:{100 * c.failure_rate:.0f}px'></span> {100 * c.failure_rate:.0f}%</td>"
        "</tr>"
        for c in sorted(checks, key=lambda c: (-c.failure_rate, c.notebook, c.cell, c.check))
    )
    images = "".join(
        f"<img src='{e(p.name)}' alt='score histogram of {e(n)}'>" for n, p in pictures.items()
    )
    return f"""<!doctype html>
<html><head><meta charset="utf-8"><title>{e(assignment)}: class report</title><style>
body {{ font-family: sans-serif; margin: 2em; }} \
table {{ border-collapse: collapse; margin-bottom: 2em; }}
td, th {{ border: 1px solid #ccc; padding: 0.2em 0.6em; text-align: right; }} \
td:first-child {{ text-align: left; }}
tr.failed td {{ background: #fdd; }} \
.bar {{ display: inline-block; height: 0.8em; background: #c44; }}
</style></head><body>
<h1>{e(assignment)}: {len(rows)} students</h1>
<p>Files: <a href="scores.csv">scores.csv</a>, <a href="checks.csv">checks.csv</a>,
<a href="grades.csv">grades.csv</a> (nbgrader's export). \
A failed submission could not be graded: see its log in logs/.
Scores include manual grades given so far; \
"manual" marks submissions with cells still to grade by hand.</p>
<h2>Scores per question</h2><div>{images}</div>
<h2>Students</h2>
<table><tr><th>student</th><th>status</th><th>score</th>\
<th>manual</th>{head}</tr>{body}</table>
<h2>Autograder checks, most failed first</h2>
<table><tr><th>notebook</th><th>cell</th><th>check</th>\
<th>points</th><th>lost points</th><th>failure rate</th></tr>{check_rows}</table>
<p>{len(rejected)} cells' check records were not the grader's and were not counted \
(<a href="rejected_records.txt">rejected_records.txt</a>).</p>
</body></html>
"""
