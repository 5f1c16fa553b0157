"""Grade one student's submission: nbgrader's autograde, then its feedback, in this process.

A Dask worker runs this for one submission at a time (see coursepack/grade_class.py). It is
nbgrader's own ``Autograde`` and ``GenerateFeedback`` converters with the course's
``nbgrader_config.py``, so the plugin's rules score everything: a cell that fails, hangs or
kills its kernel costs the checks it affects, not the run. Every gradebook session holds the
gradebook's lock (coursepack/gradebook_lock.py). Running in-process keeps the worker's imports
(nbgrader, torch, the graders) warm from one submission to the next.

When it is done it writes a record next to the autograded folder: the digest of the submitted
files and whether grading succeeded. A later run skips a submission whose record says graded
with the same digest; the grades themselves are committed to the gradebook as nbgrader goes,
so an interrupted run loses none that finished.
"""

import ctypes
import hashlib
import json
import logging
import os
import sys
import time
import traceback
from contextlib import contextmanager
from pathlib import Path

from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from coursepack import gradebook_lock

#: Set to "0" by grade_class when every core has a worker: prefetching would only compete with them.
PREFETCH_VARIABLE = "COURSEPACK_PREFETCH"
LOGGERS = ("traitlets", "graders")  # nbgrader's converters (no parent app) log to "traitlets"


def course_config(root: Path, db_url: str | None = None) -> Config:
    """The settings of ``<root>/nbgrader_config.py``, with the gradebook URL overridden if given."""
    config = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    config.CourseDirectory.root = str(root)
    if db_url:
        config.CourseDirectory.db_url = db_url
    return config


def submitted_folder(root: Path, assignment: str, student: str) -> Path:
    return root / "submitted" / student / assignment


def digest(folder: Path) -> str:
    """A hash of every file's relative path and bytes: changes when the submission changes."""
    sha = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        sha.update(str(path.relative_to(folder)).encode() + b"\0")
        sha.update(hashlib.sha256(path.read_bytes()).digest())
    return sha.hexdigest()


def record_path(root: Path, assignment: str, student: str) -> Path:
    return root / "autograded" / student / f"{assignment}.grade_class.json"


def read_record(root: Path, assignment: str, student: str) -> dict | None:
    try:
        return json.loads(record_path(root, assignment, student).read_text())
    except (OSError, ValueError):
        return None


def grade_submission(
    root: str,
    assignment: str,
    student: str,
    db_url: str | None,
    log_dir: str,
    more_follow: bool = True,
) -> dict:
    """Autograde and generate feedback for one student; returns (and records) the outcome.
    ``more_follow``: this worker may grade another submission after this one (grade_class says
    no for the last ones), so the next one's sandbox may start meanwhile."""
    root_path = Path(root)
    started = time.monotonic()
    submission_digest = digest(submitted_folder(root_path, assignment, student))
    log_file = Path(log_dir) / f"{student}.log"
    log_file.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(log_file, mode="w")
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    errors = FirstError()
    loggers = [logging.getLogger(name) for name in LOGGERS]
    for logger in loggers:
        logger.addHandler(handler)
        logger.addHandler(errors)
        logger.setLevel(logging.INFO)
    try:
        with _output_to(log_file):
            config = course_config(root_path, db_url)
            _start_first_sandbox(config)
            gradebook_lock.install()
            _run_nbgrader(config, assignment, student, more_follow)
        status, error = "graded", ""
    except Exception as exc:  # noqa: BLE001
        # any failure is this submission's, reported, not raised
        status, error = "failed", errors.message or f"{type(exc).__name__}: {exc}".strip()
        logging.getLogger("traitlets").error(
            "grading %s failed:\n%s", student, traceback.format_exc()
        )
    finally:
        for logger in loggers:
            logger.removeHandler(handler)
            logger.removeHandler(errors)
        handler.close()
    outcome = {
        "student": student,
        "status": status,
        "error": error,
        "digest": submission_digest,
        "seconds": round(time.monotonic() - started, 3),
        "log": str(log_file),
        "worker_pid": os.getpid(),
    }
    _write_atomically(record_path(root_path, assignment, student), json.dumps(outcome, indent=1))
    return outcome


class FirstError(logging.Handler):
    """Keeps the cause of a failure: nbgrader logs the traceback, then raises a generic
    exception."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.message = ""

    def emit(self, record):
        text = record.getMessage().strip()
        if not self.message and text.startswith("Traceback"):
            self.message = text.splitlines()[-1]


def _start_first_sandbox(config: Config) -> None:
    """In a new worker, start its first sandbox's template before importing nbgrader and the
    graders, so that the two sets of imports run side by side (graders/warm.py)."""
    from graders import warm
    from graders.sandbox import Sandbox

    warm.SANDBOXES.start_first(Sandbox(config=config))


def _run_nbgrader(config: Config, assignment: str, student: str, more_follow: bool) -> None:
    """What ``nbgrader autograde A --student S --force`` then ``generate_feedback`` do."""
    from nbgrader.converters import Autograde, GenerateFeedback
    from nbgrader.coursedir import CourseDirectory

    from graders import warm

    coursedir = CourseDirectory(config=config)
    coursedir.assignment_id = assignment
    coursedir.student_id = student
    autograde = Autograde(coursedir=coursedir, config=config)
    autograde.force = True
    autograde.create_student = True
    # A worker grades submission after submission: while this one is graded, the next one's
    # sandbox and template start (graders/warm.py) unless grade_class said no core is idle for
    # it; this one's box closes when it is done.
    warm.SANDBOXES.more_follow = more_follow and os.environ.get(PREFETCH_VARIABLE, "1") == "1"
    try:
        autograde.start()  # raises NbGraderException if the submission could not be graded
    finally:
        warm.SANDBOXES.finish()
        _return_freed_memory()
    feedback = GenerateFeedback(coursedir=coursedir, config=config)
    feedback.force = True
    feedback.start()


def _return_freed_memory() -> None:
    """Give the memory a submission's checks freed back to the system (glibc keeps it in the
    heap otherwise), so that a worker's footprint does not ratchet up with the class. (A full
    ``gc.collect()`` first would cost about 0.4 s per submission for little more.)"""
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


@contextmanager
def _output_to(log_file: Path):
    """Send this process's stdout and stderr (and so its kernels') to the student's log
    meanwhile."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = [os.dup(1), os.dup(2)]
    with open(log_file, "a") as log:
        os.dup2(log.fileno(), 1)
        os.dup2(log.fileno(), 2)
    try:
        yield
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        for fd, copy in zip((1, 2), saved):
            os.dup2(copy, fd)
            os.close(copy)


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text)
    os.replace(temporary, path)
