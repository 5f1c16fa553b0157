"""Question 6: a ReLU CNN without biases is positive homogeneous, f_theta(alpha X) = alpha
f_theta(X), alpha >= 0.

Theorem. The exam's ``Net`` composes bias-free convolutions and linear maps (homogeneous),
ReLU and max-pooling (positive homogeneous) and dropout (a fixed mask is linear), so
f_theta(alpha X) = alpha f_theta(X) for every alpha >= 0, in eval mode and, with the same
dropout masks, in train mode. Each of its 13 weight layers is linear in its own weights, so
f_{c theta} = c^13 f_theta for c > 0. For alpha < 0 the identity fails: ReLU(alpha x) =
|alpha| ReLU(-x), not alpha ReLU(x).

Cell ``q6_net_tests`` fills the student's ``Net`` and the grader's own copy of the exam's
network (``ExamNet``) with the same deterministic weights (``fill_deterministically`` in
``graders/midterm/probes/q6_homogeneous_cnn.py``: ~33M weights are rebuilt on each side, never
sent), and compares keys, shapes and outputs; then checks the theorem on the student's own
network.
Cell ``q6_checker_tests`` runs the student's ``is_positive_homogeneous`` on a zoo of functions
described here as layer specs, built and evaluated in the grader's process (the checker's
callables forward their input here: ``graders.core.oracle``), in contrasting groups
(a group scores only if every verdict in it is right, so a checker that always answers True, or
always False, scores 0). Cell ``q6_weight_degree_tests`` compares ``WEIGHT_DEGREE`` with the
degree measured on ``ExamNet``. Cell ``q6_steps_tests`` checks the proof's steps: the degree of
each kind of layer (one check per layer, so a guess earns only its share) and a counterexample
(alpha < 0, x) that breaks the identity for the exam's network under weights the grader draws.

Tolerances (float32). Both networks compute the same sums in float32; measured against float64
the output error is ~1e-6 of max|f(X)| (13 layers, sums of up to 4608 terms). Outputs must
agree within 1e-4 * max|reference| (100x that); every architectural mistake in the example
class moves outputs by 10% of that scale or more. The theorem is checked as
|f(aX) - a f(X)| <= 1e-4 * a * max|f(X)| + 1e-6 * max|f(X)| (scaling by a commutes with float
rounding up to a few ulps per layer). Randomness: weights and inputs come from seeded
generators and dropout masks are replayed with ``torch.manual_seed``, so nothing here is left
to chance: a correct answer passes with probability 1.
"""

import functools
import math
import types
import zlib
from dataclasses import dataclass

import torch
from torch import nn

from graders.core import numeric
from graders.core.checks import Fail, Question, subseed
from graders.core.oracle import BadRequest, Oracle
from graders.core.submission import probe_source

QUESTION = Question(__name__)

#: Seed of the network weights on both sides (inputs vary per check and per grader salt).
NET_SEED = zlib.crc32(b"q6 exam network weights")
OUTPUT_RTOL = 1e-4
HOMOGENEITY_RTOL = 1e-4
ZERO_ATOL = 1e-6


def _kernel_side():
    """The probe file, loaded here too: the same fill rule and spec interpreter on both sides."""
    module = types.ModuleType("q6_kernel_side")
    exec(compile(probe_source(QUESTION.probes), "<q6 kernel side>", "exec"), module.__dict__)
    return module


KERNEL_SIDE = _kernel_side()


