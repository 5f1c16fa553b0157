"""``nbgrader export --exporter coursepack.canvas_export.CanvasExportPlugin``: nbgrader's own
``grades.csv`` and, beside it, ``canvas_grades.csv``, a file Canvas's gradebook import reads
(Grades > Import), one row per student and one column per assignment (docs/proof_grading.md).

Canvas's layout (its gradebook exporter and importer): the header ``Student, ID, SIS User ID,
SIS Login ID, Section`` then one column per assignment named ``<title> (<Canvas assignment
id>)``; a second row ``    Points Possible`` with each assignment's maximum. Canvas finds each
student by its Canvas user id (``ID``), else its SIS user id, else its login, else its name
(``Last, First``), and each assignment by the id in brackets; a column without an id creates a
new assignment of that title on import.
"""

import csv
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.plugins.export import CsvExportPlugin
from traitlets import Bool, Dict, Enum, Unicode

STUDENT_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
POINTS_POSSIBLE = "    Points Possible"


class CanvasExportPlugin(CsvExportPlugin):
    """nbgrader's CSV (``--to``, default grades.csv) plus Canvas's import CSV (``canvas_to``)."""

    canvas_to = Unicode("canvas_grades.csv", help="The Canvas import file to write.").tag(
        config=True
    )
    assignment_ids = Dict(
        key_trait=Unicode(),
        value_trait=Unicode(),
        help="nbgrader assignment name -> Canvas assignment id (the number in the assignment's "
        "Canvas URL). An assignment without one becomes a new Canvas assignment on import.",
    ).tag(config=True)
    assignment_titles = Dict(
        key_trait=Unicode(),
        value_trait=Unicode(),
        help="nbgrader assignment name -> its title in Canvas (default: the nbgrader name).",
    ).tag(config=True)
    student_id_column = Enum(
        ["SIS Login ID", "SIS User ID"],
        default_value="SIS Login ID",
        help="The Canvas column that holds nbgrader's student id (zip_collect reads Canvas "
        "logins from submission file names, so by default the login).",
    ).tag(config=True)
    section = Unicode("", help="The Section column (Canvas ignores it on import).").tag(config=True)
    missing_as_zero = Bool(
        True,
        help="A student without a submission gets 0 (as in nbgrader's CSV); False leaves "
        "the cell empty, which Canvas's import reads as 'no change'.",
    ).tag(config=True)

    def export(self, gradebook: Gradebook) -> None:
        super().export(gradebook)
        self.log.info("Exporting Canvas's gradebook import file to %s", self.canvas_to)
        write_canvas_csv(Path(self.canvas_to), canvas_rows(gradebook, self))


def column_name(plugin: CanvasExportPlugin, assignment: str) -> str:
    title = plugin.assignment_titles.get(assignment, assignment)
    canvas_id = plugin.assignment_ids.get(assignment)
    return f"{title} ({canvas_id})" if canvas_id else title


def score_text(value: float) -> str:
    return f"{round(value, 2):g}"  # Canvas shows and compares scores to two decimals


def canvas_rows(gradebook: Gradebook, plugin: CanvasExportPlugin) -> list[list[str]]:
    wanted = {str(a) for a in plugin.assignment}
    students = {str(s) for s in plugin.student}
    assignments = [a for a in gradebook.assignments if not wanted or a.name in wanted]
    rows = [
        STUDENT_COLUMNS + [column_name(plugin, a.name) for a in assignments],
        [POINTS_POSSIBLE, "", "", "", ""] + [score_text(a.max_score) for a in assignments],
    ]
    for student in sorted(gradebook.students, key=lambda s: ((s.last_name or "").lower(), s.id)):
        if students and student.id not in students:
            continue
        name = (
            ", ".join(part for part in [student.last_name, student.first_name] if part)
            or student.id
        )
        ids = {"SIS Login ID": "", "SIS User ID": ""}
        ids[plugin.student_id_column] = student.id
        row = [
            name,
            student.lms_user_id or "",
            ids["SIS User ID"],
            ids["SIS Login ID"],
            plugin.section,
        ]
        for assignment in assignments:
            try:
                submission = gradebook.find_submission(assignment.name, student.id)
            except MissingEntry:
                row.append("0" if plugin.missing_as_zero else "")
                continue
            row.append(score_text(max(0.0, submission.score - submission.late_submission_penalty)))
        rows.append(row)
    return rows


def write_canvas_csv(path: Path, rows: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, quoting=csv.QUOTE_MINIMAL).writerows(rows)
