"""Talking to the student's Jupyter kernel from the grader, and surviving what it does.

``KernelTransport`` runs probe requests in the kernel nbgrader started for the notebook: the
request goes in as a file, a one-line call to the installed runtime runs it, the reply comes
back as a file (plain data, see ``graders.probes.runtime``). Whatever the kernel prints is
drained and dropped, so a flood costs nothing. A call that outlives its deadline is
interrupted, and a kernel that ignores the interrupt or dies is restarted and brought back to
the state after the student's cells (replayed silently, minus any cell that killed it), so the
remaining checks still run.
"""

import itertools
import logging
import os
import shutil
import tempfile
from pathlib import Path
from queue import Empty
from time import monotonic

from jupyter_core.utils import run_sync

from graders.core.submission import MAX_REPLY_BYTES, KernelDied, ProbeTimeout

log = logging.getLogger("graders")

IO_PREFIX = ".grader-io-"
INTERRUPT_GRACE = 3.0
MAX_RESTARTS = 3
DRAIN_BATCH = 2000


class KernelTransport:
    """Probe requests over a running kernel of an nbclient ``NotebookClient``."""

    def __init__(self, client, workdir: Path, cell_timeout: float, kernel_workdir: str | None = None, io_owner=None):
        """``workdir`` as the grader sees it is ``kernel_workdir`` in the kernel (a sandbox may move
        it); ``io_owner`` is the (uid, gid) the kernel runs as, if not the grader's."""
        self.client = client
        self.workdir = Path(workdir)
        self.kernel_workdir = kernel_workdir or str(self.workdir.resolve())
        self.io_owner = io_owner
        self.io_dir = None
        self.io_fd = None
        self.cell_timeout = cell_timeout
        self.replay: list[str] = []
        self.runtime_source = ""
        self.restarts = 0
        self._ids = itertools.count(1)

    # ------------------------------------------------------------ raw execution

    def execute(self, code: str, timeout: float) -> dict:
        """Execute ``code`` silently; the shell reply, or ``ProbeTimeout`` / ``KernelDied``."""
        return run_sync(self._execute)(code, timeout)

    async def _execute(self, code, timeout):
        kc, km = self.client.kc, self.client.km
        msg_id = kc.execute(code, silent=False, store_history=False, allow_stdin=False, stop_on_error=False)
        deadline = monotonic() + timeout
        while True:
            await self._drain_iopub()
            try:
                reply = await kc.get_shell_msg(timeout=0.2)
            except Empty:
                if not await km.is_alive():
                    raise KernelDied("kernel died") from None
                if monotonic() > deadline:
                    raise ProbeTimeout("timed out") from None
                continue
            if reply["parent_header"].get("msg_id") == msg_id:
                return reply

    async def _drain_iopub(self):
        for _ in range(DRAIN_BATCH):
            try:
                await self.client.kc.get_iopub_msg(timeout=0)
            except Empty:
                return

    # ------------------------------------------------------------ recovery

    def recover(self) -> None:
        """Bring a hung or dead kernel back to the state after the student's cells."""
        self.restarts += 1
        if self.restarts > MAX_RESTARTS:
            raise KernelDied("the kernel was restarted too often")
        log.warning("restarting the student's kernel (restart %d)", self.restarts)
        run_sync(self._restart)()
        for source in self.replay:
            try:
                self.execute(source, self.cell_timeout)
            except ProbeTimeout:
                run_sync(self.client.km.interrupt_kernel)()
                self.execute("pass", INTERRUPT_GRACE)
        if self.runtime_source:
            self.execute(self.runtime_source, self.cell_timeout)

    async def _restart(self):
        await self.client.km.restart_kernel(now=True)
        await self.client.kc.wait_for_ready(timeout=120)

    def interrupt_or_recover(self) -> None:
        """After a timeout: interrupt, and restart if the kernel does not come back."""
        try:
            run_sync(self.client.km.interrupt_kernel)()
            self.execute("pass", INTERRUPT_GRACE)
        except (ProbeTimeout, KernelDied):
            self.recover()

    # ------------------------------------------------------------ the probe protocol

    def install(self, runtime_source: str) -> None:
        """Install the grader's runtime in the kernel, after the student's cells."""
        self.runtime_source = (
            "__course_grader__ = __import__('types').ModuleType('course_grader')\n"
            f"exec(compile({runtime_source!r}, '<course grader>', 'exec'), __course_grader__.__dict__)\n"
            "__course_grader__.NAMESPACE = globals()\n"
        )
        # A fresh directory opened once: the student's code cannot redirect the grader's
        # writes by planting symlinks (names are created with O_EXCL under this handle).
        self.io_dir = Path(tempfile.mkdtemp(prefix=IO_PREFIX, dir=self.workdir))
        self.io_fd = os.open(self.io_dir, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
        if self.io_owner is not None:
            os.fchown(self.io_fd, *self.io_owner)  # the kernel writes its replies here
        try:
            self.execute(self.runtime_source, self.cell_timeout)
        except (ProbeTimeout, KernelDied):
            self.recover()

    def run(self, request: bytes, timeout: float) -> bytes | None:
        number = next(self._ids)
        request_name, reply_name = f"request-{number}", f"reply-{number}"
        self._write(request_name, request)
        kernel_dir = f"{self.kernel_workdir}/{self.io_dir.name}"
        code = f"__course_grader__.dispatch({kernel_dir + '/' + request_name!r}, {kernel_dir + '/' + reply_name!r})"
        try:
            self.execute(code, timeout)
        except ProbeTimeout:
            self.interrupt_or_recover()
            raise
        except KernelDied:
            self.recover()
            raise
        finally:
            self._unlink(request_name)
        try:
            fd = os.open(reply_name, os.O_RDONLY | os.O_NOFOLLOW, dir_fd=self.io_fd)
        except OSError:
            return None
        with os.fdopen(fd, "rb") as handle:
            blob = handle.read(MAX_REPLY_BYTES + 1)
        self._unlink(reply_name)
        return blob

    def _write(self, name: str, data: bytes) -> None:
        fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644, dir_fd=self.io_fd)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)

    def _unlink(self, name: str) -> None:
        try:
            os.unlink(name, dir_fd=self.io_fd)
        except OSError:
            pass

    def close(self) -> None:
        if self.io_fd is not None:
            os.close(self.io_fd)
            shutil.rmtree(self.io_dir, ignore_errors=True)
            self.io_fd = None