class ExamNet(nn.Module):
    """The exam's network, as printed in the exam (only the class name differs)."""

    def __init__(self):
        super().__init__()
        self.conv_layer1 = nn.Sequential(
            nn.Conv2d(3, 64, kernel_size=3, padding=1, bias=False),
            nn.ReLU(),
            nn.Conv2d(64, 64, kernel_size=3, padding=1, bias=False),
            nn.ReLU(),
            nn.MaxPool2d(kernel_size=2, stride=2),
        )
        self.conv_layer2 = nn.Sequential(
            nn.Conv2d(64, 128, kernel_size=3, padding=1, bias=False),
            nn.ReLU(),
            nn.Conv2d(128, 128, kernel_size=3, padding=1, bias=False),
            nn.ReLU(),
            nn.MaxPool2d(kernel_size=2, stride=2),
        )
        self.conv_layer3 = nn.Sequential(
            nn.Conv2d(128, 256, kernel_size=3, padding=1, bias=False),
            nn.ReLU(),
            nn.Conv2d(256, 256, kernel_size=3, padding=1, bias=False),
            nn.ReLU(),
            nn.Conv2d(256, 256, kernel_size=3, padding=1, bias=False),
            nn.ReLU(),
            nn.MaxPool2d(kernel_size=2, stride=2),
        )
        self.conv_layer4 = nn.Sequential(
            nn.Conv2d(256, 512, kernel_size=3, padding=1, bias=False),
            nn.ReLU(),
            nn.Conv2d(512, 512, kernel_size=3, padding=1, bias=False),
            nn.ReLU(),
            nn.Conv2d(512, 512, kernel_size=3, padding=1, bias=False),
            nn.ReLU(),
            nn.MaxPool2d(kernel_size=2, stride=2),
        )
        self.fc_layer1 = nn.Sequential(
            nn.Linear(512 * 2 * 2, 4096, bias=False), nn.ReLU(), nn.Dropout()
        )
        self.fc_layer2 = nn.Sequential(nn.Linear(4096, 4096, bias=False), nn.ReLU(), nn.Dropout())
        self.fc_layer3 = nn.Linear(4096, 10, bias=False)

    def forward(self, x):
        output = self.conv_layer1(x)
        output = self.conv_layer2(output)
        output = self.conv_layer3(output)
        output = self.conv_layer4(output)
        output = output.view(-1, 512 * 2 * 2)
        output = self.fc_layer1(output)
        output = self.fc_layer2(output)
        return self.fc_layer3(output)


@functools.lru_cache(maxsize=1)
def reference_net(seed: int = NET_SEED) -> ExamNet:
    """``ExamNet`` with the deterministic weights (built on the meta device: no wasted init)."""
    return exam_net(seed)


def exam_net(seed: int) -> ExamNet:
    """A fresh ``ExamNet`` in eval mode, its weights filled from ``seed``."""
    with torch.device("meta"):
        net = ExamNet()
    net = net.to_empty(device="cpu")
    return KERNEL_SIDE.fill_deterministically(net, seed).eval()


def reference_forward(x: torch.Tensor, dropout_seed=None) -> torch.Tensor:
    """ExamNet(x) in eval mode, or in train mode after torch.manual_seed(dropout_seed)."""
    net = reference_net()
    with torch.no_grad():
        if dropout_seed is None:
            return net.eval()(x)
        net.train()
        torch.manual_seed(dropout_seed)
        try:
            return net(x)
        finally:
            net.eval()


def images(rng, batch: int) -> torch.Tensor:
    return torch.randn((batch, 3, 32, 32), generator=rng)


def student_forward(student, runs, what):
    """The student's Net on [input, dropout seed] runs (weights filled as on our side)."""
    outputs = student.probe("q6_net_forward", NET_SEED, runs, what=what)
    if not isinstance(outputs, list) or len(outputs) != len(runs):
        raise Fail(f"{what}: the grader did not get one output per input back")
    return [numeric.tensor(output, what) for output in outputs]


def expect_same_outputs(got, want, what):
    scale = float(want.abs().max())
    numeric.expect_close(got, want, what, rtol=0.0, atol=OUTPUT_RTOL * scale)


FILL_NOTE = (
    "weights filled by the grader in state_dict order (see net_has_the_exams_parameters "
    "if shapes differ)"
)


# ------------------------------------------------------------------ q6_net_tests


def _layout(student):
    layout = student.probe("q6_net_layout", NET_SEED, what="Net().state_dict()")
    if not isinstance(layout, dict) or not isinstance(layout.get("keys"), list):
        raise Fail("the grader could not read Net().state_dict()")
    return layout


