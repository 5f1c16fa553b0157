"""The student's and the instructor's JupyterLab, driven in a real browser (docs/jupyterlab.md).

A real ``jupyter lab`` (nbgrader's extensions, as installed in the venv) runs in a copy of the
course holding question 1, released (so the exchange exists) and with two autograded
submissions: the reference and a student whose variance formula is wrong and who wrote a proof.
Debian's Chromium, headless, is driven by Playwright (.ci/setup-browser.sh installs it; Playwright
never downloads a browser here). Screenshots of every step go to tests/artifacts/.

- The student opens the released q1 notebook, types a wrong ``ema`` and sees the visible sanity
  check's message, fixes it, sees both sanity checks pass, saves and validates.
- The instructor opens the formgrader, sees the submission flagged for manual grading with the
  trusted feedback under its test cells, scores the proof, and ``nbgrader export`` has the score.
"""

import csv
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook
from playwright.sync_api import expect, sync_playwright

from coursepack import example_class
from coursepack.course import BIN, nbgrader
from tests.q1_course import NOTEBOOK, q1_course
from tests.support import ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = ROOT / "tests" / "artifacts"
MISTAKE = "q1-mistake-variance-beta-k"
PROOF = (
    "By linearity, $E[m^{k+1}] = \\beta E[m^k] + (1-\\beta)\\mu$, so $E[m^k] = "
    "(1-\\beta^k)\\mu$. By independence, $Var(m^{k+1}) = \\beta^2 Var(m^k) + "
    "(1-\\beta)^2\\sigma^2$; sum the geometric series."
)
MANUAL_SCORE = 3
WAIT_MS = 120_000  # a slow CI machine starting a kernel or a validation run


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """Question 1 released, the reference and MISTAKE (with a written proof) autograded."""
    assert CHROMIUM.exists(), f"{CHROMIUM} is missing: run .ci/setup-browser.sh"
    course = q1_course(tmp_path_factory.mktemp("lab") / "course")
    nbgrader(course, "release_assignment", "midterm")  # creates the exchange the formgrader needs
    example_class.build(course, ["reference"])
    answers = example_class.read_answers(ROOT / "examples" / "class" / MISTAKE / f"{NOTEBOOK}.py")
    answers.cells["q1_proof"] = PROOF
    submitted = course / "submitted" / MISTAKE / "midterm"
    submitted.mkdir(parents=True)
    nbformat.write(
        example_class.fill(course / "release" / "midterm" / f"{NOTEBOOK}.ipynb", answers),
        submitted / f"{NOTEBOOK}.ipynb",
    )
    nbgrader(course, "autograde", "midterm")
    student = course / "alice" / "midterm"  # a student's fetched copy, inside the served folder
    student.mkdir(parents=True)
    shutil.copy(course / "release" / "midterm" / f"{NOTEBOOK}.ipynb", student)
    return course


