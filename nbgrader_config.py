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

# Seconds a student's cell may run before it is interrupted (grader checks have their own limits).
c.Execute.timeout = 60

# Autograded cells are scored outside the student's kernel (graders/plugin.py).
c.Autograde.autograde_preprocessors = [
    "graders.plugin.TrustedExecute",
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
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
