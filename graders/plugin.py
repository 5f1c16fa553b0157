"""The nbgrader plugin: autograded cells are scored outside the student's kernel.

``TrustedExecute`` takes the place of nbgrader's ``Execute`` in ``Autograde``'s preprocessors (see
``nbgrader_config.py``). It runs the student's cells in their kernel as nbgrader does, but never
runs the autograded test cells there. Instead it installs a small runtime in the kernel and lets the
question's module (``graders/<assignment>/<notebook>.py``) call the student's answers through it;
the verdict, computed here, is written over each test cell's outputs as a feedback text and an
``execute_result`` holding the score in points, which nbgrader's ``SaveAutoGrades`` then records
(and, where the question draws one, a picture after it). Nothing in the student's kernel can change
that verdict except the values its answers return.

Every kernel runs in the sandbox of ``graders.sandbox`` (a scratch copy of the submission, no
course files, no network, resource limits); if it cannot be set up, autograding stops.
A kernel that dies or hangs is restarted and the notebook carries on; what could not be checked
scores 0 with a message, and the rest of the class is graded in the same run. A notebook
without a grader module is executed as plain nbgrader would (in the sandbox too).
"""

import base64
import importlib
import logging
from contextlib import contextmanager
from pathlib import Path
from time import monotonic

from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbclient import NotebookClient
from nbformat.v4 import new_output
from nbgrader import utils
from nbgrader.preprocessors import Execute
from traitlets import Enum, Integer

from graders.core.checks import CellResult, feedback_text
from graders.core.kernel import GAVE_UP, KernelTransport
from graders.core.submission import KernelGaveUp, Submission, probe_source
from graders import warm
from graders.sandbox import Sandbox
from graders.submission_files import special_entries

log = logging.getLogger("graders")

#: Characters of output kept per student cell (nbgrader's LimitOutput counts lines, not their
#: length).
MAX_CELL_OUTPUT = 2**20


def is_autograded_test(cell) -> bool:
    return cell.cell_type == "code" and utils.is_grade(cell) and not utils.is_solution(cell)


class SubmissionNotClean(RuntimeError):
    """A submission folder still holds links or special files when grading starts."""


def answer_sources(nb) -> dict[str, str]:
    """{grade_id: source} of the notebook's answer (solution) cells."""
    return {
        cell.metadata["nbgrader"]["grade_id"]: cell.source
        for cell in nb.cells
        if utils.is_solution(cell) and "grade_id" in cell.metadata.get("nbgrader", {})
    }


def load_question(notebook: str, assignment: str):
    """The ``Question`` of ``graders/<assignment>/<notebook>.py``, or None for a notebook we do
    not grade."""
    name = f"graders.{assignment}.{notebook}"
    try:
        return importlib.import_module(name).QUESTION
    except ModuleNotFoundError as error:
        if error.name not in (name, name.rsplit(".", 1)[0]):  # a module it imports is missing
            raise
    return None


