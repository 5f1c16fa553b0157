"""The proof-grading page's model (coursepack/proof_grading/): the rubric parser on every source
notebook, the sanitiser of student Markdown, the rule that keeps two TAs from overwriting each
other, and scores written through nbgrader's real gradebook. The page itself, in a browser:
tests/test_proof_grading_browser.py."""

import os
import re
import sys
import threading
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from coursepack.proof_grading.feedback_math import MathMLFeedback, latex_to_mathml
from coursepack.proof_grading.grading import ProofGrading, comment_of, score_of
from coursepack.proof_grading.render import safe_markdown
from coursepack.proof_grading.rubric import Item, Rubric, RubricError, parse_rubric, proof_cells
from coursepack.proof_grading.store import Applied, CellKey, StaleGrade, Store

ROOT = Path(__file__).resolve().parent.parent  # not tests.support: it imports torch
SOURCES = sorted((ROOT / "source").glob("*/*.ipynb"))  # every assignment's notebooks
Q1 = CellKey("midterm", "q1_ema", "q1_proof")


def manually_graded(notebook) -> dict[str, tuple[str, float]]:
    """{grade_id: (source, points)} of every manually graded cell (graded, not autograded)."""
    return {
        meta["grade_id"]: (cell.source, meta["points"])
        for cell in nbformat.read(notebook, as_version=4).cells
        if (meta := cell.metadata.get("nbgrader", {})).get("grade") and meta.get("solution")
    }


@pytest.mark.parametrize("notebook", SOURCES, ids=lambda path: path.stem)
def test_every_source_rubric_parses_and_adds_up(notebook):
    rubrics = proof_cells(notebook)
    manual = manually_graded(notebook)
    assert len(rubrics) == 1 and list(rubrics) == list(manual)  # every manual cell: a proof
    (cell,) = rubrics
    assert cell.endswith("_proof")
    rubric = rubrics[cell]
    source, points = manual[cell]
    assert rubric.points == points
    assert sum(item.points for item in rubric.items) == pytest.approx(points)
    assert [item.number for item in rubric.items] == list(range(1, len(rubric.items) + 1))
    assert 2 <= len(rubric.items) <= 9  # every item has a key
    for item in rubric.items:  # each item's text is its bullet, verbatim
        assert item.text and item.text in source and item.points > 0


def test_part_tags_stay_in_the_item_text():
    rubric = parse_rubric(
        rubric_text("- (a) 1.5 pt: margins $> 0$\n- (b) (ii) 1.5 pts: $\\ell > 0$"), "q9_proof", 3
    )
    assert rubric.items == (Item(1, 1.5, "(a) margins $> 0$"), Item(2, 1.5, "(b) (ii) $\\ell > 0$"))


def rubric_text(items: str, heading: float = 3) -> str:
    return (
        f"### BEGIN SOLUTION\nproof\n\n**Rubric ({heading:g} points).**\n{items}\n### END SOLUTION"
    )


@pytest.mark.parametrize(
    "source, message",
    [
        (rubric_text("- 1 pt: a\n- 1 pt: b"), "add up to 2 points"),  # items short of the cell
        (rubric_text("- 1 pt: a\n- 2.5 pt: b"), "add up to 3.5 points"),  # items over
        (rubric_text("- 1 pt: a\n- 2 pt: b", heading=4), "heading says 4"),  # heading disagrees
        (rubric_text("- 1 pt: a\n- two pt: b"), "is not '- N pt: text'"),  # unreadable item
        (rubric_text(""), "has no items"),
        ("### BEGIN SOLUTION\nproof without rubric\n### END SOLUTION", "found 0"),
        (rubric_text("- 3 pt: a") + "\n" + rubric_text("- 3 pt: a"), "found 2"),
    ],
)
def test_a_wrong_rubric_fails_loudly(source, message):
    with pytest.raises(RubricError, match=message):
        parse_rubric(source, "q9_proof", 3)


