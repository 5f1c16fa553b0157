"""Question 6's hostile checker, graded through the real nbgrader CLI with sandboxed kernels.

``attack-q6-introspect-zoo`` answers ``is_positive_homogeneous`` without evaluating f: it reads
the function the grader handed over (closures, attributes, code, the garbage collector, the
calling frames). The zoo lives in the grader's process (graders/core/oracle.py), so the attack
must find nothing and score no better than its fallback, ``attack-baseline-q6-always-true``.
A unit test first shows that the attack is real: handed functions whose closures hold their
networks, as the zoo's used to be, it answers every one right.
"""

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from coursepack import example_class
from coursepack.course import BIN, copy_course, nbgrader
from graders.midterm import q6_homogeneous_cnn as q6
from tests.support import ROOT

NOTEBOOK = "q6_homogeneous_cnn"
ATTACK, BASELINE = "attack-q6-introspect-zoo", "attack-baseline-q6-always-true"
STUDENTS = ["reference", ATTACK, BASELINE]
WALL_CLOCK_LIMIT = 900


def attack_checker():
    answers = example_class.read_answers(ROOT / "examples" / "class" / ATTACK / f"{NOTEBOOK}.py")
    namespace = {"torch": q6.torch, "nn": q6.nn}
    exec(compile(answers.cells["q6_checker"], "<attack>", "exec"), namespace)
    return namespace["is_positive_homogeneous"]


#: Layers whose type, bias or buffers tell whether a network is homogeneous.
TELLING_LAYERS = {"conv", "linear", "relu", "leaky_relu", "sigmoid", "gelu", "softplus", "maxpool", "avgpool",
                  "flatten", "dropout", "batchnorm"}


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


def one_notebook_course(target: Path) -> Path:
    """A copy of the course with question 6 only, generated (gradebook included)."""
    course = copy_course(target)
    for folder in ["source", "release"]:
        for path in (course / folder / "midterm").iterdir():
            if path.stem != NOTEBOOK:
                shutil.rmtree(path) if path.is_dir() else path.unlink()
    nbgrader(course, "generate_assignment", "midterm", "--force")
    return course


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = one_notebook_course(tmp_path_factory.mktemp("q6-attacks"))
    example_class.build(course, STUDENTS)
    started = time.monotonic()
    result = subprocess.run(
        [str(BIN / "nbgrader"), "autograde", "midterm", f"--notebook={NOTEBOOK}", "--force"],
        cwd=course, capture_output=True, text=True, timeout=WALL_CLOCK_LIMIT,
        env={**os.environ, "PATH": f"{BIN}:{os.environ['PATH']}"},
    )
    return {"course": course, "result": result, "seconds": time.monotonic() - started}


def scores(course: Path, student: str) -> dict:
    """{test cell: (score, max)} of the student's notebook, from the gradebook."""
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        notebook = gradebook.find_submission_notebook(NOTEBOOK, "midterm", student)
        return {g.name: (g.score, g.max_score) for g in notebook.grades if g.cell_type == "code"}


def test_the_batch_completes_in_time(graded):
    assert graded["result"].returncode == 0, graded["result"].stderr[-3000:]
    assert graded["seconds"] < WALL_CLOCK_LIMIT


def test_reference_keeps_full_marks(graded):
    for cell, (score, maximum) in scores(graded["course"], "reference").items():
        assert score == maximum, cell


def test_introspection_gains_nothing(graded):
    attack, baseline = scores(graded["course"], ATTACK), scores(graded["course"], BASELINE)
    assert attack["q6_checker_tests"][0] == 0
    assert sum(score for score, _ in attack.values()) <= sum(score for score, _ in baseline.values())
