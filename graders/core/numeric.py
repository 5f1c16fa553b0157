"""Numeric comparisons with stated tolerances and messages a student can act on.

Each helper raises ``Fail`` naming the call that was tried (``what``), what was expected and what
came back. Comparisons happen here, in the grader's process, on plain tensors decoded from the
student's reply, so nothing the student's code does to torch's own comparison functions in
their kernel can affect them.
"""

import torch

from graders.core.checks import Fail


def _brief(tensor: torch.Tensor, limit: int = 6) -> str:
    flat = tensor.detach().flatten().tolist()
    shown = ", ".join(f"{x:.6g}" if isinstance(x, float) else str(x) for x in flat[:limit])
    more = ", ..." if len(flat) > limit else ""
    return f"[{shown}{more}]" if tensor.dim() else shown


def tensor(value, what: str) -> torch.Tensor:
    """``value`` if it is a tensor, else a failure saying what came back instead."""
    if not isinstance(value, torch.Tensor):
        raise Fail(f"{what} should return a torch.Tensor, but returned a {type(value).__name__}")
    return value


def number(value, what: str) -> float:
    """``value`` as a float if it is a real number (or a 1-element tensor)."""
    if isinstance(value, torch.Tensor) and value.numel() == 1 and not value.is_complex():
        return float(value.item())
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    raise Fail(f"{what} should be a real number, but is a {type(value).__name__}")


def expect_shape(got: torch.Tensor, shape, what: str) -> None:
    if tuple(got.shape) != tuple(shape):
        raise Fail(f"{what}: expected shape {tuple(shape)}, got {tuple(got.shape)}")


def expect_dtype(got: torch.Tensor, dtype: torch.dtype, what: str) -> None:
    if got.dtype != dtype:
        raise Fail(f"{what}: expected dtype {dtype}, got {got.dtype}")


def expect_finite(got: torch.Tensor, what: str) -> None:
    bad = ~torch.isfinite(got)
    if bad.any():
        index = tuple(int(i) for i in bad.nonzero()[0])
        raise Fail(f"{what}: got {got[index].item()} at index {index}, expected a finite value")


def expect_close(got, want: torch.Tensor, what: str, *, rtol: float, atol: float) -> None:
    """``got`` equals ``want`` in shape and within |got - want| <= atol + rtol * |want|."""
    got = tensor(got, what)
    expect_shape(got, want.shape, what)
    if want.numel() == 0:
        return
    got64, want64 = got.detach().to(torch.float64), want.detach().to(torch.float64)
    if torch.isfinite(want64).all():
        expect_finite(got64, what)
    error = (got64 - want64).abs()
    allowed = atol + rtol * want64.abs()
    bad = ~(error <= allowed)
    if bad.any():
        index = tuple(int(i) for i in bad.nonzero()[0])
        at = f" at index {index}" if index else ""
        raise Fail(
            f"{what}: expected {_brief(want)}, got {_brief(got)}; the first mismatch{at} is "
            f"{got64[index].item():.10g} instead of {want64[index].item():.10g} "
            f"(tolerance {atol:g} + {rtol:g}*|expected|)"
        )