@QUESTION.check("q6_net_tests", points=0.5)
def net_has_the_exams_parameters(student, rng):
    """`Net().state_dict()` has exactly the exam's keys (conv_layer1.0.weight, ...,
    fc_layer3.weight) with the exam's shapes."""
    got = {key: tuple(shape) for key, shape in _layout(student)["keys"]}
    want = {key: tuple(tensor.shape) for key, tensor in reference_net().state_dict().items()}
    problems = []
    missing = [key for key in want if key not in got]
    extra = [key for key in got if key not in want]
    if missing:
        problems.append(f"missing keys {missing[:4]}")
    if extra:
        problems.append(f"unexpected keys {extra[:4]}")
    for key in want:
        if key in got and got[key] != want[key]:
            problems.append(f"{key} has shape {got[key]}, the exam's has {want[key]}")
    if problems:
        raise Fail("Net().state_dict() differs from the exam's: " + "; ".join(problems[:4]))


@QUESTION.check("q6_net_tests", points=0.25)
def net_has_no_bias(student, rng):
    """No layer of `Net()` has a bias (every Conv2d and Linear is built with bias=False)."""
    layout = _layout(student)
    biased = {f"{name}.bias" for name in layout["biased"]} | {
        key for key, _ in layout["keys"] if key.endswith("bias")
    }
    if biased:
        raise Fail(
            f"Net() has biases: {sorted(biased)[:4]}; the theorem needs bias=False everywhere"
        )


@QUESTION.check("q6_net_tests", points=0.5)
def net_computes_the_exams_function(student, rng):
    """With the same weights, `Net()` in eval mode gives the exam network's outputs (input of shape
    (2, 3, 32, 32))."""
    x = images(rng, 2)
    what = f"Net()(x) in eval mode, x of shape (2, 3, 32, 32), {FILL_NOTE}"
    (got,) = student_forward(student, [[x, None]], what)
    expect_same_outputs(got, reference_forward(x), what + ", compared with the exam's network")


@QUESTION.check("q6_net_tests", points=0.25)
def net_has_the_exams_dropout(student, rng):
    """In train mode, after the same `torch.manual_seed`, `Net()` gives the exam network's outputs
    (same dropout masks)."""
    x = images(rng, 2)
    seed = subseed(rng)
    what = (
        f"Net()(x) in train mode after torch.manual_seed({seed}), x of shape (2, 3, 32, 32), "
        f"{FILL_NOTE}"
    )
    (got,) = student_forward(student, [[x, seed]], what)
    expect_same_outputs(
        got, reference_forward(x, seed), what + ", compared with the exam's network"
    )


ALPHAS = [0.0, 0.37, 41.0]


@QUESTION.check("q6_net_tests", points=0.5)
def net_is_positive_homogeneous(student, rng):
    """Your `Net` satisfies f(aX) = a f(X) for a = 0, 0.37, 41 in eval mode, and a = 2 in train mode
    with the same dropout seed."""
    x = images(rng, 1)
    seed = subseed(rng)
    batch = torch.cat([a * x for a in [1.0] + ALPHAS])
    train_alphas = [1.0, 2.0]
    runs = [[batch, None]] + [[a * x, seed] for a in train_alphas]
    what = "f = your Net() (weights filled by the grader)"
    eval_out, *train_out = student_forward(student, runs, what)
    numeric.expect_shape(
        eval_out,
        (len(ALPHAS) + 1, 10),
        f"{what} on a batch of {len(ALPHAS) + 1} scaled copies of x",
    )
    cases = [(a, eval_out[0:1], eval_out[i + 1 : i + 2], "eval mode") for i, a in enumerate(ALPHAS)]
    cases += [
        (a, train_out[0], out, f"train mode, torch.manual_seed({seed}) before each call")
        for a, out in zip(train_alphas[1:], train_out[1:])
    ]
    for a, fx, fax, mode in cases:
        scale = float(fx.abs().max())
        numeric.expect_close(
            fax,
            a * fx,
            f"{what}, {mode}: f({a:g} x) against {a:g} f(x)",
            rtol=0.0,
            atol=HOMOGENEITY_RTOL * a * scale + ZERO_ATOL * scale,
        )


