"""Every example answer file gets what its `# expect:` lines say, with a message for each loss.

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


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_example_gets_expected_score(path):
    answers = example_class.read_answers(path)
    assert answers.expect, f"{path} states no `# expect:` lines"
    results = graded(path)
    for cell, expected in answers.expect.items():
        result = results[cell]
        report = "\n".join(f"{o.check.name}: {o.earned}/{o.check.points} {o.message}" for o in result.outcomes)
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


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_every_check_is_failed_by_some_example(notebook):
    """A check no example fails is untested: it could be always true."""
    failed = {
        outcome.check.name
        for path in EXAMPLES if path.stem == notebook
        for result in graded(path).values()
        for outcome in result.outcomes if not outcome.passed
    }
    question = load_question(notebook, example_class.assignment_of(ROOT, notebook))
    never = [check.name for checks in question.cells.values() for check in checks if check.name not in failed]
    assert not never, f"no example in examples/class fails these checks of {notebook}: {never}"


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_reference_scores_full(notebook):
    results = grade(example_class.reference_answers(ROOT, notebook))
    for cell, result in results.items():
        assert result.earned == result.points, [(o.check.name, o.message) for o in result.outcomes if not o.passed]
