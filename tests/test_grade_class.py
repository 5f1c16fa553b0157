"""``python -m coursepack.grade_class`` through real nbgrader, kernels and Dask, on a small class.

Each test grades a few submissions of question 1 only (tests/q1_course.py, to keep kernel
starts few): the reference, a blank notebook, a wrong
``ema``, a notebook whose answer kills its kernel and one that is not a notebook at all.
PostgreSQL comes from .ci/setup-postgres.sh (Debian's server, started on loopback for the
session); the external-cluster test starts ``dask scheduler`` and ``dask worker`` processes.
"""

import csv
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
import warnings
import zipfile
from pathlib import Path

import nbformat
import pytest

from coursepack import example_class
from coursepack.course import BIN as VENV_BIN, nbgrader
from tests import gradebook_sessions
from tests.q1_course import NOTEBOOK, q1_course
from tests.support import ROOT

ASSIGNMENT = "midterm"
ENV = dict(os.environ, PATH=f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}")
WRONG_EMA = (
    "def ema(g, beta):\n    return torch.zeros((g.shape[0] + 1, *g.shape[1:]), dtype=g.dtype)\n"
)
KILL_KERNEL = "import os\nos._exit(1)\n"


def submit(course: Path, student: str, ema_cell: str | None = "reference") -> Path:
    """Submit q1: the reference answers, with the ``ema`` cell replaced unless "reference"; None =
    blank."""
    release = course / "release" / ASSIGNMENT / f"{NOTEBOOK}.ipynb"
    target = course / "submitted" / student / ASSIGNMENT / f"{NOTEBOOK}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    if ema_cell is None:
        shutil.copy(release, target)
        return target
    answers = example_class.reference_answers(course, NOTEBOOK)
    if ema_cell != "reference":
        answers.cells["q1_ema"] = ema_cell
    nbformat.write(example_class.fill(release, answers), target)
    return target


def grade_class(course: Path, *args: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "coursepack.grade_class", ASSIGNMENT, "--no-progress", *args]
    done = subprocess.run(command, cwd=course, env=ENV, capture_output=True, text=True, timeout=900)
    print(done.stdout, done.stderr[-3000:])
    return done


def read_csv(path: Path) -> dict[str, dict]:
    with path.open() as file:
        rows = list(csv.DictReader(file))
    key = (
        "student_id"
        if rows and "student_id" in rows[0]
        else "student"
        if rows and "student" in rows[0]
        else None
    )
    return {row[key]: row for row in rows} if key else {i: row for i, row in enumerate(rows)}


def autograded_points(course: Path) -> float:
    """Points of q1's autograded test cells: what the reference earns before manual grading."""
    notebook = nbformat.read(course / "release" / ASSIGNMENT / f"{NOTEBOOK}.ipynb", as_version=4)
    return sum(
        float(cell.metadata["nbgrader"]["points"])
        for cell in notebook.cells
        if cell.cell_type == "code"
        and cell.metadata.get("nbgrader", {}).get("grade")
        and not cell.metadata["nbgrader"].get("solution")
    )


def gradebook_scores(db_url: str) -> dict[str, dict[str, float | None]]:
    """{student: {grade cell: auto score}} for every submission of the assignment."""
    from nbgrader.api import Gradebook

    with Gradebook(db_url, "dnn-math") as gradebook:
        return {
            submission.student_id: {
                grade.name: grade.auto_score for nb in submission.notebooks for grade in nb.grades
            }
            for submission in gradebook.assignment_submissions(ASSIGNMENT)
        }


@pytest.fixture(scope="module")
def base_course(tmp_path_factory) -> Path:
    return q1_course(tmp_path_factory.mktemp("grade-class") / "course")


@pytest.fixture
def course(base_course: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(base_course, tmp_path / "course"))


# ------------------------------------------------------------------ SQLite, local cluster