# ------------------------------------------------------------------ q6_checker_tests
#
# Zoo: each function is a list of layer specs (built by ``build_function`` below, in the
# grader's process), plus the input shape it takes and whether it is positive homogeneous at
# every input. The non-homogeneous ones fail f(ax) = a f(x) by at least 1% of max|a f(x)| at
# some a in [1e-3, 1e3] or at a = 0 (tests/test_q6_homogeneous_cnn.py checks every label both
# ways).


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
    KERNEL_SIDE.fill_deterministically(body, seed)
    body.requires_grad_(False)
    body.eval()
    for (kind, options), layer in zip(spec, body):
        if kind == "batchnorm":
            layer.running_mean.fill_(options["running_mean"])
            layer.running_var.fill_(1.0)
        if kind == "dropout":
            layer.train()
    return body


IMAGE, VECTOR = (2, 3, 8, 8), (4, 16)


def conv(c_in, c_out, bias=False):
    return ["conv", {"in": c_in, "out": c_out, "bias": bias}]


def linear(n_in, n_out, bias=False):
    return ["linear", {"in": n_in, "out": n_out, "bias": bias}]


def conv_net(activation=("relu", {}), pool="maxpool", bias=False):
    """conv 3->6, act, conv 6->6, act, pool, flatten, linear 96->5 on (B, 3, 8, 8)."""
    act = list(activation)
    return [
        conv(3, 6, bias),
        act,
        conv(6, 6, bias),
        act,
        [pool, {}],
        ["flatten", {}],
        linear(96, 5, bias),
    ]


def mlp(activation=("relu", {}), bias=False):
    """linear 16->12, act, linear 12->5 on (B, 16)."""
    return [linear(16, 12, bias), list(activation), linear(12, 5, bias)]


def small_exam_net(bias=False):
    """The exam's architecture shrunk to (B, 3, 8, 8) inputs, dropout in train mode included."""
    relu, drop = ["relu", {}], ["dropout", {"p": 0.5}]
    return [
        conv(3, 6, bias),
        relu,
        conv(6, 6, bias),
        relu,
        ["maxpool", {}],
        conv(6, 8, bias),
        relu,
        ["maxpool", {}],
        ["flatten", {}],
        linear(32, 24, bias),
        relu,
        drop,
        linear(24, 24, bias),
        relu,
        drop,
        linear(24, 5, bias),
    ]


def norms(x):
    return x.flatten(1).norm(dim=1)


class Case:
    """One zoo function: its spec (possibly depending on the input x), input shape, truth,
    description."""

    def __init__(self, description, homogeneous, shape, spec, kind="function"):
        self.description, self.homogeneous, self.shape, self.spec, self.kind = (
            description,
            homogeneous,
            shape,
            spec,
            kind,
        )

    def instantiate(self, rng):
        x = torch.randn(self.shape, generator=rng)
        spec = self.spec(x) if callable(self.spec) else self.spec
        return [spec, subseed(rng), x, self.kind]


#: Largest batch the checker may evaluate a zoo function on at once.
MAX_ZOO_BATCH = 64


def _admission(shape):
    """Accept inputs of the case's shape but for the batch size (1 to MAX_ZOO_BATCH), as float32."""
    wanted = f"(B, {', '.join(map(str, shape[1:]))}) with 1 <= B <= {MAX_ZOO_BATCH}"

    def admit(x):
        if not isinstance(x, torch.Tensor) or not x.is_floating_point():
            raise BadRequest(f"f takes a floating-point tensor of shape {wanted}")
        if (
            x.dim() != len(shape)
            or tuple(x.shape[1:]) != tuple(shape[1:])
            or not 1 <= x.shape[0] <= MAX_ZOO_BATCH
        ):
            raise BadRequest(f"f takes inputs of shape {wanted}, got {tuple(x.shape)}")
        return x.to(torch.float32)

    return admit