@pytest.mark.parametrize("notebook", SOURCES, ids=lambda path: path.stem)
def test_a_source_rubric_edited_off_its_points_fails(notebook, tmp_path):
    """Each real rubric with its first item worth half a point more no longer adds up."""
    nb = nbformat.read(notebook, as_version=4)
    proof = next(
        c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id", "").endswith("_proof")
    )
    first = re.search(r"^- (?:\([^)]*\)\s*)*(\d+(?:\.\d+)?) pts?:", proof.source, re.MULTILINE)
    start, end = first.span(1)
    proof.source = proof.source[:start] + f"{float(first[1]) + 0.5:g}" + proof.source[end:]
    nbformat.write(nb, tmp_path / notebook.name)
    points = proof.metadata.nbgrader["points"]
    with pytest.raises(RubricError, match=f"add up to {points + 0.5:g} points.*worth {points:g}"):
        proof_cells(tmp_path / notebook.name)


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>document.title='pwned'</script>",
        "<img src=x onerror=\"document.title='pwned'\">",
        "[click](javascript:alert(1))",
        '<a href="JaVaScRiPt:alert(1)">click</a>',
        '<a href="java&#09;script:alert(1)">click</a>',
        "<svg onload=alert(1)><circle r=1 /></svg>",
        '<iframe src="http://example.com"></iframe>',
        '<b onmouseover="alert(1)" style="background:url(http://example.com/x)">b</b>',
        '<form action="http://example.com"><input name=x></form>',
    ],
)
def test_student_markdown_is_sanitised(hostile):
    html = safe_markdown(f"Proof: $a < b$ and {hostile}\n\n$$\\sum_i x_i$$")
    lowered = html.lower()
    for forbidden in [
        "<script",
        "onerror",
        "onload",
        "onmouseover",
        "javascript:",
        "<iframe",
        "<svg",
        "<img",
        "<form",
        "<input",
        "style=",
        "example.com",
    ]:
        assert forbidden not in lowered, (forbidden, html)
    assert "$a &lt; b$" in html and "$$\\sum_i x_i$$" in html  # LaTeX left for MathJax


def test_maths_already_escaped_by_autograde_is_escaped_once():
    assert (
        safe_markdown("$\\sum_{i&lt;k} x$ and $a<b$") == "<p>$\\sum_{i&lt;k} x$ and $a&lt;b$</p>\n"
    )


def test_markdown_structure_and_safe_links_survive():
    html = safe_markdown("**Claim.** see [the notes](https://example.org/n)\n\n- one\n- two")
    assert "<strong>Claim.</strong>" in html
    assert '<a href="https://example.org/n">the notes</a>' in html
    assert "<li>one</li>" in html


def test_second_save_from_a_stale_version_is_refused(tmp_path):
    store = Store(tmp_path / "store.sqlite")
    with store.transaction() as db:
        first = store.save(Q1, Applied("alice", [1, 2]), based_on=0, grader="ta-one", db=db)
    assert first.version == 1 and first.grader == "ta-one"
    with pytest.raises(StaleGrade, match="alice's grade was saved by ta-one") as refused:
        with store.transaction() as db:
            store.save(Q1, Applied("alice", [3]), based_on=0, grader="ta-two", db=db)
    assert refused.value.current.items == [1, 2]
    assert store.applied(Q1)["alice"].items == [1, 2]  # ta-one's work is intact
    with store.transaction() as db:  # ta-two, having seen ta-one's grading, saves over it
        second = store.save(Q1, Applied("alice", [1, 2, 3]), based_on=1, grader="ta-two", db=db)
    assert second.version == 2 and store.applied(Q1)["alice"].items == [1, 2, 3]
    with store.transaction() as db:  # another student's grade is independent
        assert store.save(Q1, Applied("bob", [1]), based_on=0, grader="ta-two", db=db).version == 1


