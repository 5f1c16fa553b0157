"""The function a Dask worker runs for one submission; the driver ships its code by value.

Workers of an existing cluster (``--scheduler``) need the course's venv and the course folder
(they read ``submitted/`` and write ``autograded/``, so the folder must be shared), but not this
repository on their ``sys.path``: ``grade_class`` sends this function's code (``ByValue``),
and the function puts the course root on the path before importing the grading code from it.
"""

import sys


def grade(root: str, *arguments) -> dict:
    """``grade_submission(root, *arguments)`` (see coursepack/grade_submission.py)."""
    if root not in sys.path:
        sys.path.insert(0, root)
    from coursepack import lean_imports  # noqa: F401 (before nbgrader)
    from coursepack.grade_submission import grade_submission

    return grade_submission(root, *arguments)
