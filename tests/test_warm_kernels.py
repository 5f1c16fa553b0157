"""Warm sandboxes (graders/warm.py): one template per submission, a fresh forked kernel per
notebook.

Real bubblewrap sandboxes, real templates importing torch, real IPython kernels forked from
them; the attack suites (tests/test_sandbox_attacks.py, test_q4_attacks.py, test_q6_attacks.py)
run through nbgrader on this same warm path, since it is the default.
"""

import asyncio
import json
import logging
import signal
import textwrap
import time

import pytest

from graders import warm
from graders.core.kernel import QuickReadyClient
from graders.sandbox import Sandbox


@pytest.fixture(scope="module")
def sandboxes():
    """One pool for the module: its tests grade notebooks of the same submissions in turn, as
    nbgrader does, so they share templates (each takes seconds to import torch)."""
    pool = warm.WarmSandboxes()
    yield pool
    pool.close()


@pytest.fixture(scope="module")
def alice(tmp_path_factory):
    return submission(tmp_path_factory.mktemp("class"), "alice")


def submission(tmp_path, name: str, files: dict[str, str] | None = None):
    folder = tmp_path / name
    folder.mkdir()
    for file, text in (files or {"answer.txt": name}).items():
        (folder / file).write_text(text)
    return folder


def run_in_kernel(box, code: str, timeout: float = 120, before_shutdown=None) -> str:
    """Start a kernel in ``box``, run ``code``, (call ``before_shutdown``,) shut it down; what it
    printed."""

    async def session():
        km = box.kernel_manager(kernel_name="python3")
        await km.start_kernel()
        kc = km.client()
        kc.start_channels()
        try:
            await kc.wait_for_ready(timeout=timeout)
            reply = await kc.execute_interactive(code, timeout=timeout, output_hook=collect)
            assert reply["content"]["status"] == "ok", reply["content"]
            if before_shutdown is not None:
                before_shutdown()
        finally:
            kc.stop_channels()
            await km.shutdown_kernel()
        return "".join(printed)

    printed = []

    def collect(message):
        if message["msg_type"] == "stream":
            printed.append(message["content"]["text"])

    return asyncio.run(session())


def test_each_notebook_gets_a_fresh_kernel_with_warm_imports(alice, sandboxes):
    box, _ = sandboxes.box_for(Sandbox(), alice, "first", more_follow=False)
    assert box.template is not None and box.template.import_seconds > 0
    first = run_in_kernel(
        box,
        textwrap.dedent("""
        import sys, json, os, numpy, torch
        warm = all(name in sys.modules for name in ("torch", "sympy", "torch._dynamo"))
        torch.zeros = lambda *a, **k: "patched"
        planted = 42
        print(json.dumps({
            "warm": warm, "numpy": float(numpy.random.rand()), "torch": float(torch.rand(1)),
            "pid": os.getpid(), "cwd": os.getcwd(), "files": sorted(os.listdir()),
        }))
    """),
    )
    box, _ = sandboxes.box_for(Sandbox(), alice, "second", more_follow=False)
    second = run_in_kernel(
        box,
        textwrap.dedent("""
        import sys, json, os, numpy, torch
        print(json.dumps({
            "patched": torch.zeros(1).__class__.__name__ != "Tensor",
            "planted": "planted" in globals(),
            "numpy": float(numpy.random.rand()), "torch": float(torch.rand(1)), "pid": os.getpid(),
        }))
    """),
    )
    first, second = json.loads(first), json.loads(second)
    assert first["warm"], "the template's imports are in the kernel"
    assert first["cwd"] == "/home/student/submission" and first["files"] == ["answer.txt"]
    assert not second["patched"] and not second["planted"], (
        "nothing of notebook 1's kernel reaches notebook 2's"
    )
    assert first["pid"] != second["pid"]
    assert (first["numpy"], first["torch"]) != (second["numpy"], second["torch"]), (
        "each kernel is reseeded"
    )


PROCESS_STATE = textwrap.dedent("""
    import ctypes, json, os, resource, signal, sys
    limits = {
        name: resource.getrlimit(getattr(resource, name))
        for name in dir(resource) if name.startswith("RLIMIT_")
    }
    umask = os.umask(0o22); os.umask(umask)
    print(json.dumps({
        "path": sys.path, "argv0": sys.argv[0], "cwd": os.getcwd(), "env": dict(os.environ),
        "uid": os.getuid(), "limits": limits, "umask": umask,
        "sigint": str(signal.getsignal(signal.SIGINT)),
        "sigpipe": str(signal.getsignal(signal.SIGPIPE)),
        "dumpable": ctypes.CDLL(None).prctl(3, 0, 0, 0, 0),
        "user_module": (
            "course_grader" not in sys.modules and type(sys.modules["__main__"]).__name__
        ),
    }))
""")


