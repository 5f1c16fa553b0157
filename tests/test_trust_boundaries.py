"""The grader's two trust boundaries, and the grader's own process, hold against hostile input.

Property tests (Hypothesis): the reply codec round-trips plain data and rejects arbitrary bytes
with its own error within a time and memory bound; the SymPy reader turns arbitrary text into
an expression or its own error within a time bound. Unit tests hold each bound: numbers are
bounded before they are computed, evaluation runs in a child the grader kills at its deadline,
the reply file is read without ever blocking, and replies are capped before they are decoded.
Every ``finishes_within`` guard fails (rather than hangs) on a grader that stalls.
"""

import json
import os
import struct
import subprocess
import sys
import threading
import time
import tracemalloc

import pytest
import sympy as sp
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graders.core import symbolic
from graders.core.errors import Fail, NotChecked
from graders.core.kernel import KernelTransport
from graders.core.submission import Submission, probe_source
from graders.probes import runtime
from tests.support import ROOT, python_kernel

k = sp.Symbol("k", integer=True, nonnegative=True)
beta = sp.Symbol("beta", positive=True)
SYMBOLS = {"k": k, "beta": beta}
CLOSED_FORM = (1 - beta ** (2 * k)) / (1 - beta**2)


def domain(rng):
    return {k: rng.randint(0, 30), beta: rng.uniform(0.05, 0.95)}


def finishes_within(seconds, function):
    """``function()``'s result, or a test failure (not a hang) if it runs over ``seconds``."""
    outcome = {}

    def work():
        try:
            outcome["value"] = function()
        except BaseException as error:
            outcome["error"] = error

    worker = threading.Thread(target=work, daemon=True)
    started = time.monotonic()
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"still running after {seconds} s: the grader would stall"
    outcome["seconds"] = time.monotonic() - started
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def raises_within(seconds, function, error=NotChecked) -> str:
    """The message of the ``error`` that ``function()`` raises within ``seconds``."""
    with pytest.raises(error) as raised:
        finishes_within(seconds, function)
    return str(raised.value)


# ---------------------------------------------------------------- the reply codec


PLAIN = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**80), 2**80)
    | st.text(max_size=30)
    | st.floats(allow_nan=False)
    | st.lists(st.integers(0, 3), max_size=3).map(lambda shape: torch.randn(shape).double()),
    lambda children: st.lists(children, max_size=5)
    | st.tuples(children, children)
    | st.dictionaries(st.text(max_size=8) | st.integers(-5, 5), children, max_size=4),
    max_leaves=25,
)


def same(a, b):
    if isinstance(a, torch.Tensor):
        return isinstance(b, torch.Tensor) and a.dtype == b.dtype and torch.equal(a, b)
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(map(same, a, b))
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(same(a[i], b[i]) for i in a)
    return type(a) is type(b) and a == b


@settings(max_examples=150, deadline=None)
@given(PLAIN)
def test_codec_round_trips_plain_data(value):
    assert same(runtime.decode(runtime.encode(value)), value)


