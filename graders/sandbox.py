"""The student's kernel runs in an OS sandbox: bubblewrap namespaces plus resource limits.

During autograding every kernel that runs student code is started by ``SandboxedKernelManager``
as ``prlimit ... bwrap ... setpriv ... python -m ipykernel_launcher``, all well-kept system
tools (util-linux and bubblewrap), so this module only assembles their command line:

- ``prlimit`` sets the resource limits (address space, CPU seconds, processes + threads, file
  size, open files); they are inherited by everything the kernel starts.
- ``bwrap`` gives the kernel a filesystem holding only what Python needs, read-only (``/usr``,
  the venv as ``/opt/venv`` from a view that hides its host path (``graders.venv_view``), the
  Python install it links to, two files of ``/etc``), a scratch COPY of the regular files of the
  student's submission folder (read-write, at ``KERNEL_WORKDIR``), small private ``/tmp`` and
  home; no network, no view of other processes (a pid namespace, torn down with the kernel).
  The course root (graders, source, the gradebook, other students' folders) is not in it.
- ``setpriv`` (when grading as root) turns the kernel into a uid of its own (one of
  ``Sandbox.first_uid`` onwards, claimed with a lock file while the kernel lives), without
  capabilities: root would be exempt from the process limit, kernels graded in parallel would share
  it under one uid, and a kernel that got out of bwrap would own nothing. Grading as an ordinary
  user, the kernel keeps that user's uid inside an unprivileged user namespace instead.

The kernel talks ZeroMQ over Unix sockets (``transport="ipc"``) in a directory bound at the
same path inside and out, since it has no network. What the student's code writes stays in
the scratch copy, which is deleted afterwards: nbgrader writes the graded notebook from memory.
Each scratch folder is locked while in use; the first sandbox check of a new grader deletes the
unlocked ones that killed graders left (``remove_leftovers``).

See docs/sandbox.md for what this guarantees and what it does not.
"""

import atexit
import fcntl
import logging
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from traitlets import Any, Bool, DottedObjectName, Instance, Integer, Type
from traitlets.config import LoggingConfigurable

from graders import venv_view
from graders.submission_files import copy_regular_tree

#: Where the student's submission folder (a scratch copy) appears inside the sandbox.
SANDBOX_HOME = "/home/student"
KERNEL_WORKDIR = f"{SANDBOX_HOME}/submission"

THREAD_VARIABLES = (
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "NUMEXPR_NUM_THREADS",
)
ETC_FILES = ("/etc/ld.so.cache", "/etc/localtime")
TMPFS = ("/tmp", SANDBOX_HOME)
VENV = "/opt/venv"
UID_LOCKS = Path("/run/nbgrader-sandbox-uids")  # root's: /tmp would let anyone plant symlinks
SCRATCH_PREFIX = "nbgrader-sandbox-"
# in each scratch folder, locked while its grader lives (the kernel cannot reach it)
LOCK_NAME = "lock"
# seconds: a scratch folder without a lock this old is a leftover of an older grader
LEFTOVER_AGE = 600
# the venv view a parent grading process shares with the ones it starts (share_venv_view), and
# the file beside it that says it is complete
SHARED_VIEW_VARIABLE = "GRADERS_SHARED_VENV_VIEW"
VIEW_READY = "venv-ready"


class SandboxUnavailable(RuntimeError):
    """The sandbox cannot be set up here: autograding stops rather than run students' code bare."""


