"""The proof-grading page (coursepack/proof_grading/) in a real browser, with no internet.

A real ``jupyter lab`` (fixtures of tests/test_browser.py: Debian's Chromium through
Playwright) serves a copy of the course holding question 1 with three autograded submissions
whose proofs carry LaTeX; one also carries script, an event handler and a javascript: link,
put back into its autograded notebook after autograde's own quarantine (graders/sanitize.py).
Every request not to the lab's own address is aborted, so MathJax can only come from the lab.

- A TA reaches the page from formgrader's menu, grades the three proofs with keys only
  (1-9 toggle items, Enter for the next ungraded), filters "not yet graded", changes an item's
  points and sees the three re-scored, and ``nbgrader export`` (with the Canvas exporter) has
  the manual scores.
- A second TA saving over a grading they had not seen is refused with a message.
- Logged in once, the TA opens formgrader's own view of a notebook graded on the page: its
  score box and comment hold the page's score and comment, its maths is typeset; both exports
  count the score. The feedback HTML shows the maths as MathML.
Screenshots go to tests/artifacts/proof-grading-*.png.
"""

import csv
import http.cookiejar
import json
import re
import urllib.error
import urllib.request
from urllib.parse import urlparse

import nbformat
import pytest
from nbgrader.api import Gradebook
from playwright.sync_api import expect

from coursepack import example_class
from coursepack.course import nbgrader
from coursepack.proof_grading.rubric import proof_cells
from tests.q1_course import NOTEBOOK, q1_course
from tests.support import ROOT
from tests.test_browser import CHROMIUM, lab, page, screenshot  # noqa: F401 (fixtures)

CELL = "q1_proof"
PROOFS = {
    "q1-alt-closed-form": (
        "Unrolling, $m^k = (1-\\beta)\\sum_{i=0}^{k-1} \\beta^{k-1-i} g^i$, so by linearity\n\n"
        "$$\\mathbb{E}[m^k] = (1-\\beta^k)\\mu.$$"
    ),
    "q1-mistake-steps-base-case": (
        "By independence, $\\text{Var}(m^{k+1}) = "
        "\\beta^2\\text{Var}(m^k) + (1-\\beta)^2\\sigma^2$."
    ),
    "reference": (
        "<script>document.title='pwned'</script>\n\n"
        "<img src=x onerror=\"document.title='pwned'\">\n\n"
        "[see](javascript:document.title='pwned') Limits: $\\beta^k \\to 0$ as $0 < \\beta < 1$."
    ),
}
PAGE = f"/proof_grading/grade/midterm/{NOTEBOOK}/{CELL}"
HOSTILE = "reference"
COURSE_ID = "dnn-math"


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """Question 1 with three autograded submissions, each with a written proof."""
    assert CHROMIUM.exists(), f"{CHROMIUM} is missing: run .ci/setup-browser.sh"
    course = q1_course(tmp_path_factory.mktemp("proofs") / "course")
    nbgrader(course, "release_assignment", "midterm")  # formgrader wants the exchange
    release = course / "release" / "midterm" / f"{NOTEBOOK}.ipynb"
    for student, proof in PROOFS.items():
        if student == "reference":
            answers = example_class.reference_answers(course, NOTEBOOK)
        else:
            answers = example_class.read_answers(
                ROOT / "examples" / "class" / student / f"{NOTEBOOK}.py"
            )
        answers.cells[CELL] = proof
        folder = course / "submitted" / student / "midterm"
        folder.mkdir(parents=True)
        nbformat.write(example_class.fill(release, answers), folder / f"{NOTEBOOK}.ipynb")
    nbgrader(course, "autograde", "midterm")
    # autograde shows active Markdown as plain text (graders/sanitize.py); the page must not rely
    # on it: put the hostile proof back into the autograded notebook, as an older run left it.
    autograded = course / "autograded" / HOSTILE / "midterm" / f"{NOTEBOOK}.ipynb"
    notebook = nbformat.read(autograded, as_version=4)
    for cell in notebook.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == CELL:
            cell.source = PROOFS[HOSTILE]
    nbformat.write(notebook, autograded)
    return course