def judge(student, rng, cases):
    """Run the student's checker on ``cases``; Fail listing every wrong verdict.

    The functions are built and evaluated here, in the grader's process (``Oracle``): the
    checker's callables only forward their input, so no closure, attribute or object in the
    student's process tells what a function is.
    """
    sent = [case.instantiate(rng) for case in cases]
    functions = [build_function(spec, seed) for spec, seed, _, _ in sent]
    admissions = [_admission(case.shape) for case in cases]
    grader_dir, student_dir = student.shared_dir()
    inputs = [[x, kind] for _, _, x, kind in sent]
    with Oracle(
        functions, lambda index, x: admissions[index](x), grader_dir, student_dir
    ) as oracle:
        replies = student.probe(
            "q6_checker_verdicts", oracle.address, inputs, what="is_positive_homogeneous(f, x)"
        )
    if not isinstance(replies, list) or len(replies) != len(cases):
        raise Fail(
            "is_positive_homogeneous(f, x): the grader did not get one verdict per function back"
        )
    wrong = []
    for case, reply in zip(cases, replies):
        expected = "True" if case.homogeneous else "False"
        verdict = _verdict(reply)
        if verdict is not case.homogeneous:
            wrong.append(
                f"for f = {case.description} it "
                f"{verdict if isinstance(verdict, str) else f'returned {verdict}'} "
                f"(expected {expected})"
            )
    if wrong:
        raise Fail(
            f"is_positive_homogeneous(f, x) is wrong on {len(wrong)} of {len(cases)} functions: "
            + "; ".join(wrong)
        )


def _verdict(reply):
    """True / False from the student's reply, or a phrase saying why it is neither."""
    if not isinstance(reply, dict):
        return "sent nothing readable"
    if "error" in reply:
        return f"raised {reply['error']}"
    value = reply.get("verdict")
    if isinstance(value, bool):
        return value
    if isinstance(value, torch.Tensor) and value.dtype == torch.bool and value.numel() == 1:
        return bool(value.item())
    return f"returned a {type(value).__name__} instead of True or False"


def bn_net(mean):
    """conv 3->6, BatchNorm2d in eval mode with running mean ``mean`` (variance 1), ReLU, linear."""
    return [
        conv(3, 6),
        ["batchnorm", {"features": 6, "running_mean": mean}],
        ["relu", {}],
        ["flatten", {}],
        linear(384, 5),
    ]


#: The zoo, by the check that judges it. Every group mixes True and False verdicts.
ZOO = {
    "bias": [
        Case("a bias-free conv-ReLU-conv-ReLU-maxpool-linear network", True, IMAGE, conv_net()),
        Case(
            "a linear map x -> Wx (given as an nn.Module)",
            True,
            VECTOR,
            [linear(16, 5)],
            kind="module",
        ),
        Case("the same conv network with biases", False, IMAGE, conv_net(bias=True)),
        Case("an affine map x -> Wx + b", False, VECTOR, [linear(16, 5, bias=True)]),
    ],
    "activations": [
        Case(
            "a bias-free LeakyReLU(0.1) conv network",
            True,
            IMAGE,
            conv_net(("leaky_relu", {"slope": 0.1})),
        ),
        Case("a bias-free two-layer ReLU network", True, VECTOR, mlp(), kind="module"),
        Case("a bias-free sigmoid conv network", False, IMAGE, conv_net(("sigmoid", {}))),
        Case(
            "a bias-free two-layer GELU network (GELU(0) = 0, but GELU(ax) != a GELU(x))",
            False,
            VECTOR,
            mlp(("gelu", {})),
        ),
        Case(
            "a bias-free two-layer softplus(beta=20) network (close to ReLU only at large scales)",
            False,
            VECTOR,
            mlp(("softplus", {"beta": 20.0})),
        ),
    ],
    "dropout": [
        Case(
            "a small version of the exam's network, dropout in train mode (an nn.Module)",
            True,
            IMAGE,
            small_exam_net(),
            kind="module",
        ),
        Case(
            "x -> W2 ReLU(dropout(W1 x)), dropout in train mode",
            True,
            VECTOR,
            [linear(16, 12), ["dropout", {"p": 0.5}], ["relu", {}], linear(12, 5)],
        ),
        Case(
            "the small exam network with biases, dropout in train mode",
            False,
            IMAGE,
            small_exam_net(bias=True),
            kind="module",
        ),
    ],
    "batchnorm": [
        Case(
            "conv, BatchNorm2d in eval mode with running mean 0.5, ReLU, linear",
            False,
            IMAGE,
            bn_net(0.5),
        ),
        Case(
            "conv, BatchNorm2d in eval mode with running mean 0, ReLU, linear",
            True,
            IMAGE,
            bn_net(0.0),
        ),
        Case(
            "a bias-free ReLU conv network with average pooling",
            True,
            IMAGE,
            conv_net(pool="avgpool"),
        ),
    ],
    "degree": [
        Case("f = 0 (f(x) = zeros)", True, VECTOR, [["zero", {}]]),
        Case("x -> (Wx)^2 elementwise (degree 2)", False, VECTOR, [linear(16, 5), ["square", {}]]),
        Case("x -> |x| Wx (degree 2)", False, VECTOR, [linear(16, 5), ["times_norm", {}]]),
    ],
    "scales": [
        Case(
            "a ReLU network after clipping its input at 3 max|x| (saturates for a > 3)",
            False,
            VECTOR,
            lambda x: [["clamp", {"limit": 3 * float(x.abs().max())}], *mlp()],
        ),
        Case(
            "a ReLU network gated off below |x| = 0.2 min|x| (zero for a < 0.2)",
            False,
            VECTOR,
            lambda x: [["gate_below", {"radius": 0.2 * float(norms(x).min())}], *mlp()],
        ),
        Case(
            "a linear map whose input flips sign above |x| = 3 max|x| (same norms, other values)",
            False,
            VECTOR,
            lambda x: [["flip_above", {"radius": 3 * float(norms(x).max())}], linear(16, 5)],
        ),
        Case(
            "a bias-free ReLU network times 1e5 (outputs ~1e5: needs a relative tolerance)",
            True,
            VECTOR,
            [*mlp(), ["scale", {"c": 1e5}]],
        ),
        Case(
            "x -> 1e-7 (Wx)^2 (degree 2, outputs ~1e-7)",
            False,
            VECTOR,
            [linear(16, 5), ["square", {}], ["scale", {"c": 1e-7}]],
        ),
    ],
}


