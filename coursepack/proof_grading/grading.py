"""Grading one proof cell across a class: rubric, submissions, scores into nbgrader's gradebook.

The score of a submission is the sum of the points of its applied rubric items plus the TA's
adjustment, clamped to [0, the cell's points]. It is written as the cell's nbgrader manual
score, with the applied items and the TA's comment as the cell's manual comment, so formgrader
and ``nbgrader export`` show it like any grade entered there.
"""

from dataclasses import dataclass, replace
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry

from coursepack.proof_grading.render import safe_markdown
from coursepack.proof_grading.rubric import Rubric, proof_cells
from coursepack.proof_grading.store import Applied, CellKey, Store

STORE_FILE = "proof_grading.sqlite"


@dataclass
class Submission:
    student: str
    name: str
    proof_html: str
    verdicts: str  # the autograder's [PASS]/[FAIL] lines of the question's steps
    applied: Applied
    score: float | None  # nbgrader's manual score of the cell (None: not graded)


def score_of(rubric: Rubric, applied: Applied) -> float:
    points = {item.number: item.points for item in rubric.items}
    total = sum(points.get(number, 0.0) for number in applied.items) + applied.adjustment
    return min(max(total, 0.0), rubric.points)


def comment_of(rubric: Rubric, applied: Applied) -> str:
    """The manual comment formgrader and the feedback show: items, adjustment, TA's words."""
    texts = {item.number: item for item in rubric.items}
    lines = [f"- {texts[n].points:g} pt: {texts[n].text}" for n in applied.items if n in texts]
    parts = ["Rubric items earned:\n" + "\n".join(lines) if lines else "Rubric items earned: none."]
    if applied.adjustment:
        parts.append(f"Adjustment: {applied.adjustment:+g} pt.")
    if applied.comment.strip():
        parts.append(applied.comment.strip())
    return "\n\n".join(parts)


def steps_verdicts(notebook, cell: str) -> str:
    """stdout of the question's ``qN_steps_tests`` cell, else of every autograded test cell."""
    question = cell.split("_")[0]
    tests = [
        c
        for c in notebook.cells
        if c.cell_type == "code"
        and c.metadata.get("nbgrader", {}).get("grade")
        and not c.metadata["nbgrader"].get("solution")
    ]
    steps = [
        c for c in tests if c.metadata["nbgrader"].get("grade_id") == f"{question}_steps_tests"
    ]
    texts = []
    for test in steps or tests:
        text = "".join(
            o.get("text", "")
            for o in test.get("outputs", [])
            if o.get("output_type") == "stream" and o.get("name") == "stdout"
        )
        texts.append(f"{test.metadata['nbgrader']['grade_id']}:\n{text.strip() or '(no output)'}")
    return "\n\n".join(texts)