def offline(page) -> list[str]:
    """Abort every request that does not go to the lab (127.0.0.1) or a file; returns them."""
    blocked = []

    def route(request_route):
        url = urlparse(request_route.request.url)
        if url.scheme in ("file", "data") or url.hostname == "127.0.0.1":
            request_route.continue_()
        else:
            blocked.append(request_route.request.url)
            request_route.abort()

    page.context.route("**/*", route)
    return blocked


def manual_scores(course) -> dict[str, float | None]:
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", COURSE_ID) as gradebook:
        return {s: gradebook.find_grade(CELL, NOTEBOOK, "midterm", s).manual_score for s in PROOFS}


def rubric_points(course) -> dict[int, float]:
    rubric = proof_cells(course / "source" / "midterm" / f"{NOTEBOOK}.ipynb")[CELL]
    return {item.number: item.points for item in rubric.items}


def autograded_totals(course) -> dict[str, float]:
    """{student: sum of the autograded scores of their midterm}."""
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", COURSE_ID) as gradebook:
        return {
            s: sum(
                grade.auto_score or 0
                for notebook in gradebook.find_submission("midterm", s).notebooks
                for grade in notebook.grades
            )
            for s in PROOFS
        }


def exports(course) -> tuple[dict[str, float], dict[str, float]]:
    """{student: midterm score} of nbgrader's grades.csv and of the Canvas import file."""
    with open(course / "grades.csv") as table:
        exported = {row["student_id"]: float(row["score"]) for row in csv.DictReader(table)}
    with open(course / "canvas_grades.csv") as table:
        canvas = {
            row["SIS Login ID"]: float(row["midterm"]) for row in list(csv.DictReader(table))[1:]
        }
    return exported, canvas


def card(page, student: str):
    return page.locator(f".card[data-student='{student}']")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args):
        return None  # urllib then raises HTTPError with the 302


def test_only_a_logged_in_instructor_reaches_the_page(course, lab):
    base, token = lab
    opener = urllib.request.build_opener(NoRedirect)
    for path in ["/proof_grading/", PAGE, "/proof_grading/static/proof_grading.js"]:
        with pytest.raises(urllib.error.HTTPError) as refused:  # no token, no cookie: login page
            opener.open(base + path, timeout=30)
        assert refused.value.code == 302 and "/login" in refused.value.headers["Location"]
    with opener.open(
        f"{base}/proof_grading/?token={token}", timeout=30
    ) as index:  # with it: served
        assert CELL in index.read().decode()
    api = f"{base}/proof_grading/api/midterm/{NOTEBOOK}/{CELL}"
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(api, timeout=30)
    assert refused.value.code == 403
    logged_in = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    logged_in.open(f"{base}/proof_grading/?token={token}", timeout=30).close()  # the login cookie
    put = urllib.request.Request(
        f"{api}/students/reference",
        method="PUT",
        data=json.dumps({"items": [1], "version": 0}).encode(),
    )
    with pytest.raises(urllib.error.HTTPError) as refused:  # a cookie but no XSRF token: a forgery
        logged_in.open(put, timeout=30)
    assert refused.value.code == 403
    assert all(score is None for score in manual_scores(course).values())


