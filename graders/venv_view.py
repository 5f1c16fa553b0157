"""The venv as the sandboxed kernel sees it, from a folder whose path tells nothing.

A bind mount shows its source path in the kernel's ``/proc/self/mountinfo``: binding the venv
itself (``<course root>/.venv``) would tell a student where the course lives. So the sandbox
binds a *view* instead: a folder of hard links to the venv's files (no data copied; about 3 s
for this course's 46,000 files), inside a locked scratch folder of this process, or of the
``grade_class`` run that shares one with its workers (``graders.sandbox``), so a
grader that is killed leaves it for the next one to remove. Files whose text names the venv's
host path are left out of the view: the console scripts of ``bin/`` (their ``#!`` line), the
editable-install hooks and ``direct_url.json`` files of ``site-packages``; ``pyvenv.cfg`` is
rewritten without the command that created the venv. Compiled ``.pyc`` files still record where
they were compiled (see docs/sandbox.md).
"""

import os
import stat
from pathlib import Path

#: Files of this size or less in ``site-packages`` itself or a package's metadata folder are
#: read, and left out of the view if they name the venv's path (a .pth, an editable finder).
METADATA_LIMIT = 1 << 20
PYVENV_KEYS = ("home", "include-system-site-packages", "version")


def build(venv: Path, view: Path) -> None:
    """Fill ``view`` (absent) with hard links to ``venv``'s files, minus those naming ``venv``.
    Raises ``OSError`` (e.g. ``EXDEV``) if hard links cannot be made there."""
    secrets = {str(venv), str(venv.resolve())}
    for folder, dirs, files in os.walk(venv):
        source = Path(folder)
        target = view / source.relative_to(venv)
        target.mkdir(mode=stat.S_IMODE(source.stat().st_mode) | 0o555)
        for name in [d for d in dirs if (source / d).is_symlink()]:
            dirs.remove(name)
            files.append(name)
        for name in files:
            _add(source / name, target / name, venv, secrets)


def _add(source: Path, target: Path, venv: Path, secrets: set[str]) -> None:
    relative = source.relative_to(venv)
    if source.is_symlink():
        link = os.readlink(source)
        if not any(secret in link for secret in secrets):
            os.symlink(link, target)
    elif relative == Path("pyvenv.cfg"):
        lines = source.read_text().splitlines()
        kept = [line for line in lines if line.split("=")[0].strip() in PYVENV_KEYS]
        target.write_text("".join(f"{line}\n" for line in kept))
        target.chmod(0o644)
    elif relative.parts[0] in ("bin", "Scripts"):
        return  # console scripts: their #! line is the venv's host path; the kernel needs none
    elif _is_metadata(relative) and _names(source, secrets):
        return
    else:
        os.link(source, target)


def _is_metadata(relative: Path) -> bool:
    """A file of ``site-packages`` itself, or of a distribution's metadata folder."""
    parent = relative.parent
    return parent.name == "site-packages" or parent.name.endswith((".dist-info", ".egg-info"))


def _names(path: Path, secrets: set[str]) -> bool:
    if path.stat().st_size > METADATA_LIMIT:
        return False
    text = path.read_bytes()
    return any(secret.encode() in text for secret in secrets)
