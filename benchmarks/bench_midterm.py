"""Issue 13's benchmark: a whole midterm graded four ways on the same submissions, side by side.

    .venv/bin/python benchmarks/bench_midterm.py [--n 8] [--workers K] [--keep]
        [--only plain,autograde,grade1,gradeN] [--baseline-memory MB]

N submissions are drawn from the example class as benchmarks/class_runs.py says, then graded
in separate copies of the course:

- plain: ``nbgrader autograde`` + ``nbgrader generate_feedback`` with nbgrader's default
  ``Execute`` (no plugin: test cells run in the kernel and their hidden part fails closed);
- autograde: the same two commands with the course's config (our plugin, sandboxed);
- grade1: ``python -m coursepack.grade_class midterm --workers 1``;
- gradeN: the same with ``--workers K`` (default: all cores).

For each: wall seconds of the whole command(s), s/submission, submissions/min, peak memory of
the command's process tree (benchmarks/process_memory.py: summed RSS, and summed PSS, which
counts a page shared by forks once), and for grade_class the peak of a worker with its kernels
and sandboxes. Then issue 13's ratios with their targets, PASS or FAIL, and the per-notebook
breakdown of our grading from the plugin's ``timing: notebook=...`` log lines (grade_class's
per-student logs, nbgrader's stderr at --log-level=INFO). The machine's load slows every
figure: the load average is printed at the start of each run and at the end.
"""

import argparse
import os
import re
import shutil
import statistics
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.class_runs import (  # noqa: E402
    ASSIGNMENT,
    PLAIN_CONFIG,
    autograded_notebooks,
    drawn_course,
    grade_class_command,
    graded_by_grade_class,
    nbgrader_command,
    notebooks_per_submission,
    prepared,
    scores,
    timed,
)
from benchmarks.process_memory import Peaks, is_dask_worker  # noqa: E402

RUNS = ("plain", "autograde", "grade1", "gradeN")
TIMING = re.compile(
    r"timing: notebook=(?P<notebook>\S+) sandbox=(?P<sandbox>\S+) kernel=(?P<kernel>\S+) "
    r"cells=(?P<cells>\S+) checks=(?P<checks>\S+)"
)
PHASES = ("sandbox", "kernel", "cells", "checks")
TARGET_VS_PLAIN = 2.5  # grade_class, 1 worker, per submission: times faster than plain
TARGET_AUTOGRADE = 1.5  # ours through nbgrader autograde (+ feedback) over 8 students vs plain
TARGET_PARALLEL = 1.85  # all cores' throughput over 1 worker's
TARGET_MEMORY = 1.5  # peak memory per worker at most this times the baseline


@dataclass
class Result:
    """One way of grading the class: its wall time, memory and the plugin's timing lines."""

    label: str
    wall: float
    memory: Peaks
    complete: bool
    scores: dict[str, float]
    timings: list[dict] = field(default_factory=list)
    feedback_wall: float | None = None
    note: str = ""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=8, help="submissions (default %(default)s)")
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="workers of the gradeN run (default: cores, %(default)s)",
    )
    parser.add_argument(
        "--only",
        default=",".join(RUNS),
        help="comma-separated subset of %(default)s (the ratios need their two runs)",
    )
    parser.add_argument(
        "--baseline-memory",
        type=float,
        metavar="MB",
        help="today's peak PSS per worker, to hold the new one to <= 1.5x of it",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the temp courses (their reports/) for inspection"
    )
    args = parser.parse_args()
    args.only = [run.strip() for run in args.only.split(",") if run.strip()]
    unknown = set(args.only) - set(RUNS)
    if unknown:
        parser.error(f"unknown runs {sorted(unknown)}; choose from {', '.join(RUNS)}")
    return args


