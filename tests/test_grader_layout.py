"""The grader is laid out by assignment: `graders/<assignment>/<notebook>.py` grades
`source/<assignment>/<notebook>.ipynb`, and its kernel side,
`graders/<assignment>/probes/<notebook>.py`, is found by that name. A misnamed file would be
silently skipped (a probe never installed, a module never loaded), so the layout is checked
here, statically, for every assignment.
"""

from pathlib import Path

import pytest

from coursepack import example_class
from graders.core.checks import Question
from graders.core.submission import PROBE_DIR, probe_source
from graders.plugin import load_question
from tests.support import ROOT

GRADERS = ROOT / "graders"
#: Packages of graders/ shared by every assignment.
SHARED = {"core", "probes"}
NOTEBOOKS = sorted((ROOT / "source").glob("*/*.ipynb"))
ASSIGNMENTS = sorted({path.parent.name for path in NOTEBOOKS})
QUESTIONS = {(p.parent.name, p.stem): load_question(p.stem, p.parent.name) for p in NOTEBOOKS}


def grader_packages() -> list[Path]:
    return sorted(
        p for p in GRADERS.iterdir() if (p / "__init__.py").is_file() and p.name not in SHARED
    )


def test_every_assignment_has_a_grader_package_and_every_package_an_assignment():
    assert [p.name for p in grader_packages()] == ASSIGNMENTS
    assert example_class.assignments(ROOT) == ASSIGNMENTS


@pytest.mark.parametrize("package", grader_packages(), ids=lambda p: p.name)
def test_every_grader_module_and_probe_file_names_a_notebook_of_its_assignment(package):
    notebooks = {path.stem for path in (ROOT / "source" / package.name).glob("*.ipynb")}
    modules = {path.stem for path in package.glob("*.py")} - {"__init__"}
    assert modules <= notebooks, f"grader modules without a notebook: {sorted(modules - notebooks)}"
    probes = {path.stem for path in (package / "probes").glob("*.py")}
    assert probes <= modules, f"probe files without a grader module: {sorted(probes - modules)}"


def test_notebook_names_are_unique_across_assignments():
    """Example answer files name only the notebook (`examples/class/<student>/<notebook>.py`)."""
    names = [path.stem for path in NOTEBOOKS]
    assert len(names) == len(set(names))
    for path in NOTEBOOKS:
        assert example_class.assignment_of(ROOT, path.stem) == path.parent.name


@pytest.mark.parametrize("key", sorted(QUESTIONS), ids="/".join)
def test_a_question_is_named_by_its_module_and_installs_its_own_probes_last(key):
    assignment, notebook = key
    question = QUESTIONS[key]
    assert question.notebook == notebook
    own = GRADERS / assignment / "probes" / f"{notebook}.py"
    assert (question.probes[-1:] == (own,)) == own.is_file()
    assert all(path.is_file() for path in question.probes)


def test_shared_probe_files_are_the_runtime_or_used_by_some_question():
    used = {path for question in QUESTIONS.values() for path in question.probes}
    shared = set(PROBE_DIR.glob("*.py")) - {PROBE_DIR / "__init__.py", PROBE_DIR / "runtime.py"}
    assert shared <= used, f"unused in graders/probes/: {sorted(p.name for p in shared - used)}"


def test_probe_source_is_the_runtime_then_the_questions_probes_in_order():
    problems = PROBE_DIR / "problems.py"
    question = Question("graders.midterm.q7_weight_decay_vs_l2", probes=(problems,))
    assert question.notebook == "q7_weight_decay_vs_l2"
    assert question.probes == (problems,)  # q7 has no probe file of its own
    texts = [(PROBE_DIR / name).read_text() for name in ("runtime.py", "problems.py")]
    assert probe_source(question.probes) == "\n\n".join(texts)
    assert Question("demo").probes == ()
