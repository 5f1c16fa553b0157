"""Grade a whole class in one command: collect, autograde in parallel, feedback, export, report.

    .venv/bin/python -m coursepack.grade_class midterm [--zip DIR] [--scheduler ADDRESS]
        [--workers N] [--force] [--student ID ...] [--db-url URL] [--no-progress]

Run it from the course root (the folder of ``nbgrader_config.py``); docs/grade_class.md has
the details. Each submission is graded on its own by a Dask worker (coursepack/worker_task.py
→ coursepack/grade_submission.py); a local cluster of one single-threaded worker process per
core is started unless ``--scheduler`` names an existing one. Submissions whose record says
they were graded and whose files have not changed since are skipped unless ``--force``. A
submission that cannot be graded is reported and the others go on; the exit status is 1 if
any failed. At the end nbgrader's CSV export and the instructor's report are written to
``reports/<assignment>/``.
"""

import argparse
import logging
import os
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from coursepack import lean_imports  # noqa: F401, I001 (before nbgrader)

from nbgrader.coursedir import CourseDirectory

from coursepack import class_report, gradebook_lock, worker_task
from coursepack.grade_submission import (
    PREFETCH_VARIABLE,
    course_config,
    digest,
    read_record,
    submitted_folder,
)
from graders.sandbox import Sandbox, share_venv_view