class TrustedExecute(Execute):
    """nbgrader's Execute, with every autograded test cell scored by the hidden grader."""

    grader_salt = Integer(
        0,
        help="Mixed into every check's seed: change it (per term, per sitting) to vary hidden "
        "inputs.",
    ).tag(config=True)

    shutdown_kernel = Enum(
        ["graceful", "immediate"],
        default_value="immediate",
        help="A notebook's kernel is thrown away with its sandbox state: killed at once, not "
        "asked to shut down (which costs about 0.3 s per notebook).",
    ).tag(config=True)

    def preprocess(self, nb, resources, km=None):
        sandbox = Sandbox(parent=self)
        warm.SANDBOXES.start_first(sandbox)
        question = load_question(resources["unique_key"], resources["nbgrader"]["assignment"])
        submission = Path(resources["metadata"]["path"])  # autograded/<student>/<assignment>
        submitted = submission.parents[2] / "submitted" / submission.parent.name / submission.name
        if submitted.is_dir() and special_entries(submitted):
            # The pre-convert hook did not drop them, so nbgrader copied what the links point to
            # into this folder: grade nothing for this student (fail closed).
            raise SubmissionNotClean(
                f"{submitted} still holds links or special files: run nbgrader with this course's "
                "nbgrader_config.py (Autograde.pre_convert_hook), which drops them"
            )
        self._output_sizes = {}
        timing = Timing(resources["unique_key"])
        with self._box(sandbox, submission, resources, timing) as box:
            kernel_name = self.kernel_name or nb.metadata.get("kernelspec", {}).get(
                "name", "python3"
            )
            km = box.kernel_manager(kernel_name=kernel_name, parent=self)
            if question is None:
                try:
                    return super().preprocess(nb, resources, km)
                finally:
                    if km is not None:
                        self._cleanup_kernel()  # nbclient only shuts down kernels it started itself
            NotebookClient.__init__(self, nb, km)
            self.reset_execution_trackers()
            self._check_assign_resources(resources)
            with self.setup_kernel(cleanup_kc=True):
                info = self.wait_for_reply(self.kc.kernel_info())
                self.nb.metadata["language_info"] = info["content"]["language_info"]
                timing.lap("kernel")
                transport = KernelTransport(
                    self, box.workdir, self.timeout, box.kernel_workdir, box.owner
                )
                try:
                    try:
                        self._run_student_cells(transport, monotonic() + sandbox.notebook_timeout)
                        timing.lap("cells")
                        transport.install(probe_source(question.probes))
                    except KernelGaveUp:
                        pass  # every check below scores 0 with the reason
                    if transport.gave_up:
                        log.error("%s: the student's kernel kept dying", resources["unique_key"])
                    self._grade_test_cells(question, Submission(transport, answer_sources(self.nb)))
                    timing.lap("checks")
                finally:
                    transport.close()
        timing.report(self.log)
        self.set_widgets_metadata()
        return self.nb, self.resources

    @contextmanager
    def _box(self, sandbox: Sandbox, submission: Path, resources, timing: "Timing"):
        """The sandbox this notebook's kernel runs in: its submission's warm box (kept for the
        submission's next notebook, see graders/warm.py), or a cold one of its own."""
        if sandbox.warm:
            sandbox.check()
            more = sandbox.prefetch and _more_submissions_follow(self, resources)
            box, _ = warm.SANDBOXES.box_for(sandbox, submission, resources["unique_key"], more)
            timing.lap("sandbox")
            yield box
            if _more_notebooks_follow(self, resources):
                warm.fork_standby(box)
            return
        with sandbox.open(submission) as box:
            timing.lap("sandbox")
            yield box

    def _run_student_cells(self, transport: KernelTransport, deadline: float) -> None:
        cell_timeout = self.timeout
        for index, cell in enumerate(self.nb.cells):
            if cell.cell_type != "code":
                continue
            if is_autograded_test(cell):
                cell.outputs = []  # graded outside the kernel, below
                continue
            if transport.gave_up:
                cell.outputs = [_error("KernelDied", f"not run: {GAVE_UP}")]
                continue
            remaining = deadline - monotonic()
            if remaining < 1:
                cell.outputs = [
                    _error(
                        "NotebookTimeout",
                        "not run: the notebook's cells used up their total time limit",
                    )
                ]
                continue
            self.timeout = min(cell_timeout, int(remaining))
            try:
                self.preprocess_cell(cell, self.resources, index)
            except DeadKernelError:
                _recover(transport.recover)
                cell.outputs.append(
                    _error(
                        "KernelDied",
                        f"your kernel died while running this cell; {_restarted(transport)}",
                    )
                )
                continue
            except CellTimeoutError:  # the interrupt was ignored: the kernel never went idle
                _recover(transport.recover)
                cell.outputs.append(
                    _error(
                        "CellTimeoutError",
                        "this cell ran out of time and ignored the interrupt; "
                        f"{_restarted(transport)}",
                    )
                )
                continue
            finally:
                self.timeout = cell_timeout
            if any(output.get("ename") == "CellTimeoutError" for output in cell.outputs):
                _recover(transport.interrupt_or_recover)
                continue
            transport.replay.append(cell.source)

    def output(self, outs, msg, display_id, cell_index):
        """nbclient's output handling, dropping what a cell prints beyond ``MAX_CELL_OUTPUT``."""
        kept = self._output_sizes.get(cell_index, 0)
        if kept > MAX_CELL_OUTPUT:
            return None
        out = super().output(outs, msg, display_id, cell_index)
        if out is not None:
            kept += len(out.get("text", "")) + sum(
                len(str(value)) for value in out.get("data", {}).values()
            )
            if kept > MAX_CELL_OUTPUT:
                outs.append(
                    new_output(
                        "stream",
                        name="stdout",
                        text=f"\n... output cut by the grader after {MAX_CELL_OUTPUT} characters "
                        "...\n",
                    )
                )
            self._output_sizes[cell_index] = kept
        return out

    def _grade_test_cells(self, question, submission: Submission) -> None:
        for cell in self.nb.cells:
            if not is_autograded_test(cell):
                continue
            grade_id = cell.metadata["nbgrader"]["grade_id"]
            max_points = float(cell.metadata["nbgrader"]["points"])
            if grade_id in question.cells:
                result = question.grade_cell(grade_id, submission, self.grader_salt)
            else:
                log.error("no checks registered for cell %s of %s", grade_id, question.notebook)
                result = CellResult(grade_id, max_points)
            cell.outputs = _verdict_outputs(result, max_points) + [
                new_output("display_data", data={"image/png": base64.b64encode(png).decode()})
                for png in question.render_figures(grade_id, submission, self.grader_salt)
            ]


