"""Question 4 probes: run the student's ``log_softmax`` while watching for the functions it may not
use.

Runs inside the student's kernel, in the runtime's namespace (see runtime.py). It holds no
reference answer and no check: it reports what the student's code returned and which banned
functions it was seen calling, as plain data; the grader decides.

The ban is judged first in the grader's process, on the answer cells' source
(``graders.core.banned_code``): that is the part the student cannot reach. What runs here is the
cross-check on what the code actually did.

Why three watches: each misses something the others see.
- A ``TorchFunctionMode`` sees every torch call that takes a tensor, under whatever name the
  student reached it: ``torch.log_softmax``, ``z.softmax(...)``, ``torch.Tensor.log_softmax``,
  ``torch.special.*``, anything in ``torch.nn.functional`` (``F.x``, or imported ``as f``).
- A ``TorchDispatchMode`` sees the ATen kernels that actually run (``aten::_log_softmax``,
  ``aten::_softmax``, ``aten::logsumexp``), however they were reached: ``torch.ops.aten``,
  ``torch.distributions``, ``nn`` modules, TorchScript, or with torch function modes disabled.
- A ``sys.setprofile`` hook sees Python calls into scipy and ``torch.nn.functional`` and any
  built-in called by a banned name.
The hooks see only the calling thread, so the watch also reports any thread or process the
function starts (the profile hook sees the call that starts it) and any thread of the student's
notebook that is alive while the function runs (every thread but the kernel's own): work
handed to another thread is never trusted.
``banned_references`` adds a reading of the function's bytecode (and of the student's helper
functions it uses, wherever they were defined), for banned code on a path the grader's inputs
do not reach.

Limits, honestly: all of this runs in the student's own process, which can lie (a thread whose
``__module__`` claims to be ipykernel's, hooks removed and restored). That is why the grader's
reading of the source comes first and decides on its own.
"""

import _thread
import dis
import functools
import os
import sys
import threading
import types

import torch
from torch.overrides import TorchFunctionMode, _get_current_function_mode_stack
from torch.utils._python_dispatch import TorchDispatchMode, _get_current_dispatch_mode_stack

#: Names of the banned torch functions, tensor methods and ATen kernels.
BANNED_NAMES = frozenset(
    {
        "log_softmax",
        "softmax",
        "logsumexp",
        "_log_softmax",
        "_softmax",
        "_safe_softmax",
        "special_log_softmax",
        "special_softmax",
        "special_logsumexp",
        "logcumsumexp",
        "_logcumsumexp",
        "softmin",
    }
)
#: Modules none of whose functions may be used.
BANNED_MODULES = ("torch.nn.functional", "scipy")


def _in_banned_module(module_name: str) -> bool:
    return any(module_name == m or module_name.startswith(m + ".") for m in BANNED_MODULES)


def _torch_name(function) -> str:
    """The name a student would write: torch.x, Tensor.x, torch.special.x, torch.ops.aten.x, ..."""
    name = getattr(function, "__name__", "") or ""
    module = getattr(function, "__module__", None) or ""
    if module == "torch._C._special":
        return "torch.special." + name.removeprefix("special_")
    if module == "torch._ops.aten":
        return "torch.ops.aten." + name
    if not module:  # methods of torch.Tensor have no module
        return "Tensor." + name
    return f"{module}.{name}"


#: Built-ins that start a thread or a process, by identity (threading keeps its own reference).
_STARTERS = {
    id(function): name
    for name, function in [
        ("_thread.start_new_thread", _thread.start_new_thread),
        ("_thread.start_new_thread", getattr(threading, "_start_new_thread", None)),
        ("_thread.start_joinable_thread", getattr(_thread, "start_joinable_thread", None)),
        *[
            (f"os.{name}", getattr(os, name, None))
            for name in (
                "fork",
                "forkpty",
                "posix_spawn",
                "posix_spawnp",
                "system",
                "execv",
                "execve",
                "popen",
            )
        ],
    ]
    if function is not None
}
#: Modules whose threads are the kernel's own.
_KERNEL_THREAD_MODULES = ("ipykernel", "IPython", "zmq", "jupyter_client", "tornado")


