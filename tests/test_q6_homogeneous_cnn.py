"""Question 6's checks, one by one: each on a minimal right and wrong answer, the zoo's labels
audited on the grader's side, and the tolerances measured rather than assumed.

The example class (tests/test_example_class.py) grades every q6 example and holds each to the
checks its `# fails:` lines name (which check catches each network mistake); here we test the
checker and degree checks on answers too degenerate to be examples (constant checkers, wrong
types).
"""

import pytest
import torch
from torch import nn

from coursepack import example_class
from graders.midterm import q6_homogeneous_cnn as q6
from graders.core.checks import run_check
from tests.support import ROOT, submission_for

NOTEBOOK = "q6_homogeneous_cnn"
REFERENCE_ALPHAS = (0.0, 1e-3, 0.1, 0.5, 2.0, 10.0, 1e3)


def outcomes(cells: dict, grade_cell: str) -> dict:
    """{check name: Outcome} for one test cell of a submission made of ``cells``."""
    question, submission = submission_for(example_class.Answers("unit", NOTEBOOK, cells))
    return {check.name: run_check(check, submission) for check in question.cells[grade_cell]}


def reference_cell(grade_id: str) -> str:
    return example_class.reference_answers(ROOT, NOTEBOOK).cells[grade_id]


# ------------------------------------------------------------------ the zoo's labels


def relative_gaps(case, seed):
    """{a: max|f(ax) - a f(x)| / max|f(x)|} for one zoo function, dropout masks replayed."""
    spec, fill_seed, x, _ = case.instantiate(torch.Generator().manual_seed(seed))
    f = q6.build_function(spec, fill_seed)
    state = torch.get_rng_state()

    def evaluate(inputs):
        torch.set_rng_state(state)
        with torch.no_grad():
            return f(inputs)

    fx = evaluate(x)
    scale = float(fx.abs().max())
    return {
        a: float((evaluate(a * x) - a * fx).abs().max()) / scale
        if scale
        else float((evaluate(a * x)).abs().max())
        for a in REFERENCE_ALPHAS
    }


ALL_CASES = [(group, case) for group, cases in q6.ZOO.items() for case in cases]


def test_zoo_is_large_and_every_group_mixes_both_verdicts():
    assert len(ALL_CASES) >= 15
    for group, cases in q6.ZOO.items():
        assert {case.homogeneous for case in cases} == {True, False}, group


@pytest.mark.parametrize("group,case", ALL_CASES, ids=[c.description[:40] for _, c in ALL_CASES])
def test_zoo_label_holds_for_every_draw(group, case):
    """Over 6 draws of weights and input: a homogeneous function stays within 1e-6 a max|f(x)|
    (100x inside the reference checker's 1e-4) at every reference alpha, exactly 0 at a = 0; a
    non-homogeneous one misses by more than 1e-2 a max|f(x)| (100x outside) at some alpha."""
    for seed in range(6):
        gaps = relative_gaps(case, seed)
        if case.homogeneous:
            assert gaps[0.0] == 0.0, (seed, gaps)
            assert all(gap <= 1e-6 * a for a, gap in gaps.items() if a > 0), (seed, gaps)
        else:
            assert (
                max(gap / max(a, 1.0) if a == 0 else gap / a for a, gap in gaps.items()) > 1e-2
            ), (seed, gaps)


# ------------------------------------------------------------------ q6_checker_tests

CONSTANT = "def is_positive_homogeneous(f, x):\n    return {}\n"


@pytest.mark.parametrize("answer", ["True", "False"])
def test_constant_checkers_score_zero(answer):
    results = outcomes({"q6_checker": CONSTANT.format(answer)}, "q6_checker_tests")
    assert all(not o.passed and o.message for o in results.values()), {
        n: o.message for n, o in results.items()
    }


def test_reference_checker_passes_every_group_and_tensor_verdicts_count():
    wrapped = reference_cell("q6_checker") + (
        "\n_plain = is_positive_homogeneous\n"
        "def is_positive_homogeneous(f, x):\n    return torch.tensor(_plain(f, x))\n"
    )
    results = outcomes({"q6_checker": wrapped}, "q6_checker_tests")
    assert all(o.passed for o in results.values()), {
        n: o.message for n, o in results.items() if not o.passed
    }


def test_a_crash_costs_only_its_group_and_is_reported():
    crashes_on_images = reference_cell("q6_checker") + (
        "\n_plain = is_positive_homogeneous\n"
        "def is_positive_homogeneous(f, x):\n"
        "    if x.dim() == 4 and x.shape[1] == 3:\n        raise ValueError('no images please')\n"
        "    return _plain(f, x)\n"
    )
    results = outcomes({"q6_checker": crashes_on_images}, "q6_checker_tests")
    assert results["rejects_homogeneity_of_another_degree"].passed
    assert not results["tells_bias_free_layers_from_biased_ones"].passed
    assert (
        "raised ValueError: no images please"
        in results["tells_bias_free_layers_from_biased_ones"].message
    )