def test_concurrent_saves_of_one_grade_let_exactly_one_through(tmp_path):
    """Eight TAs (threads, each its own SQLite connection) save alice's q1 from version 0."""
    store = Store(tmp_path / "store.sqlite")
    start, outcomes = threading.Barrier(8), []

    def grade(ta: int):
        start.wait()
        try:
            with store.transaction() as db:
                store.save(Q1, Applied("alice", [ta % 4 + 1]), based_on=0, grader=f"ta{ta}", db=db)
            outcomes.append(("saved", ta))
        except StaleGrade:
            outcomes.append(("refused", ta))

    threads = [threading.Thread(target=grade, args=(ta,)) for ta in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    saved = [ta for outcome, ta in outcomes if outcome == "saved"]
    assert len(saved) == 1 and len(outcomes) == 8
    stored = store.applied(Q1)["alice"]
    assert stored.version == 1 and stored.grader == f"ta{saved[0]}"


def test_score_is_the_clamped_sum_and_the_comment_lists_items():
    items = (Item(1, 1, "one"), Item(2, 0.5, "two $x$"), Item(3, 1, "three"), Item(4, 0.5, "four"))
    rubric = Rubric("q1_proof", 3, items)
    assert score_of(rubric, Applied("a", [1, 3])) == 2
    assert score_of(rubric, Applied("a", [1, 2, 3, 4], adjustment=1)) == 3  # clamped to the cell
    assert score_of(rubric, Applied("a", [2], adjustment=-2)) == 0  # never negative
    comment = comment_of(rubric, Applied("a", [2], adjustment=-0.5, comment="State the base case."))
    assert (
        comment
        == "Rubric items earned:\n- 0.5 pt: two $x$\n\nAdjustment: -0.5 pt.\n\nState the base case."
    )
    assert comment_of(rubric, Applied("a", [])) == "Rubric items earned: none."


def autograded_q1(course: Path, student: str, proof: str) -> None:
    """The autograded q1_ema of ``student``: the notebook holding their proof cell."""
    cell = nbformat.v4.new_markdown_cell(proof)
    cell.metadata["nbgrader"] = {"grade": True, "solution": True, "grade_id": "q1_proof"}
    folder = course / "autograded" / student / "midterm"
    folder.mkdir(parents=True)
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), folder / "q1_ema.ipynb")


@pytest.fixture
def course(tmp_path, monkeypatch):
    """A gradebook holding midterm/q1_ema with its proof cell and three submissions of it, and
    dave, who handed in the midterm without q1_ema (nbgrader records his q1_ema all the same)."""
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}:{os.environ['PATH']}")  # alembic
    (tmp_path / "source" / "midterm").mkdir(parents=True)
    (tmp_path / "source" / "midterm" / "q1_ema.ipynb").write_bytes(
        (ROOT / "source" / "midterm" / "q1_ema.ipynb").read_bytes()
    )
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    with Gradebook(url, "dnn-math") as gradebook:
        gradebook.add_assignment("midterm")
        gradebook.add_notebook("q1_ema", "midterm")
        gradebook.add_grade_cell("q1_proof", "q1_ema", "midterm", max_score=3, cell_type="markdown")
        gradebook.add_solution_cell("q1_proof", "q1_ema", "midterm")
        for student in ["alice", "bob", "carol", "dave"]:
            gradebook.add_student(student)
            gradebook.add_submission("midterm", student)
    for student in ["alice", "bob", "carol"]:
        autograded_q1(tmp_path, student, f"{student}: $x^2 \\ge 0$")
    return ProofGrading(tmp_path, url, "dnn-math")


def manual(grading: ProofGrading, student: str) -> tuple[float | None, str | None]:
    """The cell's manual score and comment; a score means formgrader no longer flags it."""
    with Gradebook(grading.db_url, grading.course_id) as gradebook:
        grade = gradebook.find_grade("q1_proof", "q1_ema", "midterm", student)
        comment = gradebook.find_comment("q1_proof", "q1_ema", "midterm", student)
        assert grade.needs_manual_grade == (grade.manual_score is None)
        return grade.manual_score, comment.manual_comment


