"""The example class: student submissions kept as small answer files, built into notebooks.

``examples/class/<student>/<notebook>.py`` holds one student's answers to one notebook, one
section per answer cell, opened by a line ``# %% <grade_id>``; comment lines ``# expect:
<test cell>=<full|zero|partial|less>`` before the first section state what the grader must give,
and ``# fails: check_a, check_b`` lines name the checks of those cells the example must fail
(every other check of those cells must pass).
A line ``# no-better-than: <student>`` (attacks) names an honest submission whose total the
attack must not beat. A section named ``extra`` becomes an extra code cell at the end of the
notebook (students may add cells). A notebook's assignment is the folder of ``source/`` holding
it (notebook names are unique across the course). Building copies
``release/<assignment>/<notebook>.ipynb`` into ``submitted/<student>/<assignment>/`` with those
cells filled in, for every assignment; a student submits only the notebooks they answered,
except a student with no answer files at all (``blank``), who submits every released notebook
of every assignment untouched. The student ``reference`` answers every cell with
the instructor's solution, read from ``source/``. Files under ``examples/class/<student>/files/``
are submitted beside the notebooks (attacks: a ``torch.py`` shadowing the library). Header lines
``# symlink: <name> -> <target>`` and ``# fifo: <name>`` put a symbolic link or a named pipe into
the submitted folder (attacks on the copies nbgrader makes; a link may replace a notebook).
"""

import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell

SECTION = re.compile(r"^# %% (\S+)\s*$", re.MULTILINE)
EXPECT = re.compile(r"^# expect: (\S+)=(full|zero|partial|less)\s*$", re.MULTILINE)
FAILS = re.compile(r"^# fails: (.*?)\s*$", re.MULTILINE)
BASELINE = re.compile(r"^# no-better-than: (\S+)\s*$", re.MULTILINE)
SYMLINK = re.compile(r"^# symlink: (\S+) -> (\S+)\s*$", re.MULTILINE)
FIFO = re.compile(r"^# fifo: (\S+)\s*$", re.MULTILINE)
SOLUTION = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n?", re.MULTILINE)


@dataclass
class Answers:
    student: str
    notebook: str
    cells: dict[str, str]
    expect: dict[str, str] = field(default_factory=dict)
    baseline: str | None = None
    symlinks: dict[str, str] = field(default_factory=dict)
    fifos: list[str] = field(default_factory=list)
    #: The checks (by name) of the ``expect`` cells that this example must fail; the others pass.
    fails: set[str] = field(default_factory=set)


def read_answers(path: Path) -> Answers:
    text = path.read_text()
    parts = SECTION.split(text)
    cells = {name: body.strip("\n") + "\n" for name, body in zip(parts[1::2], parts[2::2])}
    baseline = BASELINE.search(parts[0])
    fails = {name.strip() for line in FAILS.findall(parts[0]) for name in line.split(",")} - {""}
    return Answers(
        path.parent.name,
        path.stem,
        cells,
        dict(EXPECT.findall(parts[0])),
        baseline and baseline.group(1),
        dict(SYMLINK.findall(parts[0])),
        FIFO.findall(parts[0]),
        fails,
    )


def assignments(course: Path) -> list[str]:
    """The course's assignments: the folders of ``source/`` that hold notebooks."""
    return sorted({path.parent.name for path in (course / "source").glob("*/*.ipynb")})


def assignment_of(course: Path, notebook: str) -> str:
    """The assignment whose ``source/<assignment>/`` holds ``notebook``."""
    found = sorted((course / "source").glob(f"*/{notebook}.ipynb"))
    if len(found) != 1:
        raise LookupError(
            f"notebook {notebook!r} is in {len(found)} assignments of source/, not 1 "
            "(example files name only the notebook)"
        )
    return found[0].parent.name


def reference_answers(course: Path, notebook: str) -> Answers:
    """The instructor's solutions from the source notebook, markers removed."""
    nb = nbformat.read(
        course / "source" / assignment_of(course, notebook) / f"{notebook}.ipynb", as_version=4
    )
    cells = {
        cell.metadata["nbgrader"]["grade_id"]: SOLUTION.sub("", cell.source)
        for cell in nb.cells
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("solution")
    }
    return Answers("reference", notebook, cells)


def fill(release: Path, answers: Answers):
    nb = nbformat.read(release, as_version=4)
    unknown = (
        set(answers.cells)
        - {"extra"}
        - {c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells}
    )
    if unknown:
        raise ValueError(
            f"{answers.student}/{answers.notebook}: no answer cells named {sorted(unknown)}"
        )
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers.cells:
            cell.source = answers.cells[grade_id]
    if "extra" in answers.cells:
        nb.cells.append(new_code_cell(answers.cells["extra"]))
    return nb


def _special_files(answers: Answers, target: Path) -> None:
    for name, link_target in answers.symlinks.items():
        (target / name).unlink(missing_ok=True)
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(link_target, target / name)
    for name in answers.fifos:
        os.mkfifo(target / name)


def students(course: Path) -> list[str]:
    return ["reference"] + sorted(
        p.name for p in (course / "examples" / "class").iterdir() if p.is_dir()
    )


def all_answers(course: Path, student: str) -> list[Answers]:
    """Every answer file of ``student``, whatever its assignment."""
    if student == "reference":
        notebooks = sorted(path.stem for path in (course / "source").glob("*/*.ipynb"))
        return [reference_answers(course, notebook) for notebook in notebooks]
    return [
        read_answers(path)
        for path in sorted((course / "examples" / "class" / student).glob("*.py"))
    ]


def build(course: Path, only: list[str] | None = None, assignment: str | None = None) -> list[str]:
    """Write ``submitted/`` for the example class (or the students in ``only``), for every
    assignment (or only ``assignment``); returns the ids of the students who submitted something."""
    built = []
    for student in only or students(course):
        answered = {answers.notebook: answers for answers in all_answers(course, student)}
        submitted = [
            _submit(course, student, name, answered)
            for name in ([assignment] if assignment else assignments(course))
        ]
        if any(submitted):
            built.append(student)
    return built


def _submit(course: Path, student: str, assignment: str, answered: dict[str, Answers]) -> bool:
    """Write ``submitted/<student>/<assignment>/``, unless the student answers only notebooks of
    other assignments; returns whether it was written."""
    released = sorted((course / "release" / assignment).glob("*.ipynb"))
    mine = [answered[notebook.stem] for notebook in released if notebook.stem in answered]
    if not released or (answered and not mine):
        return False
    target = course / "submitted" / student / assignment
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for notebook in released:
        answers = answered.get(notebook.stem)
        if answers is not None:
            nbformat.write(fill(notebook, answers), target / notebook.name)
        elif not answered:
            shutil.copy(notebook, target / notebook.name)
    files = course / "examples" / "class" / student / "files"
    if files.is_dir():
        shutil.copytree(files, target, dirs_exist_ok=True)
    for answers in mine:
        _special_files(answers, target)
    return True
