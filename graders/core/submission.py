"""A student's answers as the grader sees them: reachable only through probes, as plain data.

The grader never runs student code in its own process. A ``Transport`` carries an encoded
request to wherever the student's code lives (the student's Jupyter kernel during autograding,
see ``graders.core.kernel``) and brings back the encoded reply, which is decoded without
unpickling anything. Every call has a deadline; a hang, a crash or a malformed reply becomes
an exception a check turns into a zero with a message.
"""

import time
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

from graders.core import symbolic

# re-exported
from graders.core.errors import (  # noqa: F401
    KernelDied,
    KernelGaveUp,
    NotChecked,
    ProbeTimeout,
    StudentCodeError,
)
from graders.probes import runtime

GRADERS_DIR = Path(__file__).resolve().parents[1]
#: Kernel-side modules of the whole course: the runtime, and modules any question may name.
PROBE_DIR = GRADERS_DIR / "probes"

#: Largest reply accepted from the student's side (the codec's cap, checked before reading).
MAX_REPLY_BYTES = runtime.MAX_MESSAGE_BYTES


class Transport(Protocol):
    def run(self, request: bytes, timeout: float) -> bytes:
        """Run one probe request in the student's process and return the encoded reply."""


def own_probes(module: str) -> tuple[Path, ...]:
    """The kernel side of question module ``graders.<assignment>.<notebook>``, found by
    convention: ``graders/<assignment>/probes/<notebook>.py``, if the question has one."""
    package, _, notebook = module.rpartition(".")
    if not package:
        return ()
    path = GRADERS_DIR.parent.joinpath(*package.split("."), "probes", f"{notebook}.py")
    return (path,) if path.is_file() else ()


def probe_source(probes: Iterable[Path] | None = None) -> str:
    """Source text installed in the student's kernel: the runtime, then the probe files in order
    (a question's ``Question.probes``: shared ones first, then its own)."""
    return "\n\n".join(path.read_text() for path in (PROBE_DIR / "runtime.py", *(probes or ())))


class Submission:
    """One student's notebook, as seen through probes; checks receive this."""

    def __init__(self, transport: Transport, sources: dict[str, str] | None = None):
        """``sources``: the text of the student's answer cells by grade_id, as submitted."""
        self._transport = transport
        self._sources = sources or {}
        self._deadline = None

    def source(self, grade_id: str) -> str:
        """The text of the student's answer cell ``grade_id`` (empty if there is none): judged
        by the grader itself, where the student's process cannot interfere."""
        return self._sources.get(grade_id, "")

    def set_deadline(self, seconds: float) -> None:
        self._deadline = time.monotonic() + seconds

    def _remaining(self) -> float:
        if self._deadline is None:
            return 60.0
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            raise ProbeTimeout("the check ran out of time before your code answered")
        return remaining

    def probe(self, name: str, *args, what: str = "", **kwargs):
        """Run probe ``name`` on plain-data arguments in the student's process; return its result.

        ``what`` describes the call for the student ("ema(g, beta=0.9) with g of shape (5,)").
        """
        request = runtime.encode({"probe": name, "args": list(args), "kwargs": kwargs})
        label = what or name
        timeout = self._remaining()
        try:
            blob = self._transport.run(request, timeout)
        except ProbeTimeout:
            raise ProbeTimeout(
                f"{label} did not return within {timeout:.0f} s (infinite loop?)"
            ) from None
        except KernelGaveUp:
            raise  # its message says why: it is the same for every later call
        except KernelDied:
            raise KernelDied(
                f"your kernel died while running {label} (os._exit, a crash or the memory limit)"
            ) from None
        if blob is None:
            raise NotChecked(
                f"the grader got no answer from {label}: did your code change how the notebook "
                "runs?"
            )
        if len(blob) > MAX_REPLY_BYTES:
            raise NotChecked(f"{label} returned more than {MAX_REPLY_BYTES >> 20} MiB")
        try:
            reply = runtime.decode(blob)
        except runtime.MalformedMessage as error:
            raise NotChecked(f"the grader could not read what {label} returned: {error}") from None
        if not isinstance(reply, dict) or not ("ok" in reply or "error" in reply):
            raise NotChecked(f"the grader could not read what {label} returned: it is not a reply")
        if "error" in reply:
            raise StudentCodeError(f"{label} raised {str(reply['error'])[: runtime.MAX_MESSAGE]}")
        return reply["ok"]

    def call(self, function: str, *args, what: str = "", **kwargs):
        """The student's function called on plain data."""
        return self.probe("call", function, list(args), kwargs, what=what or f"{function}(...)")

    def shared_dir(self) -> tuple[Path, str]:
        """A directory both sides reach: (its path for the grader, its path in the student's
        process). For grader-side services such as ``graders.core.oracle``."""
        return self._transport.shared_dir()

    def value(self, name: str):
        """The student's global ``name`` as plain data."""
        return self.probe("value", name, what=f"`{name}`")

    def expression(self, name: str, symbols: dict):
        """The student's SymPy answer ``name``, re-read by the grader's allow-list parser."""
        text = self.probe("sympy_text", name, what=f"`{name}`")
        return symbolic.parse(text, symbols, what=f"`{name}`")
