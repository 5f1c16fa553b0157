"""Where the page keeps what a TA applied: rubric items, adjustment and comment per submission,
and the TAs' edits of rubric items, in an SQLite file beside the gradebook.

nbgrader's gradebook keeps only a number and a comment per cell; re-scoring everyone who has an
item needs to know who has it, so the applications live here (the score itself goes to the
gradebook, see grading.py). Two TAs may grade the same question at once (two browser tabs, or
two servers on one course folder): every saved grade has a version, a save names the version
its TA started from, and a save over a newer version is refused (StaleGrade) instead of
silently overwriting the other TA's work.
"""

import json
import sqlite3
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS grades (
    assignment TEXT, notebook TEXT, cell TEXT, student TEXT,
    items TEXT NOT NULL, adjustment REAL NOT NULL, comment TEXT NOT NULL,
    version INTEGER NOT NULL, grader TEXT NOT NULL, saved_at REAL NOT NULL,
    PRIMARY KEY (assignment, notebook, cell, student)
);
CREATE TABLE IF NOT EXISTS item_edits (
    assignment TEXT, notebook TEXT, cell TEXT, item INTEGER,
    points REAL NOT NULL, text TEXT NOT NULL,
    PRIMARY KEY (assignment, notebook, cell, item)
);
"""


@dataclass(frozen=True)
class CellKey:
    assignment: str
    notebook: str
    cell: str


@dataclass
class Applied:
    """One submission's grading of one proof cell; version 0 means never saved."""

    student: str
    items: list[int] = field(default_factory=list)
    adjustment: float = 0.0
    comment: str = ""
    version: int = 0
    grader: str = ""
    saved_at: float = 0.0


class StaleGrade(Exception):
    """A save based on a version another TA has replaced since."""

    def __init__(self, current: Applied):
        self.current = current
        when = time.strftime("%H:%M:%S", time.localtime(current.saved_at))
        super().__init__(
            f"{current.student}'s grade was saved by {current.grader or 'another grader'} "
            f"at {when} "
            "after you opened it; your change was not saved. Their grading is shown now: "
            "apply your change again if it is still needed."
        )


class Store:
    def __init__(self, path: Path):
        self.path = Path(path)
        with self._connect() as db:
            db.executescript(SCHEMA)

    @contextmanager
    def _connect(self):
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            yield db
        finally:
            db.close()

    @contextmanager
    def transaction(self):
        """An exclusive write transaction: check-then-write is atomic across processes."""
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    def applied(self, key: CellKey, db=None) -> dict[str, Applied]:
        """{student: Applied} of every saved grade of one proof cell."""
        query = (
            "SELECT student, items, adjustment, comment, version, grader, saved_at FROM grades "
            "WHERE assignment=? AND notebook=? AND cell=?"
        )
        params = (key.assignment, key.notebook, key.cell)
        if db is None:
            with self._connect() as own:
                rows = own.execute(query, params).fetchall()
        else:
            rows = db.execute(query, params).fetchall()
        return {row[0]: Applied(row[0], json.loads(row[1]), *row[2:]) for row in rows}

    def save(self, key: CellKey, new: Applied, based_on: int, grader: str, db) -> Applied:
        """Write ``new`` in transaction ``db`` if the stored version is still ``based_on``."""
        current = self.applied(key, db).get(new.student, Applied(new.student))
        if current.version != based_on:
            raise StaleGrade(current)
        saved = Applied(
            new.student,
            sorted(set(new.items)),
            float(new.adjustment),
            new.comment,
            current.version + 1,
            grader,
            time.time(),
        )
        db.execute(
            "INSERT OR REPLACE INTO grades VALUES (?,?,?,?,?,?,?,?,?,?)",
            (
                key.assignment,
                key.notebook,
                key.cell,
                saved.student,
                json.dumps(saved.items),
                saved.adjustment,
                saved.comment,
                saved.version,
                saved.grader,
                saved.saved_at,
            ),
        )
        return saved

    def item_edits(self, key: CellKey, db=None) -> dict[int, tuple[float, str]]:
        """{item number: (points, text)} of the rubric items TAs have edited."""
        query = (
            "SELECT item, points, text FROM item_edits WHERE assignment=? AND notebook=? AND cell=?"
        )
        params = (key.assignment, key.notebook, key.cell)
        if db is None:
            with self._connect() as own:
                rows = own.execute(query, params).fetchall()
        else:
            rows = db.execute(query, params).fetchall()
        return {item: (points, text) for item, points, text in rows}

    def edit_item(self, key: CellKey, item: int, points: float, text: str, db) -> None:
        db.execute(
            "INSERT OR REPLACE INTO item_edits VALUES (?,?,?,?,?,?)",
            (key.assignment, key.notebook, key.cell, item, float(points), text),
        )
