"""A grader that is killed leaves its sandbox's scratch copy; the next one to start removes it,
and never the live scratch copy of a grader running in parallel (issue 12, class 8)."""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import pytest

from coursepack import example_class
from coursepack.course import BIN
from graders.sandbox import (
    LEFTOVER_AGE,
    LOCK_NAME,
    SCRATCH_PREFIX,
    SHARED_VIEW_VARIABLE,
    VIEW_READY,
    Sandbox,
    share_venv_view,
)
from tests.q1_course import q1_course

TMP = Path(tempfile.gettempdir())
ENV = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
NEXT_START = "from graders.sandbox import Sandbox; Sandbox().check()"


def scratch_folders() -> set[Path]:
    return set(TMP.glob(f"{SCRATCH_PREFIX}*"))


def test_a_killed_graders_scratch_copy_is_removed_by_the_next_start(tmp_path):
    course = q1_course(tmp_path / "course")
    example_class.build(course, ["attack-infinite-loop"])
    marker = f"marker-{uuid.uuid4().hex}.txt"  # tells this grader's scratch copy from others'
    (course / "submitted" / "attack-infinite-loop" / "midterm" / marker).write_text("")
    before = scratch_folders()
    grader = subprocess.Popen(
        [str(BIN / "nbgrader"), "autograde", "midterm", "--force"],
        cwd=course,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 300
    try:
        while time.monotonic() < deadline:
            mine = [p for p in scratch_folders() - before if (p / "submission" / marker).exists()]
            if mine:
                break
            time.sleep(0.5)
        else:
            pytest.fail("the grader never made a scratch copy")
        time.sleep(2)  # the kernel is running the student's endless loop
    finally:
        os.killpg(grader.pid, signal.SIGKILL)
        grader.wait()
    [leftover] = mine
    assert leftover.exists(), "a SIGKILLed grader cannot clean up after itself"

    started = subprocess.run(
        [sys.executable, "-c", NEXT_START],
        cwd=course,
        env=ENV,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert started.returncode == 0, started.stderr
    assert not leftover.exists(), "the next grader's start left the dead one's scratch copy"


def test_a_live_box_is_kept_and_only_abandoned_folders_go(tmp_path):
    submission = tmp_path / "submission"
    submission.mkdir()
    (submission / "answer.txt").write_text("mine")
    old_unlocked = Path(tempfile.mkdtemp(prefix=SCRATCH_PREFIX))  # as an older version left them
    os.utime(old_unlocked, (time.time() - 2 * LEFTOVER_AGE,) * 2)
    new_unlocked = Path(tempfile.mkdtemp(prefix=SCRATCH_PREFIX))
    foreign = Path(tempfile.mkdtemp(prefix=SCRATCH_PREFIX))
    (foreign / LOCK_NAME).touch()
    if os.geteuid() == 0:
        os.chown(foreign, 65534, 65534)
    try:
        with Sandbox().open(submission) as box:
            assert (box.workdir / "answer.txt").read_text() == "mine"
            sweep = subprocess.run(
                [
                    sys.executable,
                    "-c",
                    "from graders.sandbox import remove_leftovers as r; print(r())",
                ],
                env=ENV,
                cwd=Path(__file__).parent.parent,
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert sweep.returncode == 0, sweep.stderr
            assert box.scratch.exists(), "a parallel grader removed a live box"
            assert not old_unlocked.exists() and new_unlocked.exists()
            assert foreign.exists() == (os.geteuid() == 0), "only folders of this user are judged"
        assert not box.scratch.exists()
    finally:
        for folder in (new_unlocked, foreign):
            shutil.rmtree(folder, ignore_errors=True)


def test_special_files_never_reach_the_scratch_copy(tmp_path):
    submission = tmp_path / "submission"
    (submission / "nested").mkdir(parents=True)
    (submission / "q1_ema.ipynb").write_text("{}")
    (submission / "nested" / "data.csv").write_text("1,2\n")
    secret = tmp_path / "secret.txt"
    secret.write_text("solutions")
    os.symlink(secret, submission / "absolute.txt")
    os.symlink("../secret.txt", submission / "relative.txt")
    os.symlink(tmp_path, submission / "nested" / "folder")
    os.symlink("nowhere", submission / "dangling")
    os.mkfifo(submission / "pipe")
    os.link(secret, submission / "hardlink.txt")  # a regular file: copied as a copy of its data
    with Sandbox().open(submission) as box:
        copied = sorted(str(p.relative_to(box.workdir)) for p in box.workdir.rglob("*"))
        assert copied == ["hardlink.txt", "nested", "nested/data.csv", "q1_ema.ipynb"]
        assert not any(p.is_symlink() for p in box.workdir.rglob("*"))
        assert os.stat(box.workdir / "hardlink.txt").st_nlink == 1


VENV_SOURCE = "from graders import sandbox; print(sandbox._venv_source())"


def test_processes_started_under_a_shared_venv_view_bind_it_and_it_is_removed_after():
    """grade_class builds one view of the venv for its workers (graders/sandbox.py
    share_venv_view): a process started inside the block binds that view instead of building
    its own; a view that is not complete is not used; the view is gone after the block."""
    with share_venv_view() as view_built:
        shared = Path(os.environ[SHARED_VIEW_VARIABLE])
        view_built()
        assert (shared / "bin" / "python").exists() and (shared / "lib").is_dir()
        child = subprocess.run(
            [sys.executable, "-c", VENV_SOURCE], capture_output=True, text=True, check=True
        )
        assert child.stdout.strip() == str(shared)
        (shared.parent / VIEW_READY).unlink()  # as if its build had failed
        child = subprocess.run(
            [sys.executable, "-c", VENV_SOURCE], capture_output=True, text=True, check=True
        )
        own = Path(child.stdout.strip())
        assert own != shared and own.name == "venv" and own.parent.name.startswith(SCRATCH_PREFIX)
        assert not own.exists()  # the child removed its own view when it exited
    assert SHARED_VIEW_VARIABLE not in os.environ
    for thread in threading.enumerate():
        if thread.name == "venv-view-removal":
            thread.join()
    assert not shared.parent.exists()
