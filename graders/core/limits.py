"""Limits that really stop grader-side work on student-derived data (SymPy reading, ``evalf``,
``simplify``, ``solve``).

A signal cannot interrupt C-level big-integer arithmetic and an abandoned thread keeps its core
and its memory, so the work runs in a forked child (of a small SymPy-only fork server,
graders/core/forkserver.py: about 6 ms a child instead of 45 ms for a fork of the grader,
which is the fallback) under RLIMIT_AS and RLIMIT_CPU, and the parent kills it once it has used
its CPU budget, or at a wall-clock deadline (a multiple of the budget, so a loaded machine does
not fail honest answers) whatever it did. The child sends its results back over a pipe as
length-prefixed pickles; the parent unpickles them with an allow-list of classes and a size
cap, so a result can only be plain data, SymPy or mpmath objects, or an exception.
"""

import builtins
import io
import logging
import math
import os
import pickle
import resource
import select
import signal
import struct
import sys
from time import monotonic

from graders.core import forkserver

log = logging.getLogger("graders")

#: Address space the child may add to what the grader already maps.
MEMORY_MARGIN = 1 << 30
#: Largest pickled message the parent accepts from a child.
MAX_RESULT_BYTES = 4 << 20
#: Exit status of a child that ran out of memory before it could say so.
OUT_OF_MEMORY = 3
FRAME = struct.Struct("<Q")
#: A child is stopped at this many times its CPU budget of wall clock, however little it ran.
WALL_FACTOR = 3
POLL_SECONDS = 0.1
#: Fork children from a small SymPy-only process (graders/core/forkserver.py), not the grader.
USE_FORK_SERVER = True


class LimitExceeded(Exception):
    """The work was stopped: it took too long, needed too much memory or returned too much."""


class TimeLimitExceeded(LimitExceeded):
    pass


class MemoryLimitExceeded(LimitExceeded):
    pass


def time_limited(function, seconds: float, *, check=None):
    """``function()`` computed in a child process, or ``LimitExceeded`` once it has used
    ``seconds`` of CPU (``WALL_FACTOR`` times that of wall clock at most) or the memory margin.
    An exception ``function`` raises is raised here.

    ``check(result)`` runs in the child before the result is sent (to bound its size); it raises
    to refuse it. The function's side effects stay in the child.
    """

    def work(send):
        value = function()
        if check is not None:
            check(value)
        send(value)

    with Child(work, cpu_seconds=seconds) as child:
        return child.receive(seconds)