class Sandbox(LoggingConfigurable):
    """Limits of the sandbox every student kernel runs in (``c.Sandbox.*`` in
    nbgrader_config.py)."""

    enabled = Bool(
        True,
        help="Run student kernels in the sandbox. If it cannot be set up, autograding stops; set "
        "False only to grade trusted notebooks on a machine without bubblewrap.",
    ).tag(config=True)
    memory_limit = Integer(
        4 * 2**30,
        help="Address space per process (RLIMIT_AS), bytes. A warm kernel maps about 0.9 GiB "
        "before any student code (torch, SymPy, matplotlib and ipykernel's threads).",
    ).tag(config=True)
    cpu_time = Integer(
        900, help="CPU seconds per process (RLIMIT_CPU); the kernel is killed beyond it."
    ).tag(config=True)
    max_processes = Integer(
        64,
        help="Processes plus threads of the kernel's uid (RLIMIT_NPROC); the kernel itself uses "
        "about 15.",
    ).tag(config=True)
    max_file_size = Integer(
        256 * 2**20, help="Largest file a student's code may write (RLIMIT_FSIZE), bytes."
    ).tag(config=True)
    max_open_files = Integer(256, help="Open file descriptors per process (RLIMIT_NOFILE).").tag(
        config=True
    )
    tmp_size = Integer(
        256 * 2**20, help="Size of each of the sandbox's in-memory /tmp and home, bytes."
    ).tag(config=True)
    threads = Integer(
        2, help="OMP_NUM_THREADS (and the MKL/OpenBLAS/NumExpr equivalents) in the kernel."
    ).tag(config=True)
    notebook_timeout = Integer(
        900,
        help="Wall-clock seconds for all of a notebook's student cells together; later cells are "
        "not run.",
    ).tag(config=True)
    first_uid = Integer(
        160000,
        help="Grading as root, each kernel runs as its own uid (= gid) from first_uid to "
        "first_uid + uid_count - 1; no accounts needed.",
    ).tag(config=True)
    uid_count = Integer(
        256, help="How many kernels may be sandboxed at once on this machine (see first_uid)."
    ).tag(config=True)
    warm_kernels = Bool(
        True,
        help="One sandbox per submission whose template imports torch & co. once and forks a "
        "kernel per notebook (graders/warm.py); False starts every notebook's kernel cold "
        "in a sandbox of its own.",
    ).tag(config=True)
    prefetch = Bool(
        True,
        help="While a submission is graded, start the next one's sandbox and template (one spare "
        "per grading process, about 0.4 GB), when more submissions follow in the same "
        "process.",
    ).tag(config=True)

    _checked = False

    @property
    def warm(self) -> bool:
        """Kernels are forked from a submission's warm template (graders/warm.py)."""
        return self.enabled and self.warm_kernels

    def check(self) -> None:
        """Raise ``SandboxUnavailable`` unless a trivial command runs in the sandbox here."""
        if Sandbox._checked:
            return
        remove_leftovers()
        missing = [tool for tool in ("bwrap", "prlimit", "setpriv") if shutil.which(tool) is None]
        if missing:
            raise SandboxUnavailable(
                f"autograding needs {', '.join(missing)} to sandbox student code (run "
                ".ci/setup-sandbox.sh, or `apt-get install bubblewrap`); to grade without a "
                "sandbox set c.Sandbox.enabled = False"
            )
        with _locked_scratch() as scratch, self._claim_uid() as owner:
            box = Box(self, scratch, owner)
            box.populate()
            probe = subprocess.run(
                box.command([sys.executable, "-c", "pass"]),
                capture_output=True,
                text=True,
                timeout=60,
            )
        if probe.returncode != 0:
            raise SandboxUnavailable(
                f"bubblewrap could not start a sandbox here ({probe.stderr.strip()[-300:]}); "
                "user namespaces may be disabled (sysctl kernel.unprivileged_userns_clone / "
                "user.max_user_namespaces). To grade without a sandbox set c.Sandbox.enabled = "
                "False"
            )
        Sandbox._checked = True

    @contextmanager
    def open(self, submission: Path):
        """A ``Box`` around a scratch copy of ``submission``, deleted afterwards (``Unsandboxed`` if
        disabled)."""
        if not self.enabled:
            self.log.warning(
                "c.Sandbox.enabled is False: student code runs unsandboxed, as the grading user"
            )
            yield Unsandboxed(Path(submission))
            return
        self.check()
        with _locked_scratch() as scratch, self._claim_uid() as owner:
            box = Box(self, scratch, owner)
            box.populate()
            box.fill(Path(submission))
            yield box

    def settings(self) -> tuple:
        """The limits a box is made with: a box made under other settings is not reused."""
        return tuple(getattr(self, name) for name in sorted(self.class_own_traits(config=True)))

    @contextmanager
    def _claim_uid(self):
        """(uid, gid) no other sandbox on this machine uses meanwhile; None unless grading as
        root."""
        if os.geteuid() != 0:
            yield None
            return
        UID_LOCKS.mkdir(mode=0o700, exist_ok=True)
        for uid in range(self.first_uid, self.first_uid + self.uid_count):
            with open(UID_LOCKS / str(uid), "a") as lock:
                try:
                    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue
                yield (uid, uid)
                return
        raise SandboxUnavailable(
            f"all {self.uid_count} sandbox uids are in use (c.Sandbox.uid_count)"
        )


