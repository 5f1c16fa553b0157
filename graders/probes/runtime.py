"""The grader's hands inside the student's kernel.

This file's source is sent into the student's kernel as text (it is never imported there) and
run after the student's cells. It calls the student's answers on inputs the grader sends and
writes back what they return, as plain data: tensors in safetensors format plus a JSON
document, so nothing is ever unpickled. It holds no reference answer and no check: whatever it
returns is only what the student's code produced, and the grader trusts it no further than
that. The grader side imports this module for the same codec (``encode`` / ``decode``).

Probes for one question live in ``graders/probes/<question>.py``; they are run in this module's
namespace, so they can use ``probe``, ``NAMESPACE`` and the codec directly.
"""

import json
import math
import os
import struct

#: The student's global namespace (the kernel's ``user_ns``), set when the runtime is installed.
NAMESPACE = {}

#: Probe name -> function(*args, **kwargs). Filled by ``@probe``.
PROBES = {}

MAX_MESSAGE = 600


class MissingAnswer(Exception):
    """The student's notebook does not define a name the question asks for."""


def probe(function):
    """Register ``function`` as a probe the grader may call by name."""
    PROBES[function.__name__] = function
    return function


def answer(name):
    """The student's global called ``name``."""
    if name not in NAMESPACE:
        raise MissingAnswer(f"`{name}` is not defined: run its answer cell, and keep the name given in the question")
    return NAMESPACE[name]


# ---------------------------------------------------------------- codec


def _encode_tree(value, tensors, depth=0):
    import torch

    if depth > 64:
        raise TypeError("the answer is nested too deeply to send to the grader")
    if value is None or type(value) is bool or type(value) is str:
        return value
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return int(value) if abs(int(value)) < 2**53 else {"__int__": str(int(value))}
    if isinstance(value, float):
        value = float(value)
        return value if math.isfinite(value) else {"__float__": repr(value)}
    if isinstance(value, torch.Tensor):
        name = f"t{len(tensors)}"
        plain = torch.Tensor.as_subclass(value, torch.Tensor).detach()
        tensors[name] = plain.cpu().contiguous().clone()
        return {"__tensor__": name}
    module = type(value).__module__ or ""
    if module.startswith("numpy"):
        import numpy

        if isinstance(value, numpy.ndarray):
            return _encode_tree(torch.from_numpy(numpy.array(value)), tensors, depth)
        if isinstance(value, numpy.generic):
            return _encode_tree(value.item(), tensors, depth)
    if module.startswith("sympy"):
        import sympy

        return {"__sympy__": sympy.sstr(value)}
    if isinstance(value, (list, tuple)):
        key = "__list__" if isinstance(value, list) else "__tuple__"
        return {key: [_encode_tree(item, tensors, depth + 1) for item in value]}
    if isinstance(value, dict):
        items = []
        for key, item in value.items():
            if type(key) not in (str, int):
                raise TypeError("dictionary keys sent to the grader must be strings or integers")
            items.append([key, _encode_tree(item, tensors, depth + 1)])
        return {"__dict__": items}
    raise TypeError(
        f"a value of type {type(value).__name__} cannot be sent to the grader: answers must be "
        "tensors, numbers, strings, lists, tuples, dicts or SymPy expressions"
    )


def encode(value):
    """Plain data -> bytes (safetensors with the structure as JSON metadata)."""
    from safetensors.torch import save

    tensors = {}
    tree = _encode_tree(value, tensors)
    return save(tensors, metadata={"tree": json.dumps(tree, allow_nan=False)})


def _decode_tree(node, tensors):
    if isinstance(node, list):
        raise ValueError("malformed message: bare list")
    if not isinstance(node, dict):
        return node
    if len(node) != 1:
        raise ValueError("malformed message: tagged value expected")
    (tag, body), = node.items()
    if tag == "__tensor__":
        return tensors[body]
    if tag == "__int__":
        return int(body)
    if tag == "__float__":
        if body not in ("nan", "inf", "-inf"):
            raise ValueError("malformed float")
        return float(body)
    if tag == "__sympy__":
        return SympyText(body)
    if tag == "__list__":
        return [_decode_tree(item, tensors) for item in body]
    if tag == "__tuple__":
        return tuple(_decode_tree(item, tensors) for item in body)
    if tag == "__dict__":
        return {key: _decode_tree(item, tensors) for key, item in body}
    raise ValueError(f"malformed message: unknown tag {tag!r}")


class SympyText(str):
    """The text of a SymPy expression as the student's kernel printed it (not yet parsed)."""


def decode(blob):
    """Bytes from ``encode`` -> plain data. Reads only tensors and JSON: nothing is unpickled."""
    from safetensors.torch import load

    if len(blob) < 8:
        raise ValueError("message too short")
    (header_size,) = struct.unpack("<Q", blob[:8])
    if header_size > len(blob) - 8:
        raise ValueError("malformed message header")
    header = json.loads(blob[8 : 8 + header_size])
    tree = json.loads(header.get("__metadata__", {}).get("tree", "null"))
    return _decode_tree(tree, load(bytes(blob)))


# ---------------------------------------------------------------- dispatch


def _describe(error):
    """One line for the student: the exception and where in their code it happened."""
    try:
        text = f"{type(error).__name__}: {error}"
    except Exception:
        text = type(error).__name__
    where = []
    trace = error.__traceback__
    while trace is not None:
        code = trace.tb_frame.f_code
        filename = code.co_filename
        if not filename.startswith("<course grader") and "site-packages" not in filename:
            where.append(f"{code.co_name}, line {trace.tb_lineno}")
        trace = trace.tb_next
    if where:
        text += f" (in {where[-1]} of your cell)"
    return text[:MAX_MESSAGE]


def dispatch(request_path, response_path):
    """Run the probe the request names and write its result (or the error) to ``response_path``."""
    try:
        with open(request_path, "rb") as handle:
            request = decode(handle.read())
        function = PROBES[request["probe"]]
        reply = {"ok": function(*request["args"], **request["kwargs"])}
        blob = encode(reply)
    except KeyboardInterrupt:
        raise
    except BaseException as error:  # the student's code may raise anything, SystemExit included
        blob = encode({"error": _describe(error), "missing": isinstance(error, MissingAnswer)})
    partial = response_path + ".part"
    with open(partial, "wb") as handle:
        handle.write(blob)
    os.replace(partial, response_path)


# ---------------------------------------------------------------- generic probes


@probe
def call(name, args=(), kwargs=None):
    """The student's function ``name`` called on plain data."""
    return answer(name)(*args, **(kwargs or {}))


@probe
def value(name):
    """The student's global ``name`` as plain data."""
    return answer(name)


@probe
def sympy_text(name):
    """The student's SymPy answer ``name`` as text, for the grader's allow-list parser."""
    import sympy

    return sympy.sstr(sympy.sympify(answer(name), strict=True))
