"""The oracle: grader-side functions served over a Unix socket, robust to what a client sends."""

import socket
import tempfile
from pathlib import Path

import pytest
import torch

from graders.core.oracle import HEADER, BadRequest, Oracle, read_message, write_message
from graders.probes import runtime


def double(x):
    return 2 * x


def noisy(x):
    return x + torch.randn(x.shape)


def admit(index, x):
    if not isinstance(x, torch.Tensor) or x.shape[-1] != 3:
        raise BadRequest("f takes tensors of shape (B, 3)")
    return x


@pytest.fixture
def oracle():
    directory = Path(tempfile.mkdtemp(prefix="oracle-"))
    with Oracle([double, noisy], admit, directory, str(directory)) as served:
        yield served


def ask(address: str, payload: bytes) -> dict | None:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
        connection.settimeout(10)
        connection.connect(address)
        write_message(connection, payload)
        reply = read_message(connection)
    return None if reply is None else runtime.decode(reply)


def request(index, x, seed=0) -> bytes:
    return runtime.encode({"function": index, "x": x, "seed": seed})


def test_it_evaluates_the_function_asked_for(oracle):
    x = torch.arange(6.0).view(2, 3)
    assert torch.equal(ask(oracle.address, request(0, x))["ok"], 2 * x)


def test_the_same_seed_gives_the_same_randomness(oracle):
    x = torch.zeros((1, 3))
    first, again = (ask(oracle.address, request(1, x, seed=5))["ok"] for _ in range(2))
    other = ask(oracle.address, request(1, x, seed=6))["ok"]
    assert torch.equal(first, again) and not torch.equal(first, other)


@pytest.mark.parametrize(
    "payload, fragment",
    [
        (request(2, torch.zeros((1, 3))), "no such function"),
        (request(0, torch.zeros((1, 4))), "shape (B, 3)"),
        (request(0, torch.zeros((1, 3)), seed=0.5), "seed must be an int"),
        (b"garbage that is no message", "could not read"),
    ],
)
def test_a_bad_request_gets_a_message_and_the_oracle_keeps_serving(oracle, payload, fragment):
    assert fragment in ask(oracle.address, payload)["error"]
    assert torch.equal(
        ask(oracle.address, request(0, torch.ones((1, 3))))["ok"], 2 * torch.ones((1, 3))
    )


def test_an_oversized_or_abandoned_request_only_closes_its_connection(oracle):
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
        connection.connect(oracle.address)
        connection.sendall(HEADER.pack(2**40))
        connection.settimeout(10)
        assert connection.recv(1) == b""  # closed by the oracle
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
        connection.connect(oracle.address)
        connection.sendall(HEADER.pack(100) + b"only part")
    assert torch.equal(
        ask(oracle.address, request(0, torch.ones((1, 3))))["ok"], 2 * torch.ones((1, 3))
    )


def test_the_socket_is_removed_afterwards():
    directory = Path(tempfile.mkdtemp(prefix="oracle-"))
    with Oracle([double], admit, directory, str(directory)) as served:
        assert Path(served.address).exists()
    assert not Path(served.address).exists()


def test_a_client_holding_its_connection_open_does_not_delay_the_end():
    import time

    directory = Path(tempfile.mkdtemp(prefix="oracle-"))
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as idle:
        with Oracle([double], admit, directory, str(directory)) as served:
            idle.connect(served.address)
            time.sleep(0.5)  # the oracle is now waiting on this connection
            started = time.monotonic()
        assert time.monotonic() - started < 5
