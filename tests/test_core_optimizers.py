"""The optimizer harness (graders/core/optimizers.py) on real torch optimizers as "students".

torch.optim.SGD, Adam and AdamW must pass every check of the specs they equal; optimizers built
from each catalogued mistake must fail the trajectory check with that mistake's message; and
optimizers that break one part of the contract must fail exactly that check. Students are
served through the same runtime, probes and codec as in a kernel (tests/support.py).
"""

import pytest
import torch
from nbformat.v4 import new_notebook

from graders.core import optimizers as harness
from graders.core.checks import Question, run_check
from graders.core.optimizers import Hyper, LibraryOracle, Mistake, OptimizerSpec
from graders.core.submission import Submission, probe_source
from graders.hw1_adam import hw1_adamw
from graders.hw1_adam.hw1_adamw import ADAM_L2, ADAM_W
from tests.support import InProcessTransport


def sgd_rule(theta, grad, state, h, dampening=0.0):
    d = grad + h["weight_decay"] * theta
    state["momentum_buffer"] = h["momentum"] * state["momentum_buffer"] + (1 - dampening) * d
    return theta - h["lr"] * state["momentum_buffer"]


def sgd_dampened(theta, grad, state, h):
    return sgd_rule(theta, grad, state, h, dampening=h["momentum"])


SGD = OptimizerSpec(
    name="SGD",
    hypers=(
        Hyper("lr", ((0.02, 0.1),)),
        Hyper("momentum", ((0.5, 0.95),)),
        Hyper("weight_decay", ((0.05, 0.5),)),
    ),
    buffers=("momentum_buffer",),
    step=sgd_rule,
    says="SGD with momentum on g + weight_decay θ",
    mistakes=(Mistake("dampening", sgd_dampened, "dampening: v <- beta v + (1 - beta) d"),),
    oracle=LibraryOracle(torch.optim.SGD, dict, "torch.optim.SGD(lr, momentum, weight_decay)"),
)

SGD_QUESTION = Question("sgd_for_the_harness_tests", probes=harness.PROBES)
harness.declare_trajectory_check(
    SGD_QUESTION,
    "sgd_tests",
    SGD,
    name="sgd_follows_the_rule",
    points=1.0,
    problem=hw1_adamw.QUADRATICS,
    on="3 random quadratics",
    steps=40,
)
harness.declare_trajectory_check(
    SGD_QUESTION,
    "sgd_tests",
    SGD,
    name="sgd_is_torch_sgd",
    points=1.0,
    problem=harness.small_network,
    on="a small network",
    steps=30,
    oracle=True,
)
harness.declare_contract_checks(
    SGD_QUESTION, "sgd_tests", (SGD,), dict.fromkeys(harness.FEATURES, 1.0)
)


class AdamL2(torch.optim.Adam):
    """torch.optim.Adam under the homework's signature: ``l2`` is torch's ``weight_decay``."""

    def __init__(self, params, lr, betas, eps, l2):
        params = list(params)
        if params and isinstance(params[0], dict):
            params = [
                {("weight_decay" if key == "l2" else key): value for key, value in group.items()}
                for group in params
            ]
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=l2)


def rule_optimizer(
    spec: OptimizerSpec, rule, *, skip_none=True, keep_state=True, own_group=True, returns_loss=True
):
    """An Optimizer applying ``rule`` per parameter; the flags break one part of the contract."""

    class Student(torch.optim.Optimizer):
        def __init__(self, params, **hypers):
            super().__init__(params, hypers)
            self.private = {}

        @torch.no_grad()
        def step(self, closure=None):
            loss = None
            if closure is not None:
                with torch.enable_grad():
                    loss = closure()
            for group in self.param_groups:
                source = group if own_group else self.defaults
                hypers = {name: source[name] for name in spec.names}
                for p in group["params"]:
                    grad = p.grad if p.grad is not None or skip_none else torch.zeros_like(p)
                    if grad is None:
                        continue
                    state = self.state[p] if keep_state else self.private.setdefault(id(p), {})
                    if not state:
                        state.update(harness.fresh_state(spec, p.detach()))
                    p.copy_(harness.apply(rule, p.detach().clone(), grad, state, hypers))
            return loss if returns_loss else None

    Student.__name__ = spec.name
    return Student


def submission(**classes) -> Submission:
    transport = InProcessTransport(new_notebook(), probe_source(harness.PROBES))
    transport.namespace.update(classes)
    return Submission(transport)


def outcomes(question: Question, cell: str, student: Submission) -> dict:
    return {check.name: run_check(check, student) for check in question.cells[cell]}


def failed(results: dict) -> dict:
    return {name: outcome.message for name, outcome in results.items() if not outcome.passed}


def test_torch_sgd_passes_every_check():
    assert failed(outcomes(SGD_QUESTION, "sgd_tests", submission(SGD=torch.optim.SGD))) == {}


def test_torch_adam_and_adamw_pass_every_optimizer_check():
    student = submission(AdamL2=AdamL2, AdamW=torch.optim.AdamW)
    assert failed(outcomes(hw1_adamw.QUESTION, "hw1_optimizers_tests", student)) == {}


