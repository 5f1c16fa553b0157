"""torch.optim.Adam's own first moment, step by step: the library's EMA that the questions on
Adam's moments (midterm q1's EMA, hw1's debiased EMA) compare a student's function with.

Adam is run on a zero parameter with the gradients handed in, so its ``exp_avg`` after k steps
is the EMA of the first k gradients with beta = beta1, computed by code the student cannot touch.
"""

import torch


def adam_first_moments(gradients: torch.Tensor, beta1: float) -> list[tuple[torch.Tensor, float]]:
    """(exp_avg, step) of ``torch.optim.Adam(betas=(beta1, 0.999))`` after each step k = 1..K,
    where gradient k is ``gradients[k - 1]`` (dtype and shape of the parameter: the rest)."""
    parameter = torch.zeros(gradients.shape[1:], dtype=gradients.dtype, requires_grad=True)
    adam = torch.optim.Adam([parameter], lr=1e-3, betas=(beta1, 0.999))
    moments = []
    for gradient in gradients:
        parameter.grad = gradient.clone()
        adam.step()
        state = adam.state[parameter]
        moments.append((state["exp_avg"].clone(), float(state["step"])))
    return moments
