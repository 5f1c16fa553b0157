"""graders/core/limits.py and its fork server: limited children stop, and say why, on both paths.

Each case runs with children forked by the SymPy-only fork server (graders/core/forkserver.py,
the default) and forked from this process (its fallback).
"""

import functools
import os

import pytest
import sympy as sp

from graders.core import forkserver, limits


@pytest.fixture(params=["fork server", "direct fork"])
def path(request, monkeypatch):
    monkeypatch.setattr(limits, "USE_FORK_SERVER", request.param == "fork server")
    return request.param


def burn():
    while True:
        pass


def test_a_value_comes_back(path):
    assert (
        limits.time_limited(lambda: sp.Integer(2) ** 10 + sp.Symbol("x"), 5)
        == sp.Symbol("x") + 1024
    )


def test_the_child_runs_in_the_fork_server_unless_told_otherwise(path):
    parent = limits.time_limited(os.getppid, 5)
    if path == "fork server":
        assert parent == forkserver.server().process.pid
    else:
        assert parent == os.getpid()


def test_a_child_that_keeps_computing_is_stopped(path):
    with pytest.raises(limits.TimeLimitExceeded):
        limits.time_limited(burn, 1)


def test_a_child_that_needs_too_much_memory_is_stopped(path):
    with pytest.raises(limits.MemoryLimitExceeded):
        limits.time_limited(lambda: bytearray(3 << 30), 5)


def test_an_exception_of_the_work_is_raised_here(path):
    with pytest.raises(ZeroDivisionError):
        limits.time_limited(lambda: 1 / 0, 5)


def test_a_result_outside_the_allow_list_is_refused(path):
    with pytest.raises(limits.LimitExceeded, match="does not accept"):
        limits.time_limited(lambda: os.system, 5)


def test_a_dead_fork_server_is_replaced():
    first = forkserver.server()
    first.process.kill()
    first.process.wait()
    assert limits.time_limited(lambda: 6 * 7, 5) == 42
    assert forkserver.server() is not first


def torch_is_mapped(pid: int) -> bool:
    with open(f"/proc/{pid}/maps") as maps:
        return "libtorch" in maps.read()


def test_a_question_modules_function_does_not_bring_torch_into_the_fork_server(monkeypatch):
    """A question's helpers go to the server by value: by reference the server would import the
    question's module, and torch with it (graders.core.forkserver._send_assignments_by_value)."""
    from graders.midterm import q4_log_softmax  # imports torch here

    monkeypatch.setattr(limits, "USE_FORK_SERVER", True)
    x = sp.Symbol("x")
    comparisons = [(sp.exp(x), sp.exp(x), "exp", "the same")]
    mismatch = limits.time_limited(
        functools.partial(q4_log_softmax._first_mismatch, comparisons, [{x: 0.5}]), 5
    )
    assert mismatch is None
    assert not torch_is_mapped(forkserver.server().process.pid)
