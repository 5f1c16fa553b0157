"""Every proof of the example class can be graded from the proof-grading page.

One copy of the course with both assignments, and per assignment the reference (every
notebook) and two mistake students of the example class (the notebook each answered), every
proof written in Markdown with LaTeX; one real ``nbgrader autograde`` per assignment; one real
``jupyter lab`` serving the page. For every manually graded cell of every source notebook
(one parametrized test), through the server with its token: the page and its API list the
cell's submissions exactly as formgrader does, each with its rendered proof, the source
notebook's rubric and the autograder's verdicts of the question's steps cell (of every test
cell where there is none); a rubric choice saved for each submission becomes that cell's manual
score and comment in the gradebook and in formgrader. Then, in Chromium with the internet cut
off, one page per assignment with its LaTeX typeset: tests/artifacts/proof-grading-class-*.png.
"""

import html
import json
import re
import urllib.request

import nbformat
import pytest
from nbgrader.api import Gradebook
from playwright.sync_api import expect

from coursepack import example_class
from coursepack.course import copy_course, nbgrader
from coursepack.proof_grading.rubric import proof_cells
from tests.support import ROOT
from tests.test_browser import CHROMIUM, lab, page, screenshot  # noqa: F401 (fixtures)
from tests.test_proof_grading_browser import offline

MISTAKES = {  # two mistake students per assignment, each answering one notebook
    "midterm": ["q1-mistake-steps-base-case", "q2-mistake-steps-kl-reversed"],
    "hw1_adam": ["hw1-mistake-adamw-decay-after-step", "hw1-mistake-debias-no-correction"],
}
NOTEBOOKS = sorted((ROOT / "source").glob("*/*.ipynb"))
CELLS = [
    (notebook.parent.name, notebook.stem, cell)
    for notebook in NOTEBOOKS
    for cell, meta in (
        (c.metadata["nbgrader"]["grade_id"], c.metadata["nbgrader"])
        for c in nbformat.read(notebook, as_version=4).cells
        if "nbgrader" in c.metadata
    )
    if meta.get("grade") and meta.get("solution")  # graded by hand: nbgrader's "manual" cells
]
COURSE_ID = "dnn-math"


def mistake_proof(student: str) -> str:
    return (
        f"**{student}** argues by induction: $x_{{k+1}} = \\beta x_k + (1-\\beta) g_k$, hence\n\n"
        f"$$\\sum_{{i=0}}^{{k-1}} \\beta^i = \\frac{{1-\\beta^k}}{{1-\\beta}} < 1 + k.$$"
    )


def reference_proof(source_cell: str) -> str:
    """The instructor's solution of a proof cell, without its rubric and markers."""
    solution = source_cell.split("### BEGIN SOLUTION", 1)[1].split("**Rubric", 1)[0]
    return solution.strip()


def source_cells(assignment: str, notebook: str) -> dict[str, nbformat.NotebookNode]:
    path = ROOT / "source" / assignment / f"{notebook}.ipynb"
    cells = nbformat.read(path, as_version=4).cells
    return {c.metadata["nbgrader"]["grade_id"]: c for c in cells if "nbgrader" in c.metadata}


def write_submission(course, assignment: str, student: str, notebook: str) -> None:
    release = course / "release" / assignment / f"{notebook}.ipynb"
    if student == "reference":
        answers = example_class.reference_answers(course, notebook)
    else:
        answers = example_class.read_answers(
            course / "examples" / "class" / student / f"{notebook}.py"
        )
    for cell, source in source_cells(assignment, notebook).items():
        if (assignment, notebook, cell) in CELLS:
            meta = source.metadata["nbgrader"]
            assert source.cell_type == "markdown", f"{cell}: a manually graded code cell"
            assert meta["points"] > 0
            written = reference_proof(source.source) if student == "reference" else None
            answers.cells[cell] = written or mistake_proof(student)
    folder = course / "submitted" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(example_class.fill(release, answers), folder / f"{notebook}.ipynb")


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """Both assignments generated, the reference and two mistakes each autograded."""
    assert CHROMIUM.exists(), f"{CHROMIUM} is missing: run .ci/setup-browser.sh"
    course = copy_course(tmp_path_factory.mktemp("class-proofs") / "course")
    for assignment, mistakes in MISTAKES.items():
        nbgrader(course, "generate_assignment", assignment, "--force")
        for notebook in sorted((course / "release" / assignment).glob("*.ipynb")):
            write_submission(course, assignment, "reference", notebook.stem)
        for student in mistakes:
            for answers in (course / "examples" / "class" / student).glob("*.py"):
                write_submission(course, assignment, student, answers.stem)
        nbgrader(course, "autograde", assignment)
    return course


