"""Talking to the student's Jupyter kernel from the grader, and surviving what it does.

``KernelTransport`` runs probe requests in the kernel nbgrader started for the notebook: the
request goes in as a file, a one-line call to the installed runtime runs it, the reply comes
back as a file (plain data, see ``graders.probes.runtime``). Whatever the kernel prints is
drained and dropped, so a flood costs nothing. A call that outlives its deadline is
interrupted, and a kernel that ignores the interrupt or dies is restarted and brought back to
the state after the student's cells (replayed silently, minus any cell that killed it), so the
remaining checks still run. A kernel that cannot be brought back is given up: after
``MAX_RESTARTS`` restarts, or at once when the restored kernel hangs (replayed code that hung
would hang again, at a full timeout each time). Every later call then fails at once with
``KernelGaveUp``, so a broken kernel costs its checks, never minutes of timeouts each.
"""

import itertools
import logging
import os
import shutil
import stat
import tempfile
from pathlib import Path
from queue import Empty
from time import monotonic

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_core.utils import run_sync

from graders.core.errors import KernelDied, KernelGaveUp, NotChecked, ProbeTimeout
from graders.core.submission import MAX_REPLY_BYTES

log = logging.getLogger("graders")

IO_PREFIX = ".grader-io-"
IOPUB_POLL = 0.05  # seconds QuickReadyClient waits for IOPub per kernel_info round
INTERRUPT_GRACE = 3.0
MAX_RESTARTS = 3
DRAIN_BATCH = 2000
#: Reading a reply file is local disk I/O: far less than this.
REPLY_READ_SECONDS = 10.0
TAMPERED = "the file the grader reads your answer from was tampered with"
GAVE_UP = (
    "your kernel kept dying or hanging, also after it was restarted, so the grader stopped "
    "calling it (os._exit, a crash, an infinite loop, a flood of output or the memory limit?)"
)
KINDS = {
    stat.S_IFIFO: "FIFO",
    stat.S_IFDIR: "directory",
    stat.S_IFSOCK: "socket",
    stat.S_IFCHR: "character device",
    stat.S_IFBLK: "block device",
}


class QuickReadyClient(AsyncKernelClient):
    """jupyter_client's client, ready as soon as its kernel is. jupyter_client's
    ``wait_for_ready`` ends by waiting 0.2 s for IOPub to fall silent, paid by every notebook;
    this one polls IOPub briefly per ``kernel_info`` round and drops what is there at once
    (nbclient matches outputs to their request, so a late status message is ignored)."""

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = monotonic() + (float("inf") if timeout is None else timeout)
        while True:
            self.kernel_info()
            try:
                reply = await self.shell_channel.get_msg(timeout=1)
            except Empty:
                reply = None
            if reply is not None and reply["msg_type"] == "kernel_info_reply":
                try:  # IOPub is connected once the status message of that request arrives
                    await self.iopub_channel.get_msg(timeout=IOPUB_POLL)
                except Empty:
                    pass
                else:
                    self._handle_kernel_info_reply(reply)
                    break
            if not await self.is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:g} seconds")
        while True:
            try:
                await self.iopub_channel.get_msg(timeout=0)
            except Empty:
                return


