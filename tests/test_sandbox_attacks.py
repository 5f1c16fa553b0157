"""Hostile submissions graded through the real nbgrader CLI, with student kernels sandboxed.

One ``nbgrader autograde`` run grades every ``examples/class/attack-*`` submission, the honest
wrong answer they are combined with (``attack-baseline-wrong``) and the reference, on a copy of
the course reduced to question 1 and with tight limits (1.5 GiB of address space, 10 s per cell),
then ``nbgrader generate_feedback`` writes their feedback. Each attack must gain no points,
change nothing outside its own scratch copy, leave the other students as they were, and the run
must finish in time. Links and special files never reach a copy; what a browser shows of a
submission (the autograded notebook, the feedback page) runs none of the student's script. A
run without bubblewrap must grade nothing.
"""

import ast
import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from nbconvert import HTMLExporter
from nbgrader.api import Gradebook

from coursepack import example_class
from graders.core.kernel import GAVE_UP
from graders.plugin import is_autograded_test
from graders.sandbox import SANDBOX_HOME, Sandbox
from tests.q1_course import q1_course
from tests.support import ROOT
from coursepack.course import BIN

ATTACKS = sorted(p.parent.name for p in (ROOT / "examples" / "class").glob("attack-*/q1_ema.py"))
STUDENTS = ["reference", *ATTACKS]
TIGHT_LIMITS = """
# tests/test_sandbox_attacks.py: tight limits, so the hostile examples hit them quickly.
# A warm kernel maps 0.9 GiB before any student code (torch, SymPy, matplotlib, ipykernel's
# threads): 1.5 GiB leaves an honest answer room, and the 2 GiB hog still hits the cap.
c.Sandbox.memory_limit = 3 * 2**29
c.Execute.timeout = 10
"""
OWN_WRITES = ("autograded", "feedback", "gradebook.db", "gradebook.db-journal", "__pycache__")
SECONDS_PER_STUDENT = 120  # wall clock the autograde run may take per submission (a hang guard)
LINKED_NOTEBOOK = "submitted/attack-symlink-notebook/midterm/q1_ema.ipynb"
CHROMIUM = Path("/usr/bin/chromium")


def limited_q1_course(target: Path, extra_config: str) -> Path:
    """The question-1 course (tests/q1_course.py) with ``extra_config`` added to its
    nbgrader_config.py."""
    course = q1_course(target)
    config = course / "nbgrader_config.py"
    config.write_text(config.read_text() + extra_config)
    return course