@QUESTION.check("q6_checker_tests", points=1.0)
def tells_bias_free_layers_from_biased_ones(student, rng):
    """True for a bias-free ReLU/max-pool CNN and a linear map; False for the same CNN with biases
    and an affine map."""
    judge(student, rng, ZOO["bias"])


@QUESTION.check("q6_checker_tests", points=1.0)
def tells_relu_and_leaky_relu_from_smooth_activations(student, rng):
    """True for bias-free LeakyReLU and ReLU networks; False for the same networks with sigmoid,
    GELU or a sharp softplus."""
    judge(student, rng, ZOO["activations"])


@QUESTION.check("q6_checker_tests", points=1.0)
def sees_through_dropout_in_train_mode(student, rng):
    """True for bias-free networks with dropout in train mode (same masks for f(ax) and f(x)); False
    for the biased version."""
    judge(student, rng, ZOO["dropout"])


@QUESTION.check("q6_checker_tests", points=1.0)
def tells_batchnorm_with_a_running_mean_apart(student, rng):
    """False for eval-mode BatchNorm with running mean 0.5 (it subtracts a constant); True with
    running mean 0, and for average pooling."""
    judge(student, rng, ZOO["batchnorm"])


@QUESTION.check("q6_checker_tests", points=1.0)
def rejects_homogeneity_of_another_degree(student, rng):
    """True for f = 0; False for the degree-2 maps x -> (Wx)^2 and x -> |x| Wx."""
    judge(student, rng, ZOO["degree"])


@QUESTION.check("q6_checker_tests", points=1.0)
def catches_homogeneity_at_some_scales_only(student, rng):
    """False for functions homogeneous only for small, or only for large, scales (a in [1e-3, 1e3]);
    True for a ReLU network with outputs ~1e5."""
    judge(student, rng, ZOO["scales"])


# ------------------------------------------------------------------ q6_weight_degree_tests