def test_grades_the_class_reports_failures_and_resumes(course: Path):
    for student, cell in [
        ("reference", "reference"),
        ("blank", None),
        ("wrong-ema", WRONG_EMA),
        ("kernel-killer", KILL_KERNEL),
    ]:
        submit(course, student, cell)
    (course / "submitted" / "not-a-notebook" / ASSIGNMENT).mkdir(parents=True)
    (course / "submitted" / "not-a-notebook" / ASSIGNMENT / f"{NOTEBOOK}.ipynb").write_text(
        "{ this is not JSON"
    )

    done = grade_class(course, "--workers", "2")

    assert done.returncode == 1, "a failed submission makes the exit status 1"
    assert "5 to grade" in done.stdout
    assert "graded 4, skipped 0 (unchanged), failed 1" in done.stdout
    assert "FAILED not-a-notebook: nbformat.reader.NotJSONError" in done.stdout
    full = autograded_points(course)
    reports = course / "reports" / ASSIGNMENT
    scores = read_csv(reports / "scores.csv")
    assert {s: r["status"] for s, r in scores.items()} == {
        "reference": "graded",
        "blank": "graded",
        "wrong-ema": "graded",
        "kernel-killer": "graded",
        "not-a-notebook": "failed",
    }
    assert float(scores["reference"][NOTEBOOK]) == full
    assert float(scores["blank"]["score"]) == 0
    assert 0 < float(scores["wrong-ema"][NOTEBOOK]) < full
    assert 0 < float(scores["kernel-killer"][NOTEBOOK]) < float(scores["wrong-ema"][NOTEBOOK]), (
        "a dead kernel costs the cells that needed it; the formulas are still graded"
    )
    assert scores["not-a-notebook"]["score"] == ""

    graded = gradebook_scores(f"sqlite:///{course / 'gradebook.db'}")
    for student in ("reference", "blank", "wrong-ema", "kernel-killer"):
        assert graded[student] and all(
            score is not None for name, score in graded[student].items() if name.endswith("_tests")
        ), (student, graded[student])
        assert (course / "feedback" / student / ASSIGNMENT / f"{NOTEBOOK}.html").exists()
    assert (
        sum(graded["reference"][cell] for cell in graded["reference"] if cell.endswith("_tests"))
        == full
    )

    exported = read_csv(reports / "grades.csv")
    assert sorted(exported) == sorted(scores), "nbgrader's export: one row per student"
    assert float(exported["reference"]["score"]) == full

    from graders.midterm.q1_ema import QUESTION

    checks = list(csv.DictReader((reports / "checks.csv").open()))
    registered = {
        (cell, check.name) for cell, cell_checks in QUESTION.cells.items() for check in cell_checks
    }
    assert {(row["cell"], row["check"]) for row in checks} == registered
    for row in checks:
        assert row["submissions"] == "4", row
        assert 1 <= int(row["failed"]) <= 3, (
            f"the blank notebook fails every check, the reference none: {row}"
        )
    recurrence = next(row for row in checks if row["check"] == "ema_follows_the_recurrence")
    assert recurrence["failed"] == "3", "blank, wrong-ema and kernel-killer all lose it"

    page = (reports / "report.html").read_text()
    assert all(student in page for student in scores)
    assert f"<img src='{NOTEBOOK}.png'" in page
    assert (reports / f"{NOTEBOOK}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    # Second run: blank resubmits (a wrong ema), the broken submission is withdrawn.
    autograded = course / "autograded"
    before = {
        s: (autograded / s / ASSIGNMENT / f"{NOTEBOOK}.ipynb").stat().st_mtime_ns
        for s in ("reference", "wrong-ema", "kernel-killer")
    }
    submit(course, "blank", WRONG_EMA)
    shutil.rmtree(course / "submitted" / "not-a-notebook")

    done = grade_class(course, "--workers", "2")

    assert done.returncode == 0
    assert "4 submissions of midterm: 1 to grade, 3 already graded and unchanged" in done.stdout
    assert "graded 1, skipped 3 (unchanged), failed 0" in done.stdout
    assert before == {
        s: (autograded / s / ASSIGNMENT / f"{NOTEBOOK}.ipynb").stat().st_mtime_ns for s in before
    }
    scores = read_csv(reports / "scores.csv")
    assert scores["blank"]["status"] == "graded" and scores["reference"]["status"] == "skipped"
    assert scores["blank"][NOTEBOOK] == scores["wrong-ema"][NOTEBOOK]


def test_an_interrupted_run_keeps_what_it_finished(course: Path):
    submit(course, "a-quick", WRONG_EMA)
    # still running when interrupted
    submit(course, "b-slow", "import time\ntime.sleep(10)\n" + WRONG_EMA)
    command = [
        sys.executable,
        "-m",
        "coursepack.grade_class",
        ASSIGNMENT,
        "--no-progress",
        "--workers",
        "1",
    ]
    run = subprocess.Popen(
        command, cwd=course, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    records = course / "autograded"
    deadline = time.monotonic() + 600
    while (
        not list(records.glob(f"*/{ASSIGNMENT}.grade_class.json")) and time.monotonic() < deadline
    ):
        time.sleep(0.2)
    run.send_signal(signal.SIGINT)
    output = run.communicate(timeout=120)[0]
    print(output)
    assert run.returncode != 0 and "interrupted" in output
    assert [path.parent.name for path in records.glob(f"*/{ASSIGNMENT}.grade_class.json")] == [
        "a-quick"
    ]

    done = grade_class(course)

    assert "2 submissions of midterm: 1 to grade, 1 already graded and unchanged" in done.stdout
    assert done.returncode == 0
    scores = read_csv(course / "reports" / ASSIGNMENT / "scores.csv")
    assert scores["a-quick"]["status"] == "skipped" and scores["b-slow"]["status"] == "graded"
    assert scores["a-quick"][NOTEBOOK] == scores["b-slow"][NOTEBOOK] != ""


# ------------------------------------------------------------------ the gradebook lock


@pytest.mark.parametrize("locked", [True, False], ids=["with-lock", "without-lock-control"])
def test_gradebook_writers_queue_on_the_lock_instead_of_failing(
    tmp_path: Path, locked: bool, monkeypatch
):
    """A write that waits longer than SQLite's 5 s busy timeout fails, unless sessions hold the
    lock."""
    from nbgrader.api import Gradebook

    monkeypatch.setenv("PATH", ENV["PATH"])  # nbgrader runs `alembic` to create a gradebook
    db_url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    Gradebook(db_url, "dnn-math").close()
    ready, result = str(tmp_path / "ready"), str(tmp_path / "result")
    context = multiprocessing.get_context("spawn")
    holder = context.Process(
        target=gradebook_sessions.hold_write_lock, args=(db_url, locked, ready, 7.0)
    )
    writer = context.Process(
        target=gradebook_sessions.write_student, args=(db_url, locked, ready, result)
    )
    holder.start()
    writer.start()
    holder.join(120)
    writer.join(120)
    outcome = Path(result).read_text()
    if locked:
        assert outcome == "ok"
        with Gradebook(db_url, "dnn-math") as gradebook:
            assert gradebook.find_student("holder").first_name == "busy"
            assert gradebook.find_student("writer")
    else:
        assert "database is locked" in outcome, outcome


# ------------------------------------------------------------------ PostgreSQL


@pytest.fixture(scope="module")
def postgres_server():
    """The URL of a PostgreSQL server started by .ci/setup-postgres.sh for this module."""
    folder = tempfile.mkdtemp(prefix="coursepack-postgres-")
    script = ROOT / ".ci" / "setup-postgres.sh"
    started = subprocess.run(
        ["bash", str(script), "start", folder], capture_output=True, text=True, timeout=600
    )
    if started.returncode != 0:
        message = (
            "PostgreSQL COULD NOT BE STARTED, the PostgreSQL tests are "
            f"SKIPPED:\n{started.stderr[-2000:]}"
        )
        warnings.warn(message)
        print(message, file=sys.stderr)
        pytest.skip(message)
    yield started.stdout.strip().splitlines()[-1]
    subprocess.run(["bash", str(script), "stop", folder], capture_output=True, timeout=120)
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_server: str) -> str:
    """A fresh database on the test server."""
    import psycopg2

    name = f"grade_class_{uuid.uuid4().hex[:12]}"
    connection = psycopg2.connect(postgres_server)
    connection.autocommit = True
    connection.cursor().execute(f"CREATE DATABASE {name}")
    connection.close()
    # SQLAlchemy 2.1 reads a bare postgresql:// as psycopg 3; the course uses psycopg2.
    return (
        postgres_server.replace("postgresql://", "postgresql+psycopg2://").rsplit("/", 1)[0]
        + f"/{name}"
    )


def test_grades_into_postgresql(course: Path, postgres_url: str):
    nbgrader(
        course,
        "generate_assignment",
        ASSIGNMENT,
        "--force",
        f"--CourseDirectory.db_url={postgres_url}",
    )
    (course / "gradebook.db").unlink()
    submit(course, "reference")
    submit(course, "wrong-ema", WRONG_EMA)

    done = grade_class(course, "--db-url", postgres_url, "--workers", "2")

    assert done.returncode == 0
    assert "graded 2, skipped 0 (unchanged), failed 0" in done.stdout
    assert not (course / "gradebook.db").exists(), "nothing went to the default SQLite gradebook"
    graded = gradebook_scores(postgres_url)
    full = autograded_points(course)
    assert sum(v for k, v in graded["reference"].items() if k.endswith("_tests")) == full
    assert 0 < sum(v for k, v in graded["wrong-ema"].items() if k.endswith("_tests")) < full
    exported = read_csv(course / "reports" / ASSIGNMENT / "grades.csv")
    assert sorted(exported) == ["reference", "wrong-ema"]
    assert float(exported["reference"]["score"]) == full


# -------------------------------------------------------- an existing Dask cluster, an LMS download


@pytest.fixture
def dask_cluster(tmp_path: Path):
    """A scheduler and two single-threaded worker processes on loopback, started as an admin would:
    outside the course folder and without this repository on their path."""
    import psutil
    from distributed import Client

    scheduler_file = tmp_path / "scheduler.json"
    env = {k: v for k, v in ENV.items() if k != "PYTHONPATH"}
    common = dict(
        cwd=tmp_path,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    processes = [
        subprocess.Popen(
            [
                str(VENV_BIN / "dask"),
                "scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--no-dashboard",
                "--scheduler-file",
                str(scheduler_file),
            ],
            **common,
        )
    ]
    try:
        deadline = time.monotonic() + 120
        while not scheduler_file.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        processes.append(
            subprocess.Popen(
                [
                    str(VENV_BIN / "dask"),
                    "worker",
                    "--scheduler-file",
                    str(scheduler_file),
                    "--nworkers",
                    "2",
                    "--nthreads",
                    "1",
                    "--no-dashboard",
                    "--host",
                    "127.0.0.1",
                ],
                **common,
            )
        )
        with Client(scheduler_file=str(scheduler_file), timeout=60) as client:
            client.wait_for_workers(2, timeout=120)
            address = client.scheduler.address
        worker_pids = {p.pid for p in psutil.Process(processes[1].pid).children(recursive=True)}
        yield address, worker_pids
    finally:
        for process in reversed(processes):
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def test_collects_an_lms_zip_and_grades_on_an_existing_cluster(
    course: Path, tmp_path: Path, dask_cluster
):
    address, worker_pids = dask_cluster
    download = tmp_path / "lms-download"
    download.mkdir()
    with zipfile.ZipFile(download / "submissions.zip", "w") as archive:
        for number, (student, cell) in enumerate(
            [("reference", "reference"), ("wrong-ema", WRONG_EMA)]
        ):
            notebook = submit(course, student, cell)
            archive.write(notebook, f"{student}_{100 + number}_{5000 + number}_{NOTEBOOK}.ipynb")
    shutil.rmtree(course / "submitted")

    done = grade_class(course, "--zip", str(download), "--scheduler", address)

    assert done.returncode == 0
    assert "graded 2, skipped 0 (unchanged), failed 0" in done.stdout
    assert sorted(p.name for p in (course / "submitted").iterdir()) == ["reference", "wrong-ema"]
    scores = read_csv(course / "reports" / ASSIGNMENT / "scores.csv")
    full = autograded_points(course)
    assert float(scores["reference"]["score"]) == full
    assert 0 < float(scores["wrong-ema"]["score"]) < full
    from coursepack.grade_submission import read_record

    pids = {
        read_record(course, ASSIGNMENT, student)["worker_pid"]
        for student in ("reference", "wrong-ema")
    }
    assert pids <= worker_pids, "graded by the external cluster's worker processes"


def in_a_fresh_process(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_the_report_checks_are_imported_while_the_class_is_graded():
    """grade_class starts importing the question modules the report reads in a thread, before
    its workers grade (coursepack/class_report.py ``preload_checks``)."""
    loaded = in_a_fresh_process(
        "import sys; from pathlib import Path; from coursepack import class_report\n"
        "class_report.preload_checks(Path('.'), 'midterm').join()\n"
        "print(sorted(m for m in sys.modules if m.startswith('graders.midterm.q')))"
    )
    notebooks = sorted(p.stem for p in (ROOT / "release" / ASSIGNMENT).glob("*.ipynb"))
    assert loaded == str([f"graders.midterm.{notebook}" for notebook in notebooks])


def test_the_batch_processes_validate_notebooks_without_jsonschemas_iri_grammar():
    """coursepack/lean_imports.py keeps rfc3987_syntax (a Lark grammar built at import) out of
    grade_class and its workers; nbformat still validates, and still refuses a broken notebook."""
    verdicts = in_a_fresh_process(
        "import sys; from coursepack import lean_imports; import nbformat\n"
        f"nb = nbformat.read({str(ROOT / 'release' / ASSIGNMENT / 'q1_ema.ipynb')!r}, 4)\n"
        "nbformat.validate(nb)\n"
        "nb.cells[0]['cell_type'] = 'nonsense'\n"
        "try:\n    nbformat.validate(nb)\nexcept nbformat.ValidationError:\n    print('refused')\n"
        "print(sys.modules.get('rfc3987_syntax', 'absent'))"
    )
    assert verdicts.splitlines() == ["refused", "None"]
