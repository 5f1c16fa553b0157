"""Question 6's hostile checker, graded through the real nbgrader CLI with sandboxed kernels.

``attack-q6-introspect-zoo`` answers ``is_positive_homogeneous`` without evaluating f: it reads
the function the grader handed over (closures, attributes, code, the garbage collector, the
calling frames). The zoo lives in the grader's process (graders/core/oracle.py), so the attack
must find nothing and score no better than its fallback, ``attack-baseline-q6-always-true``.
A unit test first shows that the attack is real: handed functions whose closures hold their
networks, as the zoo's used to be, it answers every one right.
"""

from graders.midterm import q6_homogeneous_cnn as q6
from tests import attack_runs

NOTEBOOK = "q6_homogeneous_cnn"
ATTACK, BASELINE = "attack-q6-introspect-zoo", "attack-baseline-q6-always-true"
STUDENTS = ["reference", ATTACK, BASELINE]
WALL_CLOCK_LIMIT = 900


def attack_checker():
    answers = attack_runs.answers(ATTACK, NOTEBOOK)
    namespace = {"torch": q6.torch, "nn": q6.nn}
    exec(compile(answers.cells["q6_checker"], "<attack>", "exec"), namespace)
    return namespace["is_positive_homogeneous"]


#: Layers whose type, bias or buffers tell whether a network is homogeneous.
TELLING_LAYERS = {
    "conv",
    "linear",
    "relu",
    "leaky_relu",
    "sigmoid",
    "gelu",
    "softplus",
    "maxpool",
    "avgpool",
    "flatten",
    "dropout",
    "batchnorm",
}


def test_the_attack_reads_functions_whose_closures_hold_their_network():
    checker = attack_checker()
    generator = q6.torch.Generator().manual_seed(0)
    read = 0
    for case in [case for cases in q6.ZOO.values() for case in cases]:
        spec, seed, x, _ = case.instantiate(generator)
        if not {kind for kind, _ in spec} <= TELLING_LAYERS:
            continue
        body = q6.build_function(spec, seed)

        def exposed(inputs, body=body):
            return body(inputs)

        assert checker(exposed, x) is case.homogeneous, case.description
        read += 1
    assert read >= 12


graded = attack_runs.graded_fixture(NOTEBOOK, STUDENTS, WALL_CLOCK_LIMIT)


def test_the_batch_completes_in_time(graded):
    attack_runs.expect_completed(graded, WALL_CLOCK_LIMIT)


def test_reference_keeps_full_marks(graded):
    for cell, (score, maximum) in graded.scores("reference").items():
        assert score == maximum, cell


def test_introspection_gains_nothing(graded):
    assert graded.scores(ATTACK)["q6_checker_tests"][0] == 0
    assert graded.total(ATTACK) <= graded.total(BASELINE)