def decode_bounded(blob):
    """Decoding ``blob`` raises only the codec's error, in well under a second and without
    holding much more memory than the blob itself."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        runtime.decode(blob)
    except runtime.MalformedMessage:
        pass
    finally:
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert elapsed < 1.0
    assert peak < 4 * len(blob) + (2 << 20), f"{peak} bytes to decode {len(blob)}"


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=4096))
def test_arbitrary_bytes_are_refused_quickly(blob):
    decode_bounded(blob)


JSON_TEXT = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda children: st.lists(children, max_size=6)
    | st.dictionaries(
        st.sampled_from(
            [
                "__list__",
                "__tuple__",
                "__dict__",
                "__tensor__",
                "__int__",
                "__float__",
                "__sympy__",
                "x",
            ]
        ),
        children,
        max_size=2,
    ),
    max_leaves=40,
).map(json.dumps)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(JSON_TEXT, st.booleans())
def test_well_formed_envelopes_with_arbitrary_trees_are_refused_quickly(tree, as_header):
    header = tree if as_header else json.dumps({"__metadata__": {"tree": tree}})
    data = header.encode()
    decode_bounded(struct.pack("<Q", len(data)) + data)


def crafted(tree_text: str, header_extra=None) -> bytes:
    header = json.dumps({**(header_extra or {}), "__metadata__": {"tree": tree_text}}).encode()
    return struct.pack("<Q", len(header)) + header


def test_a_header_over_the_cap_is_refused_before_it_is_parsed():
    blob = crafted("[" + "[]," * 600_000 + "[]]")
    decode_bounded(blob)
    with pytest.raises(runtime.MalformedMessage, match="header is larger"):
        runtime.decode(blob)


def test_millions_of_empty_lists_under_the_header_cap_are_refused_unparsed():
    blob = crafted('{"__list__": [' + "[]," * 300_000 + "[]]}")
    assert len(blob) < runtime.MAX_HEADER_BYTES
    decode_bounded(blob)
    with pytest.raises(runtime.MalformedMessage, match="more than 50000 values"):
        runtime.decode(blob)


def test_deep_nesting_is_refused():
    blob = crafted('{"__list__": [' * 100 + "]}" * 100)
    with pytest.raises(runtime.MalformedMessage, match="nested more than"):
        runtime.decode(blob)


def test_encoded_structures_over_the_node_cap_are_refused():
    with pytest.raises(runtime.MalformedMessage, match="values"):
        runtime.decode(runtime.encode([[]] * 20_000))


def test_too_many_tensors_are_refused():
    with pytest.raises(runtime.MalformedMessage, match="tensors"):
        runtime.decode(runtime.encode([torch.zeros(0)] * (runtime.MAX_TENSORS + 1)))


def test_a_message_over_the_size_cap_is_refused():
    blob = runtime.encode(torch.zeros(runtime.MAX_MESSAGE_BYTES // 4 + 1))
    with pytest.raises(runtime.MalformedMessage, match="larger than 64 MiB"):
        runtime.decode(blob)


MEASURE_DECODE = """
import resource, sys
from graders.probes import runtime
runtime.decode(runtime.encode([0]))  # torch and safetensors loaded before measuring
with open(sys.argv[1], "rb") as handle:
    blob = handle.read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