def main() -> None:
    args = parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-midterm-"))
    base, students = drawn_course(work / "base", args.n)
    notebooks = notebooks_per_submission(base)
    print(
        f"{len(students)} submissions x {notebooks} notebooks, {os.cpu_count()} cores, "
        f"load average {load()} at start; courses in {work}",
        flush=True,
    )
    print_header()
    results = {}
    for run in args.only:
        print(f"  ({run}: starting at load {load()})", flush=True)
        if run in ("plain", "autograde"):
            course = prepared(base, work / run, PLAIN_CONFIG if run == "plain" else None)
            results[run] = nbgrader_run(run, course, args.n * notebooks)
        else:
            workers = 1 if run == "grade1" else args.workers
            course = prepared(base, work / run)
            results[run] = grade_class_run(course, workers, args.n, args.n * notebooks)
        print_row(results[run], args.n)

    print()
    print_ratios(results, args.n, args.baseline_memory)
    print_agreement(results)
    print()
    print_breakdown(results, args.n, notebooks)
    print(f"\nload average at the end: {load()}")
    if args.keep:
        print(f"courses kept in {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)


def nbgrader_run(run: str, course: Path, expected_notebooks: int) -> Result:
    """``nbgrader autograde`` then ``generate_feedback``, as an instructor runs them."""
    autograde = timed(
        nbgrader_command("autograde", ASSIGNMENT, "--force", "--log-level=INFO"), course
    )
    feedback = timed(nbgrader_command("generate_feedback", ASSIGNMENT, "--force"), course)
    graded = autograded_notebooks(course)
    label = (
        "plain nbgrader (autograde + feedback)"
        if run == "plain"
        else "ours, nbgrader autograde + feedback"
    )
    return Result(
        label,
        autograde.wall + feedback.wall,
        max_peaks(autograde.memory, feedback.memory),
        complete=graded == expected_notebooks,
        scores=scores(course),
        timings=parse_timings(autograde.stderr),
        feedback_wall=feedback.wall,
        note=f"autograde {autograde.wall:.1f} s + feedback {feedback.wall:.1f} s; "
        f"{graded}/{expected_notebooks} notebooks autograded",
    )


def grade_class_run(course: Path, workers: int, n: int, expected_notebooks: int) -> Result:
    """``python -m coursepack.grade_class``: cluster start, grading, export and report."""
    done = timed(grade_class_command(workers), course, is_worker=is_dask_worker)
    graded = graded_by_grade_class(done.stdout)
    grading = re.search(r"in ([\d.]+) s of grading", done.stdout)
    logs = sorted((course / "reports" / ASSIGNMENT / "logs").glob("*.log"))
    timings = [timing for log in logs for timing in parse_timings(log.read_text(errors="replace"))]
    return Result(
        f"ours, grade_class --workers {workers}",
        done.wall,
        done.memory,
        complete=graded == n and autograded_notebooks(course) == expected_notebooks,
        scores=scores(course),
        timings=timings,
        note=f"{graded}/{n} graded, {grading.group(1) if grading else '?'} s of it grading",
    )


def parse_timings(text: str) -> list[dict]:
    """The plugin's per-notebook ``timing:`` lines: notebook name and seconds per phase."""
    return [
        {"notebook": match["notebook"], **{phase: float(match[phase]) for phase in PHASES}}
        for match in TIMING.finditer(text)
    ]


def max_peaks(*peaks: Peaks) -> Peaks:
    """The larger of commands run one after the other (each peak is the whole tree's)."""
    return Peaks(rss=max(p.rss for p in peaks), pss=max(p.pss for p in peaks))


def print_header() -> None:
    print(
        f"{'':40s} {'wall s':>8s} {'s/sub':>7s} {'sub/min':>7s} {'peak RSS':>9s} {'peak PSS':>9s} "
        f"{'worker RSS':>10s} {'worker PSS':>10s}  (memory in MB)",
        flush=True,
    )


def print_row(result: Result, n: int) -> None:
    worker_rss = max(result.memory.worker_rss.values(), default=None)
    worker_pss = max(result.memory.worker_pss.values(), default=None)
    print(
        f"{result.label:40s} {result.wall:8.1f} {result.wall / n:7.2f} {60 * n / result.wall:7.2f} "
        f"{result.memory.rss:9.0f} {result.memory.pss:9.0f} "
        f"{megabytes(worker_rss):>10s} {megabytes(worker_pss):>10s}  {result.note}"
        + ("" if result.complete else "  INCOMPLETE: some submissions were not graded"),
        flush=True,
    )


def megabytes(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def print_ratios(results: dict[str, Result], n: int, baseline_memory: float | None) -> None:
    """Issue 13's targets, each a ratio of two runs on the same submissions."""
    print("issue 13's targets (ratios of runs side by side on the same submissions):")
    check(
        results,
        "plain",
        "grade1",
        "grade_class 1 worker, per submission, vs plain nbgrader: times faster",
        TARGET_VS_PLAIN,
        lambda plain, ours: plain.wall / ours.wall,
    )
    at = "" if n == 8 else f" (the target is stated at 8 students; this run has {n})"
    check(
        results,
        "plain",
        "autograde",
        f"ours via nbgrader autograde + feedback vs plain: times faster{at}",
        TARGET_AUTOGRADE,
        lambda plain, ours: plain.wall / ours.wall,
    )
    check(
        results,
        "grade1",
        "gradeN",
        "all cores' throughput / 1 worker's",
        TARGET_PARALLEL,
        lambda one, many: one.wall / many.wall,
    )
    workers = {key: r for key, r in results.items() if key in ("grade1", "gradeN")}
    if not any(r.memory.worker_pss for r in workers.values()):
        print("  peak memory per worker: n/a (needs grade1 or gradeN)")
        return
    pss = max(max(r.memory.worker_pss.values(), default=0.0) for r in workers.values())
    rss = max(max(r.memory.worker_rss.values(), default=0.0) for r in workers.values())
    incomplete = [key for key, r in workers.items() if not r.complete]
    print(
        "  peak memory per worker (a worker with its kernels and sandboxes): "
        f"PSS {pss:.0f} MB, RSS {rss:.0f} MB"
        + (f" INVALID (incomplete run: {', '.join(incomplete)})" if incomplete else "")
    )
    if baseline_memory is None:
        print("    no baseline given (--baseline-memory MB: today's PSS per worker)")
    elif not incomplete:
        ratio = pss / baseline_memory
        verdict = "PASS" if ratio <= TARGET_MEMORY else "FAIL"
        print(
            f"    {ratio:.2f}x the baseline {baseline_memory:.0f} MB PSS "
            f"(target <= {TARGET_MEMORY}x) {verdict}"
        )


def print_agreement(results: dict[str, Result]) -> None:
    """Our runs graded the same submissions with the same seeds: their scores must agree."""
    ours = {key: r.scores for key, r in results.items() if key != "plain"}
    if len(ours) < 2:
        return
    first, *others = ours
    differ = sorted(
        f"{student} ({', '.join(f'{key} {ours[key].get(student)}' for key in ours)})"
        for student in ours[first]
        if any(ours[key].get(student) != ours[first][student] for key in others)
    )
    print(
        f"  scores of {', '.join(ours)}: "
        + (f"DIFFER for {'; '.join(differ)}" if differ else "the same for every student")
        + f" (mean {statistics.mean(ours[first].values() or [0]):.1f} in {first})"
    )


def check(
    results: dict[str, Result], first: str, second: str, name: str, target: float, ratio
) -> None:
    if first not in results or second not in results:
        print(f"  {name}: n/a (needs runs {first} and {second})")
        return
    value = ratio(results[first], results[second])
    incomplete = [key for key in (first, second) if not results[key].complete]
    verdict = (
        f"INVALID (incomplete run: {', '.join(incomplete)})"
        if incomplete
        else "PASS"
        if value >= target
        else "FAIL"
    )
    print(f"  {name}: {value:.2f}x (target >= {target}x) {verdict}")


def print_breakdown(results: dict[str, Result], n: int, notebooks: int) -> None:
    """Mean seconds per notebook and phase from the plugin's timing lines, for each of our runs."""
    ours = {key: r for key, r in results.items() if key != "plain"}
    if not ours:
        return
    if "autograde" in results:
        per_notebook = results["autograde"].feedback_wall / (n * notebooks)
        print(
            f"feedback: {per_notebook:.2f} s per notebook "
            f"(ours' generate_feedback wall / {n} x {notebooks})"
        )
    if "plain" in results:
        print(
            "plain nbgrader's feedback: "
            f"{results['plain'].feedback_wall / (n * notebooks):.2f} s per notebook"
        )
    if not any(r.timings for r in ours.values()):
        print("breakdown: not logged by this version")
        return
    for result in ours.values():
        if not result.timings:
            print(f"breakdown of {result.label}: no timing lines")
            continue
        by_notebook = defaultdict(list)
        for timing in result.timings:
            by_notebook[timing["notebook"]].append(timing)
        print(
            f"breakdown of {result.label}: mean seconds per notebook "
            f"over {len(result.timings)} notebook runs"
        )
        print(
            f"  {'notebook':28s} " + " ".join(f"{phase:>8s}" for phase in PHASES) + f" {'runs':>5s}"
        )
        for notebook, timings in sorted(by_notebook.items()):
            means = [statistics.mean(t[phase] for t in timings) for phase in PHASES]
            print(
                f"  {notebook:28s} " + " ".join(f"{m:8.2f}" for m in means) + f" {len(timings):5d}"
            )
        means = [statistics.mean(t[phase] for t in result.timings) for phase in PHASES]
        print(
            f"  {'any notebook':28s} "
            + " ".join(f"{m:8.2f}" for m in means)
            + f" {len(result.timings):5d}"
        )


def load() -> str:
    return "{:.1f} / {:.1f} / {:.1f}".format(*os.getloadavg())


if __name__ == "__main__":
    main()