def test_non_boolean_verdict_is_wrong():
    results = outcomes({"q6_checker": CONSTANT.format("'yes'")}, "q6_checker_tests")
    assert "instead of True or False" in results["rejects_homogeneity_of_another_degree"].message


# ------------------------------------------------------------------ q6_weight_degree_tests


def test_measured_degree_counts_every_weight_layer():
    """The measurement agrees with the count of layers linear in their own weights (10 conv + 3
    linear)."""
    layers = sum(isinstance(m, (nn.Conv2d, nn.Linear)) for m in q6.ExamNet().modules())
    assert q6.measured_weight_degree() == layers


@pytest.mark.parametrize(
    "answer,passes,message",
    [
        ("13", True, ""),
        ("10", False, "c^13, not c^10"),
        ("1", False, "not c^1 "),
        ("13.0", False, "should be an int"),
        ("True", False, "should be an int"),
    ],
)
def test_weight_degree(answer, passes, message):
    (outcome,) = outcomes(
        {"q6_weight_degree": f"WEIGHT_DEGREE = {answer}\n"}, "q6_weight_degree_tests"
    ).values()
    assert outcome.passed is passes and message in outcome.message + " ", outcome.message


# ------------------------------------------------------------------ q6_net_tests: machinery


def test_fill_is_deterministic_and_keyed_by_position():
    renamed = nn.Sequential(nn.Flatten(), nn.Linear(6, 4, bias=False))
    plain = nn.Sequential(nn.Linear(6, 4, bias=False))
    q6.KERNEL_SIDE.fill_deterministically(renamed, 7)
    q6.KERNEL_SIDE.fill_deterministically(plain, 7)
    assert torch.equal(renamed[1].weight, plain[0].weight)
    other = q6.KERNEL_SIDE.fill_deterministically(nn.Sequential(nn.Linear(6, 4, bias=False)), 8)
    assert not torch.equal(other[0].weight, plain[0].weight)


def test_reference_tolerances_have_room():
    """float32 against float64 on the filled exam network: the error is far (10x) inside the
    1e-4 output tolerance, activations stay O(1), and two dropout seeds differ by far more."""
    x = torch.randn((2, 3, 32, 32), generator=torch.Generator().manual_seed(0))
    net32 = q6.reference_net()
    out32 = q6.reference_forward(x)
    net64 = q6.ExamNet().double().eval()
    net64.load_state_dict({k: v.double() for k, v in net32.state_dict().items()})
    with torch.no_grad():
        out64 = net64(x.double())
    scale = float(out64.abs().max())
    assert 0.1 < scale < 100
    assert float((out32.double() - out64).abs().max()) < 0.1 * q6.OUTPUT_RTOL * scale
    same = q6.reference_forward(x, 5), q6.reference_forward(x, 5)
    assert torch.equal(*same)
    assert float((q6.reference_forward(x, 6) - same[0]).abs().max()) > 100 * q6.OUTPUT_RTOL * float(
        same[0].abs().max()
    )


def test_missing_net_scores_zero_with_messages():
    results = outcomes({}, "q6_net_tests")
    assert all(not o.passed and "`Net` is not defined" in o.message for o in results.values())


# Which q6_net check catches which mistake: the `# fails:` lines of examples/class/q6-mistake-*,
# held to the grader's verdicts by tests/test_example_class.py.


# ------------------------------------------------------------------ q6_steps_tests


def _squared_relu(x):
    return torch.relu(x) ** 2


def real_layer(name: str):
    """The torch layer each name in LAYERS stands for, with random weights (and a nonzero bias or
    running mean where the name says so), and the input shape it takes."""
    image = (2, 4, 6, 6)
    batchnorm = nn.BatchNorm2d(4, affine=False).eval()
    batchnorm.running_mean.fill_(0.5)
    conv_with_bias = nn.Conv2d(4, 3, 3)
    with torch.no_grad():
        conv_with_bias.bias.fill_(0.3)
    layers = {
        "ReLU": nn.ReLU(),
        "LeakyReLU(0.1)": nn.LeakyReLU(0.1),
        "GELU": nn.GELU(),
        "Sigmoid": nn.Sigmoid(),
        "MaxPool2d(2)": nn.MaxPool2d(2),
        "AvgPool2d(2)": nn.AvgPool2d(2),
        "Conv2d(bias=False)": nn.Conv2d(4, 3, 3, bias=False),
        "Conv2d(bias=True)": conv_with_bias,
        "Linear(bias=False)": nn.Linear(6, 5, bias=False),
        "Flatten": nn.Flatten(),
        "Dropout(fixed mask)": nn.Dropout(0.5).train(),
        "BatchNorm2d(eval, running_mean != 0)": batchnorm,
        "x * x": lambda x: x * x,
        "ReLU(x)**2": _squared_relu,
    }
    return layers[name], image


