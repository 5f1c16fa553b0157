"""The exchange round trip on one machine, through the real nbgrader CLI (docs/jupyterlab.md).

The instructor releases from a copy of the course (question 1 only) into the exchange its
nbgrader_config.py names (``<course>/exchange``). Two students, each with their own HOME and working
folder, fetch, answer and submit: alice is configured through ``~/.jupyter/nbgrader_config.py``, bob
through command-line flags, and bob submits twice. The instructor collects (each student's latest
submission), autogrades bob, generates and releases feedback, and bob fetches it into his folder.
alice and bob have no accounts here (everything runs as one user), so that collect skips the owner
check; ``test_collect_refuses_*`` (run as root) check it with real uids and links.
"""

import json
import os
import pwd
from pathlib import Path

import nbformat
import pytest

from coursepack import example_class
from coursepack.course import nbgrader
from tests.q1_course import q1_course
from tests.support import ROOT

COURSE_ID = "dnn-math"
NOTEBOOK = "q1_ema.ipynb"
MISTAKE = ROOT / "examples" / "class" / "q1-mistake-variance-beta-k" / "q1_ema.py"


def run_as(home, cwd, *args):
    """`nbgrader ARGS` in cwd as the person whose home is ``home`` (own config and submit cache)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(home))
        for variable in [
            "JUPYTER_CONFIG_DIR",
            "JUPYTER_DATA_DIR",
            "JUPYTER_CONFIG_PATH",
            "JUPYTER_PATH",
        ]:
            patch.delenv(variable, raising=False)
        return nbgrader(cwd, *args)


def answer(notebook_path, answers):
    """Fill the fetched notebook in place, as the student would in JupyterLab."""
    nbformat.write(example_class.fill(notebook_path, answers), notebook_path)


def answer_cells(path):
    return {
        cell.metadata["nbgrader"]["grade_id"]: cell.source
        for cell in nbformat.read(path, as_version=4).cells
        if cell.metadata.get("nbgrader", {}).get("solution")
    }


@pytest.fixture(scope="module")
def trip(tmp_path_factory):
    top = tmp_path_factory.mktemp("exchange")
    course = q1_course(top / "course")
    exchange = course / "exchange"
    instructor, alice, bob = (top / name for name in ["instructor", "alice", "bob"])
    for person in [instructor, alice, bob]:
        (person / "work").mkdir(parents=True)
    (alice / ".jupyter").mkdir()
    (alice / ".jupyter" / "nbgrader_config.py").write_text(
        f"c = get_config()\nc.CourseDirectory.course_id = {COURSE_ID!r}\nc.Exchange.root = "
        f"{str(exchange)!r}\n"
    )
    bob_flags = [f"--course={COURSE_ID}", f"--Exchange.root={exchange}"]

    run_as(instructor, course, "release_assignment", "midterm")

    run_as(alice, alice / "work", "fetch_assignment", "midterm")
    alice_answers = example_class.reference_answers(course, "q1_ema")
    answer(alice / "work" / "midterm" / NOTEBOOK, alice_answers)
    run_as(alice, alice / "work", "submit", "midterm", "--student=alice")

    run_as(bob, bob / "work", "fetch_assignment", "midterm", *bob_flags)
    fetched_by_bob = nbformat.read(bob / "work" / "midterm" / NOTEBOOK, as_version=4)
    run_as(bob, bob / "work", "submit", "midterm", "--student=bob", *bob_flags)  # blank, by mistake
    bob_answers = example_class.read_answers(MISTAKE)
    answer(bob / "work" / "midterm" / NOTEBOOK, bob_answers)
    run_as(bob, bob / "work", "submit", "midterm", "--student=bob", *bob_flags)

    run_as(instructor, course, "collect", "midterm", "--ExchangeCollect.check_owner=False")
    run_as(instructor, course, "autograde", "midterm", "--student=bob")
    run_as(instructor, course, "generate_feedback", "midterm", "--student=bob")
    run_as(instructor, course, "release_feedback", "midterm", "--student=bob")
    run_as(bob, bob / "work", "fetch_feedback", "midterm", "--student=bob", *bob_flags)
    return {
        "course": course,
        "exchange": exchange,
        "alice": alice,
        "bob": bob,
        "fetched_by_bob": fetched_by_bob,
        "alice_answers": alice_answers,
        "bob_answers": bob_answers,
    }


def test_release_lands_in_the_exchange_named_by_the_course_config(trip):
    released = trip["exchange"] / COURSE_ID / "outbound" / "midterm" / NOTEBOOK
    assert released.exists(), sorted(str(p) for p in trip["exchange"].rglob("*"))
    assert json.loads(released.read_text()) == json.loads(
        (trip["course"] / "release" / "midterm" / NOTEBOOK).read_text()
    )


def test_students_fetch_the_release_into_their_own_folder(trip):
    release = nbformat.read(trip["course"] / "release" / "midterm" / NOTEBOOK, as_version=4)
    assert trip["fetched_by_bob"] == release
    assert (trip["alice"] / "work" / "midterm" / NOTEBOOK).exists()


def test_collect_takes_each_students_latest_submission(trip):
    submitted = trip["course"] / "submitted"
    assert sorted(p.name for p in submitted.iterdir()) == ["alice", "bob"]
    alice = answer_cells(submitted / "alice" / "midterm" / NOTEBOOK)
    bob = answer_cells(submitted / "bob" / "midterm" / NOTEBOOK)
    for cell, source in trip["alice_answers"].cells.items():
        assert alice[cell] == source, f"alice's {cell} did not arrive as she wrote it"
    for cell, source in trip["bob_answers"].cells.items():
        assert bob[cell] == source, f"bob's {cell} is not from his second (latest) submission"
    inbound = sorted(
        p.name.split("+")[0] for p in (trip["exchange"] / COURSE_ID / "inbound").iterdir()
    )
    assert inbound == ["alice", "bob", "bob"]


def test_feedback_comes_back_to_the_student_with_each_check(trip):
    feedback = sorted(
        (trip["bob"] / "work" / "midterm" / "feedback").glob(f"*/{NOTEBOOK[:-6]}.html")
    )
    assert len(feedback) == 1, sorted(str(p) for p in (trip["bob"] / "work").rglob("*"))
    html = feedback[0].read_text()
    assert "Autograded outside your notebook: 2 / 2 points" in html  # his ema is right
    assert "[FAIL]" in html and "var_mk" in html  # his variance is not, and he is told which part
    assert "BEGIN HIDDEN TESTS" not in html


def inbound_folders(exchange, student):
    return sorted((exchange / COURSE_ID / "inbound").glob(f"{student}+midterm+*"))


def chown_tree(folder, uid):
    for path in [folder, *folder.rglob("*")]:
        os.chown(path, uid, uid, follow_symlinks=False)


@pytest.fixture(scope="module")
def owned(tmp_path_factory):
    """As root: ``nobody`` submits (their folder chowned to their uid) with a link to the
    solutions and a FIFO added; a folder claiming ``daemon`` is owned by nobody; a newer folder
    claiming ``nobody`` is owned by root. Then the instructor collects."""
    if os.geteuid() != 0:
        pytest.skip("needs root to give inbound folders to other uids")
    top = tmp_path_factory.mktemp("owners")
    course = q1_course(top / "course")
    exchange = course / "exchange"
    nobody = pwd.getpwnam("nobody").pw_uid
    for person in ["instructor", "student"]:
        (top / person / "work").mkdir(parents=True)
    flags = [f"--course={COURSE_ID}", f"--Exchange.root={exchange}"]
    run_as(top / "instructor", course, "release_assignment", "midterm")
    work = top / "student" / "work"
    run_as(top / "student", work, "fetch_assignment", "midterm", *flags)
    answer(work / "midterm" / NOTEBOOK, example_class.reference_answers(course, "q1_ema"))
    run_as(top / "student", work, "submit", "midterm", "--student=nobody", *flags)
    [real] = inbound_folders(exchange, "nobody")
    os.symlink(course / "source" / "midterm" / NOTEBOOK, real / "solutions.ipynb.txt")
    os.symlink("../../../../source", real / "source")
    os.mkfifo(real / "pipe")
    chown_tree(real, nobody)
    run_as(top / "student", work, "submit", "midterm", "--student=daemon", *flags)
    chown_tree(inbound_folders(exchange, "daemon")[0], nobody)
    # newer, owned by root
    run_as(top / "student", work, "submit", "midterm", "--student=nobody", *flags)
    collected = run_as_unchecked(top / "instructor", course, "collect", "midterm")
    return {"course": course, "collected": collected, "real": real}


def run_as_unchecked(home, cwd, *args):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(home))
        return nbgrader(cwd, *args, check=False)


def test_collect_refuses_a_folder_not_owned_by_the_student_it_names(owned):
    result = owned["collected"]
    log = result.stdout + result.stderr
    assert result.returncode != 0, "a refusal is an error, not a warning"
    assert (
        "claims to be submitted by 'daemon'" in log and "claims to be submitted by 'nobody'" in log
    )
    submitted = owned["course"] / "submitted"
    assert not (submitted / "daemon" / "midterm").exists(), "daemon's forged folder was collected"
    timestamp = (submitted / "nobody" / "midterm" / "timestamp.txt").read_text()
    assert timestamp == (owned["real"] / "timestamp.txt").read_text(), "not the folder nobody owns"


def test_collect_copies_regular_files_only(owned):
    folder = owned["course"] / "submitted" / "nobody" / "midterm"
    entries = sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))
    assert entries == [NOTEBOOK, "submission_secret.txt", "timestamp.txt"], entries
    assert not any(Path(p).is_symlink() for p in folder.rglob("*"))