@pytest.fixture(scope="module")
def lab(course, tmp_path_factory):
    """Base URL (with token) of a `jupyter lab` serving the course; stopped afterwards."""
    home = tmp_path_factory.mktemp("home")
    (home / ".jupyter" / "labconfig").mkdir(parents=True)
    # The "official Jupyter news?" prompt would cover the page: switch its plugin off.
    (home / ".jupyter" / "labconfig" / "page_config.json").write_text(
        '{"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": true}}'
    )
    env = {key: value for key, value in os.environ.items() if not key.startswith("JUPYTER")}
    env.update(HOME=str(home), PATH=f"{BIN}:{env['PATH']}")
    port, token = free_port(), secrets.token_hex(16)
    log = (home / "lab.log").open("w")
    server = subprocess.Popen(
        [
            str(BIN / "jupyter"),
            "lab",
            "--no-browser",
            "--allow-root",
            "--ip=127.0.0.1",
            f"--port={port}",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={course}",
            "--LabApp.extension_manager=readonly",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ],
        cwd=course,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(server, f"{base}/api/status?token={token}", home / "lab.log")
        yield base, token
    finally:
        server.terminate()  # SIGTERM: the server shuts its kernels down and exits
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_serving(server, url: str, log: Path, timeout: float = 180):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(
                f"jupyter lab exited with {server.returncode}:\n{log.read_text()[-3000:]}"
            )
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(0.5)
    raise AssertionError(
        f"jupyter lab did not answer within {timeout} s:\n{log.read_text()[-3000:]}"
    )


@pytest.fixture
def page(tmp_path):
    """A page of a fresh headless Chromium (own profile folder)."""
    expect.set_options(timeout=WAIT_MS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch_persistent_context(
            tmp_path / "profile",
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 900},
        )
        try:
            page = browser.new_page()
            page.set_default_timeout(WAIT_MS)
            yield page
        finally:
            browser.close()


def screenshot(page, name: str):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png")


def cell_index(cells) -> dict:
    """grade_id -> position of the cell in the notebook."""
    return {
        cell.metadata["nbgrader"]["grade_id"]: index
        for index, cell in enumerate(cells)
        if "nbgrader" in cell.metadata
    }


def type_into(page, cell, text: str, markdown: bool = False):
    """Replace a cell's text, as typed (insert_text: no auto-indent or auto-closed brackets)."""
    cell.scroll_into_view_if_needed()
    if markdown:
        cell.dblclick()
    cell.locator(".cm-content").click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(text)


def run_all(page):
    page.get_by_text("Run", exact=True).click()
    page.get_by_text("Run All Cells", exact=True).click()


def test_student_sees_sanity_messages_and_validates(course, lab, page):
    base, token = lab
    path = course / "alice" / "midterm" / f"{NOTEBOOK}.ipynb"
    released = nbformat.read(path, as_version=4).cells
    index = cell_index(released)
    reference = example_class.reference_answers(course, NOTEBOOK)
    page.goto(f"{base}/lab/tree/alice/midterm/{NOTEBOOK}.ipynb?token={token}")
    cells = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell")
    expect(cells).to_have_count(len(released))
    expect(page.locator(".jp-StatusBar-TextItem", has_text="Idle").first).to_be_visible()
    expect(page.locator(".validate-button")).to_be_visible()  # nbgrader's labextension is active
    screenshot(page, "student-1-opened")

    type_into(page, cells.nth(index["q1_proof"]), PROOF, markdown=True)
    type_into(page, cells.nth(index["q1_ema"]), "def ema(g, beta):\n    return g.cumsum(0)\n")
    type_into(page, cells.nth(index["q1_formulas"]), reference.cells["q1_formulas"])
    type_into(page, cells.nth(index["q1_steps"]), reference.cells["q1_steps"])
    run_all(page)
    ema_output = cells.nth(index["q1_ema_tests"]).locator(".jp-OutputArea")
    expect(ema_output).to_contain_text(
        "AssertionError: ema(g, 0.5) with g of shape (3,) should have shape (4,), got (3,)"
    )
    ema_output.scroll_into_view_if_needed()
    screenshot(page, "student-2-sanity-message")

    type_into(page, cells.nth(index["q1_ema"]), reference.cells["q1_ema"])
    run_all(page)
    expect(ema_output).to_contain_text("ema: sanity checks passed")
    formulas_output = cells.nth(index["q1_formulas_tests"]).locator(".jp-OutputArea")
    expect(formulas_output).to_contain_text("formulas: sanity checks passed")
    steps_output = cells.nth(index["q1_steps_tests"]).locator(".jp-OutputArea")
    expect(steps_output).to_contain_text("key steps: sanity checks passed")
    formulas_output.scroll_into_view_if_needed()
    screenshot(page, "student-3-sanity-passed")

    page.keyboard.press("Control+S")
    expect(page.locator(".jp-mod-dirty")).to_have_count(0)
    saved = nbformat.read(path, as_version=4).cells
    assert saved[index["q1_ema"]].source.strip() == reference.cells["q1_ema"].strip()
    assert saved[index["q1_proof"]].source == PROOF
    page.locator(".validate-button").click()
    expect(page.locator(".jp-Dialog")).to_contain_text(
        "Success! Your notebook passes all the tests."
    )
    screenshot(page, "student-4-validated")


def test_instructor_grades_the_proof_in_formgrader_and_export_has_it(course, lab, page):
    base, token = lab
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "dnn-math") as gradebook:
        autograded = gradebook.find_submission("midterm", MISTAKE).score
    page.goto(f"{base}/lab?formgrader=true&token={token}")
    formgrader = page.frame_locator("iframe")
    expect(formgrader.get_by_role("heading", name="Manage Assignments")).to_be_visible()
    expect(formgrader.get_by_role("link", name="midterm")).to_be_visible()
    expect(formgrader.get_by_text("does not exist")).to_have_count(0)  # the exchange is usable
    screenshot(page, "instructor-1-formgrader")

    formgrader.get_by_role("link", name="Manual Grading").click()
    formgrader.get_by_role("link", name="midterm").click()
    formgrader.get_by_role("link", name=NOTEBOOK).click()
    expect(formgrader.get_by_role("link", name="Submission #2")).to_be_visible()  # rows loaded
    formgrader.get_by_role("button", name="Show All Names").click()
    row = formgrader.locator("tr", has=formgrader.get_by_role("link", name=MISTAKE))
    expect(row.locator("[data-search='needs manual grade']")).to_have_count(1)
    expect(row.locator("[data-search='tests failed']")).to_have_count(1)
    screenshot(page, "instructor-2-submissions")

    row.get_by_role("link", name=MISTAKE).click()
    failed = formgrader.get_by_text("[FAIL]").first
    expect(failed).to_be_visible()
    expect(formgrader.get_by_text("Autograded outside your notebook: 2 / 2 points")).to_be_visible()
    failed.scroll_into_view_if_needed()
    screenshot(page, "instructor-3-feedback")

    proof = formgrader.locator("input.score#q1_proof")
    proof.scroll_into_view_if_needed()
    # its maths is typeset (MathJax)
    expect(formgrader.get_by_text("By linearity,")).to_be_visible()
    with page.expect_response(
        lambda r: "/formgrader/api/grade/" in r.url and r.request.method == "PUT"
    ) as saved:
        proof.fill(str(MANUAL_SCORE))
        proof.press("Tab")
    assert saved.value.ok
    screenshot(page, "instructor-4-manual-score")

    nbgrader(course, "export")
    with open(course / "grades.csv") as table:
        rows = {row["student_id"]: row for row in csv.DictReader(table)}
    assert float(rows[MISTAKE]["score"]) == pytest.approx(autograded + MANUAL_SCORE)
    # 3-point proof ungraded
    assert float(rows["reference"]["score"]) == float(rows["reference"]["max_score"]) - 3
