"""Plain data crosses from the student's process to the grader without unpickling anything."""

import pickle
import struct
import json

import pytest
import torch

from graders.probes import runtime


@pytest.mark.parametrize(
    "value",
    [
        None,
        True,
        3,
        -(2**60),
        1.5,
        float("inf"),
        "text",
        [1, (2.0, "x"), {"a": None}],
        {"m": torch.arange(6, dtype=torch.float64).reshape(2, 3), "n": torch.zeros((0, 3))},
        torch.tensor(2.5, dtype=torch.float32),
        torch.tensor([True, False]),
    ],
)
def test_round_trip(value):
    decoded = runtime.decode(runtime.encode(value))
    if isinstance(value, torch.Tensor):
        assert decoded.dtype == value.dtype and torch.equal(decoded, value)
    elif isinstance(value, dict) and "m" in value:
        assert torch.equal(decoded["m"], value["m"]) and decoded["n"].shape == (0, 3)
    else:
        assert decoded == value


def test_nan_survives():
    assert runtime.decode(runtime.encode(float("nan"))) != runtime.decode(
        runtime.encode(float("nan"))
    )


def test_tensor_subclasses_arrive_as_plain_tensors():
    class Liar(torch.Tensor):
        def __eq__(self, other):
            return True

    decoded = runtime.decode(runtime.encode(torch.ones(3).as_subclass(Liar)))
    assert type(decoded) is torch.Tensor


def test_grad_tensors_are_detached():
    decoded = runtime.decode(runtime.encode(torch.ones(2, requires_grad=True) * 2))
    assert not decoded.requires_grad and decoded.tolist() == [2.0, 2.0]


def test_arbitrary_objects_are_refused():
    with pytest.raises(TypeError, match="cannot be sent"):
        runtime.encode(object())


def test_a_pickle_is_not_a_message():
    with pytest.raises(Exception):
        runtime.decode(pickle.dumps({"ok": 1}))


def test_unknown_tags_and_forged_headers_are_refused():
    forged = json.dumps(
        {"__metadata__": {"tree": json.dumps({"__object__": "os.system"})}}
    ).encode()
    with pytest.raises(ValueError, match="unknown tag"):
        runtime.decode(struct.pack("<Q", len(forged)) + forged)
    with pytest.raises(ValueError):
        runtime.decode(struct.pack("<Q", 10**9) + b"{}")
