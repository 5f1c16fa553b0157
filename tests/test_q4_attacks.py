"""Question 4's ban under attack, through the real nbgrader CLI (kernels, sandbox, plugin).

The attacks (examples/class/attack-q4-*) try to reach the banned built-ins where the watch in
the student's process does not look: names built from strings, eval, a worker thread, a thread
started in an added cell, a helper outside the answer cells, a default argument, switching the
watch off. Each must score no more than the honest submission it names (`# no-better-than:`)
and get what its `# expect:` lines say; the reference keeps full marks and honest examples keep
their verdicts in the same run. One `nbgrader autograde` of a question-4-only copy of the course,
under a wall-clock limit.
"""

import pytest

from tests import attack_runs
from tests.support import ROOT

NOTEBOOK = "q4_log_softmax"
ATTACKS = sorted(
    p.parent.name for p in (ROOT / "examples" / "class").glob(f"attack-q4-*/{NOTEBOOK}.py")
)
HONEST = [
    "q4-mistake-no-max-shift",
    "q4-mistake-only-max-shift",
    "q4-alt-steps-log-of-ratio",
    "q4-mistake-steps-max-shift",
]
STUDENTS = ["reference", *HONEST, *ATTACKS]
#: Wall-clock limit of the one autograde run (about 10 s per student on a loaded machine).
AUTOGRADE_LIMIT = 900


graded = attack_runs.graded_fixture(NOTEBOOK, STUDENTS, AUTOGRADE_LIMIT)


def test_the_batch_completes_in_time(graded):
    attack_runs.expect_completed(graded, AUTOGRADE_LIMIT)


def test_the_reference_scores_full(graded):
    reference = graded.scores("reference")
    assert reference and all(score == top for score, top in reference.values()), reference


@pytest.mark.parametrize("student", HONEST + ATTACKS)
def test_expectations_hold_through_nbgrader(graded, student):
    scores = graded.scores(student)
    for cell, expected in attack_runs.answers(student, NOTEBOOK).expect.items():
        score, top = scores[cell]
        assert {
            "full": score == top,
            "zero": score == 0,
            "partial": 0 < score < top,
            "less": score < top,
        }[expected], (cell, expected, score, top)


@pytest.mark.parametrize("student", ATTACKS)
def test_an_attack_scores_no_better_than_its_baseline(graded, student):
    baseline = attack_runs.answers(student, NOTEBOOK).baseline
    assert baseline in HONEST, f"{student} names no honest baseline graded here"
    assert graded.total(student) <= graded.total(baseline)
