"""One writer at a time on an SQLite gradebook, across processes.

nbgrader opens a short ``Gradebook`` session for each step of an autograde (create the
student, record the submission, save each notebook's grades) and never holds one while a
kernel runs. SQLite lets one connection write at a time; another writer waits for the
driver's busy timeout (5 s) and then fails with "database is locked", and nbgrader then drops
that student's autograde. A loaded machine, a slow disk or a long session elsewhere can hold
the write lock that long. So in every process of a parallel run each ``Gradebook`` session
(from its construction to ``close()``) holds an exclusive ``flock`` on
``<gradebook file>.lock``: sessions queue for as long as it takes instead of timing out, while
the kernels run in parallel. A server database (PostgreSQL) handles concurrent writers itself
and gets no lock. The kernel releases the lock if its process dies, so a killed worker cannot
wedge the others.
"""

import fcntl
import threading
from pathlib import Path

from sqlalchemy.engine import make_url

_thread_lock = threading.RLock()


def lock_path(db_url: str) -> Path | None:
    """The lock file of an SQLite gradebook on disk, or None when no lock is needed."""
    url = make_url(db_url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database).resolve().with_name(Path(url.database).name + ".lock")


class SessionLock:
    """A re-entrant, cross-process exclusive lock on one file."""

    def __init__(self, path: Path):
        self.path = path
        self.depth = 0
        self.handle = None

    def acquire(self) -> None:
        _thread_lock.acquire()
        if self.depth == 0:
            self.handle = open(self.path, "a")
            fcntl.flock(self.handle, fcntl.LOCK_EX)
        self.depth += 1

    def release(self) -> None:
        self.depth -= 1
        if self.depth == 0:
            fcntl.flock(self.handle, fcntl.LOCK_UN)
            self.handle.close()
            self.handle = None
        _thread_lock.release()


_locks: dict[Path, SessionLock] = {}


def install() -> None:
    """Make every nbgrader ``Gradebook`` session in this process hold its gradebook's lock."""
    from nbgrader.api import Gradebook

    if getattr(Gradebook, "_coursepack_locked", False):
        return
    original_init, original_close = Gradebook.__init__, Gradebook.close

    def __init__(self, db_url, *args, **kwargs):
        path = lock_path(db_url)
        self._coursepack_lock = _locks.setdefault(path, SessionLock(path)) if path else None
        if self._coursepack_lock:
            self._coursepack_lock.acquire()
        try:
            original_init(self, db_url, *args, **kwargs)
        except BaseException:
            self._release_coursepack_lock()
            raise

    def close(self):
        try:
            original_close(self)
        finally:
            self._release_coursepack_lock()

    def _release_coursepack_lock(self):
        lock, self._coursepack_lock = self._coursepack_lock, None
        if lock:
            lock.release()

    Gradebook.__init__, Gradebook.close = __init__, close
    Gradebook._release_coursepack_lock = _release_coursepack_lock
    Gradebook._coursepack_locked = True