@dataclass
class Box:
    """One kernel's sandbox: ``scratch/submission`` (the student's copy) and ``scratch/ipc``
    (sockets)."""

    sandbox: Sandbox
    scratch: Path
    owner: tuple[int, int] | None  # (uid, gid) the kernel runs as, if not the grading user's
    # graders.warm.Template forking this box's kernels, or None: cold kernels
    template: object = None
    # graders.warm.Standby: the kernel of the next notebook, forked ahead, or None
    standby: object = None
    kernels: int = 0

    kernel_workdir = KERNEL_WORKDIR

    @property
    def workdir(self) -> Path:
        return self.scratch / "submission"

    @property
    def ipc_dir(self) -> Path:
        return self.scratch / "ipc"

    def populate(self) -> None:
        """Make the (empty) scratch copy and socket folders, handed to the kernel's uid."""
        self.workdir.mkdir()
        self.ipc_dir.mkdir()
        for path in (self.workdir, self.ipc_dir):
            self.give(path)

    def fill(self, submission: Path) -> None:
        """Copy the regular files of ``submission`` into the scratch copy, for the kernel's uid."""
        # Regular files only: a link, FIFO or device the student submitted is not copied.
        for skipped in copy_regular_tree(submission, self.workdir):
            self.sandbox.log.warning(
                "%s/%s is not a regular file: not given to the kernel", submission, skipped
            )
        for path in self.workdir.rglob("*"):
            self.give(path)

    def give(self, path: Path) -> None:
        """Hand ``path`` to the kernel's uid (no-op when the kernel runs as the grading user)."""
        if self.owner is not None:
            os.chown(path, *self.owner, follow_symlinks=False)

    def command(self, kernel_command: list[str]) -> list[str]:
        """``kernel_command`` (run by this interpreter) wrapped in the limits and the sandbox."""
        if kernel_command[0] == sys.executable:
            kernel_command = [_sandboxed_python(), *kernel_command[1:]]
        return [*self._limits(), *self._bwrap(), "--", *self._identity(), *kernel_command]

    def next_kernel_address(self) -> tuple[str, str]:
        """The ZeroMQ socket prefix and the connection file of this box's next kernel."""
        self.kernels += 1
        stem = self.ipc_dir / f"kernel-{self.kernels}"
        return str(stem), f"{stem}.json"

    def kernel_manager(self, kernel_name: str, **kwargs) -> "SandboxedKernelManager":
        """A kernel manager for this box: ZeroMQ over Unix sockets in ``ipc_dir``, with the
        connection file beside them; interrupts go as messages, since a signal would hit
        prlimit/bwrap rather than the kernel."""
        ip, connection_file = self.next_kernel_address()
        manager = SandboxedKernelManager(
            box=self,
            kernel_name=kernel_name,
            transport="ipc",
            ip=ip,
            connection_file=connection_file,
            **kwargs,
        )
        standby, self.standby = self.standby, None
        if standby is not None and standby.usable(self.template):
            manager.load_connection_info(standby.info)  # its sockets, its key
            manager.standby = standby
        manager.kernel_spec.interrupt_mode = "message"
        return manager

    def _limits(self) -> list[str]:
        s = self.sandbox
        return [
            "prlimit",
            f"--as={s.memory_limit}",
            f"--cpu={s.cpu_time}",
            f"--nproc={s.max_processes}",
            f"--fsize={s.max_file_size}",
            f"--nofile={s.max_open_files}",
            "--core=0",
            "--",
        ]

    def _bwrap(self) -> list[str]:
        args = [
            "bwrap",
            "--die-with-parent",
            "--unshare-ipc",
            "--unshare-pid",
            "--unshare-net",
            "--unshare-uts",
            "--unshare-cgroup-try",
        ]
        args += (
            ["--unshare-user", "--uid", "1000", "--gid", "1000"]
            if self.owner is None
            else ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
        )
        read_only = {
            path: path
            for path in ["/usr", *[f for f in ETC_FILES if os.path.exists(f)], *_python_dirs()]
        }
        if sys.prefix != sys.base_prefix:
            # the venv alone, from a path that does not tell where the course is
            read_only[_venv_source()] = VENV
        args += _parent_dirs(list(read_only.values()))
        for source, destination in read_only.items():
            args += ["--ro-bind", source, destination]
        for name in ("bin", "lib", "lib64", "sbin"):
            if Path(f"/usr/{name}").exists():
                args += ["--symlink", f"usr/{name}", f"/{name}"]
        args += ["--proc", "/proc", "--dev", "/dev"]
        for tmpfs in TMPFS:
            args += ["--perms", "1777", "--size", str(self.sandbox.tmp_size), "--tmpfs", tmpfs]
        args += _parent_dirs([str(self.ipc_dir)], existing=TMPFS)
        args += [
            "--bind",
            str(self.workdir),
            KERNEL_WORKDIR,
            "--bind",
            str(self.ipc_dir),
            str(self.ipc_dir),
            "--chdir",
            KERNEL_WORKDIR,
        ]
        args += ["--clearenv", *self._environment()]
        return args

    def _identity(self) -> list[str]:
        if self.owner is None:
            return []
        uid, gid = self.owner
        return [
            "setpriv",
            f"--reuid={uid}",
            f"--regid={gid}",
            "--clear-groups",
            "--inh-caps=-all",
            "--",
        ]

    def _environment(self) -> list[str]:
        env = {
            "PATH": f"{Path(_sandboxed_python()).parent}:/usr/bin:/bin",
            "HOME": SANDBOX_HOME,
            "USER": "student",
            "LANG": "C.UTF-8",
            "TMPDIR": "/tmp",
            "MPLBACKEND": "Agg",
            "PYTHONDONTWRITEBYTECODE": "1",
            "MALLOC_ARENA_MAX": "2",  # each malloc arena reserves 64 MiB of address space
            **{name: str(self.sandbox.threads) for name in THREAD_VARIABLES},
        }
        if "NBGRADER_EXECUTION" in os.environ:
            env["NBGRADER_EXECUTION"] = os.environ["NBGRADER_EXECUTION"]
        return [item for name, value in env.items() for item in ("--setenv", name, value)]


