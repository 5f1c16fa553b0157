"""Kernel-side probe for question 2: an objective and its gradient, by autograd in the student's
kernel.

Runs in the runtime's namespace (``probe``, ``answer``). It only computes: whether the numbers
are right is decided by the grader, outside the kernel.
"""


@probe
def value_and_gradient(name, logits, Y):
    """``name(logits, Y)`` on a fresh leaf ``logits`` and d(result)/d(logits) by
    ``torch.autograd.grad``.

    The gradient is None when the result is not a one-element tensor connected to ``logits`` in
    the autograd graph (the grader says so to the student).
    """
    import torch

    leaf = logits.detach().clone().requires_grad_(True)
    result = answer(name)(leaf, Y)
    gradient = None
    if isinstance(result, torch.Tensor) and result.numel() == 1 and result.requires_grad:
        (gradient,) = torch.autograd.grad(result.sum(), leaf, allow_unused=True)
    return {"value": result, "gradient": gradient}