def measured_degree(layer, shape, seed: int):
    """The d in {0, ..., 3} with layer(ax) = a^d layer(x) for a in [0, 1e3] at a random x (the
    same dropout mask on both sides), or None."""
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(shape, generator=generator, dtype=torch.float64)
    if isinstance(layer, nn.Module):
        layer.double()

    def evaluate(inputs):
        torch.manual_seed(seed)
        with torch.no_grad():
            return layer(inputs)

    fx = evaluate(x)
    for d in range(4):
        if all(
            torch.allclose(
                evaluate(a * x), a**d * fx, rtol=1e-9, atol=1e-12 * a**d * float(fx.abs().max())
            )
            for a in (0.0, 1e-3, 0.3, 2.0, 7.0, 1e3)
            if not (a == 0 and d == 0)
        ):
            return d
    return None


@pytest.mark.parametrize("layer", q6.LAYER_DEGREES, ids=lambda layer: layer.check)
def test_layer_degree_is_the_one_measured_on_the_real_torch_layer(layer):
    module, shape = real_layer(layer.name)
    for seed in range(3):
        assert measured_degree(module, shape, seed) == layer.degree, (layer.name, seed)


def test_layers_are_the_setup_cells_list():
    import nbformat

    setup = next(
        c
        for c in nbformat.read(
            ROOT / "release" / "midterm" / f"{NOTEBOOK}.ipynb", as_version=4
        ).cells
        if c.metadata.get("nbgrader", {}).get("grade_id") == "q6_setup"
    )
    namespace = {}
    exec(compile(setup.source, "<q6_setup>", "exec"), namespace)
    assert namespace["LAYERS"] == q6.LAYERS


def test_a_guess_earns_only_its_share():
    """Every entry 1 (the likeliest guess) earns exactly the entries that are 1."""
    degrees = "{name: 1 for name in LAYERS}"
    results = outcomes(
        {"q6_steps": f"LAYER_DEGREES = {degrees}\nNEGATIVE_ALPHA = None"}, "q6_steps_tests"
    )
    earned = sum(o.earned for o in results.values())
    ones = sum(layer.degree == 1 for layer in q6.LAYER_DEGREES)
    assert earned == ones * 0.3125 and ones < len(q6.LAYER_DEGREES)
    assert not results["negative_alpha_breaks_the_identity"].passed


@pytest.mark.parametrize(
    "answer, fragment",
    [
        ("(-1.0, torch.zeros((1, 3, 32, 32)))", "not a counterexample"),
        ("(0.5, torch.randn((1, 3, 32, 32)))", "finite negative number"),
        ("(-1.0, torch.randn((3, 32, 32)))", "expected shape (1, 3, 32, 32)"),
        ("(-1.0, torch.full((1, 3, 32, 32), float('inf')))", "finite"),
        ("[-1.0]", "pair (alpha, x)"),
        ("(-1.0, torch.ones((1, 3, 32, 32), dtype=torch.int64))", "floating-point"),
    ],
)
def test_negative_alpha_rejects_non_counterexamples(answer, fragment):
    results = outcomes({"q6_steps": f"NEGATIVE_ALPHA = {answer}"}, "q6_steps_tests")
    result = results["negative_alpha_breaks_the_identity"]
    assert not result.passed and fragment in result.message, result.message


def test_the_exam_network_is_odd_nowhere_we_look():
    """The premise of NEGATIVE_ALPHA's check: for random x, f(-x) and -f(x) differ by far more
    than the 1% margin (while f(2x) = 2 f(x) to float32 rounding)."""
    net = q6.exam_net(11)
    x = torch.randn((4, 3, 32, 32), generator=torch.Generator().manual_seed(2))
    with torch.no_grad():
        fx, f_minus, f_double = net(x), net(-x), net(2 * x)
    for n in range(4):
        size = max(float(f_minus[n].abs().max()), float(fx[n].abs().max()))
        assert float((f_minus[n] + fx[n]).abs().max()) > 10 * q6.COUNTEREXAMPLE_MARGIN * size
        assert float((f_double[n] - 2 * fx[n]).abs().max()) < 1e-4 * size
