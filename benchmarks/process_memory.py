"""Peak memory of a command's whole process tree, sampled while it runs.

A grading command is a tree: nbgrader or grade_class, its Dask workers, their kernels and
sandboxes (bubblewrap, whose children keep their host pids in /proc). Two figures per tree:

- RSS: the sum of every process's resident set, read every ``interval`` seconds (cheap). It
  counts pages shared between processes once per process, so it overstates a tree of forks
  (kernels forked from a warm template share most of their pages with it).
- PSS: the sum of proportional set sizes (/proc/PID/smaps_rollup), where a shared page is split
  between its sharers, so the sum is what the tree really holds. Reading it costs milliseconds
  per process, so it is read every ``pss_every`` samples only.

Workers are the root's direct children that ``is_worker`` picks (for grade_class, Dask's
spawned worker processes); each worker's figures include its descendants (kernels, sandbox).
"""

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import psutil

MB = 2**20


@dataclass
class Peaks:
    """Largest sums seen, in MB: the whole tree, and per worker (pid -> MB)."""

    rss: float = 0.0
    pss: float = 0.0
    worker_rss: dict[int, float] = field(default_factory=dict)
    worker_pss: dict[int, float] = field(default_factory=dict)


class TreeMemory:
    """Samples the tree under ``pid`` on a thread from ``start()`` until ``stop()``."""

    def __init__(
        self,
        pid: int,
        is_worker: Callable[[psutil.Process], bool] = lambda _: False,
        interval: float = 0.15,
        pss_every: int = 7,
    ):
        self.root = psutil.Process(pid)
        self.is_worker = is_worker
        self.interval = interval
        self.pss_every = pss_every
        self.peaks = Peaks()
        self._workers: dict[int, bool] = {}  # pid -> picked, decided once per process
        self._error: Exception | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> "TreeMemory":
        self._thread.start()
        return self

    def stop(self) -> Peaks:
        """The peaks; raises what stopped the sampling thread, rather than report too little."""
        self._stop.set()
        self._thread.join()
        if self._error is not None:
            raise RuntimeError("the memory sampler failed") from self._error
        return self.peaks

    def _run(self) -> None:
        samples = 0
        try:
            while not self._stop.is_set():
                self._sample(with_pss=samples % self.pss_every == 0)
                samples += 1
                self._stop.wait(self.interval)
        except Exception as error:  # noqa: BLE001 - handed to stop()
            self._error = error

    def _sample(self, with_pss: bool) -> None:
        groups = self._groups()
        if groups is None:
            return
        for kind, read in [("rss", _rss)] + ([("pss", _pss)] if with_pss else []):
            sums = {
                worker: sum(read(p) for p in processes) / MB for worker, processes in groups.items()
            }
            whole = sum(sums.values())
            setattr(self.peaks, kind, max(getattr(self.peaks, kind), whole))
            per_worker = getattr(self.peaks, f"worker_{kind}")
            for worker, megabytes in sums.items():
                if worker != self.root.pid:
                    per_worker[worker] = max(per_worker.get(worker, 0.0), megabytes)

    def _groups(self) -> dict[int, list[psutil.Process]] | None:
        """The tree's processes grouped by worker pid (the rest under the root's pid)."""
        try:
            children = self.root.children()
        except psutil.Error:
            return None
        groups = {self.root.pid: [self.root]}
        for child in children:
            if self._picked(child):
                groups[child.pid] = [child] + _descendants(child)
            else:
                groups[self.root.pid] += [child] + _descendants(child)
        return groups

    def _picked(self, child: psutil.Process) -> bool:
        if child.pid not in self._workers:
            try:
                self._workers[child.pid] = self.is_worker(child)
            except psutil.Error:
                return False
        return self._workers[child.pid]


def _descendants(process: psutil.Process) -> list[psutil.Process]:
    try:
        return process.children(recursive=True)
    except psutil.Error:
        return []


def _rss(process: psutil.Process) -> int:
    try:
        return process.memory_info().rss
    except psutil.Error:  # it ended between listing and reading
        return 0


def _pss(process: psutil.Process) -> int:
    try:
        with open(f"/proc/{process.pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def is_dask_worker(process: psutil.Process) -> bool:
    """A worker process of a local Dask cluster (started by multiprocessing's spawn)."""
    return "spawn_main" in " ".join(process.cmdline())