def call(server, path: str, method: str = "GET", body: dict | None = None):
    """(status, text) of a request to the lab with its token (as an API client sends it)."""
    base, token = server
    request = urllib.request.Request(
        base + path,
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"token {token}"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.status, response.read().decode()


def formgrader_list(server, assignment: str, notebook: str) -> dict[str, dict]:
    """{student: formgrader's record} of the notebook's submissions, from formgrader's API."""
    path = f"/formgrader/api/submitted_notebooks/{assignment}/{notebook}"
    return {record["student"]: record for record in json.loads(call(server, path)[1])}


def formulas(markdown: str) -> int:
    """How many formulas ``$...$`` and ``$$...$$`` a proof holds."""
    display = markdown.count("$$") // 2
    return display + (markdown.count("$") - 4 * display) // 2


def handed_in(course, assignment: str, notebook: str) -> set[str]:
    """Who handed in ``notebook``, from the submitted folders."""
    return {
        path.parent.parent.name
        for path in (course / "submitted").glob(f"*/{assignment}/{notebook}.ipynb")
    }


def steps_lines(course, student: str, assignment: str, notebook: str, cell: str) -> list[str]:
    """The autograder's [PASS]/[FAIL] lines, from the autograded notebook's test cell outputs:
    the question's steps cell, else every autograded test cell."""
    path = course / "autograded" / student / assignment / f"{notebook}.ipynb"
    tests = [
        c
        for c in nbformat.read(path, as_version=4).cells
        if c.cell_type == "code"
        and c.metadata.get("nbgrader", {}).get("grade")
        and not c.metadata["nbgrader"].get("solution")
    ]
    steps = f"{cell.split('_')[0]}_steps_tests"
    chosen = [c for c in tests if c.metadata["nbgrader"]["grade_id"] == steps] or tests
    text = "".join(o.get("text", "") for c in chosen for o in c.outputs)
    return [line for line in text.splitlines() if re.match(r"\[(PASS|FAIL)\]", line)]


@pytest.mark.parametrize("assignment, notebook, cell", CELLS, ids=[c[2] for c in CELLS])
def test_every_proof_cell_is_graded_from_the_page(course, lab, assignment, notebook, cell):
    path = f"{assignment}/{notebook}/{cell}"
    status, page_html = call(lab, f"/proof_grading/grade/{path}")
    assert status == 200 and f"/proof_grading/api/{path}" in page_html
    status, index = call(lab, "/proof_grading/")
    assert f'href="/proof_grading/grade/{path}"' in index

    data = json.loads(call(lab, f"/proof_grading/api/{path}")[1])
    students = [s["student"] for s in data["submissions"]]
    expected = handed_in(course, assignment, notebook)
    listed = formgrader_list(lab, assignment, notebook)
    assert sorted(students) == sorted(expected) == sorted(listed)
    assert "reference" in students

    source = source_cells(assignment, notebook)[cell]
    rubric = proof_cells(ROOT / "source" / assignment / f"{notebook}.ipynb")[cell]
    bullets = source.source.split("**Rubric", 1)[1].split("### END SOLUTION")[0]
    assert len(data["items"]) == len(re.findall(r"^- ", bullets, re.MULTILINE)) >= 2
    assert data["points"] == source.metadata["nbgrader"]["points"]
    assert sum(item["points"] for item in data["items"]) == pytest.approx(data["points"])
    assert [(i["number"], i["points"], i["text"]) for i in data["items"]] == [
        (i.number, i.points, i.text) for i in rubric.items
    ]
    for item in data["items"]:
        assert item["text"] in bullets

    for submission in data["submissions"]:
        student = submission["student"]
        written = (
            reference_proof(source.source) if student == "reference" else mistake_proof(student)
        )
        rendered = submission["proof_html"]
        opening = "Instructor's solution." if student == "reference" else student
        assert f"<strong>{html.escape(opening, quote=False)}</strong>" in rendered, student
        assert rendered.count("$") == written.count("$"), student  # every formula, for MathJax
        first = re.search(r"\$[^$]+\$", written)[0]
        assert html.escape(first, quote=False) in rendered, student
        lines = steps_lines(course, student, assignment, notebook, cell)
        assert lines, f"{student}: no autograder verdicts in the notebook"
        for line in lines:
            assert line in submission["verdicts"], (student, line)
        steps = f"{cell.split('_')[0]}_steps_tests"
        if steps in source_cells(assignment, notebook):
            assert submission["verdicts"].startswith(f"{steps}:\n"), student
        if student == "reference":
            assert all(line.startswith("[PASS]") for line in lines)
        else:
            assert any(line.startswith("[FAIL]") for line in lines), student

    points = {item["number"]: item["points"] for item in data["items"]}
    chosen = {}
    for position, student in enumerate(students):
        items = sorted(points)[: position + 1] if student != "reference" else sorted(points)
        body = {"items": items, "comment": f"Checked by the test: {student}", "version": 0}
        status, saved = call(lab, f"/proof_grading/api/{path}/students/{student}", "PUT", body)
        assert status == 200 and json.loads(saved)["score"] == pytest.approx(
            min(sum(points[n] for n in items), data["points"])
        )
        chosen[student] = items
    formgrader = formgrader_list(lab, assignment, notebook)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", COURSE_ID) as gradebook:
        for student, items in chosen.items():
            grade = gradebook.find_grade(cell, notebook, assignment, student)
            comment = gradebook.find_comment(cell, notebook, assignment, student)
            expected_score = min(sum(points[n] for n in items), data["points"])
            assert grade.manual_score == pytest.approx(expected_score), student
            assert grade.score == pytest.approx(expected_score) and not grade.needs_manual_grade
            assert comment.manual_comment.startswith("Rubric items earned:")
            assert f"Checked by the test: {student}" in comment.manual_comment
            for number in items:
                assert data["items"][number - 1]["text"] in comment.manual_comment
            assert formgrader[student]["written_score"] == pytest.approx(expected_score)
    status, index = call(lab, "/proof_grading/")
    row = index.split(f'href="/proof_grading/grade/{path}"', 1)[1].split("</tr>", 1)[0]
    assert f"<td>{len(students)} / {len(students)}</td>" in row


def most_maths(assignment: str) -> tuple[str, str]:
    """(notebook, cell) of the assignment's proof whose solution holds the most LaTeX."""
    cells = [(n, c) for a, n, c in CELLS if a == assignment]
    return max(cells, key=lambda nc: source_cells(assignment, nc[0])[nc[1]].source.count("$"))


@pytest.mark.parametrize("assignment", sorted(MISTAKES))
def test_each_assignment_shows_its_proofs_typeset_offline(course, lab, page, assignment):
    base, token = lab
    blocked = offline(page)
    notebook, cell = most_maths(assignment)
    page.goto(f"{base}/proof_grading/?token={token}")
    page.get_by_role("link", name=cell, exact=True).click()
    cards = page.locator(".card")
    expect(cards).to_have_count(len(handed_in(course, assignment, notebook)))
    source = source_cells(assignment, notebook)[cell].source
    for index in range(cards.count()):
        student = cards.nth(index).get_attribute("data-student")
        written = reference_proof(source) if student == "reference" else mistake_proof(student)
        proof = cards.nth(index).locator(".proof")
        expect(proof.locator(".MathJax")).to_have_count(formulas(written))  # each one typeset
        assert "$" not in proof.inner_text(), student
    order = [cards.nth(i).get_attribute("data-student") for i in range(cards.count())]
    for _ in range(order.index("reference")):  # to the reference's card by keys, as a TA goes
        page.keyboard.press("j")
    reference = page.locator(".card[data-student='reference']")
    expect(reference).to_have_class(re.compile(r"\bcurrent\b"))
    toolbar = page.locator(".toolbar").bounding_box()
    title = reference.locator("h2").bounding_box()
    assert title["y"] >= toolbar["y"] + toolbar["height"]  # its title is not under the toolbar
    screenshot(page, f"proof-grading-class-{assignment}-{cell}")
    assert blocked == []  # nothing asked of the internet: MathJax and its fonts from the lab
