"""nbgrader configuration of the course: plain `nbgrader ...` commands in this folder use it.

The grading plugin lives in `graders/`, next to this file and outside the venv's
site-packages (a student's kernel runs the same interpreter and must not import it).
If this file fails to load, nbgrader silently falls back to its defaults; the hidden part of
every autograded cell then raises, so every autograded cell scores 0: grading fails closed.
"""

import sys
from pathlib import Path

COURSE_ROOT = Path(__file__).resolve().parent
if str(COURSE_ROOT) not in sys.path:
    sys.path.insert(0, str(COURSE_ROOT))

c = get_config()  # noqa: F821 (provided by traitlets when nbgrader loads this file)

c.CourseDirectory.course_id = "dnn-math"
c.CourseDirectory.root = str(COURSE_ROOT)

# release_assignment / fetch_assignment / submit / collect go through this directory, on one
# machine without JupyterHub (release_assignment creates it). Students point their own nbgrader
# at the same directory: docs/jupyterlab.md. Override with --Exchange.root=DIR.
c.Exchange.root = str(COURSE_ROOT / "exchange")

# Seconds a student's cell may run before it is interrupted (grader checks have their own limits).
c.Execute.timeout = 60

# Student kernels run in a sandbox (graders/sandbox.py, docs/sandbox.md): a scratch copy of the
# submission, no course files, no network. If it cannot be set up, autograding stops; only
# c.Sandbox.enabled = False runs student code unsandboxed. Limits per kernel (the defaults):
c.Sandbox.memory_limit = 4 * 2**30  # bytes of address space per process
c.Sandbox.cpu_time = 900  # CPU seconds per process
c.Sandbox.max_processes = 64  # processes + threads
c.Sandbox.notebook_timeout = 900  # wall-clock seconds for all of a notebook's student cells

# Autograded cells are scored outside the student's kernel (graders/plugin.py).
c.Autograde.autograde_preprocessors = [
    "graders.plugin.TrustedExecute",
    # inert outputs, no output metadata (docs/sandbox.md)
    "graders.sanitize.SanitizeStudentContent",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]

# Feedback shows the trusted verdicts, never the hidden part of a test cell.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "nbgrader.preprocessors.ClearHiddenTests",
    "graders.sanitize.SanitizeStudentContent",
    # maths offline (docs/proof_grading.md)
    "coursepack.proof_grading.feedback_math.MathMLFeedback",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]

# Submissions hold regular files only, feedback only its pages, and collect enforces the owner
# of each inbound folder (docs/sandbox.md).
c.Autograde.pre_convert_hook = "graders.submission_files.clean_submission_hook"
c.GenerateFeedback.post_convert_hook = "graders.submission_files.prune_feedback_hook"
c.ExchangeFactory.collect = "coursepack.exchange.CheckedCollect"

# `nbgrader zip_collect` (and `python -m coursepack.grade_class ASSIGNMENT --zip DIR`) reads
# student ids from the file names of an LMS download. Canvas names a submitted file
# <login>_[LATE_]<user id>_<submission id>_<file name>[-<resubmission>].ipynb; change this for
# another LMS (docs/grade_class.md). It is matched against the file's full path.
c.FileNameCollectorPlugin.named_regexp = (
    r".*/(?P<student_id>[^_/]+)_(?:LATE_)?\d+_\d+_(?P<file_id>[^/]+?)(?:-\d+)?\.ipynb$"
)
