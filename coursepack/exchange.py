"""``nbgrader collect`` on the single-machine exchange, refusing what a student should not send.

The exchange's ``inbound/`` folder is writable by every student, and each submission in it is
a folder ``<student>+<assignment>+<timestamp>+<random>`` made by that student's ``nbgrader
submit``. nbgrader's own collect only warns when a folder's owner is not the student it names,
and its ``copytree`` follows symlinks, so one student could submit for another, or hand in a
link to the instructor's files. ``CheckedCollect`` (``c.ExchangeFactory.collect`` in
nbgrader_config.py):

- takes a student id to be the login name of the student's account on this machine, as
  nbgrader's own check does, and refuses (an error: nothing copied, collect exits non-zero
  after collecting the others) a folder not owned by that account, or that is itself a link;
  of a student's submissions, the latest one they own is collected, so a forged newer folder
  cannot hide their real one;
- copies regular files and folders only (``graders.submission_files.copy_regular_tree``):
  symlinks, FIFOs, sockets and devices are left behind, with an error in the log.
"""

import pwd
import stat
from pathlib import Path

from nbgrader.exchange.default.collect import ExchangeCollect
from nbgrader.utils import ignore_patterns

from graders.submission_files import copy_regular_tree


def owner_problem(folder: Path, student: str) -> str | None:
    """Why ``folder`` cannot be ``student``'s submission, or None if it can."""
    try:
        uid = pwd.getpwnam(student).pw_uid
    except KeyError:
        return f"{folder} claims to be submitted by {student!r}, who has no account on this machine"
    info = folder.lstat()
    if not stat.S_ISDIR(info.st_mode):
        return f"{folder} is not a folder (a link?)"
    if info.st_uid != uid:
        return (
            f"{folder} claims to be submitted by {student!r} (uid {uid}) but is owned by"
            f" uid {info.st_uid}"
        )
    return None


class CheckedCollect(ExchangeCollect):
    """nbgrader's collect with the owner check enforced and regular files only: see the module."""

    def init_src(self):
        self._refused: dict[str, str] = {}  # inbound folder name: why it is not collected
        super().init_src()

    def _sort_by_timestamp(self, records):
        """Newest first, but the folders the student owns before any they do not (refused)."""
        if self.check_owner:
            for record in records:
                folder = Path(self.inbound_path) / record["filename"]
                problem = owner_problem(folder, record["username"])
                if problem is not None:
                    self._refused[record["filename"]] = problem

        def newest_owned_first(record):
            return record["filename"] not in self._refused, record["timestamp"]

        return sorted(records, key=newest_owned_first, reverse=True)

    def do_copy(self, src, dest, log=None):
        if Path(src).name in self._refused:
            return
        size = self.get_size(src)
        if size > 1000 * self.coursedir.max_dir_size:
            raise RuntimeError(
                f"Directory size is too big. Size is {size}, maximum size is "
                f"{1000 * self.coursedir.max_dir_size}"
            )
        ignore = ignore_patterns(
            exclude=self.coursedir.ignore,
            include=self.coursedir.include,
            max_file_size=self.coursedir.max_file_size,
            log=self.log,
        )

        def keep(folder, names):
            return set(names) - set(ignore(folder, names))

        skipped = copy_regular_tree(Path(src), Path(dest), keep=keep)
        for path in skipped:
            self.log.error("%s/%s is not a regular file: not collected", src, path)

    def copy_files(self):
        super().copy_files()
        for problem in self._refused.values():
            self.log.error("Refused: %s", problem)
        if self._refused:
            self.fail(
                f"collect refused {len(self._refused)} submission folder(s): "
                + "; ".join(self._refused.values())
            )