def test_saves_become_nbgrader_manual_grades_and_item_edits_rescore(course):
    items = course.rubric(Q1).items
    points = {item.number: item.points for item in items}
    submissions = course.submissions(Q1)
    assert [s.student for s in submissions] == ["alice", "bob", "carol"]  # not dave (formgrader)
    assert submissions[0].proof_html.strip() == "<p>alice: $x^2 \\ge 0$</p>"
    assert all(s.score is None and s.applied.version == 0 for s in course.submissions(Q1))
    assert course.progress(Q1) == (0, 3)
    course.save(Q1, Applied("alice", [1, 2]), 0, "ta")
    assert course.progress(Q1) == (1, 3)
    course.save(Q1, Applied("bob", [2, 3], adjustment=-0.25), 0, "ta")
    course.save(Q1, Applied("carol", [3]), 0, "ta")
    expected = {
        "alice": points[1] + points[2],
        "bob": points[2] + points[3] - 0.25,
        "carol": points[3],
    }
    assert {s: manual(course, s)[0] for s in expected} == pytest.approx(expected)
    assert f"- {points[2]:g} pt: {items[1].text}" in manual(course, "alice")[1]

    assert course.count_with_item(Q1, 2) == 2
    new_points = points[2] + 0.5
    assert course.edit_item(Q1, 2, new_points, "reworded item two") == 2
    expected.update(alice=expected["alice"] + 0.5, bob=expected["bob"] + 0.5)
    assert {s: manual(course, s)[0] for s in expected} == pytest.approx(expected)
    assert f"- {new_points:g} pt: reworded item two" in manual(course, "bob")[1]
    assert course.rubric(Q1).items[1] == Item(2, new_points, "reworded item two")
    graded = {s.student: s for s in course.submissions(Q1)}
    assert (
        graded["alice"].score == pytest.approx(expected["alice"])
        and graded["alice"].applied.version == 1
    )

    with pytest.raises(StaleGrade):  # a second TA still on version 0 of alice
        course.save(Q1, Applied("alice", []), 0, "ta2")
    assert manual(course, "alice")[0] == pytest.approx(expected["alice"])
    with pytest.raises(ValueError, match="dave handed in no q1_ema"):
        course.save(Q1, Applied("dave", [1]), 0, "ta")
    assert manual(course, "dave") == (None, None)
    with pytest.raises(ValueError, match="no rubric item"):
        course.save(Q1, Applied("carol", [len(items) + 1]), 1, "ta")
    with pytest.raises(ValueError, match="0 to 3 points"):
        course.edit_item(Q1, 1, 4, "too much")


def test_feedback_maths_become_mathml_and_code_stays_code():
    html = latex_to_mathml(
        "By $a_1 * b_2 < c$, so\n\n$$\\sum_{i=0}^{k-1} \\beta^{2i}$$\n\nwrite `$x$` for maths."
    )
    assert html.count("<math") == 2 and 'display="block"' in html
    assert "<munderover>" in html and "`$x$`" in html
    inline = html[html.index("<math") : html.index("</math>")]
    assert not set("*_$") & set(inline)  # nothing left for the Markdown renderer to read


def test_feedback_mathml_keeps_only_mathml():
    html = latex_to_mathml("$\\text{<script>alert(1)</script><img src=x onerror=alert(1)>}$")
    assert "<script" not in html and "<img" not in html and "onerror" not in html
    assert html.startswith("<math") and "alert(1)" in html  # as text inside <mtext>
    assert (
        latex_to_mathml("$\\left( x$ stays") == "$\\left( x$ stays"
    )  # unreadable LaTeX: unchanged


def test_feedback_preprocessor_converts_cells_and_comments():
    cell = nbformat.v4.new_markdown_cell("Proof: $x^2 \\ge 0$.")
    cell.metadata["nbgrader"] = {"grade": True, "comment": "Earned: $\\beta^k \\to 0$"}
    code = nbformat.v4.new_code_cell("x = '$y$'")
    notebook = nbformat.v4.new_notebook(cells=[cell, code])
    MathMLFeedback().preprocess(notebook, {})
    assert notebook.cells[0].source.startswith("Proof: <math")
    assert notebook.cells[0].metadata["nbgrader"]["comment"].startswith("Earned: <math")
    assert notebook.cells[1].source == "x = '$y$'"


def test_maths_in_fenced_or_quarantined_text_is_left_alone():
    """autograde shows active Markdown as a ~~~ block (graders/sanitize.py): it stays text."""
    quarantined = "*[note]*\n\n~~~~text\n<b onclick=x>$a$</b> ~~~ $b$\n~~~~\n\nthen $c$"
    converted = latex_to_mathml(quarantined)
    assert "<b onclick=x>$a$</b> ~~~ $b$" in converted and converted.count("<math") == 1
    assert "```\n$y$\n```" in latex_to_mathml("```\n$y$\n```")
    assert safe_markdown("~~~\n$y$\n~~~").startswith("<pre><code>$y$")
