"""The homework hw1_adam: its notebooks, its grader modules, its example class, and the real
nbgrader pipeline (generate, autograde, feedback) on it.

Its examples (examples/class/hw1-*) are graded in-process with every other assignment's by
tests/test_example_class.py (expectations, every check failed by some example, the reference
full); here one real `nbgrader autograde hw1_adam` on a copy of the course grades the
reference, the blank and a few examples, and `generate_feedback` writes their feedback.
"""

import shutil

import nbformat
import pytest
from nbgrader.api import Gradebook

from coursepack import example_class
from coursepack.course import copy_course, nbgrader
from graders.plugin import is_autograded_test, load_question
from tests.support import ROOT

ASSIGNMENT = "hw1_adam"
NOTEBOOKS = sorted(p.stem for p in (ROOT / "source" / ASSIGNMENT).glob("*.ipynb"))
EXAMPLES = sorted(path for path in (ROOT / "examples" / "class").glob("hw1-*/*.py"))
HIDDEN = nbformat.read(ROOT / "source" / "midterm" / "q1_ema.ipynb", as_version=4)


def midterm_hidden_block() -> str:
    """The fail-closed hidden block the midterm's test cells carry (every cell must end with it)."""
    source = next(c.source for c in HIDDEN.cells if is_autograded_test(c))
    return source[source.index("### BEGIN HIDDEN TESTS") :]


def test_the_homework_has_its_two_notebooks_and_thirty_points():
    assert NOTEBOOKS == ["hw1_adamw", "hw1_bias_correction"]
    points = {}
    for notebook in NOTEBOOKS:
        nb = nbformat.read(ROOT / "source" / ASSIGNMENT / f"{notebook}.ipynb", as_version=4)
        points[notebook] = sum(
            c.metadata.nbgrader.get("points", 0) for c in nb.cells if "nbgrader" in c.metadata
        )
    assert points == {"hw1_adamw": 20, "hw1_bias_correction": 10}


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_every_test_cell_fails_closed_and_its_checks_add_up(notebook):
    nb = nbformat.read(ROOT / "source" / ASSIGNMENT / f"{notebook}.ipynb", as_version=4)
    question = load_question(notebook, ASSIGNMENT)
    cells = {c.metadata.nbgrader["grade_id"]: c for c in nb.cells if is_autograded_test(c)}
    assert sorted(cells) == sorted(question.cells)
    for grade_id, cell in cells.items():
        assert cell.source.endswith(midterm_hidden_block()), grade_id
        assert question.points(grade_id) == cell.metadata.nbgrader["points"], grade_id
        answer = grade_id.removesuffix("_tests")
        ids = {c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells}
        assert answer in ids, answer


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_each_notebook_has_at_least_three_alternatives_and_eight_mistakes(notebook):
    kinds = [path.parent.name.split("-")[1] for path in EXAMPLES if path.stem == notebook]
    assert kinds.count("alt") >= 3 and kinds.count("mistake") >= 8, kinds


def test_the_released_notebooks_are_generated_from_source(tmp_path):
    course = copy_course(tmp_path / "course")
    shutil.rmtree(course / "release")
    nbgrader(course, "generate_assignment", ASSIGNMENT, "--force")
    for committed in sorted((ROOT / "release" / ASSIGNMENT).glob("*.ipynb")):
        generated = course / "release" / ASSIGNMENT / committed.name
        assert nbformat.read(generated, as_version=4) == nbformat.read(committed, as_version=4)
        text = committed.read_text()
        assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text, committed.name


# ------------------------------------------------------------------ the real nbgrader pipeline

PIPELINE = {  # student: {notebook: expected score, or None for "less than full"}
    "reference": {"hw1_bias_correction": 6.0, "hw1_adamw": 14.0},
    "blank": {"hw1_bias_correction": 0.0, "hw1_adamw": 0.0},
    "hw1-mistake-adamw-decay-after-step": {"hw1_adamw": None},
    "hw1-mistake-debias-no-correction": {"hw1_bias_correction": None},
}


@pytest.fixture(scope="module")
def autograded(tmp_path_factory):
    """A copy of the course with the hw1 submissions of ``PIPELINE`` autograded and fed back."""
    course = copy_course(tmp_path_factory.mktemp("hw1"))
    nbgrader(course, "generate_assignment", ASSIGNMENT, "--force")
    release = course / "release" / ASSIGNMENT
    for student, notebooks in PIPELINE.items():
        target = course / "submitted" / student / ASSIGNMENT
        target.mkdir(parents=True)
        for notebook in notebooks:
            if student == "blank":
                shutil.copy(release / f"{notebook}.ipynb", target)
                continue
            if student == "reference":
                answers = example_class.reference_answers(course, notebook)
            else:
                answers = example_class.read_answers(
                    course / "examples" / "class" / student / f"{notebook}.py"
                )
            filled = example_class.fill(release / f"{notebook}.ipynb", answers)
            nbformat.write(filled, target / f"{notebook}.ipynb")
    nbgrader(course, "autograde", ASSIGNMENT, "--force")
    nbgrader(course, "generate_feedback", ASSIGNMENT, "--force")
    return course


def test_autograde_scores_the_homework(autograded):
    with Gradebook(f"sqlite:///{autograded / 'gradebook.db'}") as gradebook:
        for student, notebooks in PIPELINE.items():
            submission = gradebook.find_submission(ASSIGNMENT, student)
            for notebook, expected in notebooks.items():
                (graded_notebook,) = [nb for nb in submission.notebooks if nb.name == notebook]
                code = [g for g in graded_notebook.grades if g.cell_type == "code"]
                score, most = sum(g.score for g in code), sum(g.max_score for g in code)
                if expected is None:
                    assert 0 < score < most, (student, notebook, score)
                else:
                    assert score == expected, (student, notebook, score)


def test_feedback_shows_the_verdicts_and_hides_the_grader(autograded):
    for student, notebooks in PIPELINE.items():
        for notebook in notebooks:
            html = (autograded / "feedback" / student / ASSIGNMENT / f"{notebook}.html").read_text()
            assert "Autograded outside your notebook" in html, (student, notebook)
            for leak in [
                "BEGIN HIDDEN TESTS",
                "NBGRADER_EXECUTION",
                "graders/core",
                "QUESTION.check",
            ]:
                assert leak not in html, (student, notebook, leak)
    feedback = autograded / "feedback" / "hw1-mistake-adamw-decay-after-step" / ASSIGNMENT
    mistake = (feedback / "hw1_adamw.html").read_text()
    assert "weight decay applied after the Adam step" in mistake
