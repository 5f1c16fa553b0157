"""A small process that forks the grader's limited children (``graders.core.limits.Child``).

Every SymPy evaluation of a student's formula runs in a forked child under resource limits. A
fork of the grading process itself costs about 45 ms on an idle 2-core machine (it maps torch,
nbgrader and Jupyter: page tables, at-fork handlers, and the teardown at exit); a process that
holds only SymPy forks in about 6 ms. A submission needs a few hundred such children, so the
grading process starts this server once (lazily, at its first child) and asks it to fork them.

The grader sends each child's work as a cloudpickle (grader to server: trusted code and
student-derived SymPy data, as before) with the write end of the child's result pipe attached
(SCM_RIGHTS). The child runs exactly what a direct fork would (``limits._child_main``: limits,
then results over the pipe, read by the grader with the allow-list unpickler). The server
answers with the child's pid, kills a child on request and reports its exit status; only it
waits on its children, so a pid is never signalled after it could have been reused.
"""

import logging
import os
import select
import signal
import socket
import struct
import subprocess
import sys
from types import ModuleType

log = logging.getLogger("graders")

HEADER = struct.Struct("<Q")
START_SECONDS = 60.0
LINE_LIMIT = 256
SHARED_PACKAGES = ("core", "probes")  # graders' packages that are not an assignment's


class ForkServerGone(RuntimeError):
    """The server died or stopped answering: the caller forks directly instead."""


class ForkServer:
    """The grader's end of the server: ``start`` a child, ``kill`` it, ``status`` once it ended."""

    def __init__(self):
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        code = (
            f"import sys; sys.path[:0] = {sys.path!r}; from graders.core.forkserver import "
            f"serve; serve({theirs.fileno()})"
        )
        # Its output would land in whichever student's log was open when it started (grade_class).
        self.process = subprocess.Popen(
            [sys.executable, "-c", code],
            pass_fds=[theirs.fileno()],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        theirs.close()
        self.sock = ours
        self.sock.settimeout(START_SECONDS)
        self.exits: dict[int, int] = {}
        self._pending = b""
        self._read_line()  # "ready": SymPy is imported

    def start(self, work, result_fd: int, cpu_seconds: float, memory_margin: int) -> int:
        import cloudpickle

        _send_assignments_by_value(cloudpickle)
        blob = cloudpickle.dumps((work, cpu_seconds, memory_margin))
        try:
            socket.send_fds(self.sock, [HEADER.pack(len(blob))], [result_fd])
            self.sock.sendall(blob)
            kind, pid = self._read_line()
        except OSError as error:
            raise ForkServerGone(str(error)) from None
        if kind != "pid":
            raise ForkServerGone(f"unexpected answer {kind!r}")
        return pid

    def kill(self, pid: int) -> None:
        try:
            self.sock.sendall(HEADER.pack(0) + struct.pack("<q", pid))
        except OSError:
            pass

    def status(self, pid: int) -> int:
        """The wait status of ``pid``, once the server has reaped it."""
        while pid not in self.exits:
            try:
                self._read_message()
            except OSError as error:
                raise ForkServerGone(str(error)) from None
        return self.exits.pop(pid)

    def close(self) -> None:
        self.sock.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def _read_line(self) -> tuple[str, int]:
        """The next answer that is not an exit report (exit reports are kept in ``exits``)."""
        while (answer := self._read_message()) is None:
            pass
        return answer

    def _read_message(self) -> tuple[str, int] | None:
        """One line of the server: an answer, or None for an exit report (noted in ``exits``)."""
        while b"\n" not in self._pending:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ForkServerGone("the fork server exited")
            self._pending += chunk
            if len(self._pending) > LINE_LIMIT and b"\n" not in self._pending:
                raise ForkServerGone("the fork server sent an overlong line")
        line, self._pending = self._pending.split(b"\n", 1)
        kind, *numbers = line.decode().split()
        if kind == "exit":
            self.exits[int(numbers[0])] = int(numbers[1])
            return None
        return kind, int(numbers[0]) if numbers else 0


def _send_assignments_by_value(cloudpickle) -> None:
    """Functions of a question's module (``graders/<assignment>/``) go to the server by value, as
    its lambdas already do: by reference, the server would import the module, and with it torch
    (280 MB more, and slower forks), for SymPy work that needs neither."""
    graders = sys.modules.get("graders")
    for name, module in list(vars(graders).items()) if graders else []:
        if isinstance(module, ModuleType) and hasattr(module, "__path__"):
            if name not in SHARED_PACKAGES:
                cloudpickle.register_pickle_by_value(module)


def serve(fd: int) -> None:  # pragma: no cover (runs in the server process)
    """The server's loop: fork on request, kill on request, report exits as they happen."""
    import cloudpickle

    from graders.core import limits

    limits.USE_FORK_SERVER = False  # its children fork no further servers
    _warm_sympy()

    sock = socket.socket(fileno=fd)
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_write, False)
    signal.set_wakeup_fd(wake_write)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    children: set[int] = set()
    sock.sendall(b"ready\n")
    while True:
        readable, _, _ = select.select([sock, wake_read], [], [])
        if wake_read in readable:
            os.read(wake_read, 4096)
            _report_exits(sock, children)
        if sock not in readable:
            continue
        header, fds, _, _ = socket.recv_fds(sock, HEADER.size, 1)
        if not header:  # the grader is gone: so are its children's reasons to live
            for pid in children:
                _kill(pid)
            os._exit(0)
        (size,) = HEADER.unpack(_exactly(sock, HEADER.size, header))
        if size == 0:
            (pid,) = struct.unpack("<q", _exactly(sock, 8))
            if pid in children:
                _kill(pid)
            continue
        work, cpu_seconds, memory_margin = cloudpickle.loads(_exactly(sock, size))
        pid = os.fork()
        if pid == 0:
            sock.close()
            signal.set_wakeup_fd(-1)
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            limits._child_main(work, fds[0], cpu_seconds, memory_margin)
        os.close(fds[0])
        children.add(pid)
        sock.sendall(f"pid {pid}\n".encode())