def _notebook_threads() -> list:
    """Threads alive now that the kernel did not start (the main thread aside)."""
    found = []
    for thread in threading.enumerate():
        if thread is threading.main_thread():
            continue
        target = getattr(thread, "_target", None)
        owner = type(thread) if target is None else target
        module = getattr(owner, "__module__", None) or ""
        if module.split(".")[0] not in _KERNEL_THREAD_MODULES:
            found.append(thread.name)
    return found


def _is_banned_library_function(function) -> bool:
    """A torch, scipy or built-in function that is banned (never a function the student wrote)."""
    if getattr(function, "__globals__", None) is NAMESPACE:
        return False
    module = getattr(function, "__module__", None) or ""
    return _in_banned_module(module) or getattr(function, "__name__", None) in BANNED_NAMES


class _FunctionWatch(TorchFunctionMode):
    def __init__(self, record):
        super().__init__()
        self.record = record

    def __torch_function__(self, func, types, args=(), kwargs=None):
        if _is_banned_library_function(func):
            self.record(_torch_name(func))
        return func(*args, **(kwargs or {}))


class _KernelWatch(TorchDispatchMode):
    @classmethod
    def _should_skip_dynamo(cls):
        # torch's documented opt-out: by default the mode is wrapped to keep torch.compile out
        # of it, which imports torch._dynamo (seconds and ~70 MiB in every kernel). Nothing
        # here is compiled.
        return False

    def __init__(self, record):
        super().__init__()
        self.record = record

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        kernel = func._schema.name
        if kernel.split("::")[-1] in BANNED_NAMES:
            self.record(f"{kernel} (the kernel behind torch's softmax functions)")
        return func(*args, **(kwargs or {}))


class Watch:
    """``with Watch() as watch: ...``; then ``watch.names`` lists the banned calls seen, first
    first."""

    def __init__(self):
        self.names = []
        self._function_mode = _FunctionWatch(self.record)
        self._kernel_mode = _KernelWatch(self.record)
        self._hook = self._profile  # one bound method, so the check in __exit__ can compare it

    def record(self, name: str) -> None:
        if name not in self.names:
            self.names.append(name)

    def _profile(self, frame, event, arg):
        if event == "call":
            module = frame.f_globals.get("__name__") or ""
            if _in_banned_module(module):
                self.record(f"{module}.{frame.f_code.co_name}")
        elif event == "c_call" and id(arg) in _STARTERS:
            self.record(f"{_STARTERS[id(arg)]} (a thread or process: the grader cannot watch it)")
        elif event == "c_call" and _is_banned_library_function(arg):
            self.record(_torch_name(arg))

    def record_notebook_threads(self) -> None:
        for name in _notebook_threads():
            self.record(
                f"a thread of your notebook ({name}) running beside it (the grader cannot watch it)"
            )

    def __enter__(self):
        self.record_notebook_threads()
        self._previous_profile = sys.getprofile()
        self._function_mode.__enter__()
        self._kernel_mode.__enter__()
        sys.setprofile(self._hook)
        return self

    def __exit__(self, *exc):
        hook = sys.getprofile()
        sys.setprofile(self._previous_profile)
        self.record_notebook_threads()
        if hook != self._hook:
            self.record("sys.setprofile (your code switched off the grader's watch)")
        if self._kernel_mode not in _get_current_dispatch_mode_stack():
            self.record("the dispatch mode stack (your code switched off the grader's watch)")
        else:
            self._kernel_mode.__exit__(*exc)
        if self._function_mode not in _get_current_function_mode_stack():
            self.record("the torch function mode stack (your code switched off the grader's watch)")
        else:
            self._function_mode.__exit__(*exc)
        return False


def _type_name(value) -> str:
    kind = type(value)
    return (
        kind.__qualname__
        if kind.__module__ == "builtins"
        else f"{kind.__module__}.{kind.__qualname__}"
    )