@dataclass
class Unsandboxed:
    """``c.Sandbox.enabled = False``: the kernel runs in the submission folder, as plain nbgrader
    does."""

    workdir: Path

    kernel_workdir = None
    owner = None

    def kernel_manager(self, kernel_name: str, **kwargs):
        return None  # nbclient makes its usual kernel manager


@contextmanager
def _locked_scratch():
    """A new scratch folder, locked (``LOCK_NAME``) until it is deleted at the end of the block.

    It is made and locked under a hidden name, then renamed: a folder ``remove_leftovers`` can
    see is always locked unless the grader that made it is gone."""
    hidden = Path(tempfile.mkdtemp(prefix=f".{SCRATCH_PREFIX}"))
    scratch = hidden.with_name(hidden.name[1:])
    try:
        with open(hidden / LOCK_NAME, "x") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            hidden.rename(scratch)
            yield scratch
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        shutil.rmtree(hidden, ignore_errors=True)


def _venv_source() -> str:
    """What the sandbox binds as ``VENV``: a view of the venv (graders/venv_view.py), the one
    the process that started this one shares (``share_venv_view``) or this process's own, kept
    until the process exits; or the venv itself where hard links cannot be made."""
    global _venv_view
    if _venv_view is None:
        shared = Path(os.environ.get(SHARED_VIEW_VARIABLE, "/nonexistent"))
        _venv_view = shared if (shared.parent / VIEW_READY).exists() else _own_venv_view()
    return str(_venv_view)


def _own_venv_view() -> Path:
    scratch_folder = ExitStack()
    scratch = scratch_folder.enter_context(_locked_scratch())
    atexit.register(scratch_folder.close)
    try:
        venv_view.build(Path(sys.prefix), scratch / "venv")
        return scratch / "venv"
    except OSError as error:
        logging.getLogger("graders").warning(
            "no view of the venv (%s): kernels can see its host path", error
        )
        return Path(sys.prefix)


