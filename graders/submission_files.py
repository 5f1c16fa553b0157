"""A submission is regular files in plain folders, nothing else.

nbgrader's copies (collect's ``copytree``, autograde's and generate_feedback's ``shutil.copy`` of
"extra files") follow symlinks. A student who submits ``notes.txt -> ../../../source/...`` (or a
notebook that is such a link) would get the instructor's solutions copied into their autograded
folder, read by their code, and handed back by ``release_feedback``. FIFOs and devices would
hang or feed the copies. So every entry that is not a regular file or a real directory is
dropped before nbgrader reads a submission (``drop_special_entries``), copies into the exchange
and the sandbox take regular files only (``copy_regular_tree``, opened without following links,
so a file swapped for a link midway is refused too), and feedback holds only the feedback pages.

Hook functions for ``nbgrader_config.py``: ``Autograde.pre_convert_hook`` and
``GenerateFeedback.post_convert_hook``. nbgrader logs a hook's exception at info level and goes
on, so the sandbox's copy (``graders.sandbox``) does not rely on them.
"""

import logging
import os
import shutil
import stat
from pathlib import Path

log = logging.getLogger("graders")
RELEASE_FEEDBACK_READS = ("timestamp.txt", "submission_secret.txt")


def special_entries(folder: Path) -> list[Path]:
    """Every entry under ``folder`` that is neither a regular file nor a real directory."""
    found = []
    for entry in os.scandir(folder):
        mode = entry.stat(follow_symlinks=False).st_mode
        if stat.S_ISDIR(mode):
            found += special_entries(Path(entry.path))
        elif not stat.S_ISREG(mode):
            found.append(Path(entry.path))
    return found


def drop_special_entries(folder: Path) -> list[Path]:
    """Remove (and return) the entries ``special_entries`` finds (links, never their targets)."""
    dropped = special_entries(folder)
    for path in dropped:
        log.error("%s is not a regular file (%s): dropped from the submission", path, _kind(path))
        path.unlink()
    return dropped


def copy_regular_tree(source: Path, target: Path, keep=lambda directory, names: names) -> list[str]:
    """Copy the regular files and directories under ``source`` to ``target`` (created, or empty);
    returns the relative paths of what was skipped. ``keep(directory, names)`` may narrow each
    folder's entries (nbgrader's ignore/include/size rules). Nothing is followed: each entry is
    opened relative to its parent's descriptor with ``O_NOFOLLOW``."""
    skipped: list[str] = []
    fd = os.open(source, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    try:
        _copy_dir(fd, Path(source), target, "", keep, skipped)
    finally:
        os.close(fd)
    return skipped


def _copy_dir(fd: int, source: Path, target: Path, relative: str, keep, skipped: list[str]) -> None:
    target.mkdir(mode=0o755, exist_ok=not relative)
    names = sorted(os.listdir(fd))
    kept = set(keep(str(source / relative), names))
    for name in names:
        path = f"{relative}{name}"
        if name not in kept:
            continue
        try:
            child = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=fd)
        except OSError:  # a symlink (ELOOP), or gone
            skipped.append(path)
            continue
        try:
            mode = os.fstat(child).st_mode
            if stat.S_ISDIR(mode):
                _copy_dir(child, source, target / name, f"{path}/", keep, skipped)
            elif stat.S_ISREG(mode):
                with os.fdopen(os.dup(child), "rb") as src, open(target / name, "xb") as dst:
                    shutil.copyfileobj(src, dst)
            else:
                skipped.append(path)
        finally:
            os.close(child)


def _kind(path: Path) -> str:
    mode = path.lstat().st_mode
    for test, name in [
        (stat.S_ISLNK, "symlink"),
        (stat.S_ISFIFO, "FIFO"),
        (stat.S_ISSOCK, "socket"),
        (stat.S_ISCHR, "character device"),
        (stat.S_ISBLK, "block device"),
    ]:
        if test(mode):
            return name
    return "special file"


def clean_submission_hook(assignment, student, notebooks) -> None:
    """``Autograde.pre_convert_hook``: drop special entries from each submitted folder. A notebook
    that was one is replaced by the released notebook, so it is graded as left blank (nbgrader
    cannot grade an assignment whose notebooks are all missing).

    ``notebooks`` are ``<root>/submitted/<student>/<assignment>/<name>.ipynb`` (nbgrader's default
    directory layout, which this course uses); the released ones are in
    ``<root>/release/<assignment>/``."""
    for folder in sorted({Path(notebook).parent for notebook in notebooks}):
        for path in drop_special_entries(folder):
            released = folder.parents[2] / "release" / folder.name / path.name
            if str(path) in notebooks and released.is_file():
                log.error("%s: graded as the released notebook, left blank", path)
                shutil.copyfile(released, path)
    notebooks[:] = [n for n in notebooks if _is_regular(Path(n))]


def _is_regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(path.lstat().st_mode)
    except FileNotFoundError:
        return False


def prune_feedback_hook(assignment, student, notebooks) -> None:
    """``GenerateFeedback.post_convert_hook``: feedback holds the feedback pages and the two files
    ``release_feedback`` reads, nothing else (it hands out every ``*.html`` it finds there).

    ``notebooks`` are ``<root>/autograded/<student>/<assignment>/<name>.ipynb`` (nbgrader's default
    directory layout, which this course uses); the pages are ``<root>/feedback/.../<name>.html``."""
    pages = {f"{Path(notebook).stem}.html" for notebook in notebooks} | set(RELEASE_FEEDBACK_READS)
    for folder in sorted({Path(notebook).parent for notebook in notebooks}):
        feedback = folder.parents[2] / "feedback" / folder.parent.name / folder.name
        if not feedback.is_dir():
            continue
        for entry in feedback.iterdir():
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            elif entry.name not in pages or not stat.S_ISREG(entry.lstat().st_mode):
                entry.unlink()