@probe
def watched_log_softmax(z, repeat=1, **kwargs):
    """log_softmax(z, **kwargs), applied ``repeat`` times (each output fed back in), under the
    watch.

    Each output is copied as soon as it is returned, so an answer that works in place cannot
    make two outputs the same tensor.
    """
    function = answer("log_softmax")
    outputs = []
    with Watch() as watch:
        value = z
        for _ in range(repeat):
            value = function(value, **kwargs)
            outputs.append(value.clone() if isinstance(value, torch.Tensor) else value)
    return {
        "outputs": outputs,
        "is_tensor": [isinstance(value, torch.Tensor) for value in outputs],
        "types": [_type_name(value) for value in outputs],
        "banned": watch.names,
    }


# ---------------------------------------------------------------- reading the code

_ATTRIBUTE_OPS = {"LOAD_ATTR", "LOAD_METHOD", "IMPORT_FROM"}
_NAME_OPS = {"LOAD_GLOBAL", "LOAD_NAME", "LOAD_DEREF", "LOAD_CLASSDEREF"}


def _code_objects(code):
    yield code
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            yield from _code_objects(constant)


def _closure(function) -> dict:
    cells = {}
    for name, cell in zip(function.__code__.co_freevars, function.__closure__ or ()):
        try:
            cells[name] = cell.cell_contents
        except ValueError:  # an empty cell
            pass
    return cells


def _banned_object(value):
    """What a banned module or function is called (``torch.nn.functional``, ``torch.softmax``), or
    None."""
    if isinstance(value, types.ModuleType):
        return value.__name__ if _in_banned_module(value.__name__) else None
    if isinstance(value, functools.partial):
        return _banned_object(value.func)
    if callable(value) and _is_banned_library_function(value):
        return _torch_name(value)
    return None


def _scan(function, found: list, visited: set) -> None:
    """Add to ``found`` each banned thing ``function``'s code refers to; follow the student's
    helpers."""
    if function in visited:
        return
    visited.add(function)
    closure = _closure(function)
    where = getattr(function, "__name__", "?")
    for code in _code_objects(function.__code__):
        for instruction in dis.get_instructions(code):
            name, line = instruction.argval, instruction.positions.lineno
            place = f"in `{where}`, line {line} of its cell"
            if instruction.opname in _ATTRIBUTE_OPS and (
                name in BANNED_NAMES or name == "functional"
            ):
                found.append(f"`.{name}` ({place})")
            elif instruction.opname == "IMPORT_NAME" and _in_banned_module(name):
                found.append(f"`import {name}` ({place})")
            elif instruction.opname in _NAME_OPS:
                scope = (
                    closure
                    if instruction.opname != "LOAD_GLOBAL" and name in closure
                    else function.__globals__
                )
                if name not in scope:
                    continue
                target = scope[name]
                if isinstance(target, types.FunctionType) and target.__globals__ is NAMESPACE:
                    _scan(target, found, visited)
                elif _banned_object(target):
                    found.append(f"`{name}`, which is {_banned_object(target)} ({place})")


@probe
def banned_references():
    """Banned modules and functions that the code of log_softmax (and of helpers it calls) names."""
    function = answer("log_softmax")
    found = []
    if isinstance(function, types.FunctionType):
        _scan(function, found, set())
    elif _banned_object(function):
        found.append(f"`log_softmax` is {_banned_object(function)} itself")
    return found


# ---------------------------------------------------------------- the symbolic twin (q4_steps)


@probe
def symbolic_log_softmax(sizes):
    """For each k in ``sizes``: the student's ``log_softmax_sym`` on z1..zk, on z1 + c..zk + c
    and on its own output, as SymPy expressions (lists), with symbols built here."""
    import sympy

    function = answer("log_softmax_sym")
    zs, c = sympy.symbols("z1:5", real=True), sympy.Symbol("c", real=True)
    results = {}
    for k in sizes:
        once = [sympy.sympify(entry, strict=True) for entry in function(list(zs[:k]))]
        shifted = [sympy.sympify(entry, strict=True) for entry in function([z + c for z in zs[:k]])]
        twice = [sympy.sympify(entry, strict=True) for entry in function(list(once))]
        results[k] = {"once": once, "shifted": shifted, "twice": twice}
    return results