@functools.lru_cache(maxsize=1)
def measured_weight_degree() -> int:
    """d with ExamNet_{c theta}(X) = c^d ExamNet_theta(X), measured at c = 2 on an input of shape
    (1, 3, 32, 32).

    Doubling (and halving back) every weight is exact in float32, so f_{2 theta} must be exactly
    2^d f_theta entry by entry (up to the ordinary 1e-4 tolerance): d is read off the ratio of
    the largest entries and then confirmed on all ten.
    """
    net = reference_net()
    x = torch.randn((1, 3, 32, 32), generator=torch.Generator().manual_seed(NET_SEED))
    with torch.no_grad():
        base = net(x)
        try:
            for parameter in net.parameters():
                parameter.mul_(2.0)
            doubled = net(x)
        finally:
            for parameter in net.parameters():
                parameter.mul_(0.5)
    degree = round(math.log2(float(doubled.abs().max() / base.abs().max())))
    scale = 2.0**degree * float(base.abs().max())
    if not ((doubled - 2.0**degree * base).abs() <= HOMOGENEITY_RTOL * scale).all():
        raise RuntimeError(f"ExamNet is not homogeneous of degree {degree} in its weights")
    return degree


@QUESTION.check("q6_weight_degree_tests", points=1.0)
def weight_degree_is_the_measured_one(student, rng):
    """`WEIGHT_DEGREE` is the d with f_{c theta} = c^d f_theta for the exam's Net, as measured on it
    (c = 2)."""
    value = student.value("WEIGHT_DEGREE")
    if type(value) is not int:
        raise Fail(f"`WEIGHT_DEGREE` should be an int, got {type(value).__name__} {value!r}")
    degree = measured_weight_degree()
    if value != degree:
        raise Fail(
            f"`WEIGHT_DEGREE` = {value}, but scaling every weight of the exam's Net by c "
            f"multiplies its output by c^{degree}, not c^{value} (count every layer that is "
            "linear in its own weights)"
        )


# ------------------------------------------------------------------ q6_steps_tests


@dataclass(frozen=True)
class LayerDegree:
    """One entry of ``LAYERS``: its degree of positive homogeneity (None: none) and why."""

    name: str
    check: str
    degree: int | None
    why: str


#: The setup cell's ``LAYERS``, in its order, with the degrees (tests/test_q6 measures each on
#: the real torch layer).
LAYER_DEGREES = [
    LayerDegree("ReLU", "relu", 1, "max(ax, 0) = a max(x, 0) for a >= 0"),
    LayerDegree("LeakyReLU(0.1)", "leaky_relu", 1, "both slopes are kept by a >= 0"),
    LayerDegree("GELU", "gelu", None, "x Phi(x): Phi(ax) != Phi(x)"),
    LayerDegree("Sigmoid", "sigmoid", None, "sigmoid(0) = 1/2 != 0, and it saturates"),
    LayerDegree("MaxPool2d(2)", "max_pool", 1, "a >= 0 keeps the order, so the max scales"),
    LayerDegree("AvgPool2d(2)", "avg_pool", 1, "a mean is linear"),
    LayerDegree("Conv2d(bias=False)", "bias_free_conv", 1, "a convolution without bias is linear"),
    LayerDegree(
        "Conv2d(bias=True)", "conv_with_bias", None, "W(ax) + b != a (Wx + b) unless b = 0"
    ),
    LayerDegree("Linear(bias=False)", "bias_free_linear", 1, "x -> Wx is linear"),
    LayerDegree("Flatten", "flatten", 1, "a reshape only moves entries"),
    LayerDegree(
        "Dropout(fixed mask)", "dropout_with_a_fixed_mask", 1, "x -> m * x / (1 - p) is linear"
    ),
    LayerDegree(
        "BatchNorm2d(eval, running_mean != 0)",
        "batchnorm_with_a_running_mean",
        None,
        "(x - mean) / sqrt(var + eps) subtracts a constant",
    ),
    LayerDegree("x * x", "square", 2, "(ax)(ax) = a^2 x x"),
    LayerDegree("ReLU(x)**2", "squared_relu", 2, "ReLU(ax)^2 = a^2 ReLU(x)^2"),
]
LAYERS = [layer.name for layer in LAYER_DEGREES]