@pytest.mark.parametrize("spec", [SGD, ADAM_L2, ADAM_W], ids=lambda spec: spec.name)
def test_the_reference_step_is_the_library_optimizer(spec):
    """The reference rule, run by a generic Optimizer, passes everything the oracle passes."""
    question = SGD_QUESTION if spec is SGD else hw1_adamw.QUESTION
    cell = "sgd_tests" if spec is SGD else "hw1_optimizers_tests"
    others = {
        other.name: rule_optimizer(other, other.step)
        for other in (ADAM_L2, ADAM_W)
        if other is not spec
    }
    student = submission(**{spec.name: rule_optimizer(spec, spec.step)}, **others)
    assert failed(outcomes(question, cell, student)) == {}


CATALOGUE = [(spec, mistake) for spec in (SGD, ADAM_L2, ADAM_W) for mistake in spec.mistakes]


@pytest.mark.parametrize(
    "spec, mistake", CATALOGUE, ids=[f"{s.name}-{m.name}" for s, m in CATALOGUE]
)
def test_each_catalogued_mistake_fails_with_its_message(spec, mistake):
    question = Question("mistake", probes=harness.PROBES)
    harness.declare_trajectory_check(
        question,
        "cell",
        spec,
        name="follows",
        points=1.0,
        problem=hw1_adamw.QUADRATICS,
        on="3 random quadratics",
        steps=60,
    )
    student = submission(**{spec.name: rule_optimizer(spec, mistake.step)})
    (outcome,) = outcomes(question, "cell", student).values()
    assert not outcome.passed
    named = f"Your whole trajectory matches a known mistake: {mistake.message}."
    assert named in outcome.message, outcome.message


BROKEN = {
    "parameter_groups_keep_their_own_hyperparameters": dict(own_group=False),
    "parameters_without_gradient_are_left_alone": dict(skip_none=False),
    "step_with_closure_returns_its_loss": dict(returns_loss=False),
    "state_dict_resumes_training_exactly": dict(keep_state=False),
}
HINTS = {
    "parameter_groups_keep_their_own_hyperparameters": "with the constructor's",
    "parameters_without_gradient_are_left_alone": "although its .grad was None",
    "step_with_closure_returns_its_loss": "returned None; it must return the closure's loss",
    "state_dict_resumes_training_exactly": "restarted from empty state",
}


@pytest.mark.parametrize("check", sorted(BROKEN))
@pytest.mark.parametrize("spec", [SGD, ADAM_W], ids=lambda spec: spec.name)
def test_a_broken_contract_fails_exactly_its_check(spec, check):
    question = Question("contract", probes=harness.PROBES)
    harness.declare_contract_checks(question, "cell", (spec,), dict.fromkeys(harness.FEATURES, 1.0))
    student = submission(**{spec.name: rule_optimizer(spec, spec.step, **BROKEN[check])})
    lost = failed(outcomes(question, "cell", student))
    assert list(lost) == [check], lost
    assert HINTS[check] in lost[check], lost[check]


def test_contract_checks_apply_only_to_specs_claiming_the_feature():
    no_state = OptimizerSpec(
        SGD.name,
        SGD.hypers,
        SGD.buffers,
        SGD.step,
        SGD.says,
        features=harness.FEATURES - {harness.STATE_DICT},
    )
    question = Question("features", probes=harness.PROBES)
    harness.declare_contract_checks(question, "cell", (no_state,), {harness.STATE_DICT: 1.0})
    student = submission(SGD=rule_optimizer(SGD, SGD.step, keep_state=False))
    assert failed(outcomes(question, "cell", student)) == {}


def test_an_optimizer_that_never_moves_cannot_pass_the_contract():
    question = Question("frozen", probes=harness.PROBES)
    harness.declare_contract_checks(question, "cell", (SGD,), dict.fromkeys(harness.FEATURES, 1.0))
    frozen = rule_optimizer(SGD, lambda theta, grad, state, hypers: theta)
    lost = failed(outcomes(question, "cell", submission(SGD=frozen)))
    assert sorted(lost) == sorted(harness.CONTRACT[f].__name__ for f in harness.FEATURES)
    assert all("the first step changed no parameter" in message for message in lost.values())


def test_departure_names_the_first_step_and_parameter():
    want = [
        [torch.zeros(2, dtype=torch.float64), torch.zeros(3, dtype=torch.float64)] for _ in range(4)
    ]
    got = [[w.clone() for w in row] for row in want]
    got[2][1] = got[2][1] + 1e-6
    assert harness.departure(got, want) == (2, 1)
    assert harness.departure(want, want) is None
    assert harness.departure(got[:2], want) == (2, 0)


def test_hyperparameters_are_drawn_in_their_ranges():
    rng = torch.Generator().manual_seed(0)
    for _ in range(50):
        hypers = ADAM_W.sample(rng)
        assert 0.01 <= hypers["lr"] <= 0.1 and 1e-4 <= hypers["eps"] <= 1e-2
        assert 0.5 <= hypers["betas"][0] <= 0.95 and 0.9 <= hypers["betas"][1] <= 0.999
    decimals = Hyper("momentum", ((0.5, 0.95),), decimals=4)
    drawn = [decimals.sample(rng) for _ in range(50)]
    assert all(0.5 <= value <= 0.95 and value == round(value, 4) for value in drawn)
    assert len(set(drawn)) > 40
