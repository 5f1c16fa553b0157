"""The warm template inside a submission's sandbox: it imports once, then forks one kernel per
notebook.

This file runs INSIDE the sandbox (``graders.warm`` passes its text to ``python -c``; the course
folder is not mounted there). It imports what the notebooks, the probes and ipykernel need
(``WARM_IMPORTS``, torch's lazily imported optimizer machinery included), tells the grader it
is ready, then serves requests, one JSON object per line, on the pipe the grader started it
with:

- ``{"fork": CONNECTION_FILE}``: fork a child that becomes an IPython kernel on that
  connection file, exactly as ``python -m ipykernel_launcher -f CONNECTION_FILE`` would;
  answered ``{"forked": PID}``;
- ``{"kill": PID}``: SIGKILL that kernel's process group, then every other process in the
  sandbox (a notebook's stray processes never outlive its kernel); answered ``{"killed": PID}``;
- ``{"signal": [PID, SIGNUM]}``: pass a signal to a kernel; answered ``{"signalled": PID}``.

and reports ``{"exited": PID, "status": CODE}`` when a kernel ends. When the grader closes the
pipe, it kills everything and exits. The template never runs student code and never receives
anything but connection-file paths, so a kernel forked from it inherits imported modules and
nothing of the grader's; it is made non-dumpable so a kernel of the same uid cannot ptrace it.
What a kernel shares with the template is listed in docs/sandbox.md.
"""

import json
import os
import select
import signal
import sys
import time

#: Imported once per submission instead of once per notebook.
WARM_IMPORTS = (
    "numpy",
    "torch",
    "torch.nn",
    "torch.nn.functional",
    "torch.optim",
    "torch._dynamo",  # imported by an optimizer's first step: about 2.5 s
    "sympy",
    "safetensors.torch",
    "matplotlib.pyplot",
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.zmqshell",
)
PR_SET_DUMPABLE = 4
REAP_INTERVAL = 0.1  # seconds between checks for ended kernels
KILL_WAIT = 1.0  # seconds a kill waits for the kernel to end


def main() -> None:
    requests, replies = os.dup(0), os.dup(1)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(2, 1)  # a stray print must never reach the grader's pipe
    os.close(devnull)
    started = time.monotonic()
    environment = dict(os.environ)  # imports add to it (torch: TORCHINDUCTOR_CACHE_DIR)
    warm()
    _set_dumpable(False)
    send(replies, {"ready": round(time.monotonic() - started, 3), "pid": os.getpid()})
    serve(requests, replies, environment)


def warm() -> None:
    """Import ``WARM_IMPORTS`` and run each optimizer once on a tiny tensor, single-threaded
    (no OpenMP pool is started: a fork must not inherit a half-held thread pool)."""
    import importlib

    for name in WARM_IMPORTS:
        importlib.import_module(name)
    import torch

    parameter = torch.nn.Parameter(torch.zeros(2))
    for optimizer in (
        torch.optim.SGD([parameter], lr=0.1, momentum=0.9),
        torch.optim.Adam([parameter]),
        torch.optim.AdamW([parameter]),
    ):
        parameter.grad = torch.ones(2)
        optimizer.step()


def serve(requests: int, replies: int, environment: dict) -> None:
    kernels: set[int] = set()
    pending = b""
    while True:
        readable, _, _ = select.select([requests], [], [], REAP_INTERVAL)
        for pid, status in _reap(kernels):
            send(replies, {"exited": pid, "status": status})
        if not readable:
            continue
        chunk = os.read(requests, 65536)
        if not chunk:  # the grader is done with this sandbox
            _kill_all()
            os._exit(0)
        pending += chunk
        *lines, pending = pending.split(b"\n")
        for line in lines:
            request = json.loads(line)
            reply = handle(request, kernels, (requests, replies), environment)
            for pid, status in _reap(kernels):  # a killed kernel's exit goes before the answer
                send(replies, {"exited": pid, "status": status})
            send(replies, {**reply, "id": request.get("id")})


def handle(request: dict, kernels: set[int], pipe: tuple[int, int], environment: dict) -> dict:
    if "fork" in request:
        _kill_all()  # whatever the previous notebook left running
        pid = os.fork()
        if pid == 0:
            become_kernel(request["fork"], pipe, environment)
        kernels.add(pid)
        return {"forked": pid}
    if "kill" in request:
        pid = request["kill"]
        _signal_group(pid, signal.SIGKILL)
        _kill_all()
        _await_exit(pid, kernels)
        return {"killed": pid}
    pid, signum = request["signal"]
    if pid in kernels:
        _signal_group(pid, signum)
    return {"signalled": pid}


def become_kernel(connection_file: str, pipe: tuple[int, int], environment: dict) -> None:
    """In the forked child: the state a fresh ``python -m ipykernel_launcher`` would have, then
    run."""
    status = 1
    try:
        for fd in pipe:
            os.close(fd)
        os.setpgid(0, 0)  # its own group: killed as one
        _set_dumpable(True)
        _reseed()
        os.environ.clear()
        os.environ.update(environment)
        import importlib.util

        sys.argv = [importlib.util.find_spec("ipykernel_launcher").origin, "-f", connection_file]
        if sys.path and sys.path[0] == "":
            del sys.path[0]  # as ipykernel_launcher does; IPython puts the working folder back
        from ipykernel import kernelapp

        kernelapp.launch_new_instance()
        status = 0
    except SystemExit as done:
        status = done.code if isinstance(done.code, int) else 0
    except BaseException:  # noqa: BLE001
        # reported on the kernel's stderr, like a cold kernel's crash
        import traceback

        traceback.print_exc()
    finally:
        import atexit

        atexit._run_exitfuncs()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)


def _reseed() -> None:
    """Fresh random states, as a new process has (``random`` reseeds itself after a fork)."""
    import numpy
    import torch

    numpy.random.seed()
    torch.seed()


def _reap(kernels: set[int]):
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        if pid in kernels:
            kernels.discard(pid)
            yield pid, os.waitstatus_to_exitcode(status)


def _await_exit(pid: int, kernels: set[int]) -> None:
    """Wait (up to KILL_WAIT seconds) until a killed kernel has ended, without reaping it, so
    that its exit is reported with the answer to the kill rather than a reap interval later."""
    deadline = time.monotonic() + KILL_WAIT
    while pid in kernels and time.monotonic() < deadline:
        try:
            if os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None:
                return
        except ChildProcessError:
            return
        time.sleep(0.002)


def _signal_group(pid: int, signum: int) -> None:
    try:
        os.killpg(pid, signum)
    except (ProcessLookupError, PermissionError):
        pass


def _kill_all() -> None:
    """SIGKILL every process of this sandbox but its init (pid 1) and this template."""
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) not in (1, os.getpid()):
            try:
                os.kill(int(entry), signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass


def _set_dumpable(dumpable: bool) -> None:
    import ctypes

    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_DUMPABLE, int(dumpable), 0, 0, 0)


def send(fd: int, message: dict) -> None:
    data = (json.dumps(message) + "\n").encode()
    while data:
        data = data[os.write(fd, data) :]


if __name__ == "__main__":
    main()
