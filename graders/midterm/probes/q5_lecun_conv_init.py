"""Kernel-side probes for question 5: build convolutions from plain specs, run the student's code.

A spec is a dict: ``c_in``, ``c_out``, ``kernel_size`` ([k_h, k_w]), ``bias`` (bool), ``dtype``
("float32" or "float64") and, optionally, ``sigma_b`` (passed as a keyword; without it the
student's default is used). Everything returned is what the student's code left behind.
"""


def _conv(spec):
    import torch

    k_h, k_w = spec["kernel_size"]
    return torch.nn.Conv2d(
        spec["c_in"],
        spec["c_out"],
        (k_h, k_w),
        padding=((k_h - 1) // 2, (k_w - 1) // 2),
        bias=spec["bias"],
        dtype=getattr(torch, spec["dtype"]),
    )


@probe
def lecun_init(spec, seed, inputs=None):
    """Build the conv, call ``torch.manual_seed(seed)``, then the student's ``lecun_init_`` on it.

    Returns the conv's weight and bias afterwards, whether the call returned the conv itself,
    whether ``weight`` is still a Parameter, the layer's settings and, if ``inputs`` are given,
    the conv's output on them.
    """
    import torch

    conv = _conv(spec)
    torch.manual_seed(seed)
    kwargs = {"sigma_b": spec["sigma_b"]} if "sigma_b" in spec else {}
    returned = answer("lecun_init_")(conv, **kwargs)
    report = {
        "returned_conv": returned is conv,
        "weight": conv.weight.detach() if isinstance(conv.weight, torch.Tensor) else None,
        "bias": conv.bias.detach() if isinstance(conv.bias, torch.Tensor) else conv.bias,
        "weight_is_parameter": isinstance(conv.weight, torch.nn.Parameter),
        "settings": [
            list(conv.stride),
            list(conv.padding),
            list(conv.dilation),
            conv.groups,
            conv.padding_mode,
        ],
    }
    if inputs is not None:
        with torch.no_grad():
            report["output"] = conv(inputs)
    return report


@probe
def second_moment_expressions(cases):
    """The student's ``output_second_moment`` on the setup cell's symbols, for each (k,
    position)."""
    import sympy

    symbols = (
        sympy.Symbol("C_in", positive=True, integer=True),
        sympy.Symbol("sigma_w", positive=True),
        sympy.Symbol("sigma_b", positive=True),
    )
    function = answer("output_second_moment")
    return [function(*symbols, kernel_size=k, position=position) for k, position in cases]