@contextmanager
def share_venv_view():
    """Build one view of the venv for the grading processes started inside this block (they
    inherit its path through the environment) instead of one each: about 3 s of links each at
    their start and 1 s to remove at their end. It is built in a thread, so that it overlaps
    with their start; yields a function that waits for it, to call before they start kernels.
    A view that failed is not marked ready, and each process builds its own. It is removed in a
    thread too, while this process goes on (the interpreter waits for it before exiting)."""
    scratch_folder = ExitStack()
    scratch = scratch_folder.enter_context(_locked_scratch())

    def build() -> None:
        try:
            venv_view.build(Path(sys.prefix), scratch / "venv")
            (scratch / VIEW_READY).touch()
        except OSError as error:
            logging.getLogger("graders").warning("no shared view of the venv (%s)", error)

    builder = threading.Thread(target=build, name="venv-view")
    builder.start()
    os.environ[SHARED_VIEW_VARIABLE] = str(scratch / "venv")
    try:
        yield builder.join
    finally:
        del os.environ[SHARED_VIEW_VARIABLE]
        builder.join()
        threading.Thread(target=scratch_folder.close, name="venv-view-removal").start()


_venv_view: Path | None = None


def remove_leftovers(folder: Path | None = None) -> list[Path]:
    """Delete the scratch folders of graders that were killed (their lock is free); returns them.

    A live box's lock is held by its grader, so a grader running in parallel keeps its own.
    Only folders this user owns are touched, never followed through a link."""
    removed = []
    for path in sorted(Path(folder or tempfile.gettempdir()).glob(f"{SCRATCH_PREFIX}*")):
        try:
            info = path.lstat()
        except FileNotFoundError:
            continue
        if stat.S_ISDIR(info.st_mode) and info.st_uid == os.geteuid() and _abandoned(path, info):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def _abandoned(scratch: Path, info: os.stat_result) -> bool:
    try:
        with open(scratch / LOCK_NAME, "rb") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
    except BlockingIOError:
        return False
    except FileNotFoundError:  # made by a version without locks
        return time.time() - info.st_mtime > LEFTOVER_AGE


def _parent_dirs(paths: list[str], existing=()) -> list[str]:
    """bwrap arguments creating the parents of ``paths`` walkable (bwrap would make them 0700)."""
    parents = sorted(
        {str(parent) for path in paths for parent in Path(path).parents} - {"/", *existing}
    )
    return [arg for parent in parents for arg in ("--perms", "0755", "--dir", parent)]


def _python_dirs() -> list[str]:
    """The Python installation (under a venv: the one its interpreter links to)."""
    dirs = {sys.base_prefix, str(Path(os.path.realpath(sys.executable)).parent.parent)}
    return sorted(d for d in dirs if not d.startswith("/usr/"))


def _sandboxed_python() -> str:
    """This interpreter's path inside the sandbox."""
    if sys.prefix != sys.base_prefix:
        return f"{VENV}/{Path(sys.executable).relative_to(sys.prefix)}"
    return sys.executable


class SandboxedKernelManager(AsyncKernelManager):
    """An ``AsyncKernelManager`` whose kernel is launched inside ``box``: forked by the box's
    template when it has one (graders/warm.py), else started cold in a sandbox of its own."""

    box = Instance(Box)
    standby = Any(None, help="graders.warm.Standby: a kernel already forked for this manager")
    client_class = DottedObjectName("graders.core.kernel.QuickReadyClient")
    client_factory = Type(klass="graders.core.kernel.QuickReadyClient")

    async def _async_pre_start_kernel(self, **kw):
        if self.provisioner is None and self.box.template is not None:
            from graders.warm import ForkedKernelProvisioner

            self.kernel_id = self.kernel_id or str(uuid.uuid4())
            self.provisioner = ForkedKernelProvisioner(
                kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self
            )
        return await super()._async_pre_start_kernel(**kw)

    def format_kernel_cmd(self, extra_arguments=None) -> list[str]:
        return self.box.command(super().format_kernel_cmd(extra_arguments))

    def write_connection_file(self, **kwargs) -> None:
        super().write_connection_file(**kwargs)
        self.box.give(Path(self.connection_file))