def _recover(recovery) -> None:
    """Bring the kernel back after a cell killed or hung it (``recovery``: a transport's
    ``recover`` or ``interrupt_or_recover``); if it cannot be, the transport is given up
    (``transport.gave_up``) and the cells left are marked as not run."""
    try:
        recovery()
    except KernelGaveUp:
        pass


def _restarted(transport: KernelTransport) -> str:
    """What became of the kernel after a cell killed or hung it."""
    if transport.gave_up:
        return GAVE_UP
    return "the kernel was restarted without it"


def _verdict_outputs(result: CellResult, max_points: float) -> list:
    """The feedback text and the score in the form nbgrader's ``determine_grade`` reads."""
    if result.points != max_points:
        log.error(
            "checks of %s add up to %s points, the cell is worth %s",
            result.cell,
            result.points,
            max_points,
        )
    fraction = result.earned / result.points if result.points else 0.0
    score = round(min(max(fraction, 0.0), 1.0) * max_points, 4)
    text = (
        feedback_text(result)
        if result.outcomes
        else "This cell has no autograder checks: ask your instructor.\n"
    )
    return [
        new_output("stream", name="stdout", text=text),
        new_output(
            "execute_result",
            data={"text/plain": repr(score)},
            execution_count=None,
            metadata={"graders": {"checks": _check_records(result)}},
        ),
    ]


def _check_records(result: CellResult) -> list:
    """Per-check results for the class report (coursepack/class_report.py): set here, after the
    student's kernel ran, so no student code can write them; output metadata survives autograde."""
    return [
        {"check": o.check.name, "points": o.check.points, "earned": o.earned}
        for o in result.outcomes
    ]


def _converter_list(preprocessor, name: str):
    """The nbgrader converter's ``notebooks`` or ``assignments`` (what it grades in this run),
    empty when we run outside a converter."""
    converter = getattr(preprocessor.parent, "parent", None)
    return getattr(converter, name, None) or []


def _more_notebooks_follow(preprocessor, resources) -> bool:
    """Whether the nbgrader converter running us grades another notebook of this submission
    after this one."""
    names = [Path(notebook).stem for notebook in _converter_list(preprocessor, "notebooks")]
    here = resources["unique_key"]
    return here in names and names.index(here) < len(names) - 1


def _more_submissions_follow(preprocessor, resources) -> bool:
    """Whether this process grades another submission after this one: the nbgrader converter
    running us has one in its list, or the caller said so (``warm.SANDBOXES.more_follow``)."""
    if warm.SANDBOXES.more_follow:
        return True
    folders = sorted(Path(folder) for folder in _converter_list(preprocessor, "assignments"))
    here = (resources["nbgrader"]["student"], resources["nbgrader"]["assignment"])
    positions = [i for i, folder in enumerate(folders) if folder.parts[-2:] == here]
    return bool(positions) and positions[0] < len(folders) - 1


class Timing:
    """Seconds per stage of one notebook, logged as one line (benchmarks/bench_midterm.py reads
    it)."""

    STAGES = ("sandbox", "kernel", "cells", "checks")

    def __init__(self, notebook: str):
        self.notebook = notebook
        self.seconds = dict.fromkeys(self.STAGES, 0.0)
        self._last = monotonic()

    def lap(self, stage: str) -> None:
        now = monotonic()
        self.seconds[stage] += now - self._last
        self._last = now

    def report(self, logger) -> None:
        """On nbgrader's log (``--log-level=INFO`` shows it; grade_class writes it to the student's
        log)."""
        stages = " ".join(f"{stage}={seconds:.3f}" for stage, seconds in self.seconds.items())
        logger.info("timing: notebook=%s %s", self.notebook, stages)


def _error(name: str, message: str):
    return new_output("error", ename=name, evalue=message, traceback=[f"{name}: {message}"])