def test_ta_grades_three_proofs_with_keys_and_rescoring_reaches_export(course, lab, page):
    base, token = lab
    blocked = offline(page)
    points = rubric_points(course)
    last = max(points)
    plan = {
        "q1-alt-closed-form": [1, 3],
        "q1-mistake-steps-base-case": [1, 2, last],
        "reference": [1],
    }

    page.goto(f"{base}/proof_grading/?token={token}")  # logs in (formgrader's cookie is path-bound)
    page.goto(f"{base}/formgrader/manage_assignments")
    page.get_by_role("link", name="Proof grading").click()  # formgrader's menu entry
    page.get_by_role("link", name=CELL).click()
    expect(page.locator("#progress")).to_have_text("graded 0 / 3")
    students = sorted(PROOFS)
    expect(page.locator(".card")).to_have_count(3)
    first = card(page, students[0])
    expect(first).to_have_class("card current")
    expect(first.locator(".proof .MathJax")).to_have_count(2)  # typeset by the lab's MathJax
    assert "\\beta" not in first.locator(".proof").inner_text()
    expect(card(page, "q1-mistake-steps-base-case").locator(".verdicts")).to_contain_text("[PASS]")
    hostile = card(page, HOSTILE).locator(".proof")
    expect(hostile.locator(".MathJax")).to_have_count(2)
    active = "script:not([type^='math/tex']), img, [onerror], a[href^='javascript' i]"
    assert hostile.locator(active).count() == 0  # (MathJax keeps each formula in a math/tex script)
    assert page.title() != "pwned"
    first.scroll_into_view_if_needed()
    screenshot(page, "proof-grading-1-page")

    for index, student in enumerate(students):
        for number in plan[student]:
            with page.expect_response(
                lambda r: "/students/" in r.url and r.request.method == "PUT"
            ) as saved:
                page.keyboard.press(str(number))
            assert saved.value.ok
        expected = min(sum(points[n] for n in plan[student]), sum(points.values()))
        expect(card(page, student).locator(".score")).to_have_text(
            f"{expected:g} / {sum(points.values()):g}"
        )
        if index == 0:
            page.locator("#only-ungraded").check()  # the filter: graded cards leave the list
        page.keyboard.press("Enter")
        if index < 2:
            expect(card(page, students[index + 1])).to_have_class("card current")
            expect(card(page, student)).to_be_hidden()
    expect(page.locator("#progress")).to_have_text("graded 3 / 3")
    expect(page.locator("#message")).to_have_text("All 3 submissions are graded.")
    page.locator("#only-ungraded").uncheck()
    graded = {s: sum(points[n] for n in plan[s]) for s in PROOFS}
    assert manual_scores(course) == pytest.approx(graded)
    screenshot(page, "proof-grading-2-graded")

    page.get_by_text("Edit the rubric").click()
    row = page.locator("#rubric-items .edit[data-item='1']")
    row.locator(".points").fill(str(points[1] - 0.5))
    row.get_by_role("button", name="Change…").click()
    expect(page.locator("#rescore-message")).to_contain_text(
        "This re-scores 3 submission(s) that have it."
    )
    screenshot(page, "proof-grading-3-rescore-count")
    page.locator("#rescore-apply").click()
    expect(page.locator("#message")).to_have_text("Item 1 changed; 3 submission(s) re-scored.")
    rescored = {s: score - 0.5 for s, score in graded.items()}
    for student, score in rescored.items():
        expect(card(page, student).locator(".score")).to_contain_text(f"{score:g} / ")
    assert manual_scores(course) == pytest.approx(rescored)
    expect(first.locator(".proof .MathJax")).to_have_count(2)  # re-rendered: typeset again
    for student in students:
        expect(card(page, student).locator(".panel")).not_to_contain_text("$")
    screenshot(page, "proof-grading-4-rescored")

    nbgrader(course, "export", "--exporter", "coursepack.canvas_export.CanvasExportPlugin")
    autograded = autograded_totals(course)
    exported, canvas = exports(course)
    for student in PROOFS:
        assert exported[student] == pytest.approx(autograded[student] + rescored[student])
        assert canvas[student] == pytest.approx(exported[student], abs=0.005)
    assert not [url for url in blocked if "mathjax" in url.lower()]


def test_a_second_ta_cannot_overwrite_unseen_work(course, lab, page):
    base, token = lab
    offline(page)
    page.goto(f"{base}{PAGE}?token={token}")
    other = page.context.new_page()  # the second TA, who opened the page at the same time
    other.goto(f"{base}{PAGE}?token={token}")
    for tab in (page, other):
        expect(tab.locator(".card")).to_have_count(3)
    student = "q1-mistake-steps-base-case"
    before = manual_scores(course)[student]
    with page.expect_response(lambda r: "/students/" in r.url) as first:
        card(page, student).locator(".item[data-item='2']").click()
    assert first.value.ok
    after_first = manual_scores(course)[student]
    assert after_first != before
    with other.expect_response(lambda r: "/students/" in r.url) as second:
        card(other, student).locator(".item[data-item='1']").click()
    assert second.value.status == 409
    status = card(other, student).locator(".status")
    expect(status).to_contain_text("was saved by")
    expect(status).to_contain_text("your change was not saved")
    assert manual_scores(course)[student] == after_first  # the first TA's work stands
    expect(card(other, student).locator(".panel")).not_to_contain_text("$")  # typeset again
    card(other, student).scroll_into_view_if_needed()
    screenshot(other, "proof-grading-5-second-ta-refused")
    with other.expect_response(lambda r: "/students/" in r.url) as third:  # now up to date: saved
        card(other, student).locator(".item[data-item='2']").click()
    assert third.value.ok


