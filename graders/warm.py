"""Warm sandboxes: one sandbox and one template per submission, one forked kernel per notebook.

A cold kernel pays for its sandbox, its interpreter and about 4 s of imports (torch, SymPy,
ipykernel, matplotlib; 2.5 s more for torch's optimizer machinery) for every notebook. Here a
submission gets ONE sandbox (``graders.sandbox.Box``: its scratch copy, its own uid, limits)
with a template process inside it (``graders/kernel_template.py``) that imports all that once;
each notebook's kernel is a fork of that template: a fresh interpreter state, no import cost.
A kernel that dies or hangs is replaced by a new fork; a template that dies is started again.

``SANDBOXES`` (one per grading process) holds the box of the submission being graded and,
when more submissions follow in this process, a spare box whose template is already importing
for the next one (prefetch). Students never share a box: a spare is filled with one student's
files and closed with that student. Where a template cannot start, that submission's kernels
start cold, each in its own sandbox as before, and the log says so.
"""

import asyncio
import atexit
import itertools
import json
import logging
import os
import select
import subprocess
import sys
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from time import monotonic

from jupyter_client.connect import write_connection_file
from jupyter_client.provisioning import LocalProvisioner
from jupyter_client.session import new_id_bytes

from graders import sandbox as sandboxes

log = logging.getLogger("graders")

TEMPLATE_SOURCE = Path(__file__).with_name("kernel_template.py").read_text()
#: A template imports torch and friends: about 7 s on an idle 2-core machine, far more under load.
READY_SECONDS = 240.0
REQUEST_SECONDS = 30.0
MAX_MESSAGE_BYTES = 2**16  # the template's answers are a few dozen bytes


class TemplateUnavailable(RuntimeError):
    """The template could not be started or stopped answering."""