class ProofGrading:
    """The page's model of a course: read with a fresh gradebook session per call."""

    def __init__(self, course_root: Path, db_url: str, course_id: str):
        self.root = Path(course_root)
        self.db_url, self.course_id = db_url, course_id
        self.store = Store(self.root / STORE_FILE)

    def rubric(self, key: CellKey, db=None) -> Rubric:
        """The source rubric of ``key`` with the TAs' edits of its items."""
        path = self.root / "source" / key.assignment / f"{key.notebook}.ipynb"
        rubric = proof_cells(path)[key.cell]
        edits = self.store.item_edits(key, db)
        items = tuple(
            (
                replace(item, points=edits[item.number][0], text=edits[item.number][1])
                if item.number in edits
                else item
            )
            for item in rubric.items
        )
        return replace(rubric, items=items)

    def submissions(self, key: CellKey) -> list[Submission]:
        applied = self.store.applied(key)
        result = []
        with Gradebook(self.db_url, self.course_id) as gradebook:
            for submitted in self._handed_in(gradebook, key):
                student = submitted.student
                try:
                    grade = gradebook.find_grade(key.cell, key.notebook, key.assignment, student.id)
                    score = grade.manual_score
                except MissingEntry:
                    score = None
                proof, verdicts = self._autograded(key, student.id)
                name = (
                    " ".join(p for p in [student.first_name, student.last_name] if p) or student.id
                )
                result.append(
                    Submission(
                        student.id,
                        name,
                        proof,
                        verdicts,
                        applied.get(student.id, Applied(student.id)),
                        score,
                    )
                )
        return sorted(result, key=lambda s: s.student)

    def progress(self, key: CellKey) -> tuple[int, int]:
        """(graded, submitted) for one proof cell."""
        with Gradebook(self.db_url, self.course_id) as gradebook:
            submitted = {s.student.id for s in self._handed_in(gradebook, key)}
        return len(submitted & set(self.store.applied(key))), len(submitted)

    def _path(self, key: CellKey, student: str) -> Path:
        return self.root / "autograded" / student / key.assignment / f"{key.notebook}.ipynb"

    def _handed_in(self, gradebook: Gradebook, key: CellKey) -> list:
        """The notebook's submissions with an autograded file, as formgrader lists them: nbgrader
        records every notebook of an assignment for a student who handed in any of them."""
        return [
            submitted
            for submitted in gradebook.notebook_submissions(key.notebook, key.assignment)
            if self._path(key, submitted.student.id).is_file()
        ]

    def _autograded(self, key: CellKey, student: str) -> tuple[str, str]:
        notebook = nbformat.read(self._path(key, student), as_version=4)
        proofs = [
            c.source
            for c in notebook.cells
            if c.metadata.get("nbgrader", {}).get("grade_id") == key.cell
        ]
        proof = safe_markdown(proofs[0]) if proofs else "<p><em>The proof cell is missing.</em></p>"
        return proof, steps_verdicts(notebook, key.cell)

    def save(self, key: CellKey, new: Applied, based_on: int, grader: str) -> tuple[Applied, float]:
        """Store a TA's grading and write its score; StaleGrade if another TA saved first."""
        if not self._path(key, new.student).is_file():
            raise ValueError(f"{new.student} handed in no {key.notebook} to grade")
        with self.store.transaction() as db:
            rubric = self.rubric(key, db)
            unknown = set(new.items) - {item.number for item in rubric.items}
            if unknown:
                raise ValueError(f"{key.cell} has no rubric item {sorted(unknown)}")
            saved = self.store.save(key, new, based_on, grader, db)
            score = score_of(rubric, saved)
            self._write_grades(key, rubric, [saved])
        return saved, score

    def count_with_item(self, key: CellKey, item: int) -> int:
        return sum(item in applied.items for applied in self.store.applied(key).values())

    def edit_item(self, key: CellKey, item: int, points: float, text: str) -> int:
        """Change an item's points and wording; re-score every submission that has it."""
        with self.store.transaction() as db:
            rubric = self.rubric(key, db)
            if item not in {i.number for i in rubric.items}:
                raise ValueError(f"{key.cell} has no rubric item {item}")
            if not 0 <= points <= rubric.points or not text.strip():
                raise ValueError(f"an item needs wording and 0 to {rubric.points:g} points")
            self.store.edit_item(key, item, points, text.strip(), db)
            rubric = self.rubric(key, db)
            having = [a for a in self.store.applied(key, db).values() if item in a.items]
            self._write_grades(key, rubric, having)
        return len(having)

    def _write_grades(self, key: CellKey, rubric: Rubric, applied: list[Applied]) -> None:
        with Gradebook(self.db_url, self.course_id) as gradebook:
            for one in applied:
                grade = gradebook.find_grade(key.cell, key.notebook, key.assignment, one.student)
                grade.manual_score = score_of(rubric, one)
                grade.needs_manual_grade = False  # as formgrader's save does: graded now
                comment = gradebook.find_comment(
                    key.cell, key.notebook, key.assignment, one.student
                )
                comment.manual_comment = comment_of(rubric, one)
            gradebook.db.commit()