def test_a_forked_kernel_looks_like_a_cold_one(alice, sandboxes, tmp_path):
    """What a student's code can observe of its process is what a cold kernel shows (but its
    pid)."""
    box, _ = sandboxes.box_for(Sandbox(), alice, "state", more_follow=False)
    warm_state = json.loads(run_in_kernel(box, PROCESS_STATE))
    with Sandbox().open(submission(tmp_path, "judy")) as cold_box:
        cold_state = json.loads(run_in_kernel(cold_box, PROCESS_STATE))
    for state in (warm_state, cold_state):
        state["env"].pop("JPY_SESSION_NAME", None)
        if state["uid"] != 1000:
            state["uid"] = "own uid"
    warm_env, cold_env = warm_state.pop("env").items(), cold_state.pop("env").items()
    assert set(warm_env) ^ set(cold_env) == set()
    assert warm_state == cold_state


def test_a_notebooks_stray_processes_die_before_the_next_kernel(alice, sandboxes):
    box, _ = sandboxes.box_for(Sandbox(), alice, "spawns", more_follow=False)
    run_in_kernel(
        box,
        textwrap.dedent("""
        import subprocess
        subprocess.Popen(["setsid", "sleep", "600"], start_new_session=True)
        print("spawned")
    """),
    )
    box, _ = sandboxes.box_for(Sandbox(), alice, "after-spawns", more_follow=False)
    left = run_in_kernel(
        box,
        textwrap.dedent("""
        import os
        names = []
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                names.append(open(f"/proc/{pid}/cmdline", "rb").read().split(b"\\0")[0].decode())
            except OSError:
                pass
        print(sum(name.endswith("sleep") for name in names))
    """),
    )
    assert left.strip() == "0"


def test_a_kernel_can_neither_read_nor_trace_its_template(alice, sandboxes):
    box, _ = sandboxes.box_for(Sandbox(), alice, "traces", more_follow=False)
    out = run_in_kernel(
        box,
        textwrap.dedent("""
        import ctypes, os
        template = os.getppid()
        results = {}
        for name in ("mem", "environ", "maps"):
            try:
                open(f"/proc/{template}/{name}", "rb").read(16)
                results[name] = "read"
            except OSError as error:
                results[name] = type(error).__name__
        libc = ctypes.CDLL(None, use_errno=True)
        results["ptrace"] = libc.ptrace(16, template, 0, 0)  # PTRACE_ATTACH
        print(results)
    """),
    )
    assert "read" not in out and "'ptrace': -1" in out, out


def test_a_dead_template_is_replaced_and_its_kernels_restart(alice, sandboxes, caplog):
    box, _ = sandboxes.box_for(Sandbox(), alice, "kills", more_follow=True)  # a spare for later
    template = box.template

    def template_gone():
        deadline = time.monotonic() + 30
        while template.alive() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not template.alive(), "the kernel's SIGKILL did not reach its template"

    # The kill comes after the reply (else the kernel dies with its template before answering).
    code = "import os, threading\nthreading.Timer(0.5, os.kill, (os.getppid(), 9)).start()"
    run_in_kernel(box, code, before_shutdown=template_gone)
    with caplog.at_level(logging.WARNING, logger="graders"):
        box, _ = sandboxes.box_for(Sandbox(), alice, "after-kills", more_follow=False)
        assert run_in_kernel(box, "print(6 * 7)").strip() == "42"
    assert "the warm template failed" in caplog.text


