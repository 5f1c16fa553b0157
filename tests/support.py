"""Test support: grade an answer file without nbgrader, in this process.

``InProcessTransport`` executes a notebook's code cells (with an example's answers) in a fresh
namespace of the test process and serves probe requests through the same runtime and codec as
the kernel transport (files in, files out), so a check sees exactly what it sees in a real
kernel, minus the kernel. It is for our own example answers only: hostile submissions are
tested through the real nbgrader pipeline (tests/test_end_to_end.py).
"""

import shutil
import tempfile
import types
from contextlib import contextmanager
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from coursepack import example_class
from coursepack.course import copy_course, nbgrader
from graders.core.submission import Submission, probe_source
from graders.plugin import answer_sources, is_autograded_test, load_question

ROOT = Path(__file__).resolve().parent.parent


class InProcessTransport:
    def __init__(self, notebook, runtime_source: str):
        self.namespace = {"__name__": "__main__"}
        for cell in notebook.cells:
            if cell.cell_type == "code" and not is_autograded_test(cell):
                try:
                    exec(compile(cell.source, "<student cell>", "exec"), self.namespace)
                except Exception:
                    pass  # as in a notebook: a failing cell does not stop the next ones
        self.runtime = types.ModuleType("course_grader")
        exec(compile(runtime_source, "<course grader>", "exec"), self.runtime.__dict__)
        self.runtime.NAMESPACE = self.namespace
        self.dir = Path(tempfile.mkdtemp(prefix="inprocess-"))
        self.count = 0

    def shared_dir(self) -> tuple[Path, str]:
        return self.dir, str(self.dir)

    def run(self, request: bytes, timeout: float) -> bytes | None:
        self.count += 1
        request_path = self.dir / f"request-{self.count}"
        reply_path = self.dir / f"reply-{self.count}"
        request_path.write_bytes(request)
        self.runtime.dispatch(str(request_path), str(reply_path))
        return reply_path.read_bytes() if reply_path.exists() else None


def submission_for(answers: example_class.Answers):
    """(question, Submission) for one example answer file, graded in this process."""
    assignment = example_class.assignment_of(ROOT, answers.notebook)
    question = load_question(answers.notebook, assignment)
    release = ROOT / "release" / assignment / f"{answers.notebook}.ipynb"
    notebook = example_class.fill(release, answers)
    transport = InProcessTransport(notebook, probe_source(question.probes))
    return question, Submission(transport, answer_sources(notebook))


def grade(answers: example_class.Answers) -> dict:
    """{test cell grade_id: CellResult} for one example answer file."""
    question, submission = submission_for(answers)
    return {cell: question.grade_cell(cell, submission) for cell in question.cells}


def autograded_cells(notebook: str) -> dict:
    """{grade_id: points} of the autograded test cells of a released notebook."""
    assignment = example_class.assignment_of(ROOT, notebook)
    nb = nbformat.read(ROOT / "release" / assignment / f"{notebook}.ipynb", as_version=4)
    return {
        c.metadata.nbgrader["grade_id"]: c.metadata.nbgrader["points"]
        for c in nb.cells
        if is_autograded_test(c)
    }


def one_notebook_course(target: Path, assignment: str, notebook: str) -> Path:
    """A copy of the course in ``target`` with ``notebook`` alone in source/ and release/ of
    ``assignment``, generated (gradebook included): every other notebook would add a kernel run
    to each autograde of a test that is about this one."""
    course = copy_course(target)
    for folder in ["source", "release"]:
        for path in (course / folder / assignment).iterdir():
            if path.stem != notebook:
                shutil.rmtree(path) if path.is_dir() else path.unlink()
    nbgrader(course, "generate_assignment", assignment, "--force")
    return course


@contextmanager
def python_kernel(workdir: Path):
    """An nbclient client with a fresh python3 kernel (not sandboxed) running in ``workdir``:
    for tests of the kernel transport itself, on our own code."""
    client = NotebookClient(
        nbformat.v4.new_notebook(),
        kernel_name="python3",
        timeout=60,
        resources={"metadata": {"path": str(workdir)}},
    )
    with client.setup_kernel():
        yield client