class KernelTransport:
    """Probe requests over a running kernel of an nbclient ``NotebookClient``."""

    def __init__(
        self,
        client,
        workdir: Path,
        cell_timeout: float,
        kernel_workdir: str | None = None,
        io_owner=None,
    ):
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
        self.gave_up = False
        self._ids = itertools.count(1)

    # ------------------------------------------------------------ raw execution

    def execute(self, code: str, timeout: float) -> dict:
        """Execute ``code`` silently; the shell reply, or ``ProbeTimeout`` / ``KernelDied``."""
        if self.gave_up:
            raise KernelGaveUp(GAVE_UP)
        return run_sync(self._execute)(code, timeout)

    async def _execute(self, code, timeout):
        kc, km = self.client.kc, self.client.km
        msg_id = kc.execute(
            code, silent=False, store_history=False, allow_stdin=False, stop_on_error=False
        )
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
        """Bring a hung or dead kernel back to the state after the student's cells: restarted,
        its cells replayed, the runtime installed again. Tried afresh if the restored kernel
        dies (a crash may not recur); ``KernelGaveUp`` if it hangs, or once ``MAX_RESTARTS``
        restarts are spent."""
        while not self.gave_up and self.restarts < MAX_RESTARTS:
            self.restarts += 1
            log.warning("restarting the student's kernel (restart %d)", self.restarts)
            try:
                self._restore()
                return
            except KernelDied as error:
                log.warning("the restarted kernel died too: %s", error)
            except ProbeTimeout as error:
                log.warning("the restarted kernel hung: %s", error)
                break
        self.gave_up = True
        raise KernelGaveUp(GAVE_UP)

    def _restore(self) -> None:
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
        try:
            await self.client.kc.wait_for_ready(timeout=120)
        except RuntimeError as error:  # it died again, or never answered
            raise KernelDied(str(error)) from None

    def interrupt_or_recover(self) -> None:
        """After a timeout: interrupt, and restart if the kernel does not come back."""
        if self.gave_up:
            raise KernelGaveUp(GAVE_UP)
        try:
            run_sync(self.client.km.interrupt_kernel)()
            self.execute("pass", INTERRUPT_GRACE)
        except (ProbeTimeout, KernelDied):
            self.recover()

    # ------------------------------------------------------------ the probe protocol

    def install(self, runtime_source: str) -> None:
        """Install the grader's runtime in the kernel, after the student's cells."""
        self.runtime_source = (
            "__course_grader__ = "
            f"__import__('types').ModuleType('course_grader')\nexec(compile({runtime_source!r}, "
            "'<course grader>', 'exec'), "
            "__course_grader__.__dict__)\n__course_grader__.NAMESPACE = globals()\n"
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

    def shared_dir(self) -> tuple[Path, str]:
        """The probe directory: (the grader's path, the kernel's path)."""
        return self.io_dir, f"{self.kernel_workdir}/{self.io_dir.name}"

    def run(self, request: bytes, timeout: float) -> bytes | None:
        number = next(self._ids)
        request_name, reply_name = f"request-{number}", f"reply-{number}"
        self._write(request_name, request)
        kernel_dir = f"{self.kernel_workdir}/{self.io_dir.name}"
        code = (
            f"__course_grader__.dispatch({kernel_dir + '/' + request_name!r}, "
            f"{kernel_dir + '/' + reply_name!r})"
        )
        try:
            self.execute(code, timeout)
        except ProbeTimeout:
            self.interrupt_or_recover()
            raise
        except KernelDied:
            self.recover()
            raise
        finally:
            self._remove(request_name)
        return self._read_reply(reply_name, REPLY_READ_SECONDS)

    def _read_reply(self, name: str, seconds: float) -> bytes | None:
        """The reply the kernel wrote, or None if it wrote none. The kernel can plant anything at
        that path (a FIFO, a directory, a file that keeps growing), so the read never blocks: a
        non-blocking open that refuses symlinks, a regular-file check, a size cap and a deadline."""
        try:
            fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=self.io_fd)
        except FileNotFoundError:
            return None
        except OSError as error:
            self._remove(name)
            raise NotChecked(f"{TAMPERED} (it could not be opened: {error.strerror})") from None
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise NotChecked(f"{TAMPERED} (it is a {_kind(info.st_mode)}, not a file)")
            chunks, size, deadline = [], 0, monotonic() + seconds
            while chunk := os.read(fd, 1 << 20):
                size += len(chunk)
                if size > MAX_REPLY_BYTES:
                    raise NotChecked(f"the reply is larger than {MAX_REPLY_BYTES >> 20} MiB")
                if monotonic() > deadline:
                    raise NotChecked(f"{TAMPERED} (it could not be read within {seconds:g} s)")
                chunks.append(chunk)
            return b"".join(chunks)
        finally:
            os.close(fd)
            self._remove(name)

    def _write(self, name: str, data: bytes) -> None:
        """Create ``name`` afresh (a name the kernel planted first is removed, once)."""
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_NONBLOCK
        try:
            fd = os.open(name, flags, 0o644, dir_fd=self.io_fd)
        except FileExistsError:
            self._remove(name)
            try:
                fd = os.open(name, flags, 0o644, dir_fd=self.io_fd)
            except OSError as error:
                reason = f"a request could not be written: {error.strerror}"
                raise NotChecked(f"{TAMPERED} ({reason})") from None
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)

    def _remove(self, name: str) -> None:
        """Remove ``name`` in the exchange folder, whatever the kernel made of it."""
        try:
            os.unlink(name, dir_fd=self.io_fd)
        except IsADirectoryError:
            shutil.rmtree(name, ignore_errors=True, dir_fd=self.io_fd)
        except OSError:
            pass

    def close(self) -> None:
        if self.io_fd is not None:
            os.close(self.io_fd)
            shutil.rmtree(self.io_dir, ignore_errors=True)
            self.io_fd = None


def _kind(mode: int) -> str:
    return KINDS.get(stat.S_IFMT(mode), "special file")
