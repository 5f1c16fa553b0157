"""Every example answer file gets what its `# expect:` lines say, with a message for each loss.

Graded in-process (tests/support.py) so the whole class runs fast; the real nbgrader pipeline
is exercised in tests/test_end_to_end.py. Answer files under examples/class/attack-* are hostile
and only ever graded through nbgrader.
"""

import pytest

from coursepack import example_class
from tests.support import ROOT, grade

EXAMPLES = sorted(
    path
    for path in (ROOT / "examples" / "class").glob("*/*.py")
    if not path.parent.name.startswith("attack-")
)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_example_gets_expected_score(path):
    answers = example_class.read_answers(path)
    assert answers.expect, f"{path} states no `# expect:` lines"
    results = grade(answers)
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


@pytest.mark.parametrize("notebook", sorted(p.stem for p in (ROOT / "release" / "midterm").glob("*.ipynb")))
def test_reference_scores_full(notebook):
    results = grade(example_class.reference_answers(ROOT, notebook))
    for cell, result in results.items():
        assert result.earned == result.points, [(o.check.name, o.message) for o in result.outcomes if not o.passed]
