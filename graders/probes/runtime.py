"""The grader's hands inside the student's kernel.

This file's source is sent into the student's kernel as text (it is never imported there) and
run after the student's cells. It calls the student's answers on inputs the grader sends and
writes back what they return, as plain data: tensors in safetensors format plus a JSON
document, so nothing is ever unpickled. It holds no reference answer and no check: whatever it
returns is only what the student's code produced, and the grader trusts it no further than
that. The grader side imports this module for the same codec (``encode`` / ``decode``).

A question's own probes live in ``graders/<assignment>/probes/<notebook>.py``, probes several
questions share in ``graders/probes/``; they are run in this module's namespace, so they can use
``probe``, ``NAMESPACE`` and the codec directly.
"""

import json
import math
import os
import re
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
        raise MissingAnswer(
            f"`{name}` is not defined: run its answer cell, and keep the name given in the question"
        )
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
    ((tag, body),) = node.items()
    if tag == "__tensor__":
        if body not in tensors:
            raise ValueError("malformed message: unknown tensor")
        return tensors[body]
    if tag == "__int__":
        if not isinstance(body, str) or len(body) > MAX_INT_DIGITS:
            raise ValueError("malformed integer")
        return int(body)
    if tag == "__float__":
        if body not in ("nan", "inf", "-inf"):
            raise ValueError("malformed float")
        return float(body)
    if tag == "__sympy__":
        if not isinstance(body, str):
            raise ValueError("malformed expression")
        return SympyText(body)
    if tag not in ("__list__", "__tuple__", "__dict__"):
        raise ValueError(f"malformed message: unknown tag {tag!r}")
    if not isinstance(body, list):
        raise ValueError(f"malformed message: {tag!r} without a list")
    if tag == "__list__":
        return [_decode_tree(item, tensors) for item in body]
    if tag == "__tuple__":
        return tuple(_decode_tree(item, tensors) for item in body)
    if tag == "__dict__":
        if not all(
            isinstance(item, list) and len(item) == 2 and type(item[0]) in (str, int)
            for item in body
        ):
            raise ValueError("malformed dictionary")
        return {key: _decode_tree(item, tensors) for key, item in body}


class SympyText(str):
    """The text of a SymPy expression as the student's kernel printed it (not yet parsed)."""


class MalformedMessage(ValueError):
    """Bytes that are not a message ``encode`` wrote, or one larger than the caps allow."""


#: Caps checked before anything is decoded: a reply is written by the student's code, and a tiny
#: JSON text (``[[],[],...]``) can decode to a structure 40 times its size.
MAX_MESSAGE_BYTES = 64 << 20
MAX_HEADER_BYTES = 1 << 20
MAX_NODES = 50_000
MAX_DEPTH = 2 * 64 + 8
MAX_TENSORS = 1024
MAX_INT_DIGITS = 400
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


def _check_json(text, what):
    """Refuse JSON text with more than ``MAX_NODES`` values or ``MAX_DEPTH`` levels, unparsed."""
    skeleton = _STRING.sub('""', text)
    values = skeleton.count(",") + skeleton.count("[") + skeleton.count("{") + 1
    if values > MAX_NODES:
        raise MalformedMessage(f"{what} has more than {MAX_NODES} values")
    depth = deepest = 0
    for bracket in _NOT_BRACKET.sub("", skeleton):
        depth += 1 if bracket in "[{" else -1
        deepest = max(deepest, depth)
    if deepest > MAX_DEPTH:
        raise MalformedMessage(f"{what} is nested more than {MAX_DEPTH} levels deep")


def decode(blob):
    """Bytes from ``encode`` -> plain data. Reads only tensors and JSON: nothing is unpickled.

    Sizes are checked before decoding (message, header, JSON values and depth, tensors); any
    malformed or oversized message raises ``MalformedMessage``.
    """
    try:
        return _decode(blob)
    except MalformedMessage:
        raise
    except (ValueError, KeyError, TypeError, RecursionError, OverflowError) as error:
        reason = f"{type(error).__name__}: {str(error)[:200]}"
        raise MalformedMessage(f"malformed message ({reason})") from None
    except Exception as error:  # safetensors' own error type
        raise MalformedMessage(f"malformed tensors ({type(error).__name__})") from None


def _decode(blob):
    from safetensors.torch import load

    if len(blob) > MAX_MESSAGE_BYTES:
        raise MalformedMessage(f"the message is larger than {MAX_MESSAGE_BYTES >> 20} MiB")
    if len(blob) < 8:
        raise MalformedMessage("message too short")
    (header_size,) = struct.unpack("<Q", blob[:8])
    if header_size > len(blob) - 8:
        raise MalformedMessage("malformed message header")
    if header_size > MAX_HEADER_BYTES:
        raise MalformedMessage(f"the message header is larger than {MAX_HEADER_BYTES >> 10} KiB")
    header_text = bytes(blob[8 : 8 + header_size]).decode("utf-8")
    _check_json(header_text, "the message header")
    header = json.loads(header_text)
    if not isinstance(header, dict) or len(header) > MAX_TENSORS + 1:
        raise MalformedMessage(f"the message holds more than {MAX_TENSORS} tensors")
    metadata = header.get("__metadata__", {})
    tree_text = metadata.get("tree", "null") if isinstance(metadata, dict) else None
    if not isinstance(tree_text, str):
        raise MalformedMessage("malformed message metadata")
    _check_json(tree_text, "the message")
    tree = json.loads(tree_text)
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

    expression = sympy.sympify(answer(name), strict=True)
    if expression.has(sympy.Sum, sympy.Product, sympy.Integral):
        expression = expression.doit()  # closed forms for the grader, within the check's deadline
    return sympy.sstr(expression)