def student_layer_degrees(student) -> dict:
    value = student.value("LAYER_DEGREES")
    if not isinstance(value, dict):
        raise Fail(
            "`LAYER_DEGREES` should be a dict over the names in LAYERS, got a "
            f"{type(value).__name__}"
        )
    return value


def _layer_degree_check(layer: LayerDegree):
    def check(student, rng):
        answers = student_layer_degrees(student)
        if layer.name not in answers:
            raise Fail(f"`LAYER_DEGREES` has no entry {layer.name!r} (keys: the names in LAYERS)")
        got = answers[layer.name]
        entry = f"`LAYER_DEGREES[{layer.name!r}]`"
        if got is not None and type(got) is not int:
            raise Fail(f"{entry} should be an int or None, got {type(got).__name__} {got!r}")
        if got != layer.degree:
            truth = (
                "not positive homogeneous" if layer.degree is None else f"of degree {layer.degree}"
            )
            raise Fail(f"{entry} = {got}, but {layer.name} is {truth}: {layer.why}")

    check.__name__ = f"degree_of_{layer.check}"
    check.__doc__ = (
        f"`LAYER_DEGREES[{layer.name!r}]` is the degree d with layer(ax) = a^d layer(x) "
        "for a >= 0, or None."
    )
    return check


for _entry in LAYER_DEGREES:
    QUESTION.check("q6_steps_tests", points=0.3125)(_layer_degree_check(_entry))

NEGATIVE_ALPHA_DRAWS = 3
#: f(alpha x) and alpha f(x) must differ by this share of their size: float32 rounding moves
#: the exam network's outputs by ~1e-6 of their size, a real counterexample by tens of percent.
COUNTEREXAMPLE_MARGIN = 1e-2


def negative_alpha_answer(student) -> tuple[float, torch.Tensor]:
    """The student's (alpha, x), checked for form: alpha < 0 a number, x of shape (1, 3, 32, 32)."""
    value = student.value("NEGATIVE_ALPHA")
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise Fail(f"`NEGATIVE_ALPHA` should be a pair (alpha, x), got a {type(value).__name__}")
    alpha = numeric.number(value[0], "alpha in `NEGATIVE_ALPHA`")
    x = numeric.tensor(value[1], "x in `NEGATIVE_ALPHA`")
    if not alpha < 0 or not math.isfinite(alpha):
        raise Fail(f"alpha in `NEGATIVE_ALPHA` should be a finite negative number, got {alpha!r}")
    numeric.expect_shape(x, (1, 3, 32, 32), "x in `NEGATIVE_ALPHA`")
    if not x.is_floating_point():
        raise Fail(f"x in `NEGATIVE_ALPHA` should be a floating-point tensor, got dtype {x.dtype}")
    x = x.to(torch.float32)
    numeric.expect_finite(x, "x in `NEGATIVE_ALPHA` (as float32)")
    return alpha, x


@QUESTION.check("q6_steps_tests", points=1.625)
def negative_alpha_breaks_the_identity(student, rng):
    """`NEGATIVE_ALPHA` = (alpha, x) with alpha < 0 has f(alpha x) != alpha f(x) for the exam's
    network, under 3 sets of bias-free weights the grader draws (by 1% of their size or more)."""
    alpha, x = negative_alpha_answer(student)
    for _ in range(NEGATIVE_ALPHA_DRAWS):
        seed = subseed(rng)
        net = exam_net(seed)
        with torch.no_grad():
            scaled_input, scaled_output = net(alpha * x), alpha * net(x)
        what = (
            f"the exam's network (eval mode, weights drawn from seed {seed}) at alpha = {alpha:g} "
            "and your x"
        )
        numeric.expect_finite(scaled_input, f"{what}: f(alpha x)")
        numeric.expect_finite(scaled_output, f"{what}: alpha f(x)")
        gap = float((scaled_input - scaled_output).abs().max())
        size = max(float(scaled_input.abs().max()), float(scaled_output.abs().max()))
        if not gap > COUNTEREXAMPLE_MARGIN * size:
            raise Fail(
                f"{what}: f(alpha x) and alpha f(x) differ by {gap:.3g}, less than 1% of "
                f"their size {size:.3g}: not a counterexample"
            )