def _warm_sympy() -> None:  # pragma: no cover (server)
    """What the children compute with, imported and run once here (SymPy imports and prepares
    much of itself lazily, on first use): else every child would pay for it again."""
    import sympy as sp

    from graders.core import symbolic

    b, k, m, c, t, i, x, y = sp.symbols("b k m c t i x y")
    expr = (1 - b**k) * m / (1 + b) + sp.log(1 + sp.exp(-c * t)) + sp.Sum(b**i, (i, 0, k)).doit()
    symbolic._evaluate(expr, {b: 0.5, k: 3, m: 1.5, c: 2.0, t: 0.25})
    sp.simplify(sp.sin(x) ** 2 + sp.cos(x) ** 2 + (x**2 - y**2) / (x - y))
    sp.solve(sp.Eq(x**2, 4), x)
    sp.limit(b**k, k, sp.oo)
    sp.Rational(1, 3).evalf(30)


def _report_exits(sock, children: set[int]) -> None:  # pragma: no cover (server)
    while children:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        children.discard(pid)
        sock.sendall(f"exit {pid} {status}\n".encode())


def _exactly(sock, size: int, start: bytes = b"") -> bytes:  # pragma: no cover (server)
    data = bytearray(start)
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            os._exit(0)
        data += chunk
    return bytes(data)


def _kill(pid: int) -> None:  # pragma: no cover (server)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


_server: ForkServer | None = None
_failed = False


def server() -> ForkServer | None:
    """This process's fork server, started at the first call; None (fork directly) where it
    cannot run, with the reason logged once."""
    global _server, _failed
    if _server is not None and _server.process.poll() is None:
        return _server
    if _failed:
        return None
    try:
        _server = ForkServer()
    except (OSError, ForkServerGone, ValueError) as error:
        log.warning("no fork server (%s): SymPy children are forked from the grader itself", error)
        _failed, _server = True, None
    return _server


def forget() -> None:
    """After the server failed mid-request: the next call starts a new one."""
    global _server
    if _server is not None:
        _server.process.kill()
        _server = None
