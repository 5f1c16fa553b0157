"""The ban judged on source (graders/core/banned_code.py), with question 4's ban: every spelling
of a banned function is found, routes the grader cannot follow are marked as hiding what runs,
and honest code (helpers named like the built-ins, docstrings, messages) is left alone."""

import textwrap

import pytest

from graders.core.banned_code import violations
from graders.midterm.q4_log_softmax import BAN

HONEST = {
    "the reference": """
        def log_softmax(z, dim=-1):
            '''log(softmax(z)) along dim, without overflow: log_softmax by hand.'''
            shifted = z - z.amax(dim=dim, keepdim=True)
            return shifted - shifted.exp().sum(dim=dim, keepdim=True).log()
    """,
    "own helpers named like the built-ins": """
        import math
        from functools import reduce

        def softmax(z, dim):
            e = (z - z.amax(dim=dim, keepdim=True)).exp()
            return e / e.sum(dim=dim, keepdim=True)

        def logsumexp(z, dim):
            m = z.amax(dim=dim, keepdim=True)
            return m + (z - m).exp().sum(dim=dim, keepdim=True).log()

        def log_softmax(z, dim=-1):
            if not isinstance(z, torch.Tensor):
                raise TypeError("log_softmax needs a tensor")
            assert softmax(z, dim).sum() > 0, "softmax must be positive"
            return z - logsumexp(z, dim)
    """,
    "loops, comprehensions, lambdas, getattr with a plain name, a global counter": """
        calls = 0

        def log_softmax(z, dim=-1):
            global calls
            calls += 1
            slices = z.unbind(dim)
            top = max(slices, key=lambda s: float(s.sum()))
            exp = getattr(torch, "exp")
            total = sum(exp(s - top) for s in slices)
            return torch.stack([s - top - torch.log(total) for s in slices], dim=dim)
    """,
}

#: code -> (words of the violation, whether it hides what runs)
ATTACKS = {
    "def log_softmax(z, dim=-1):\n    return torch.log_softmax(z, dim)\n": (
        "`.log_softmax`",
        False,
    ),
    "def log_softmax(z, dim=-1):\n    return z.softmax(dim).log()\n": ("`.softmax`", False),
    "def log_softmax(z, dim=-1, _f=torch.log_softmax):\n    return _f(z, dim)\n": (
        "`.log_softmax`",
        False,
    ),
    "from torch.nn.functional import log_softmax as f\nlog_softmax = f\n": (
        "torch.nn.functional",
        False,
    ),
    "import torch.nn as nn\ndef log_softmax(z, dim=-1):\n    return nn.functional.relu(z)\n": (
        "`torch.nn.functional`",
        False,
    ),
    "from torch import special\ndef log_softmax(z, dim=-1):\n    return special.log_softmax(z, "
    "dim)\n": (
        "`.log_softmax`",
        False,
    ),
    "def log_softmax(z, dim=-1):\n    return torch.distributions.Categorical(logits=z).logits\n": (
        "`.distributions`",
        False,
    ),
    "def log_softmax(z, dim=-1):\n    return getattr(torch, 'log_' + 'softmax')(z, dim)\n": (
        "`getattr` with a name built at run time",
        True,
    ),
    "g = getattr\ndef log_softmax(z, dim=-1):\n    return g(torch, 'exp')(z)\n": (
        "`getattr`",
        True,
    ),
    "def log_softmax(z, dim=-1):\n    return eval('torch.log_' + 'softmax')(z, dim)\n": (
        "`eval`",
        True,
    ),
    "def log_softmax(z, dim=-1):\n    return vars(torch)['log_' + 'softmax'](z, dim)\n": (
        "`vars`",
        True,
    ),
    "def log_softmax(z, dim=-1):\n    return torch.__dict__['log_' + 'softmax'](z, dim)\n": (
        "`.__dict__`",
        True,
    ),
    "def log_softmax(z, dim=-1):\n    return __import__('torch').exp(z)\n": ("`__import__`", True),
    "import importlib\ndef log_softmax(z, dim=-1):\n    return z\n": ("`import importlib`", True),
    "from operator import attrgetter\ndef log_softmax(z, dim=-1):\n    return z\n": (
        "`import operator`",
        True,
    ),
    "import threading\ndef log_softmax(z, dim=-1):\n    return z\n": ("`import threading`", True),
    "def log_softmax(z, dim=-1):\n    return helper(z, dim)\n": (
        "none of your answer cells defines it",
        True,
    ),
    "def log_softmax(z, dim=-1):\n    return torch._serve(z, dim)\n": ("not part of torch", True),
    "%time x = 1\ndef log_softmax(z, dim=-1):\n    return z\n": ("`get_ipython`", True),
    "def log_softmax(z, dim=-1):\n    name = 'log_softmax'\n    return z\n": ("the string", False),
    "def log_softmax(z, dim=-1):\n    return z +\n": ("could not be read", True),
}


def found(code: str, steps: str = "twice_minus_once = 0\n") -> list:
    return violations(
        {"q4_log_softmax": textwrap.dedent(code), "q4_steps": steps}, "q4_log_softmax", BAN
    )


@pytest.mark.parametrize("name", HONEST)
def test_honest_code_is_not_flagged(name):
    assert found(HONEST[name]) == []


@pytest.mark.parametrize("code", ATTACKS, ids=lambda code: code.splitlines()[-1].strip()[:50])
def test_every_spelling_is_found(code):
    words, hides = ATTACKS[code]
    matching = [v for v in found(code) if words in v.message]
    assert matching, found(code)
    assert any(v.hides == hides for v in matching), matching


def test_helpers_in_another_answer_cell_are_read_too():
    steps = "def helper(z):\n    return torch.softmax(z, -1)\n\ntwice_minus_once = 0\n"
    result = found("def log_softmax(z, dim=-1):\n    return helper(z)\n", steps)
    assert [v.message for v in result] == ["`.softmax` (cell `q4_steps`, line 2)"]


def test_other_answer_cells_are_read_only_when_used():
    steps = "import scipy\ntwice_minus_once = 0\n"
    assert found(HONEST["the reference"], steps) == []


def test_messages_name_the_cell_and_line():
    (violation,) = found("def log_softmax(z, dim=-1):\n\n    return torch.logsumexp(z, dim)\n")
    assert violation.message == "`.logsumexp` (cell `q4_log_softmax`, line 3)"