class Child:
    """A forked child running ``work(send)``; each ``send(value)`` is one message to ``receive``."""

    def __init__(self, work, cpu_seconds: float, memory_margin: int = MEMORY_MARGIN):
        read_end, write_end = os.pipe()
        for stream in (sys.stdout, sys.stderr):  # else the child's exit could print them twice
            try:
                stream.flush()
            except (OSError, ValueError, AttributeError):
                pass
        self.server, self.pid = _start_in_server(work, write_end, cpu_seconds, memory_margin)
        if self.server is None:
            self.pid = os.fork()
            if self.pid == 0:  # pragma: no cover (runs in the child; it never returns)
                os.close(read_end)
                _child_main(work, write_end, cpu_seconds, memory_margin)
        os.close(write_end)
        self.fd = read_end
        self.buffer = bytearray()
        self.status = None

    def receive(self, seconds: float):
        """The next message (an exception the child raised is raised here), or ``LimitExceeded``.

        ``seconds`` is a budget of the child's CPU time, so a loaded machine does not fail an
        honest answer; the wall clock stops the child at ``WALL_FACTOR`` times that in any case.
        """
        started = monotonic()
        poller = select.poll()
        poller.register(self.fd, select.POLLIN | select.POLLHUP)
        while (message := self._frame()) is None:
            elapsed = monotonic() - started
            spent = elapsed >= WALL_FACTOR * seconds or self._cpu_seconds() >= seconds
            if elapsed >= seconds and spent:
                self.close()
                raise TimeLimitExceeded(f"took longer than {seconds:g} s")
            if not poller.poll(1000 * (seconds - elapsed if elapsed < seconds else POLL_SECONDS)):
                continue
            chunk = os.read(self.fd, 1 << 16)
            if not chunk:
                raise self._ended()
            self.buffer += chunk
            if len(self.buffer) > MAX_RESULT_BYTES + FRAME.size:
                self.close()
                raise LimitExceeded(f"the result is larger than {MAX_RESULT_BYTES >> 20} MiB")
        kind, value = message
        if kind == "error":
            raise value
        return value

    def _cpu_seconds(self) -> float:
        """CPU time the child has used (user + system), from /proc."""
        try:
            with open(f"/proc/{self.pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            return math.inf
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def _frame(self):
        if len(self.buffer) < FRAME.size:
            return None
        (size,) = FRAME.unpack_from(self.buffer)
        if size > MAX_RESULT_BYTES:
            self.close()
            raise LimitExceeded(f"the result is larger than {MAX_RESULT_BYTES >> 20} MiB")
        if len(self.buffer) < FRAME.size + size:
            return None
        blob = bytes(self.buffer[FRAME.size : FRAME.size + size])
        del self.buffer[: FRAME.size + size]
        try:
            return _AllowListUnpickler(io.BytesIO(blob)).load()
        except Exception as error:
            self.close()
            raise LimitExceeded(f"returned a result the grader does not accept ({error})") from None

    def _ended(self):
        self._reap()
        if os.WIFEXITED(self.status) and os.WEXITSTATUS(self.status) == OUT_OF_MEMORY:
            return MemoryLimitExceeded("needed more memory than allowed")
        killed = os.WIFSIGNALED(self.status) and os.WTERMSIG(self.status)
        if killed in (signal.SIGXCPU, signal.SIGKILL):
            return TimeLimitExceeded("used up its CPU time")
        return LimitExceeded("the evaluating process ended without an answer")

    def _reap(self):
        if self.status is None and self.server is not None:
            try:
                self.status = self.server.status(self.pid)
            except forkserver.ForkServerGone:
                forkserver.forget()
                self.status = signal.SIGKILL  # the server took its children down with it
        elif self.status is None:
            self.status = os.waitpid(self.pid, 0)[1]

    def close(self):
        if self.status is None:
            if self.server is not None:
                self.server.kill(self.pid)
            else:
                try:
                    os.kill(self.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            self._reap()
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _start_in_server(work, result_fd, cpu_seconds, memory_margin):
    """(fork server, pid) of a child it started for ``work``, or (None, None): fork here."""
    server = forkserver.server() if USE_FORK_SERVER else None
    if server is None:
        return None, None
    try:
        return server, server.start(work, result_fd, cpu_seconds, memory_margin)
    except forkserver.ForkServerGone as error:
        log.warning("the fork server failed (%s): forking here", error)
        forkserver.forget()
    except (pickle.PicklingError, TypeError, AttributeError):  # work cloudpickle cannot send
        pass
    return None, None


def _child_main(work, fd, cpu_seconds, memory_margin):  # pragma: no cover (runs in the child)
    status = 0
    try:
        _limit_resources(cpu_seconds, memory_margin)

        def send(value, kind="value"):
            try:
                blob = pickle.dumps((kind, value), protocol=pickle.HIGHEST_PROTOCOL)
            except (pickle.PicklingError, TypeError, AttributeError) as error:
                raise LimitExceeded(f"the result cannot be sent back ({error})") from None
            if len(blob) > MAX_RESULT_BYTES:
                raise LimitExceeded(f"the result is larger than {MAX_RESULT_BYTES >> 20} MiB")
            _write_all(fd, FRAME.pack(len(blob)) + blob)

        try:
            work(send)
        except MemoryError:
            status = OUT_OF_MEMORY
        except BaseException as error:  # handed to the parent, which raises it
            try:
                send(error, "error")
            except MemoryError:
                status = OUT_OF_MEMORY
            except BaseException:
                send(LimitExceeded(f"{type(error).__name__} (not transferable)"), "error")
    except MemoryError:
        status = OUT_OF_MEMORY
    except BaseException:
        status = 1
    finally:
        os._exit(status)


def _limit_resources(cpu_seconds, memory_margin):  # pragma: no cover (runs in the child)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    with open("/proc/self/statm") as statm:
        mapped = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    _lower(resource.RLIMIT_AS, mapped + memory_margin)
    _lower(resource.RLIMIT_CPU, math.ceil(cpu_seconds) + 1)  # a fresh child has used none
    _lower(resource.RLIMIT_CORE, 0)


def _lower(which, value):
    soft, hard = resource.getrlimit(which)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    resource.setrlimit(which, (value, hard if hard != resource.RLIM_INFINITY else value))


def _write_all(fd, data):
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


class _AllowListUnpickler(pickle.Unpickler):
    """Only classes of SymPy, mpmath, the grader's errors and plain builtins: our own child wrote
    the pickle, but from student-derived data, so nothing else may be called while loading."""

    BUILTINS = {
        "set",
        "frozenset",
        "complex",
        "tuple",
        "list",
        "dict",
        "int",
        "float",
        "str",
        "bytes",
        "bool",
        "slice",
        "range",
        "object",
    }
    COPYREG = {"_reconstructor", "__newobj__", "__newobj_ex__"}

    def find_class(self, module, name):
        found = super().find_class(module, name) if self._allowed(module, name) else None
        if isinstance(found, type) or (module == "copyreg" and found is not None):
            return found
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a result")

    def _allowed(self, module, name):
        if module == "copyreg":
            return name in self.COPYREG
        if module == "builtins":
            found = getattr(builtins, name, None)
            error = isinstance(found, type) and issubclass(found, BaseException)
            return name in self.BUILTINS or error
        return module.split(".")[0] in ("sympy", "mpmath") or module.startswith("graders.core.")
