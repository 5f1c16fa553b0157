"""Question 6's probes: run the student's ``Net`` and ``is_positive_homogeneous`` in their kernel.

Installed in the student's kernel after the runtime (``probe``, ``answer`` and ``_describe``
come from it). Two pieces of machinery, both pure functions of what the grader sends:

- ``fill_deterministically``: the full exam network has ~33M weights (~130 MB), far too many
  to ship. Both sides fill their network instead from a seed, tensor by tensor, so the grader
  can rebuild the very same weights on its own copy of the exam's network.
- the zoo for the student's checker: functions the grader builds and evaluates in its own
  process; the checker gets callables that forward their input there (``_remote``).

What comes back is only what the student's code produced (outputs, key/shape lists, verdicts).
No reference network, no expected verdict, no zoo function and no comparison live here. The
grader loads this same file for the fill rule, so it exists exactly once.
"""

import math
import zlib

import torch
from torch import nn


def fill_deterministically(module, seed):
    """Overwrite every floating tensor of ``module.state_dict()`` from (seed, its position, its
    shape).

    The i-th tensor gets N(0, 2 / fan_in) entries (He's scale: ReLU activations stay O(1) through
    13 layers), fan_in = numel / shape[0], from a generator seeded by a stable hash. Keyed by
    position rather than name, so a network whose keys are renamed but whose layers are the
    exam's still gets the exam's weights (the key check reports the renaming on its own).
    """
    with torch.no_grad():
        for index, tensor in enumerate(module.state_dict().values()):
            if not tensor.is_floating_point():
                continue
            shape = tuple(tensor.shape)
            generator = torch.Generator().manual_seed(
                zlib.crc32(f"{seed}:{index}:{shape}".encode())
            )
            fan_in = max(tensor.numel() // shape[0], 1) if shape else 1
            values = torch.empty(shape, dtype=torch.float32).normal_(
                0.0, math.sqrt(2.0 / fan_in), generator=generator
            )
            tensor.copy_(values)
    return module


# ---------------------------------------------------------------- the student's network

_NETS = {}


def _student_net(seed):
    """``Net()`` with deterministic weights; built once per seed (the build costs seconds)."""
    if seed not in _NETS:
        _NETS.clear()
        _NETS[seed] = fill_deterministically(answer("Net")(), seed)
    return _NETS[seed]


@probe
def q6_net_layout(seed):
    """The state_dict of ``Net()`` as [key, shape] pairs, and the submodules that carry a bias."""
    net = _student_net(seed)
    keys = [[key, list(tensor.shape)] for key, tensor in net.state_dict().items()]
    biased = [
        name for name, module in net.named_modules() if getattr(module, "bias", None) is not None
    ]
    return {"keys": keys, "biased": biased}


@probe
def q6_net_forward(seed, runs):
    """``Net`` (weights from ``seed``) on each [input, dropout seed] of ``runs``.

    A dropout seed of None means eval mode; an integer means train mode after
    ``torch.manual_seed(dropout seed)``, so the grader can replay the same dropout masks.
    """
    net = _student_net(seed)
    outputs = []
    with torch.no_grad():
        for x, dropout_seed in runs:
            if dropout_seed is None:
                net.eval()
            else:
                net.train()
                torch.manual_seed(dropout_seed)
            outputs.append(net(x))
    net.eval()
    return outputs


# ---------------------------------------------------------------- the checker's zoo
#
# The zoo's functions live in the grader's process (graders/core/oracle.py): what the student's
# checker receives only forwards its input there, so it holds nothing to read but an address.


def _receive(connection):
    import struct

    header = b""
    while len(header) < 8:
        chunk = connection.recv(8 - len(header))
        if not chunk:
            raise ConnectionError("the grader closed the connection")
        header += chunk
    (size,) = struct.unpack("<Q", header)
    chunks, remaining = [], size
    while remaining:
        chunk = connection.recv(min(remaining, 2**20))
        if not chunk:
            raise ConnectionError("the grader closed the connection")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _evaluate_remotely(address, index, x):
    """f_index(x), computed by the grader; the dropout seed comes from torch's global generator."""
    import os
    import socket
    import struct

    seed = int(torch.randint(2**62, (1,)))
    request = encode({"function": index, "x": x, "seed": seed})
    directory, name = os.path.split(address)
    directory_fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)  # a short path for connect
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
            connection.connect(f"/proc/self/fd/{directory_fd}/{name}")
            connection.sendall(struct.pack("<Q", len(request)) + request)
            reply = decode(_receive(connection))
    finally:
        os.close(directory_fd)
    if "error" in reply:
        raise ValueError(f"f could not be evaluated on this input: {reply['error']}")
    return reply["ok"]


class Model(nn.Module):
    """A callable module that shows nothing of what it computes (no submodules, no parameters)."""

    def __init__(self, function):
        super().__init__()
        self._function = function

    def forward(self, x):
        return self._function(x)


def _remote(address, index, kind):
    """The zoo's function ``index`` as a plain function or as a ``Model``."""

    def f(x):
        return _evaluate_remotely(address, index, x)

    return Model(f) if kind == "module" else f


@probe
def q6_checker_verdicts(address, cases):
    """The student's ``is_positive_homogeneous(f, x)`` on each case [x, kind], f being the
    grader's function number i served at ``address``.

    Each entry of the result is {"verdict": what it returned} or {"error": what it raised}, so
    one crash costs one verdict, not the whole group.
    """
    check = answer("is_positive_homogeneous")
    results = []
    for index, (x, kind) in enumerate(cases):
        try:
            results.append({"verdict": check(_remote(address, index, kind), x.clone())})
        except Exception as error:
            results.append({"error": _describe(error)})
    return results
