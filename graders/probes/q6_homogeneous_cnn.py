"""Question 6's probes: run the student's ``Net`` and ``is_positive_homogeneous`` in their kernel.

Installed in the student's kernel after the runtime (``probe``, ``answer`` and ``_describe``
come from it). Two pieces of machinery, both pure functions of what the grader sends:

- ``fill_deterministically``: the full exam network has ~33M weights (~130 MB), far too many
  to ship. Both sides fill their network instead from a seed, tensor by tensor, so the grader
  can rebuild the very same weights on its own copy of the exam's network.
- ``build_function``: a small interpreter of layer specs (plain lists and dicts), so the
  functions the student's checker is judged on are defined in the grader and only built here.

What comes back is only what the student's code produced (outputs, key/shape lists, verdicts).
No reference network, no expected verdict and no comparison live here. The grader loads this
same file to build its own side, so the fill rule and the interpreter exist exactly once.
"""

import math
import zlib

import torch
from torch import nn


def fill_deterministically(module, seed):
    """Overwrite every floating tensor of ``module.state_dict()`` from (seed, its position, its shape).

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
            generator = torch.Generator().manual_seed(zlib.crc32(f"{seed}:{index}:{shape}".encode()))
            fan_in = max(tensor.numel() // shape[0], 1) if shape else 1
            values = torch.empty(shape, dtype=torch.float32).normal_(0.0, math.sqrt(2.0 / fan_in), generator=generator)
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
    biased = [name for name, module in net.named_modules() if getattr(module, "bias", None) is not None]
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


def _layer(kind, options):
    """One layer of a spec: [kind, options]."""
    if kind == "conv":
        return nn.Conv2d(options["in"], options["out"], 3, padding=1, bias=options["bias"])
    if kind == "linear":
        return nn.Linear(options["in"], options["out"], bias=options["bias"])
    if kind == "batchnorm":
        return nn.BatchNorm2d(options["features"], affine=False)
    simple = {
        "relu": nn.ReLU,
        "sigmoid": nn.Sigmoid,
        "gelu": nn.GELU,
        "flatten": nn.Flatten,
        "maxpool": lambda: nn.MaxPool2d(2),
        "avgpool": lambda: nn.AvgPool2d(2),
        "leaky_relu": lambda: nn.LeakyReLU(options["slope"]),
        "softplus": lambda: nn.Softplus(beta=options["beta"]),
        "dropout": lambda: nn.Dropout(options["p"]),
    }
    if kind in simple:
        return simple[kind]()
    return _Map(kind, options)


class _Map(nn.Module):
    """Parameter-free maps that torch has no layer for."""

    def __init__(self, kind, options):
        super().__init__()
        self.kind, self.options = kind, options

    def forward(self, x):
        o = self.options
        norm = x.flatten(1).norm(dim=1).view(-1, *[1] * (x.dim() - 1))
        if self.kind == "scale":
            return o["c"] * x
        if self.kind == "square":
            return x * x
        if self.kind == "times_norm":
            return x * norm
        if self.kind == "zero":
            return torch.zeros_like(x)
        if self.kind == "clamp":
            return x.clamp(-o["limit"], o["limit"])
        if self.kind == "gate_below":
            return x * (norm > o["radius"])
        if self.kind == "flip_above":
            return torch.where(norm > o["radius"], -x, x)
        raise ValueError(f"unknown layer {self.kind!r}")


def build_function(spec, seed):
    """The network a spec describes, weights filled from ``seed``, in its grading mode.

    Everything is in eval mode except dropout, which stays in train mode (fresh masks on every
    call). A batchnorm layer gets running mean ``running_mean`` and running variance 1.
    """
    body = nn.Sequential(*[_layer(kind, options) for kind, options in spec])
    fill_deterministically(body, seed)
    body.requires_grad_(False)
    body.eval()
    for (kind, options), layer in zip(spec, body):
        if kind == "batchnorm":
            layer.running_mean.fill_(options["running_mean"])
            layer.running_var.fill_(1.0)
        if kind == "dropout":
            layer.train()
    return body


class Model(nn.Module):
    """A callable module that shows nothing of what it computes (no submodules, no parameters)."""

    def __init__(self, function):
        super().__init__()
        self._function = function

    def forward(self, x):
        return self._function(x)


def _anonymous(body, kind):
    """``body`` as a plain function or as a ``Model``: no telling names or attributes."""
    def f(x):
        return body(x)

    return Model(f) if kind == "module" else f


@probe
def q6_checker_verdicts(cases):
    """The student's ``is_positive_homogeneous(f, x)`` on each case [spec, seed, x, kind].

    Each entry of the result is {"verdict": what it returned} or {"error": what it raised}, so
    one crash costs one verdict, not the whole group.
    """
    check = answer("is_positive_homogeneous")
    results = []
    for spec, seed, x, kind in cases:
        f = _anonymous(build_function(spec, seed), kind)
        try:
            results.append({"verdict": check(f, x.clone())})
        except Exception as error:
            results.append({"error": _describe(error)})
    return results
