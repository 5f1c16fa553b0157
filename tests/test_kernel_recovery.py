"""A kernel that cannot be brought back costs its checks, never the grader: real Jupyter kernels.

``KernelTransport.recover`` restarts a dead or hung kernel and restores it (the student's cells
replayed, the grader's runtime installed again). When the restored kernel dies too, it tries
again; when it hangs, or after ``MAX_RESTARTS`` restarts, it gives up: ``KernelGaveUp`` (a
``KernelDied``, so each check scores 0 with its message) is raised, and every later call fails
at once instead of waiting out its timeout. Whatever the kernel does, nothing else escapes to
nbgrader, which would otherwise drop the student's whole notebook from the gradebook.
"""

import time

import pytest

from graders.core.errors import KernelDied, KernelGaveUp
from graders.core.kernel import GAVE_UP, MAX_RESTARTS, KernelTransport
from graders.core.submission import Submission, probe_source
from tests.support import python_kernel

#: A student cell that behaves the first time and kills its kernel on every later run: it is
#: replayed after a restart, so the kernel can never be restored.
DIES_WHEN_REPLAYED = (
    "import os\n"
    "if os.path.exists('ran-once'):\n"
    "    os._exit(3)\n"
    "open('ran-once', 'w').close()\n"
    "def ema(g, beta):\n"
    "    return g\n"
)
#: Runs forever and ignores the interrupt.
HANGS = (
    "import signal, time\n"
    "signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
    "while True:\n"
    "    time.sleep(0.1)\n"
)
HANG_GUARD = 60  # seconds: a few timeouts of a few seconds, and restarts


@pytest.fixture
def kernel_client(tmp_path):
    with python_kernel(tmp_path) as client:
        yield client


def test_a_kernel_that_dies_whenever_restored_is_given_up(kernel_client, tmp_path):
    transport = KernelTransport(kernel_client, tmp_path, cell_timeout=30)
    transport.execute(DIES_WHEN_REPLAYED, 30)
    transport.replay.append(DIES_WHEN_REPLAYED)
    transport.install(probe_source(None))
    student = Submission(transport)
    assert student.call("ema", [1.0], 0.5) == [1.0]

    with pytest.raises(KernelDied):
        transport.execute("import os\nos._exit(1)", 30)
    started = time.monotonic()
    with pytest.raises(KernelGaveUp) as raised:
        transport.recover()
    assert str(raised.value) == GAVE_UP
    assert transport.gave_up and transport.restarts == MAX_RESTARTS
    assert time.monotonic() - started < HANG_GUARD

    started = time.monotonic()
    for _ in range(5):
        with pytest.raises(KernelGaveUp) as raised:
            student.call("ema", [1.0], 0.5)
        assert str(raised.value) == GAVE_UP  # the reason, not "died while running ema(...)"
    assert time.monotonic() - started < 1.0, "a given-up kernel must not be waited for"


def test_a_runtime_that_hangs_is_given_up_not_raised(kernel_client, tmp_path):
    """The runtime's installation times out in the kernel and again in the restored kernel:
    the timeout must not escape as it is, and the kernel is given up after that one restore
    (trying again would hang again)."""
    transport = KernelTransport(kernel_client, tmp_path, cell_timeout=2)
    started = time.monotonic()
    with pytest.raises(KernelGaveUp):
        transport.install(HANGS)
    assert transport.gave_up and transport.restarts == 1
    assert time.monotonic() - started < HANG_GUARD


def test_a_kernel_restored_once_carries_on(kernel_client, tmp_path):
    """The ordinary case: a call kills the kernel once; it is restored with the student's
    definitions and the runtime, and the next call is answered."""
    transport = KernelTransport(kernel_client, tmp_path, cell_timeout=30)
    cell = "def ema(g, beta):\n    return [x * beta for x in g]\n"
    transport.execute(cell, 30)
    transport.replay.append(cell)
    transport.install(probe_source(None))
    transport.execute("import os\n_exit = os._exit", 30)
    with pytest.raises(KernelDied):
        transport.execute("_exit(1)", 30)
    transport.recover()
    assert transport.restarts == 1 and not transport.gave_up
    assert Submission(transport).call("ema", [2.0], 0.5) == [1.0]
