"""The course on disk: running nbgrader's CLI in a course root, and copying a course to try things.

Tests and benchmarks grade in a copy of the course (a temp folder) so they never touch this
checkout's gradebook or submissions; `nbgrader_config.py` makes each copy its own course root.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
COURSE_PARTS = ["source", "release", "graders", "coursepack", "examples", "nbgrader_config.py"]


def nbgrader(course: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run `nbgrader ARGS` in ``course`` with this venv's tools on PATH; raise with its log on
    failure."""
    env = dict(os.environ, PATH=f"{BIN}:{os.environ['PATH']}")
    result = subprocess.run(
        [str(BIN / "nbgrader"), *args], cwd=course, env=env, capture_output=True, text=True
    )
    if check and result.returncode != 0:
        raise RuntimeError(
            f"nbgrader {' '.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )
    return result


def copy_course(target: Path, config: str | None = None) -> Path:
    """Copy the course into ``target`` (optionally with another nbgrader_config.py); returns it."""
    target.mkdir(parents=True, exist_ok=True)
    for part in COURSE_PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, target / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, target / part)
    if config is not None:
        (target / "nbgrader_config.py").write_text(config)
    return target