class Template:
    """The grader's end of a template process: newline-delimited JSON over its stdin/stdout."""

    def __init__(self, box: "sandboxes.Box"):
        self.process = subprocess.Popen(
            box.command([sys.executable, "-c", TEMPLATE_SOURCE]),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        self.import_seconds: float | None = None
        self.exits: dict[int, int] = {}
        self._inbox: list[dict] = []
        self._buffer = b""
        self._ids = itertools.count(1)

    def wait_ready(self) -> float:
        """Seconds this call waited for the template's imports (0 when it was ready already)."""
        if self.import_seconds is not None:
            return 0.0
        waited = monotonic()
        self.import_seconds = self._receive(lambda m: "ready" in m, READY_SECONDS)["ready"]
        return monotonic() - waited

    def fork(self, connection_file: str) -> int:
        self.wait_ready()
        return self._request({"fork": connection_file})["forked"]

    def kill(self, pid: int) -> None:
        self._request({"kill": pid})

    def signal(self, pid: int, signum: int) -> None:
        self._request({"signal": [pid, signum]})

    def exit_status(self, pid: int) -> int | None:
        """The kernel's exit status once it has ended, else None."""
        if pid not in self.exits and self.process.stdout.closed:
            return -9  # the template was closed: so were its kernels
        if pid not in self.exits:
            try:
                self._pump(0)
            except TemplateUnavailable:
                return -9  # the template died: so did its kernels (one pid namespace)
        return self.exits.get(pid)

    def alive(self) -> bool:
        return self.process.poll() is None

    def close(self) -> None:
        """Closing the pipe makes the template kill its kernels and exit; SIGKILL if it does not."""
        try:
            self.process.stdin.close()
            self.process.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()
        self.process.stdout.close()

    def _request(self, message: dict) -> dict:
        number = next(self._ids)
        try:
            self.process.stdin.write((json.dumps({**message, "id": number}) + "\n").encode())
            self.process.stdin.flush()
        except (OSError, ValueError) as error:
            raise TemplateUnavailable(f"the template is gone ({error})") from None
        return self._receive(lambda m: m.get("id") == number, REQUEST_SECONDS)

    def _receive(self, wanted, seconds: float) -> dict:
        deadline = monotonic() + seconds
        while True:
            for index, message in enumerate(self._inbox):
                if wanted(message):
                    return self._inbox.pop(index)
            if monotonic() > deadline:
                raise TemplateUnavailable(f"the template did not answer within {seconds:g} s")
            self._pump(min(1.0, max(deadline - monotonic(), 0.0)))

    def _pump(self, timeout: float) -> None:
        """Take in what the template sent within ``timeout`` seconds: exits are noted, answers
        kept."""
        out = self.process.stdout.fileno()
        if not select.select([out], [], [], timeout)[0]:
            return
        chunk = os.read(out, 65536)
        if not chunk:
            raise TemplateUnavailable(f"the template exited (status {self.process.wait()})")
        *lines, self._buffer = (self._buffer + chunk).split(b"\n")
        if len(self._buffer) > MAX_MESSAGE_BYTES:
            raise TemplateUnavailable("the template sent an overlong message")
        for line in lines:
            message = _message(line)
            if "exited" in message:
                self.exits[message["exited"]] = message["status"]
            else:
                self._inbox.append(message)


def _message(line: bytes) -> dict:
    """One message of the template: a flat JSON object of numbers (its process is sandboxed with
    the student's kernels, so it is read as untrusted)."""
    try:
        message = json.loads(line)
    except ValueError:
        message = None
    if not isinstance(message, dict) or not all(
        isinstance(v, (int, float)) and not isinstance(v, bool) or v is None
        for v in message.values()
    ):
        raise TemplateUnavailable("the template sent a malformed message")
    return message


class ForkedKernelProvisioner(LocalProvisioner):
    """jupyter_client's provisioner for a kernel forked by the box's template instead of exec'd.

    The connection file is written as for any kernel (``LocalProvisioner.pre_launch``); the
    launch is a fork request; poll, signals and kill go through the template, whose child the
    kernel is (it lives in the sandbox's pid namespace)."""

    template: Template | None = None
    pid: int | None = None

    async def launch_kernel(self, cmd, **kwargs):
        box = self.parent.box
        ensure_template(box)
        self.template = box.template
        # no template could be started: a cold kernel, in a sandbox of its own
        if self.template is None:
            return await super().launch_kernel(cmd, **kwargs)
        standby, self.parent.standby = self.parent.standby, None
        if standby is not None and standby.usable(self.template):
            self.pid = standby.pid  # forked ahead on this manager's sockets and key
            return self.connection_info
        try:
            self.pid = self.template.fork(self.parent.connection_file)
        except TemplateUnavailable as error:
            _give_up_template(box, error)
            self.template = None
            return await super().launch_kernel(cmd, **kwargs)
        return self.connection_info

    @property
    def has_process(self) -> bool:
        return self.pid is not None or super().has_process

    async def poll(self) -> int | None:
        if self.pid is None:
            return await super().poll()
        return self.template.exit_status(self.pid)

    async def wait(self) -> int | None:
        if self.pid is None:
            return await super().wait()
        while (status := await self.poll()) is None:
            await asyncio.sleep(0.05)
        self.pid = None
        return status

    async def send_signal(self, signum: int) -> None:
        if self.pid is None:
            await super().send_signal(signum)
        else:
            self._ask(self.template.signal, signum)

    async def kill(self, restart: bool = False) -> None:
        if self.pid is None:
            await super().kill(restart)
        else:
            self._ask(self.template.kill)

    def _ask(self, request, *args) -> None:
        """A request about this kernel; a template that does not answer is closed, which takes
        its kernels down with it (they then read as exited)."""
        if not self.template.alive():
            return
        try:
            request(self.pid, *args)
        except TemplateUnavailable as error:
            log.warning("the warm template did not answer (%s): closing it", error)
            self.template.close()

    async def terminate(self, restart: bool = False) -> None:
        await self.kill(restart)


@dataclass
class Standby:
    """The kernel of a submission's next notebook, forked ahead by ``fork_standby``."""

    pid: int
    info: dict  # its connection info: sockets and key
    template: Template

    def usable(self, template: Template | None) -> bool:
        """Still running, and forked by the box's current template."""
        return (
            template is self.template
            and template.alive()
            and template.exit_status(self.pid) is None
        )


def fork_standby(box: "sandboxes.Box") -> None:
    """Fork the kernel of the submission's next notebook now, once this notebook's kernel is
    gone: it starts up (about 0.2 s) while nbgrader saves this notebook and reads the next,
    instead of after. It is the kernel a fork at the next notebook's start would be (same
    template, same sandbox, nothing run in it); ``Box.kernel_manager`` adopts it."""
    template = box.template
    if template is None or box.standby is not None or not template.alive():
        return
    ip, path = box.next_kernel_address()
    _, info = write_connection_file(
        path,
        ip=ip,
        key=new_id_bytes(),
        transport="ipc",
        kernel_name="python3",
    )
    box.give(path)
    try:
        box.standby = Standby(template.fork(str(path)), info, template)
    except TemplateUnavailable as error:
        _give_up_template(box, error)


def _give_up_template(box: "sandboxes.Box", error: Exception) -> None:
    log.warning("the warm template did not fork a kernel (%s): kernels start cold", error)
    box.template.close()
    box.template = None


def ensure_template(box: "sandboxes.Box") -> None:
    """Before a kernel starts: the box's template up (started again once if it died), else None
    (its kernels then start cold), with the reason logged."""
    template = box.template
    if template is None:
        return
    try:
        if not template.alive():
            raise TemplateUnavailable(f"it exited with status {template.process.returncode}")
        template.wait_ready()
        return
    except TemplateUnavailable as error:
        log.warning("the warm template failed (%s): starting a new one", error)
        template.close()
    box.template = Template(box)
    try:
        box.template.wait_ready()
    except TemplateUnavailable as error:
        log.warning("no warm template (%s): this submission's kernels start cold", error)
        box.template.close()
        box.template = None


class WarmBox:
    """A box (scratch folder, uid) held open, with its template starting at once."""

    def __init__(self, sandbox: "sandboxes.Sandbox"):
        self.settings = sandbox.settings()
        self._stack = ExitStack()
        try:
            scratch = self._stack.enter_context(sandboxes._locked_scratch())
            owner = self._stack.enter_context(sandbox._claim_uid())
            self.box = sandboxes.Box(sandbox, scratch, owner)
            self.box.populate()
            self.box.template = self._start_template()
        except BaseException:
            self._stack.close()
            raise

    def _start_template(self) -> Template | None:
        try:
            template = Template(self.box)
        except OSError as error:
            log.warning("no warm template (%s): this submission's kernels start cold", error)
            return None
        self._stack.callback(lambda: self.box.template and self.box.template.close())
        return template

    def close(self) -> None:
        self._stack.close()


class WarmSandboxes:
    """The warm box of the submission being graded in this process, and a spare for the next."""

    def __init__(self):
        self.current: WarmBox | None = None
        self.current_submission: Path | None = None
        self.notebooks: set[str] = set()
        self.spare: WarmBox | None = None
        self._closed_at_exit = False
        # set by a caller that grades submission after submission (grade_class)
        self.more_follow = False

    def start_first(self, sandbox: "sandboxes.Sandbox") -> None:
        """Start a box and its template now, before this process's first submission needs it:
        its imports then run (in the sandbox, on another core) while the grader imports its own
        (nbgrader, the question's module) instead of after. Nothing starts where kernels are
        not warm (``c.Sandbox.enabled`` or ``warm_kernels`` off) or a box already exists."""
        if sandbox.warm and self.current is None and self.spare is None:
            sandbox.check()
            self.spare = WarmBox(sandbox)

    def box_for(
        self, sandbox: "sandboxes.Sandbox", submission: Path, notebook: str, more_follow: bool
    ):
        """The box to run ``notebook`` of ``submission`` in; seconds spent waiting for it."""
        started = monotonic()
        submission = Path(submission).resolve()
        if self.current is not None and (
            self.current_submission != submission
            or notebook in self.notebooks
            or self.current.settings != sandbox.settings()
        ):
            self.finish()  # a new submission, or the same one graded again
        if self.current is None:
            self.current, self.spare = self._take_spare(sandbox), None
            # registered after the venv view's clean-up, so run before it
            if not self._closed_at_exit:
                atexit.register(self.close)
                self._closed_at_exit = True
            self.current.box.fill(submission)
            self.current_submission, self.notebooks = submission, set()
            if more_follow:
                log.info("starting the next submission's sandbox and template meanwhile (prefetch)")
                self.spare = WarmBox(sandbox)
        self.notebooks.add(notebook)
        ensure_template(self.current.box)
        return self.current.box, monotonic() - started

    def _take_spare(self, sandbox) -> WarmBox:
        if self.spare is not None and self.spare.settings == sandbox.settings():
            return self.spare
        if self.spare is not None:
            self.spare.close()
        return WarmBox(sandbox)

    def finish(self) -> None:
        """Close the box of the submission graded last (its template, kernels and scratch copy)."""
        if self.current is not None:
            self.current.close()
        self.current, self.current_submission, self.notebooks = None, None, set()

    def close(self) -> None:
        self.finish()
        if self.spare is not None:
            self.spare.close()
            self.spare = None


SANDBOXES = WarmSandboxes()
