"""What the sandbox costs: autograde the reference with and without it, same command, a few times.

First, since whole autograde runs are dominated by the checks and noisy on a shared machine,
the part the sandbox changes is timed alone: starting a kernel (up to its first reply), running
one cell that imports torch, and shutting it down, sandboxed (scratch copy included) and plain.
Then two copies of the course (one with ``c.Sandbox.enabled = False``) grade the reference student
with ``nbgrader autograde midterm --student reference --force``; runs alternate between the two
so that drift in the machine's load hits both alike. Prints each run's wall time and the mean
difference per notebook.

    .venv/bin/python benchmarks/bench_sandbox.py --repetitions 3 [--notebook q1_ema]
        [--kernel-starts 10]
"""

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from contextlib import nullcontext
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from jupyter_client.manager import AsyncKernelManager  # noqa: E402

from coursepack import example_class  # noqa: E402
from coursepack.course import copy_course, nbgrader  # noqa: E402
from graders.sandbox import Sandbox  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
UNSANDBOXED = "\nc.Sandbox.enabled = False\n"


def prepare(target: Path, extra_config: str, notebook: str | None) -> Path:
    course = copy_course(target, (ROOT / "nbgrader_config.py").read_text() + extra_config)
    if notebook:
        for path in (course / "source" / "midterm").glob("*.ipynb"):
            if path.stem != notebook:
                path.unlink()
        for path in (course / "release" / "midterm").glob("*.ipynb"):
            if path.stem != notebook:
                path.unlink()
    nbgrader(course, "generate_assignment", "midterm", "--force")
    example_class.build(course, ["reference"])
    return course


def timed_autograde(course: Path) -> float:
    started = time.monotonic()
    nbgrader(course, "autograde", "midterm", "--student", "reference", "--force")
    return time.monotonic() - started


async def kernel_round_trip(sandboxed: bool, folder: Path) -> float:
    """Seconds to start a kernel, import torch in it and shut it down."""
    started = time.monotonic()
    with Sandbox().open(folder) if sandboxed else nullcontext(None) as box:
        km = (
            box.kernel_manager(kernel_name="python3")
            if box
            else AsyncKernelManager(kernel_name="python3")
        )
        await km.start_kernel(cwd=str(folder))
        kc = km.client()
        kc.start_channels()
        await kc.wait_for_ready(timeout=120)
        reply = await kc.execute_interactive("import torch", timeout=120)
        assert reply["content"]["status"] == "ok", reply["content"]
        kc.stop_channels()
        await km.shutdown_kernel(now=True)
    return time.monotonic() - started


def kernel_starts(repetitions: int) -> None:
    folder = ROOT / "release" / "midterm"
    times = {True: [], False: []}
    for _ in range(repetitions):
        for sandboxed in times:
            times[sandboxed].append(asyncio.run(kernel_round_trip(sandboxed, folder)))
    for sandboxed, values in times.items():
        print(
            f"kernel start + import torch + shutdown, {'sandboxed' if sandboxed else 'plain':9s}: "
            f"median {statistics.median(values):.2f} s over {len(values)} "
            f"({', '.join(f'{v:.2f}' for v in values)})"
        )
    print(
        "sandbox overhead per kernel: "
        f"{statistics.median(times[True]) - statistics.median(times[False]):+.2f} s (medians)"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--notebook", help="grade only this notebook (stem), e.g. q1_ema")
    parser.add_argument(
        "--kernel-starts", type=int, default=10, help="kernel round trips per mode (0: skip)"
    )
    args = parser.parse_args()
    if args.kernel_starts:
        kernel_starts(args.kernel_starts)
    if not args.repetitions:
        return
    with tempfile.TemporaryDirectory(prefix="bench-sandbox-") as scratch:
        courses = {
            "sandboxed": prepare(Path(scratch) / "sandboxed", "", args.notebook),
            "unsandboxed": prepare(Path(scratch) / "unsandboxed", UNSANDBOXED, args.notebook),
        }
        notebooks = len(
            list((courses["sandboxed"] / "submitted" / "reference" / "midterm").glob("*.ipynb"))
        )
        times = {mode: [] for mode in courses}
        for repetition in range(args.repetitions):
            for mode, course in courses.items():
                seconds = timed_autograde(course)
                times[mode].append(seconds)
                print(f"run {repetition + 1} {mode:11s} {seconds:7.2f} s", flush=True)
    means = {mode: statistics.mean(values) for mode, values in times.items()}
    for mode, values in times.items():
        spread = statistics.stdev(values) if len(values) > 1 else 0.0
        print(f"{mode:11s} mean {means[mode]:7.2f} s (sd {spread:.2f}) for {notebooks} notebook(s)")
    extra = means["sandboxed"] - means["unsandboxed"]
    print(
        f"sandbox overhead: {extra:+.2f} s per submission, {extra / notebooks:+.2f} s per notebook"
    )


if __name__ == "__main__":
    main()
