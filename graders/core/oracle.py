"""Functions the student's code may call but not look into: evaluated in the grader's process.

Some checks hand the student's code a function to examine (question 6 gives its checker a zoo
of networks and asks whether each is homogeneous). Built in the student's process, such a
function gives its answer away to anyone who reads its closure, its attributes or the garbage
collector. An ``Oracle`` keeps the functions in the grader's process instead and serves them
over a Unix socket in a directory both sides reach (``Submission.shared_dir``): the student's
side holds only the socket's address and a function's number, so there is nothing to read.

One request: 8-byte little-endian length, then ``runtime.encode({"function": i, "x": tensor,
"seed": int})``; the reply is ``{"ok": tensor}`` or ``{"error": message}`` framed the same way.
Nothing is unpickled. The seed comes from the student's global torch generator, so the same
random state on their side gives the same dropout masks here.
"""

import os
import select
import socket
import struct
import threading
import uuid
from pathlib import Path
from typing import Callable

import torch

from graders.probes import runtime

MAX_MESSAGE_BYTES = 64 * 2**20
IDLE_TIMEOUT = 30.0
HEADER = struct.Struct("<Q")


class BadRequest(ValueError):
    """What the student's side sent cannot be evaluated; the message goes back to them."""


def read_message(connection: socket.socket) -> bytes | None:
    """One framed message, or None when the other side closed the connection."""
    header = _read_exactly(connection, HEADER.size)
    if header is None:
        return None
    (size,) = HEADER.unpack(header)
    if size > MAX_MESSAGE_BYTES:
        raise BadRequest(f"a request larger than {MAX_MESSAGE_BYTES >> 20} MiB")
    return _read_exactly(connection, size)


def _read_exactly(connection, size):
    chunks, remaining = [], size
    while remaining:
        chunk = connection.recv(min(remaining, 2**20))
        if not chunk:
            return None
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def write_message(connection: socket.socket, payload: bytes) -> None:
    connection.sendall(HEADER.pack(len(payload)) + payload)


class Oracle:
    """Serve ``functions[i](x)`` to the student's process while the ``with`` block runs.

    ``admit(i, x)`` returns the input to evaluate (or raises ``BadRequest``); evaluation runs
    under ``torch.no_grad`` after ``torch.manual_seed(seed)`` in a forked torch random state.
    """

    def __init__(
        self, functions: list[Callable], admit: Callable, directory: Path, student_directory: str
    ):
        self.functions, self.admit = functions, admit
        self.name = f"oracle-{uuid.uuid4().hex[:12]}.sock"
        self.address = f"{student_directory}/{self.name}"
        self._directory = directory
        self._server = None
        self._thread = None
        self._connection = None
        self._stop = threading.Event()
        self._wake_read = self._wake_write = None

    def __enter__(self) -> "Oracle":
        # bound through the directory's descriptor: the real path may exceed a socket's 107 bytes
        directory_fd = os.open(self._directory, os.O_RDONLY | os.O_DIRECTORY)
        try:
            self._server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self._server.bind(f"/proc/self/fd/{directory_fd}/{self.name}")
            os.chmod(self.name, 0o666, dir_fd=directory_fd)  # the kernel may run as another uid
        finally:
            os.close(directory_fd)
        self._server.listen(4)
        self._wake_read, self._wake_write = os.pipe()  # wakes the waiting accept at exit
        self._thread = threading.Thread(target=self._serve, name="grader-oracle", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        os.write(self._wake_write, b"x")
        connection = self._connection
        if connection is not None:  # a client that keeps its connection open must not hold us
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self._thread.join()
        self._server.close()
        os.close(self._wake_read)
        os.close(self._wake_write)
        try:
            os.unlink(self._directory / self.name)
        except OSError:
            pass

    def _serve(self) -> None:
        while not self._stop.is_set():
            ready, _, _ = select.select([self._server, self._wake_read], [], [])
            if self._server not in ready:
                continue
            try:
                connection, _ = self._server.accept()
            except OSError:
                continue
            with connection:
                connection.settimeout(IDLE_TIMEOUT)
                self._connection = connection
                self._answer(connection)
                self._connection = None

    def _answer(self, connection) -> None:
        try:
            while not self._stop.is_set():
                message = read_message(connection)
                if message is None:
                    return
                write_message(connection, runtime.encode(self._evaluate(message)))
        except (OSError, BadRequest):
            return  # a broken or hostile client loses its connection, nothing more

    def _evaluate(self, message: bytes) -> dict:
        try:
            request = runtime.decode(message)
            index, x, seed = request["function"], request["x"], request["seed"]
            if type(index) is not int or not 0 <= index < len(self.functions):
                raise BadRequest("no such function")
            if type(seed) is not int:
                raise BadRequest("the random seed must be an int")
            x = self.admit(index, x)
        except BadRequest as error:
            return {"error": str(error)}
        except (ValueError, KeyError, TypeError, RecursionError):
            return {"error": "the grader could not read the request"}
        with torch.random.fork_rng(devices=[]), torch.no_grad():
            torch.manual_seed(seed % 2**63)
            return {"ok": self.functions[index](x)}