@dataclass
class Summary:
    """What a run did, per student: each outcome is a grade_submission result or a skip."""

    outcomes: dict[str, dict] = field(default_factory=dict)
    grading_seconds: float = 0.0
    total_seconds: float = 0.0

    def students(self, status: str) -> list[str]:
        return sorted(s for s, outcome in self.outcomes.items() if outcome["status"] == status)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m coursepack.grade_class", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("assignment", help="assignment id, e.g. midterm")
    parser.add_argument(
        "--zip",
        metavar="DIR",
        type=Path,
        help="first collect the files and zip archives in DIR (an LMS download) with `nbgrader "
        "zip_collect`, using FileNameCollectorPlugin.named_regexp from nbgrader_config.py",
    )
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="use this running Dask scheduler instead of a local cluster",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="worker processes of the local cluster (default: one per core, %(default)s here)",
    )
    parser.add_argument(
        "--force", action="store_true", help="regrade submissions already graded and unchanged"
    )
    parser.add_argument(
        "--student", action="append", metavar="ID", help="grade only this student (repeatable)"
    )
    parser.add_argument(
        "--db-url", help="gradebook URL (default: CourseDirectory.db_url of nbgrader_config.py)"
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> Summary:
    args = parse_args(argv)
    started = time.monotonic()
    root = Path.cwd().resolve()
    # nbgrader runs `alembic` to create a new gradebook; local workers inherit this PATH.
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    if not (root / "nbgrader_config.py").exists():
        sys.exit(f"{root} has no nbgrader_config.py: run this from the course root")
    config = course_config(root, args.db_url)
    coursedir = CourseDirectory(config=config)
    db_url, course_id = coursedir.db_url, coursedir.course_id
    gradebook_lock.install()
    reports = root / "reports" / args.assignment

    if args.zip:
        zip_collect(root, args.assignment, args.zip, args.db_url)
    students = submitted_students(root, args.assignment, args.student)
    if not students:
        sys.exit(f"no submissions in {root / 'submitted'}/*/{args.assignment}")
    summary = Summary()
    todo = []
    already_graded = graded_in_gradebook(db_url, course_id, args.assignment)
    for student in students:
        if not args.force and is_up_to_date(root, args.assignment, student, already_graded):
            summary.outcomes[student] = {"student": student, "status": "skipped", "error": ""}
        else:
            todo.append(student)
    print(
        f"{len(students)} submissions of {args.assignment}: {len(todo)} to grade, "
        f"{len(students) - len(todo)} already graded and unchanged (--force regrades them)",
        flush=True,
    )

    grading_started = time.monotonic()
    class_report.preload_checks(root, args.assignment)
    if todo:
        try:
            with dask_client(
                args.scheduler, min(args.workers, len(todo)), Sandbox(config=config).enabled
            ) as client:
                summary.outcomes.update(
                    grade_all(
                        client,
                        root,
                        args.assignment,
                        todo,
                        args.db_url,
                        reports / "logs",
                        progress=not args.no_progress,
                    )
                )
        except KeyboardInterrupt:
            sys.exit(
                "interrupted: every submission graded so far is in the gradebook and recorded; "
                "run the same command again to grade the rest"
            )
    summary.grading_seconds = time.monotonic() - grading_started

    export_grades(db_url, course_id, args.assignment, reports / "grades.csv")
    report = class_report.write(root, args.assignment, db_url, course_id, summary.outcomes, reports)
    summary.total_seconds = time.monotonic() - started
    print_summary(summary, report, len(todo))
    return summary


def zip_collect(root: Path, assignment: str, download: Path, db_url: str | None) -> None:
    """Copy an LMS download into ``downloaded/<assignment>/archive`` and run ``nbgrader
    zip_collect``."""
    archive = root / "downloaded" / assignment / "archive"
    shutil.rmtree(archive, ignore_errors=True)
    shutil.copytree(download.resolve(), archive)
    command = [sys.executable, "-m", "nbgrader", "zip_collect", assignment, "--force"]
    if db_url:
        command.append(f"--CourseDirectory.db_url={db_url}")
    done = subprocess.run(command, cwd=root, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"nbgrader zip_collect failed:\n{done.stderr}")
    skipped = [line for line in done.stderr.splitlines() if "Skipped submission" in line]
    for line in skipped:
        print(f"zip_collect: {line.split('] ', 1)[-1]}", flush=True)


def submitted_students(root: Path, assignment: str, only: list[str] | None) -> list[str]:
    found = sorted(
        p.parent.name for p in (root / "submitted").glob(f"*/{assignment}") if p.is_dir()
    )
    if only:
        missing = sorted(set(only) - set(found))
        if missing:
            sys.exit(f"no submission of {assignment} from: {', '.join(missing)}")
        return [student for student in found if student in only]
    return found


def graded_in_gradebook(db_url: str, course_id: str, assignment: str) -> set[str]:
    """Students with a submission in the gradebook; exits if the assignment is not there."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(db_url, course_id) as gradebook:
        try:
            gradebook.find_assignment(assignment)
        except MissingEntry:
            sys.exit(
                f"the gradebook ({db_url}) has no assignment {assignment}: "
                f"run `nbgrader generate_assignment {assignment}` with this gradebook first"
            )
        return {
            submission.student_id for submission in gradebook.assignment_submissions(assignment)
        }


def is_up_to_date(root: Path, assignment: str, student: str, already_graded: set[str]) -> bool:
    """Graded by an earlier run, from the same files, and still in the gradebook and autograded/."""
    record = read_record(root, assignment, student)
    return (
        record is not None
        and record["status"] == "graded"
        and student in already_graded
        and (root / "autograded" / student / assignment).is_dir()
        and record["digest"] == digest(submitted_folder(root, assignment, student))
    )


class ByValue:
    """A function that pickles as its code (cloudpickle), not as ``module.name``, even inside a
    Dask task (whose pickling ignores cloudpickle's by-value registry): so the workers of an
    existing cluster need not import this package to run it."""

    def __init__(self, function):
        self.function = function

    def __call__(self, *args, **kwargs):
        return self.function(*args, **kwargs)

    def __reduce__(self):
        import cloudpickle

        cloudpickle.register_pickle_by_value(sys.modules[self.function.__module__])
        return cloudpickle.loads, (cloudpickle.dumps(self.function),)


@contextmanager
def dask_client(scheduler: str | None, workers: int, sandboxed: bool):
    """A client of the given scheduler, or of a local cluster of single-threaded worker
    processes (sharing one view of the venv for their sandboxes, if ``sandboxed``)."""
    import dask
    from distributed import Client, LocalCluster

    if scheduler:
        with Client(scheduler) as client:
            yield client
        return
    # Each worker starts the next submission's sandbox while it grades one (graders/warm.py)
    # only if a core is left idle for that; the local workers inherit this environment.
    os.environ[PREFETCH_VARIABLE] = "1" if workers < (os.cpu_count() or 1) else "0"
    # A submission whose grading kills its worker process is reported, not retried on the others.
    with (
        dask.config.set({"distributed.scheduler.allowed-failures": 0}),
        share_venv_view() if sandboxed else nullcontext(lambda: None) as view_built,
        LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as client,
    ):
        view_built()
        yield client


def grade_all(
    client,
    root: Path,
    assignment: str,
    students: list[str],
    db_url: str | None,
    log_dir: Path,
    progress: bool,
) -> dict[str, dict]:
    """Grade each student on the cluster, one task each; a task that raises is that student's
    failure."""
    from distributed import as_completed
    from tqdm import tqdm

    task = ByValue(worker_task.grade)
    # Tasks start in the order submitted: each worker's last one has no next to prefetch for.
    last_ones = len(students) - len(client.scheduler_info()["workers"])
    futures = {
        client.submit(
            task,
            str(root),
            assignment,
            student,
            db_url,
            str(log_dir),
            index < last_ones,
            key=f"grade-{assignment}-{student}-{time.time_ns()}",
            pure=False,
            retries=0,
        ): student
        for index, student in enumerate(students)
    }
    outcomes = {}
    with tqdm(
        total=len(futures), unit="submission", desc="grading", disable=not progress, file=sys.stdout
    ) as bar:
        for future in as_completed(futures):
            student = futures[future]
            try:
                outcomes[student] = future.result()
            except Exception as error:  # noqa: BLE001
                # e.g. KilledWorker: the process grading it died
                outcomes[student] = {
                    "student": student,
                    "status": "failed",
                    "error": f"{type(error).__name__}: {error}",
                    "log": str(log_dir / f"{student}.log"),
                }
            failed = sum(outcome["status"] == "failed" for outcome in outcomes.values())
            bar.set_postfix(failed=failed, refresh=False)
            bar.update()
    return outcomes


def export_grades(db_url: str, course_id: str, assignment: str, path: Path) -> None:
    """nbgrader's own CSV export (one row per student) of this assignment."""
    from nbgrader.api import Gradebook
    from nbgrader.plugins import CsvExportPlugin

    path.parent.mkdir(parents=True, exist_ok=True)
    with Gradebook(db_url, course_id) as gradebook:
        CsvExportPlugin(to=str(path), assignment=[assignment]).export(gradebook)


def print_summary(summary: Summary, report: Path, graded_now: int) -> None:
    graded, skipped, failed = (summary.students(s) for s in ("graded", "skipped", "failed"))
    rate = (
        f", {60 * graded_now / summary.grading_seconds:.1f} submissions/min" if graded_now else ""
    )
    print(
        f"graded {len(graded)}, skipped {len(skipped)} (unchanged), failed {len(failed)} "
        f"in {summary.grading_seconds:.1f} s of grading{rate}; {summary.total_seconds:.1f} s in all"
    )
    for student in failed:
        outcome = summary.outcomes[student]
        print(
            f"  FAILED {student}: {outcome['error'].splitlines()[0] if outcome['error'] else ''} "
            f" (log: {outcome.get('log')})"
        )
    print(f"report: {report}")


if __name__ == "__main__":
    sys.exit(1 if main().students("failed") else 0)
