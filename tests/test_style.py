"""The repository passes ``ruff check`` and ``ruff format --check`` with pyproject.toml's settings.

Ruff runs from this venv (pinned in the ``test`` extra) in the repository root, so it reads
``[tool.ruff]`` there: which paths are excluded and which rules a file kind skips is the
configuration's business, not this test's.
"""

import subprocess
import sys
from pathlib import Path

import pytest

from graders.core.checks import FEEDBACK_WIDTH

ROOT = Path(__file__).resolve().parent.parent
RUFF = Path(sys.executable).with_name("ruff")


def ruff(*args: str) -> subprocess.CompletedProcess:
    """``ruff ARGS .`` in the repository root, its output captured."""
    return subprocess.run(
        [str(RUFF), *args, "."], cwd=ROOT, capture_output=True, text=True, timeout=300
    )


@pytest.mark.parametrize(
    "args",
    [("check", "--no-cache", "--output-format=concise"), ("format", "--no-cache", "--check")],
    ids=["check", "format"],
)
def test_ruff_finds_nothing(args):
    result = ruff(*args)
    assert result.returncode == 0, f"ruff {' '.join(args)}:\n{result.stdout}{result.stderr}"


def test_ruff_reads_the_projects_settings_and_sees_the_code():
    """The test above means something only if ruff uses pyproject.toml and lists the modules."""
    shown = ruff("check", "--show-settings").stdout
    assert f'Settings path: "{ROOT / "pyproject.toml"}"' in shown
    listed = ruff("check", "--show-files").stdout.splitlines()
    assert str(ROOT / "graders" / "plugin.py") in listed
    assert str(ROOT / "tests" / "test_style.py") in listed


def test_the_line_length_is_the_feedbacks_width():
    """Source lines are as wide as the feedback students read (``FEEDBACK_WIDTH``)."""
    shown = ruff("check", "--show-settings").stdout
    assert f"linter.line_length = {FEEDBACK_WIDTH}\n" in shown
    assert f"formatter.line_width = {FEEDBACK_WIDTH}\n" in shown