decoded = runtime.decode(blob)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(len(blob), (after - before) * 1024)
"""


def test_worst_reply_within_the_caps_costs_bounded_memory(tmp_path):
    """The largest structure the caps let through, with the largest tensor payload: the grader's
    peak memory (a fresh process's maximum resident size) grows by at most twice the reply."""
    nodes = runtime.MAX_NODES // 3 - 10
    tensor = torch.ones((runtime.MAX_MESSAGE_BYTES - runtime.MAX_HEADER_BYTES) // 4)
    blob = runtime.encode([tensor, [[]] * nodes])
    assert len(blob) <= runtime.MAX_MESSAGE_BYTES
    runtime.decode(blob)  # it passes the caps
    (tmp_path / "reply").write_bytes(blob)
    result = subprocess.run(
        [sys.executable, "-c", MEASURE_DECODE, str(tmp_path / "reply")],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    size, grown = map(int, result.stdout.split())
    print(f"worst reply within the caps: {size >> 20} MiB, decoding it: +{grown >> 20} MiB")
    assert grown < 2 * size


# ---------------------------------------------------------------- the SymPy reader


OPERATORS = st.sampled_from(["+", "-", "*", "/", "**"])
FUNCTIONS = st.sampled_from(["exp", "log", "sqrt", "sin", "Abs", "Float", "Rational", "Max"])
LEAVES = st.sampled_from(["k", "beta", "i", "2", "10", "100", "1e300", "0.5", "pi", "oo", "-1"])


def compound(children):
    """Text of an operation, a function call or a sum built from ``children`` texts."""
    return (
        st.tuples(children, OPERATORS, children).map(lambda t: f"({t[0]}{t[1]}{t[2]})")
        | st.tuples(FUNCTIONS, st.lists(children, min_size=1, max_size=2)).map(
            lambda t: f"{t[0]}({', '.join(t[1])})"
        )
        | st.tuples(st.sampled_from(["Sum", "Product"]), children, children).map(
            lambda t: f"{t[0]}({t[1]}, (i, 0, {t[2]}))"
        )
    )


EXPRESSIONS = st.recursive(LEAVES | st.integers().map(str), compound, max_leaves=12)


def parse_bounded(text):
    """``parse`` returns an expression or raises the reader's own error, within its time limit."""
    started = time.monotonic()
    try:
        assert isinstance(symbolic.parse(text, SYMBOLS, "`answer`"), sp.Expr)
    except NotChecked as error:
        assert str(error).startswith("`answer` could not be read: ")
    assert time.monotonic() - started < 3 * symbolic.READ_TIME_LIMIT + 2


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_text_is_read_or_refused_by_the_reader(text):
    parse_bounded(text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(EXPRESSIONS)
def test_generated_expressions_are_read_or_refused_within_the_time_limit(text):
    parse_bounded(text)


@pytest.mark.parametrize(
    "text, reason",
    [
        ("((2**100)**100)**100", "huge power"),
        ("(((2**60)**100)**100)**100", "huge power"),
        ("Rational(1, 3)**(10**6)", "huge power"),
        ("(sqrt(2)**199)**199", "more than 10000 bits"),
        ("2**(10**40)", "huge power"),
        ("Float(1, 10**9)", "at most 50 digits"),
        ("Float(1.5, 50)**(10**15)", "huge power"),
        ("exp(exp(exp(Float(10))))", "more than 10000 bits"),
        ("Max(exp(exp(exp(exp(100)))), exp(exp(exp(exp(99)))))", "took longer than"),
    ],
)
def test_number_towers_are_refused_before_they_are_computed(text, reason):
    limit = 3 * symbolic.READ_TIME_LIMIT + 4
    assert reason in raises_within(limit, lambda: symbolic.parse(text, SYMBOLS))


def test_an_allow_list_rejection_keeps_its_own_message():
    text = "Piecewise((beta, y > 0), (1, True))"
    message = raises_within(15, lambda: symbolic.parse(text, SYMBOLS))
    assert "it uses `y`" in message and "not a valid expression" not in message


@pytest.mark.parametrize(
    "text",
    [
        "Sum(beta**(2*i), (i, 0, k - 1))",
        "Piecewise((1/(1 - beta**2), beta**2 < 1), (Sum(beta**(2*i), (i, 0, oo)), True))"
        " * (1 - beta**(2*k))",
        "(1 - Product(beta, (j, 1, 2*k))) / (1 - beta**2)",
    ],
)
def test_correct_sums_and_products_are_read_and_accepted(text):
    verdict = symbolic.equivalent(symbolic.parse(text, SYMBOLS), CLOSED_FORM, domain, seed=4)
    assert verdict.equivalent, verdict.detail


def test_the_kernel_sends_sums_as_closed_forms():
    i = sp.Symbol("i", integer=True, nonnegative=True)
    runtime.NAMESPACE = {"var": sp.Sum(beta ** (2 * i), (i, 0, k - 1))}
    try:
        text = runtime.PROBES["sympy_text"]("var")
    finally:
        runtime.NAMESPACE = {}
    assert "Sum" not in text
    verdict = symbolic.equivalent(symbolic.parse(text, SYMBOLS), CLOSED_FORM, domain, seed=5)
    assert verdict.equivalent, verdict.detail


TOWER = sp.exp(-sp.exp(sp.exp(sp.exp(sp.exp(k + 10)))))


def test_an_evaluation_that_never_ends_is_stopped_at_the_deadline():
    student = CLOSED_FORM + TOWER

    def compare():
        return symbolic.equivalent(student, CLOSED_FORM, domain, seed=1, time_limit=2)

    message = raises_within(3 * 2 + 4, compare)
    assert "took longer than 2 s" in message


def test_number_at_is_stopped_at_the_deadline():
    message = raises_within(3 * 5 + 4, lambda: symbolic.number_at(TOWER, {k: 3}, "`var_mk`"))
    assert "evaluating `var_mk` took longer than" in message


def test_number_at_still_names_a_non_number():
    with pytest.raises(Fail, match="not a finite real number at k=2"):
        symbolic.number_at(k + beta, {k: 2}, "`x`")


def test_isolated_stops_big_integer_arithmetic_that_a_signal_cannot_interrupt():
    def power():
        return symbolic.isolated(lambda: 3 ** (10**8) % 7, 1)

    assert "took longer than 1 s" in raises_within(3 * 1 + 4, power)


def test_isolated_stops_memory_exhaustion():
    def allocate():
        return symbolic.isolated(lambda: len(bytearray(3 << 30)), 15)

    assert "memory" in raises_within(20, allocate)


def test_isolated_refuses_results_too_large_to_rebuild():
    def huge():
        return sp.Add(*sp.symbols(f"x0:{symbolic.MAX_RESULT_NODES + 10}"))

    assert "parts" in raises_within(60, lambda: symbolic.isolated(huge, 50))


def test_isolated_hands_back_only_data_and_sympy_objects():
    assert "not allowed" in raises_within(10, lambda: symbolic.isolated(lambda: os.system))


def test_isolated_returns_sympy_results_and_raises_their_errors():
    assert symbolic.isolated(lambda: sp.solve(beta**2 - 4, beta)) == [2]
    with pytest.raises(ZeroDivisionError):
        symbolic.isolated(lambda: 1 // 0)


def test_the_per_call_overhead_is_small():
    started = time.perf_counter()
    for _ in range(10):
        symbolic.number_at(beta * 2, {beta: 0.5}, "x")
    assert (time.perf_counter() - started) / 10 < 0.5


# ---------------------------------------------------------------- the reply file, in a real kernel


@pytest.fixture(scope="module")
def kernel(tmp_path_factory):
    """A real Jupyter kernel with the grader's runtime installed, and its transport."""
    workdir = tmp_path_factory.mktemp("kernel")
    with python_kernel(workdir) as client:
        transport = KernelTransport(client, workdir, cell_timeout=60)
        transport.install(probe_source(None))
        transport.execute("import os as _os\n_replace = _os.replace", 30)
        yield transport
        transport.close()


def plant(kernel, what: str):
    """From now on the kernel's runtime publishes each reply as ``what`` instead of a file."""
    kernel.execute(
        "def _plant(source, target, *args, **kwargs):\n"
        "    if 'reply-' not in _os.path.basename(str(target)):\n"
        "        return _replace(source, target, *args, **kwargs)\n"
        "    _os.unlink(source)\n"
        f"    _what = {what!r}\n"
        "    if _what == 'fifo': _os.mkfifo(target)\n"
        "    elif _what == 'directory': _os.mkdir(target)\n"
        "    elif _what == 'symlink': _os.symlink('/etc/passwd', target)\n"
        "_os.replace = _plant\n",
        30,
    )


def unplant(kernel):
    kernel.execute("_os.replace = _replace", 30)


@pytest.mark.parametrize(
    "what, kind", [("fifo", "FIFO"), ("directory", "directory"), ("symlink", "opened")]
)
def test_special_files_at_the_reply_path_cost_the_call_not_the_grader(kernel, what, kind):
    student = Submission(kernel)
    plant(kernel, what)
    try:
        message = raises_within(30, lambda: student.value("__name__"))
    finally:
        unplant(kernel)
    assert "tampered with" in message and kind in message
    assert sorted(os.listdir(kernel.io_dir)) == [], "what the kernel planted was left behind"
    assert student.value("__name__") == "__main__", "the next call is unaffected"


def test_a_request_name_planted_first_is_replaced(kernel):
    student = Submission(kernel)
    number = int(repr(kernel._ids)[len("count(") : -1])  # the next request's number
    os.mkfifo(kernel.io_dir / f"request-{number}")
    assert finishes_within(30, lambda: student.value("__name__")) == "__main__"