def tree_digest(course: Path) -> dict:
    """{relative path: sha256} of the course's regular files (links not followed), minus what
    autograde itself writes."""
    digest = {}
    for folder, _, names in os.walk(course):
        for name in names:
            path = Path(folder) / name
            relative = path.relative_to(course)
            if stat.S_ISREG(path.lstat().st_mode) and not set(relative.parts) & set(OWN_WRITES):
                digest[str(relative)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digest


def regular_files(folder: Path) -> list[str]:
    """Relative paths of the regular files under ``folder`` (links not followed)."""
    return sorted(
        str(Path(d, n).relative_to(folder))
        for d, _, names in os.walk(folder)
        for n in names
        if stat.S_ISREG(os.lstat(os.path.join(d, n)).st_mode)
    )


def special_entries(folder: Path) -> list[str]:
    """Entries under ``folder`` that are neither regular files nor directories."""
    return [
        os.path.join(d, n)
        for d, dirs, names in os.walk(folder)
        for n in dirs + names
        if not (
            stat.S_ISREG(os.lstat(os.path.join(d, n)).st_mode)
            or stat.S_ISDIR(os.lstat(os.path.join(d, n)).st_mode)
        )
    ]


def timed_nbgrader(course: Path, seconds: float, *args: str) -> subprocess.CompletedProcess:
    """`nbgrader ARGS` in ``course``, killed (and the test failed) after ``seconds`` of wall
    clock."""
    env = dict(os.environ, PATH=f"{BIN}:{os.environ['PATH']}")
    return subprocess.run(
        [str(BIN / "nbgrader"), *args],
        cwd=course,
        env=env,
        capture_output=True,
        text=True,
        timeout=seconds,
    )


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    course = limited_q1_course(tmp_path_factory.mktemp("attacks"), TIGHT_LIMITS)
    example_class.build(course, STUDENTS)
    before = tree_digest(course)
    started = time.monotonic()
    result = timed_nbgrader(
        course, SECONDS_PER_STUDENT * len(STUDENTS), "autograde", "midterm", "--force"
    )
    seconds = time.monotonic() - started
    feedback = timed_nbgrader(course, 300, "generate_feedback", "midterm", "--student=attack-*")
    return {
        "course": course,
        "result": result,
        "seconds": seconds,
        "before": before,
        "feedback": feedback,
    }


def grades(course: Path, student: str) -> dict:
    """{test cell: (score, max)} of the student's q1 notebook, from the gradebook."""
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        notebook = gradebook.find_submission_notebook("q1_ema", "midterm", student)
        return {g.name: (g.score, g.max_score) for g in notebook.grades if g.cell_type == "code"}


def notebook_text(course: Path, student: str) -> str:
    return (course / "autograded" / student / "midterm" / "q1_ema.ipynb").read_text()


def cell_outputs(course: Path, student: str) -> list:
    """Outputs of the student's extra cell (the last cell)."""
    return (
        nbformat.read(course / "autograded" / student / "midterm" / "q1_ema.ipynb", as_version=4)
        .cells[-1]
        .outputs
    )


def failed_submissions(stderr: str) -> str:
    """The tracebacks nbgrader logged where a submission failed (its summary at the end of the
    log names the students, not the reasons)."""
    lines = stderr.splitlines()
    starts = [i for i, line in enumerate(lines) if "error processing assignment:" in line]
    return "\n".join("\n".join(lines[i : i + 80]) for i in starts) or stderr[-3000:]


def test_the_batch_completes(run):
    assert run["result"].returncode == 0, failed_submissions(run["result"].stderr)
    for student in STUDENTS:
        assert grades(run["course"], student), f"{student} was not graded"


def test_reference_keeps_full_marks_under_the_limits(run):
    for cell, (score, maximum) in grades(run["course"], "reference").items():
        assert score == maximum, f"reference lost points on {cell} in the sandbox"


@pytest.mark.parametrize("student", [a for a in ATTACKS if a != "attack-baseline-wrong"])
def test_attack_gains_nothing(run, student):
    answers = example_class.read_answers(ROOT / "examples" / "class" / student / "q1_ema.py")
    graded = grades(run["course"], student)
    for cell, expected in answers.expect.items():
        score, maximum = graded[cell]
        assert {
            "full": score == maximum,
            "zero": score == 0,
            "less": score < maximum,
            "partial": 0 < score < maximum,
        }[expected], f"{cell}: {score}/{maximum}, expected {expected}"
    assert answers.baseline, f"{student} names no baseline (# no-better-than:)"
    baseline = grades(run["course"], answers.baseline)
    for cell, (score, _) in graded.items():
        assert score <= baseline[cell][0], (
            f"{cell}: {score} beats the honest wrong answer's {baseline[cell][0]}"
        )


def test_nothing_outside_the_scratch_copies_changed(run):
    course = run["course"]
    after = tree_digest(course)
    released = hashlib.sha256(
        (course / "release" / "midterm" / "q1_ema.ipynb").read_bytes()
    ).hexdigest()
    assert after.pop(LINKED_NOTEBOOK) == released, "a linked notebook is graded as the released one"
    assert after == run["before"]
    for student in STUDENTS:
        submitted = regular_files(course / "submitted" / student / "midterm")
        autograded = regular_files(course / "autograded" / student / "midterm")
        assert autograded == submitted, f"autograded/{student} holds other files than it submitted"
    planted = [p for p in course.rglob("*PWNED*")]
    assert not planted
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for student in STUDENTS:
            for notebook in gradebook.find_submission("midterm", student).notebooks:
                assert all(grade.manual_score is None for grade in notebook.grades), (
                    f"{student}'s grades were edited"
                )


def test_no_course_file_reaches_a_notebook(run):
    course = run["course"]
    solution = max(
        example_class.reference_answers(course, "q1_ema").cells["q1_ema"].splitlines(), key=len
    ).strip()
    host_paths = [str(course), str(ROOT), str(Path(sys.prefix)), str(Path(sys.prefix).resolve())]
    secrets = [
        *host_paths,
        "def reference_ema",
        "QUESTION.check",
        "SQLite format 3",
        "BEGIN SOLUTION",
        solution,
    ]
    for student in ATTACKS:
        text = notebook_text(course, student)
        for secret in secrets:
            assert secret not in text, f"{student}'s notebook shows {secret!r}"
    seen = "".join(o.get("text", "") for o in cell_outputs(course, "attack-host-paths"))
    assert "/proc/self" in seen or "/opt/venv" in seen, (
        f"the host-path probe did not run: {seen[:500]}"
    )
    outputs = "".join(o.get("text", "") for o in cell_outputs(course, "attack-read-course"))
    assert "network reachable: []" in outputs
    report = "".join(o.get("text", "") for o in cell_outputs(course, "attack-write-course"))
    written = ast.literal_eval(report.split("written outside my folder:")[1].strip())
    assert all(path.startswith(SANDBOX_HOME + "/") for path in written), (
        f"writes outside the sandbox's home: {written}"
    )


def test_memory_cap_stops_the_hog(run):
    errors = [
        o for o in cell_outputs(run["course"], "attack-memory-hog") if o.output_type == "error"
    ]
    assert errors and errors[0].ename == "MemoryError"


def test_process_cap_stops_the_storm_and_nothing_survives(run):
    text = "".join(o.get("text", "") for o in cell_outputs(run["course"], "attack-process-storm"))
    threads, processes = (int(word) for word in text.split() if word.isdigit())
    cap = Sandbox().max_processes
    assert threads < cap and processes < cap, text
    first = orphaned_kernels()
    time.sleep(2)  # a kernel being shut down by a concurrent run is not an orphan
    assert not first & orphaned_kernels(), "sandboxed processes outlived their sandbox"


def orphaned_kernels() -> set:
    """Pids of sandboxed kernel processes (or their forks) whose sandbox folder is gone."""
    found = set()
    for proc in Path("/proc").iterdir():
        try:
            argv = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"ipykernel_launcher" in argv and b"-f" in argv[:-1]:
            connection_file = argv[argv.index(b"-f") + 1]
            if b"nbgrader-sandbox-" in connection_file and not os.path.exists(connection_file):
                found.add(proc.name)
    return found


def test_output_flood_is_cut(run):
    assert "output cut by the grader" in notebook_text(run["course"], "attack-output-flood")
    assert (
        run["course"] / "autograded" / "attack-output-flood" / "midterm" / "q1_ema.ipynb"
    ).stat().st_size < 2 * 2**20


def test_a_kernel_that_cannot_be_restored_is_given_up(run):
    """Its replayed answer cell hangs: after the restarts, the cells left and every check say
    why they score 0 (and the batch went on, tested above)."""
    notebook = nbformat.read(
        run["course"] / "autograded" / "attack-hang-when-restored" / "midterm" / "q1_ema.ipynb",
        as_version=4,
    )
    reason = " ".join(GAVE_UP.split())  # the feedback wraps its lines

    def said(cell) -> str:
        return " ".join(
            "".join(o.get("text", "") + o.get("evalue", "") for o in cell.outputs).split()
        )

    code = {cell.metadata.get("nbgrader", {}).get("grade_id"): cell for cell in notebook.cells}
    assert reason in said(code["q1_formulas"])  # the cell that killed the kernel
    assert f"not run: {reason}" in said(code["q1_steps"])  # the cell after it
    tests = [cell for cell in notebook.cells if is_autograded_test(cell)]
    assert tests
    for cell in tests:
        assert reason in said(cell), f"{cell.metadata.nbgrader.grade_id}: {said(cell)[:500]}"


def test_grading_stops_without_bubblewrap(tmp_path):
    """No bwrap on PATH: every submission fails to grade, with the reason, and no score is
    recorded."""
    course = q1_course(tmp_path)
    example_class.build(course, ["reference"])
    no_tools = tmp_path / "bin"
    no_tools.mkdir()
    for tool in ["alembic", "python", "python3"]:
        os.symlink(BIN / tool, no_tools / tool)
    env = dict(os.environ, PATH=str(no_tools))
    result = subprocess.run(
        [str(BIN / "nbgrader"), "autograde", "midterm", "--force"],
        cwd=course,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "c.Sandbox.enabled = False" in result.stdout + result.stderr
    assert not (course / "autograded" / "reference" / "midterm").exists()
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        notebook = gradebook.find_submission_notebook("q1_ema", "midterm", "reference")
        assert all(grade.auto_score is None for grade in notebook.grades)


def test_grading_fails_closed_when_the_hook_that_drops_links_is_off(tmp_path):
    """Without ``Autograde.pre_convert_hook`` nbgrader copies what links point to: the plugin then
    grades nothing for that student (no score, no autograded folder), and the others as usual."""
    course = limited_q1_course(tmp_path, "\nc.Autograde.pre_convert_hook = lambda **kwargs: None\n")
    example_class.build(course, ["reference"])
    linker = course / "submitted" / "linker" / "midterm"
    shutil.copytree(course / "submitted" / "reference" / "midterm", linker)
    (linker / "notes.txt").symlink_to("../../../source/midterm/q1_ema.ipynb")
    result = timed_nbgrader(course, 600, "autograde", "midterm", "--force")
    assert "still holds links or special files" in result.stdout + result.stderr
    assert not (course / "autograded" / "linker" / "midterm").exists()
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        hostile = gradebook.find_submission_notebook("q1_ema", "midterm", "linker")
        assert all(grade.auto_score is None for grade in hostile.grades)
        honest = gradebook.find_submission_notebook("q1_ema", "midterm", "reference")
        assert all(
            grade.score == grade.max_score for grade in honest.grades if grade.cell_type == "code"
        )


def test_links_and_special_files_reach_no_copy(run):
    """Every non-regular entry is dropped from submitted/ before nbgrader copies it; nothing a
    link pointed to is in autograded/, the kernel's scratch copy or feedback/."""
    course = run["course"]
    for step in ("submitted", "autograded", "feedback"):
        assert not special_entries(course / step), f"{step}/ holds links or special files"
    student = course / "autograded" / "attack-symlink-solutions" / "midterm"
    assert sorted(p.name for p in student.iterdir()) == ["q1_ema.ipynb"]
    text = "".join(o.get("text", "") for o in cell_outputs(course, "attack-symlink-solutions"))
    assert "not regular files here: []" in text and "course files found: 0" in text, text
    assert "dropped from the submission" in run["result"].stdout + run["result"].stderr


def test_feedback_holds_only_the_feedback_page(run):
    assert run["feedback"].returncode == 0, run["feedback"].stderr[-3000:]
    for student in ATTACKS:
        folder = run["course"] / "feedback" / student / "midterm"
        assert {p.name for p in folder.iterdir()} <= {
            "q1_ema.html",
            "timestamp.txt",
            "submission_secret.txt",
        }, student


def test_the_run_finished_within_its_wall_clock_limit(run):
    assert run["seconds"] < SECONDS_PER_STUDENT * len(STUDENTS)


INERT_TYPES = {"text/plain", "text/html", "image/png", "image/jpeg"}


def test_student_outputs_are_inert_and_carry_no_metadata(run):
    for student in STUDENTS:
        notebook = nbformat.read(
            run["course"] / "autograded" / student / "midterm" / "q1_ema.ipynb", as_version=4
        )
        for cell in notebook.cells:
            if cell.cell_type != "code" or cell.metadata.get("nbgrader", {}).get("grade"):
                continue
            for output in cell.outputs:
                assert set(output.get("data", {})) <= INERT_TYPES, (student, output)
                assert not output.get("metadata"), (student, output)
    text = "".join(o.get("text", "") for o in cell_outputs(run["course"], "attack-active-output"))
    assert "the grader removed output it does not show" in text


def pages_of_active_attack(run, tmp_path) -> dict:
    """{name: HTML file}: the feedback page, and the autograded notebook rendered by nbconvert
    WITHOUT its sanitising option (as a formgrader or viewer with default settings would)."""
    course = run["course"]
    autograded = course / "autograded" / "attack-active-output" / "midterm" / "q1_ema.ipynb"
    raw = tmp_path / "autograded-unsanitised.html"
    raw.write_text(HTMLExporter(sanitize_html=False).from_filename(str(autograded))[0])
    return {
        "feedback": course / "feedback" / "attack-active-output" / "midterm" / "q1_ema.html",
        "autograded": raw,
    }


def test_no_student_script_runs_in_a_browser(run, tmp_path):
    """Debian's Chromium (tests/test_browser.py) opens each page: window.pwned stays unset."""
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), f"{CHROMIUM} is missing: run .ci/setup-browser.sh"
    pages = pages_of_active_attack(run, tmp_path)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            for name, path in pages.items():
                page = browser.new_page()
                page.route(
                    "**/*",
                    lambda route: route.abort()
                    if not route.request.url.startswith("file:")
                    else route.continue_(),
                )
                page.goto(path.as_uri(), wait_until="load")
                page.wait_for_timeout(1500)
                assert page.evaluate("typeof window.pwned") == "undefined", (
                    name,
                    page.evaluate("window.pwned"),
                )
                page.close()
        finally:
            browser.close()


def test_the_pages_hold_no_active_markup(run, tmp_path):
    """The same pages parsed: no student script, handler, javascript: URL, iframe or refresh."""
    from bs4 import BeautifulSoup

    for name, path in pages_of_active_attack(run, tmp_path).items():
        soup = BeautifulSoup(path.read_text(), "html.parser")
        assert not [s for s in soup.find_all("script") if "pwned" in s.get_text()], name
        assert not soup.find_all(["iframe", "object", "embed", "svg"]), name
        assert not soup.find_all("meta", attrs={"http-equiv": True}), name
        for tag in soup.find_all(True):
            for attribute, value in tag.attrs.items():
                assert not attribute.lower().startswith("on"), (name, str(tag)[:200])
                assert "javascript:" not in json.dumps(value).lower(), (name, str(tag)[:200])
