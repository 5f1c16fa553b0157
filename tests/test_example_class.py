"""Every example answer file gets what its `# expect:` lines say and fails exactly the checks its
`# fails:` lines name, with a message for each loss; every check is failed by some example.

Graded in-process (tests/support.py) so the whole class runs fast; the real nbgrader pipeline
is exercised in tests/test_end_to_end.py. Answer files under examples/class/attack-* are hostile
and only ever graded through nbgrader.
"""

import functools

import pytest

from coursepack import example_class
from graders.plugin import load_question
from tests.support import ROOT, grade

EXAMPLES = sorted(
    path
    for path in (ROOT / "examples" / "class").glob("*/*.py")
    if not path.parent.name.startswith("attack-")
)


NOTEBOOKS = sorted(p.stem for p in (ROOT / "release").glob("*/*.ipynb"))  # every assignment


@functools.cache
def graded(path) -> dict:
    """{test cell: CellResult} of one example file, graded once per test session."""
    return grade(example_class.read_answers(path))


def outcome_report(outcomes) -> str:
    return "\n".join(f"{o.check.name}: {o.earned}/{o.check.points} {o.message}" for o in outcomes)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_example_gets_its_scores_and_fails_exactly_its_checks(path):
    """`# expect:` (the cell's score) and `# fails:` (which checks of those cells fail) both hold,
    and every lost point comes with a message."""
    answers = example_class.read_answers(path)
    assert answers.expect, f"{path} states no `# expect:` lines"
    results = graded(path)
    for cell, expected in answers.expect.items():
        result = results[cell]
        report = outcome_report(result.outcomes)
        if expected == "full":
            assert result.earned == result.points, report
        elif expected == "zero":
            assert result.earned == 0, report
        else:
            assert result.earned < result.points, report
            if expected == "partial":
                assert result.earned > 0, report
        for outcome in result.outcomes:
            if not outcome.passed:
                assert outcome.message, f"{outcome.check.name} lost points without a message"
    outcomes = [outcome for cell in answers.expect for outcome in results[cell].outcomes]
    unknown = answers.fails - {outcome.check.name for outcome in outcomes}
    assert not unknown, f"`# fails:` names checks that no `# expect:` cell has: {sorted(unknown)}"
    failed = {outcome.check.name for outcome in outcomes if not outcome.passed}
    assert failed == answers.fails, (
        f"failed but not in `# fails:`: {sorted(failed - answers.fails)}; "
        f"in `# fails:` but passed: {sorted(answers.fails - failed)}\n{outcome_report(outcomes)}"
    )


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_every_check_is_failed_by_some_example(notebook):
    """A check no example fails is untested: it could be always true. Read from the `# fails:`
    lines, which the test above holds to the grader's verdicts."""
    examples = [path for path in EXAMPLES if path.stem == notebook]
    stated = set().union(*(example_class.read_answers(path).fails for path in examples))
    question = load_question(notebook, example_class.assignment_of(ROOT, notebook))
    never = [
        check.name
        for checks in question.cells.values()
        for check in checks
        if check.name not in stated
    ]
    assert not never, f"no example's `# fails:` names these checks of {notebook}: {never}"


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_reference_scores_full(notebook):
    results = grade(example_class.reference_answers(ROOT, notebook))
    for cell, result in results.items():
        assert result.earned == result.points, [
            (o.check.name, o.message) for o in result.outcomes if not o.passed
        ]
