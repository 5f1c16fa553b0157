"""``nbgrader export --exporter coursepack.canvas_export.CanvasExportPlugin`` through the real
nbgrader CLI: nbgrader's grades.csv and Canvas's gradebook import file beside it.

Canvas's import is checked with a port of the header rules of Canvas's own importer
(instructure/canvas-lms, lib/gradebook_importer.rb: ``row_has_student_headers?``,
``update_column_count``, ``Assignment.title_and_id``, the "Points Possible" row), first on
``tests/data/canvas_gradebook_export.csv``, a file in the layout of Canvas's gradebook export
(what a TA downloads from Grades > Export), then on ours.
"""

import csv
import os
import re
import shutil
import sys
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from coursepack.course import nbgrader

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "data" / "canvas_gradebook_export.csv"
NON_ASSIGNMENT = re.compile(
    "Current Score|Current Points|Current Grade|Final Score|Final Points|Final Grade|Override"
)
TITLE_AND_ID = re.compile(r"\A(.*)\s\((\d+)\)\Z", re.DOTALL)


def canvas_reads(rows: list[list[str]]) -> dict:
    """What Canvas's importer takes from a CSV: identity columns, assignments, points, students."""
    header = rows[0]
    assert len(header) > 3 and "Student" in header[0] and "ID" in header[1], "Invalid header row"
    columns = {"ID": 1}
    student_columns = 3
    if re.search(r"SIS\s+Login\s+ID", header[2]):
        columns["SIS Login ID"], student_columns = 2, 4
    elif re.search(r"SIS\s+User\s+ID", header[2]) and re.search(r"SIS\s+Login\s+ID", header[3]):
        columns.update({"SIS User ID": 2, "SIS Login ID": 3})
        student_columns = 5
    assert "Section" in header[student_columns - 1], "Invalid header row"
    assignments = {}
    for index, name in enumerate(header[student_columns:], start=student_columns):
        if not NON_ASSIGNMENT.search(name):
            match = TITLE_AND_ID.match(name)
            assignments[index] = (match[1], match[2]) if match else (name, None)
    points = next(row for row in rows[1:] if "Points Possible" in row[0])
    students = [row for row in rows[1:] if "Points Possible" not in row[0]]
    return {
        "columns": columns,
        "assignments": list(assignments.values()),
        "points": [points[i] for i in assignments],
        "students": [
            {
                **{key: row[i] for key, i in columns.items()},
                "name": row[0],
                "grades": [row[i] for i in assignments],
            }
            for row in students
        ],
    }


def read(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_the_port_reads_canvas_s_own_export():
    read_back = canvas_reads(read(SAMPLE))
    assert read_back["columns"] == {"ID": 1, "SIS User ID": 2, "SIS Login ID": 3}
    assert read_back["assignments"] == [("Assignment One", "4757"), ("Assignment Two", "4766")]
    assert read_back["points"] == ["100.00", "100.00"]
    assert read_back["students"][1]["name"] == 'O\'Neil, Ann "Annie"'


@pytest.fixture
def course(tmp_path, monkeypatch):
    """The course's nbgrader_config.py and packages, a gradebook with two assignments."""
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}:{os.environ['PATH']}")  # alembic
    shutil.copy(ROOT / "nbgrader_config.py", tmp_path / "nbgrader_config.py")
    for package in ["coursepack", "graders"]:  # nbgrader_config.py names classes of both
        (tmp_path / package).symlink_to(ROOT / package)
    with Gradebook(f"sqlite:///{tmp_path / 'gradebook.db'}", "dnn-math") as gradebook:
        for assignment, points in [("midterm", 7), ("homework1", 2)]:
            gradebook.add_assignment(assignment)
            gradebook.add_notebook("q1", assignment)
            gradebook.add_grade_cell(
                "q1_proof", "q1", assignment, max_score=points - 1, cell_type="markdown"
            )
            gradebook.add_grade_cell("q1_tests", "q1", assignment, max_score=1, cell_type="code")
        gradebook.add_student(
            "alice", first_name="Alice", last_name="O'Neil, Jr.", lms_user_id="7932548"
        )
        gradebook.add_student("bob", first_name="Bob", last_name='"Bobby" Tables')
        gradebook.add_student("carol")
        for student, proof in [("alice", 4.5), ("bob", 2.125)]:
            gradebook.add_submission("midterm", student)
            grade = gradebook.find_grade("q1_proof", "q1", "midterm", student)
            grade.manual_score = proof
            tests = gradebook.find_grade("q1_tests", "q1", "midterm", student)
            tests.auto_score = 1
        gradebook.add_submission("homework1", "carol")
        gradebook.find_grade("q1_proof", "q1", "homework1", "carol").manual_score = 1
        gradebook.db.commit()
    return tmp_path


def test_export_writes_nbgrader_s_csv_and_canvas_s_beside_it(course):
    with (course / "nbgrader_config.py").open("a") as config:
        config.write(
            '\nc.CanvasExportPlugin.assignment_ids = {"midterm": "4757"}\n'
            'c.CanvasExportPlugin.assignment_titles = {"midterm": "Midterm (DL maths)"}\n'
        )
    nbgrader(course, "export", "--exporter", "coursepack.canvas_export.CanvasExportPlugin")

    # nbgrader's own file (unquoted: alice's comma shifts her row there, not in Canvas's)
    ours = {
        (row["assignment"], row["student_id"]): row
        for row in csv.DictReader((course / "grades.csv").open())
    }
    assert (
        float(ours["midterm", "bob"]["score"]) == 3.125
        and float(ours["homework1", "carol"]["score"]) == 1
    )

    rows = read(course / "canvas_grades.csv")
    sample = read(SAMPLE)
    assert (
        rows[0][:5] == sample[0][:5] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    )
    assert rows[1][0] == sample[1][0] == "    Points Possible"
    read_back = canvas_reads(rows)
    assert read_back["columns"] == {"ID": 1, "SIS User ID": 2, "SIS Login ID": 3}
    assert read_back["assignments"] == [
        ("homework1", None),
        ("Midterm (DL maths)", "4757"),
    ]
    assert read_back["points"] == ["2", "7"]
    by_login = {s["SIS Login ID"]: s for s in read_back["students"]}
    assert by_login["alice"] == {
        "ID": "7932548",
        "SIS User ID": "",
        "SIS Login ID": "alice",
        "name": "O'Neil, Jr., Alice",
        "grades": ["0", "5.5"],
    }
    assert by_login["bob"]["name"] == '"Bobby" Tables, Bob' and by_login["bob"]["grades"] == [
        "0",
        "3.12",
    ]
    assert by_login["carol"]["name"] == "carol" and by_login["carol"]["grades"] == ["1", "0"]
    assert len(read_back["students"]) == 3


def test_options_move_the_id_and_leave_missing_work_empty(course):
    nbgrader(
        course,
        "export",
        "--exporter",
        "coursepack.canvas_export.CanvasExportPlugin",
        "--CanvasExportPlugin.student_id_column=SIS User ID",
        "--CanvasExportPlugin.missing_as_zero=False",
        "--CanvasExportPlugin.canvas_to=lms/canvas.csv",
        "--assignment=midterm",
    )
    read_back = canvas_reads(read(course / "lms" / "canvas.csv"))
    assert read_back["assignments"] == [("midterm", None)]
    by_sis = {s["SIS User ID"]: s for s in read_back["students"]}
    assert by_sis["alice"]["SIS Login ID"] == "" and by_sis["alice"]["grades"] == ["5.5"]
    assert by_sis["carol"]["grades"] == [""]
