"""The benchmarks' measuring parts on real processes: the tree memory sampler and the parser of
the plugin's timing lines (benchmarks/process_memory.py, benchmarks/bench_midterm.py)."""

import subprocess
import sys
import textwrap
import time

from benchmarks.bench_midterm import parse_timings
from benchmarks.process_memory import TreeMemory

MB = 2**20

# A root that starts one "worker" (marked on its command line) holding 300 MB, whose own child
# holds 200 MB, and one other child holding 100 MB; all stay alive for a few seconds.
HOLD = "import sys, time; block = bytearray({mb} * 2**20); time.sleep({seconds})"
TREE = textwrap.dedent("""
    import subprocess, sys, time
    hold = {hold!r}
    grandchild = repr(hold.format(mb=200, seconds=3))
    worker = subprocess.Popen([sys.executable, "-c",
        "import subprocess, sys; subprocess.Popen([sys.executable, '-c', " + grandchild + "]); "
        + hold.format(mb=300, seconds=3), "worker-marker"])
    other = subprocess.Popen([sys.executable, "-c", hold.format(mb=100, seconds=3)])
    worker.wait(); other.wait(); time.sleep(0.5)
""")

# A parent holding 300 MB that forks three children which only sleep: their pages are shared.
FORKS = textwrap.dedent("""
    import os, time
    block = bytearray(300 * 2**20)
    for _ in range(3):
        if os.fork() == 0:
            time.sleep(3); os._exit(0)
    time.sleep(3.5)
""")


def sampled(code: str, **options) -> TreeMemory:
    process = subprocess.Popen([sys.executable, "-c", code])
    memory = TreeMemory(process.pid, **options).start()
    process.wait()
    memory.stop()
    return memory


def test_a_worker_counts_its_descendants_and_the_tree_counts_everyone():
    memory = sampled(
        TREE.format(hold=HOLD), is_worker=lambda p: "worker-marker" in p.cmdline(), pss_every=2
    )
    peaks = memory.peaks
    assert len(peaks.worker_rss) == 1
    (worker_rss,) = peaks.worker_rss.values()
    (worker_pss,) = peaks.worker_pss.values()
    assert (
        500 <= worker_rss < 500 + 100
    )  # 300 + 200 MB and two interpreters, not the 100 MB sibling
    assert 500 <= worker_pss < 500 + 100
    assert 600 <= peaks.rss < 600 + 150
    assert 600 <= peaks.pss < 600 + 150


def test_pss_counts_pages_shared_by_forks_once_and_rss_once_per_fork():
    peaks = sampled(FORKS, pss_every=2).peaks
    assert peaks.rss >= 4 * 300  # parent and three forks each map the 300 MB
    assert 300 <= peaks.pss < 300 + 100


def test_processes_that_end_while_sampled_are_skipped_not_an_error():
    churn = (
        "import subprocess, sys\nfor _ in range(10): subprocess.run([sys.executable, '-c', 'pass'])"
    )
    process = subprocess.Popen([sys.executable, "-c", churn])
    memory = TreeMemory(process.pid, interval=0.01, pss_every=1).start()
    process.wait()
    time.sleep(0.1)  # samples of a root that is gone
    assert 0 < memory.stop().rss < 100


def test_timing_lines_are_read_from_a_log_among_other_lines():
    log = textwrap.dedent("""
        16:00:01 graders INFO timing: notebook=q1_ema sandbox=0.41 kernel=2.5 cells=1.25 checks=3.0
        16:00:02 traitlets INFO Writing 1234 bytes to autograded/s000/midterm/q1_ema.ipynb
        [AutogradeApp | INFO] timing: notebook=q7 sandbox=0 kernel=1e-3 cells=10 checks=7.5
    """)
    assert parse_timings(log) == [
        {"notebook": "q1_ema", "sandbox": 0.41, "kernel": 2.5, "cells": 1.25, "checks": 3.0},
        {"notebook": "q7", "sandbox": 0.0, "kernel": 0.001, "cells": 10.0, "checks": 7.5},
    ]
    assert parse_timings("timing: nothing to see") == []
