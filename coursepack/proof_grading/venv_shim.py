"""The proof-grading server extension's entry in the venv (copied there as
``coursepack_proof_grading.py`` by ``python -m coursepack.proof_grading.install``).

The course pack is not installed into the venv (a student's kernel shares it), so this shim
finds it in the folder ``jupyter lab`` is started in, the folder nbgrader itself reads its
``nbgrader_config.py`` from, and hands over to ``coursepack.proof_grading`` there. Only the
server process gets that folder on its path (formgrader's loading of nbgrader_config.py does
the same); kernels do not.
"""

import sys
from pathlib import Path


def _course_root() -> Path | None:
    folder = Path.cwd()
    if (folder / "nbgrader_config.py").is_file() and (
        folder / "coursepack" / "proof_grading"
    ).is_dir():
        return folder
    return None


def _jupyter_server_extension_points():
    root = _course_root()
    if root is None:
        return [{"module": __name__}]
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    return [{"module": "coursepack.proof_grading"}]


def _load_jupyter_server_extension(serverapp):
    serverapp.log.info(
        "proof grading: %s is not a course folder, the page is not served", Path.cwd()
    )