def test_formgrader_shows_the_score_and_comment_saved_on_the_page(course, lab, page):
    """A proof graded with keys on the page: formgrader's own view of that notebook shows its
    score and comment (and the proof's maths, offline), and both exports count the score."""
    base, token = lab
    blocked = offline(page)
    student = "q1-alt-closed-form"
    page.goto(f"{base}{PAGE}?token={token}")  # the TA's login (a cookie for the whole server)
    current = card(page, student)
    expect(current).to_have_class(re.compile(r"\bcurrent\b"))  # the first card: keys grade it
    for key in ["0", "2", "4"]:  # none, then items 2 and 4
        with page.expect_response(lambda r: "/students/" in r.url) as saved:
            page.keyboard.press(key)
        assert saved.value.ok
    remark = "Item 3: state where $g^k$ independent of $m^k$ is used."
    with page.expect_response(lambda r: "/students/" in r.url) as saved:
        current.locator("textarea.comment").fill(remark)
        current.locator("textarea.comment").press("Tab")  # a change: saved
    assert saved.value.ok
    score = float(current.locator(".score").inner_text().split("/")[0])
    wordings = [
        page.locator(f"#rubric-items .edit[data-item='{n}'] .text").input_value() for n in (2, 4)
    ]
    assert score == pytest.approx(sum(rubric_points(course)[n] for n in (2, 4)))

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", COURSE_ID) as gradebook:
        submission = gradebook.find_submission_notebook(NOTEBOOK, "midterm", student).id
    page.goto(f"{base}/formgrader/submissions/{submission}/")  # no token: the same login
    expect(page.locator(f"input#{CELL}")).to_have_value(f"{score:g}")
    comment = page.locator(f"textarea#{CELL}-comment")
    expect(comment).to_have_value(re.compile(r"^Rubric items earned:"))
    for text in [*wordings, remark]:
        assert text in comment.input_value()
    proof = page.locator(".nbgrader_cell .text_cell_render", has_text="Unrolling")
    expect(proof.locator(".MathJax")).to_have_count(2)
    assert "\\sum" not in proof.inner_text()
    proof.scroll_into_view_if_needed()  # with its score box above and the comment below
    screenshot(page, "proof-grading-6-formgrader-view")
    assert blocked == []

    nbgrader(course, "export", "--exporter", "coursepack.canvas_export.CanvasExportPlugin")
    exported, canvas = exports(course)
    assert exported[student] == pytest.approx(autograded_totals(course)[student] + score)
    assert canvas[student] == pytest.approx(exported[student], abs=0.005)


def test_feedback_renders_maths_offline(course, page):
    blocked = offline(page)
    student = "q1-alt-closed-form"
    nbgrader(course, "generate_feedback", "midterm", "--force")
    feedback = course / "feedback" / student / "midterm" / f"{NOTEBOOK}.html"
    page.goto(feedback.as_uri())
    answer = page.locator(".nbgrader_cell .text_cell_render", has_text="Unrolling")
    maths = answer.locator("math")
    expect(maths).to_have_count(2)
    assert maths.nth(0).locator("msubsup").count() == 1  # the sum with its limits
    box = maths.nth(0).bounding_box()
    assert box and box["height"] > 15  # laid out by Chromium's MathML: limits raised and lowered
    assert "\\beta" not in answer.inner_text() and "$" not in answer.inner_text()
    expect(page.get_by_text("Rubric items earned:").first).to_be_visible()  # the page's comment
    answer.scroll_into_view_if_needed()
    screenshot(page, "proof-grading-7-feedback-maths")
    assert all("127.0.0.1" not in url for url in blocked)