def test_without_a_template_kernels_start_cold_and_the_log_says_so(tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(warm, "TEMPLATE_SOURCE", "raise SystemExit(3)")
    sandboxes = warm.WarmSandboxes()
    with caplog.at_level(logging.WARNING, logger="graders"):
        box, _ = sandboxes.box_for(
            Sandbox(), submission(tmp_path, "erin"), "first", more_follow=False
        )
        assert box.template is None
        assert (
            run_in_kernel(box, "import os\nprint(os.getcwd())").strip()
            == "/home/student/submission"
        )
    sandboxes.close()
    assert "this submission's kernels start cold" in caplog.text


def test_the_next_submission_gets_the_prefetched_spare_and_only_its_own_files(tmp_path, sandboxes):
    """The spare started for the next submission (above) is filled with that student's files
    only; grading a submission again (a resubmission) starts another box."""
    if sandboxes.spare is None:  # this test alone
        sandboxes.box_for(Sandbox(), submission(tmp_path, "frank"), "q1", more_follow=True)
    previous, spare = sandboxes.current.box, sandboxes.spare
    assert spare is not None and spare.box is not previous
    if previous.owner is not None:  # grading as root: each box has a uid of its own
        assert previous.owner != spare.box.owner
    grace = submission(tmp_path, "grace")
    box, _ = sandboxes.box_for(Sandbox(), grace, "q1", more_follow=False)
    assert box is spare.box and sandboxes.spare is None
    assert not previous.scratch.exists(), "the previous submission's box is closed with it"
    assert sorted(p.name for p in box.workdir.iterdir()) == ["answer.txt"]
    assert (box.workdir / "answer.txt").read_text() == "grace"
    (grace / "answer.txt").write_text("resubmitted")
    again, _ = sandboxes.box_for(Sandbox(), grace, "q1", more_follow=False)
    assert again is not box and (again.workdir / "answer.txt").read_text() == "resubmitted"


def test_prefetch_only_when_this_process_grades_another_submission_after(monkeypatch):
    """nbgrader's converter lists the submissions it will grade, in order (graders/plugin.py)."""
    from types import SimpleNamespace

    from graders.plugin import _more_submissions_follow

    converter = SimpleNamespace(
        assignments={f"/course/submitted/{s}/midterm": [] for s in ("bob", "alice")}
    )
    preprocessor = SimpleNamespace(parent=SimpleNamespace(parent=converter))

    def follows(student):
        return _more_submissions_follow(
            preprocessor, {"nbgrader": {"student": student, "assignment": "midterm"}}
        )

    monkeypatch.setattr(warm.SANDBOXES, "more_follow", False)
    assert follows("alice") and not follows("bob")
    monkeypatch.setattr(warm.SANDBOXES, "more_follow", True)  # a grade_class worker
    assert follows("bob")


def test_a_killed_kernel_is_known_ended_when_the_kill_is_answered(alice, sandboxes):
    """A notebook's kernel is killed, not asked to shut down (TrustedExecute.shutdown_kernel),
    and the template reports its end with the answer to the kill, not a reap interval later."""
    box, _ = sandboxes.box_for(Sandbox(), alice, "killed", more_follow=False)

    async def session():
        km = box.kernel_manager(kernel_name="python3")
        await km.start_kernel()
        kc = km.client()
        assert isinstance(kc, QuickReadyClient)
        kc.start_channels()
        await kc.wait_for_ready(timeout=60)
        kc.stop_channels()
        pid = km.provisioner.pid
        box.template.kill(pid)
        assert box.template.exits.get(pid) == -signal.SIGKILL
        await km.shutdown_kernel(now=True)
        assert not await km.is_alive()

    asyncio.run(session())


def test_the_first_box_starts_before_its_submission_is_known(tmp_path):
    """A grading process starts its first template before it imports nbgrader and the graders
    (coursepack/grade_submission.py, TrustedExecute.preprocess); the first submission gets it."""
    pool = warm.WarmSandboxes()
    try:
        pool.start_first(Sandbox())
        started = pool.spare
        assert started is not None and started.box.template is not None
        box, _ = pool.box_for(Sandbox(), submission(tmp_path, "bob"), "nb", more_follow=False)
        assert box is started.box and pool.spare is None
        assert (box.workdir / "answer.txt").read_text() == "bob"
        pool.start_first(Sandbox())  # a submission is being graded: nothing more starts
        assert pool.spare is None
        assert run_in_kernel(box, "print(open('answer.txt').read())").strip() == "bob"
    finally:
        pool.close()


def test_the_next_notebooks_kernel_forked_ahead_is_adopted(alice, sandboxes):
    """``fork_standby`` forks the next notebook's kernel once a notebook's kernel is gone; the
    next kernel manager of the box runs its cells in that very process, a fresh one."""
    box, _ = sandboxes.box_for(Sandbox(), alice, "before-standby", more_follow=False)
    run_in_kernel(box, "planted = 1")
    warm.fork_standby(box)
    standby = box.standby
    assert standby is not None and standby.usable(box.template)
    box, _ = sandboxes.box_for(Sandbox(), alice, "in-standby", more_follow=False)
    out = json.loads(
        run_in_kernel(
            box, "import os, json; print(json.dumps([os.getpid(), 'planted' in globals()]))"
        )
    )
    assert box.standby is None and out == [standby.pid, False]


def test_a_standby_that_died_is_replaced_by_a_fresh_fork(alice, sandboxes):
    box, _ = sandboxes.box_for(Sandbox(), alice, "standby-dies", more_follow=False)
    warm.fork_standby(box)
    standby = box.standby
    box.template.kill(standby.pid)
    assert not standby.usable(box.template)
    out = run_in_kernel(box, "import os; print(os.getpid())")
    assert int(out) != standby.pid


def test_a_kernel_is_forked_ahead_only_when_another_notebook_of_the_submission_follows():
    """nbgrader's converter lists the notebooks of the submission it grades, in order."""
    from types import SimpleNamespace

    from graders.plugin import _more_notebooks_follow

    converter = SimpleNamespace(
        notebooks=[f"/course/submitted/bob/midterm/{n}.ipynb" for n in ("q1_ema", "q2_kl")]
    )
    preprocessor = SimpleNamespace(parent=SimpleNamespace(parent=converter))
    assert _more_notebooks_follow(preprocessor, {"unique_key": "q1_ema"})
    assert not _more_notebooks_follow(preprocessor, {"unique_key": "q2_kl"})
    alone = SimpleNamespace(parent=None)  # run outside a converter: no standby
    assert not _more_notebooks_follow(alone, {"unique_key": "q1_ema"})
