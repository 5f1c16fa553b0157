"""A ban on library functions, judged on the answer cells' source in the grader's process.

A question that forbids some functions ("build log-softmax without torch.log_softmax") cannot
rely on watching the student's process alone: code there can switch a watch off, run in a
thread the watch does not see, or reach the function under a name built at run time. So the
grader reads the text of the answer cells (``Submission.source``), which the student's process
cannot touch, and flags every way the code could reach a banned function, resolving names
statically and treating whatever it cannot resolve as a violation:

- a banned name as a function, attribute or import (``torch.log_softmax``, ``z.softmax``,
  ``from torch.nn.functional import log_softmax as f``, a default argument ``f=torch.softmax``),
  and anything in a banned module (``import torch.nn.functional as F``, ``nn.functional``);
- imports of modules outside an allow-list (``importlib``, ``operator``, ``sys``, ``threading``);
- dynamic lookups: ``eval``, ``exec``, ``compile``, ``__import__``, ``globals()``, ``vars()``,
  any dunder (``__dict__``, ``__getattribute__``, ``__builtins__``), ``getattr`` with a name
  that is not a string literal, and string literals naming a banned function;
- attributes of an allowed module that the grader's own copy of the module does not have
  (``torch.helper`` planted by another cell);
- globals no answer cell defines: code outside the answer cells is not graded, so an answer may
  not depend on it (helpers belong in the answer cells, which are read too when used).
"""

import ast
import builtins
import importlib
import re
import symtable
from dataclasses import dataclass

from IPython.core.inputtransformer2 import TransformerManager

#: Built-ins that look things up, run code or reach files by a name known only at run time.
DYNAMIC_BUILTINS = frozenset(
    {
        "eval",
        "exec",
        "compile",
        "__import__",
        "globals",
        "locals",
        "vars",
        "setattr",
        "delattr",
        "open",
        "breakpoint",
        "input",
        "help",
        "memoryview",
        "getattr",
    }
)


@dataclass(frozen=True)
class Violation:
    """One way the code could reach a banned function. ``hides``: the route is one the grader
    cannot follow (what runs is unknown), not a banned function named plainly."""

    message: str
    hides: bool

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Ban:
    """What an answer may not use, and what it may rely on."""

    names: frozenset  # functions, methods and classes banned under any owner (log_softmax, ...)
    modules: tuple  # modules none of whose contents may be used (torch.nn.functional, scipy)
    allowed_imports: frozenset  # top-level modules an answer may import
    provided: frozenset  # globals the locked setup cell defines (torch, math, sp, ...)
    modules_provided: tuple = ()  # (global name, module) pairs among ``provided``: torch, math


def violations(sources: dict, entry: str, ban: Ban) -> list:
    """Each ``Violation``: a way the answer cell ``entry`` (and the answer cells it uses) could
    reach a banned function, its message naming the cell and line; ``sources``: grade_id -> text."""
    trees, found = {}, []
    for grade_id, text in sources.items():
        tree = _parse(text)
        if tree is None:
            if grade_id == entry:
                return [Violation(f"the cell `{entry}` could not be read as Python", hides=True)]
            continue
        trees[grade_id] = tree
    if entry not in trees:
        return []
    defined = {grade_id: _module_bindings(tree) for grade_id, tree in trees.items()}
    queue, seen = [entry], set()
    while queue:
        grade_id = queue.pop()
        if grade_id in seen:
            continue
        seen.add(grade_id)
        reader = _Reader(grade_id, ban)
        reader.visit(trees[grade_id])
        found.extend(reader.found)
        for name, line in _free_globals(trees[grade_id]):
            owners = [other for other, names in defined.items() if name in names]
            if owners:
                queue.extend(owners)
            elif name not in ban.provided and not hasattr(builtins, name):
                found.append(
                    Violation(
                        f"`{name}` (cell `{grade_id}`, line {line}): none of your answer cells "
                        "defines it; code outside the answer cells is not graded, so your answer "
                        "may not use it",
                        hides=True,
                    )
                )
    return found


def _parse(text: str):
    for source in (text, TransformerManager().transform_cell(text)):
        try:
            return ast.parse(source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
    return None


def _module_bindings(tree: ast.Module) -> set:
    """Names a cell binds at its top level (assignments, defs, classes, imports)."""
    table = symtable.symtable(ast.unparse(tree), "<cell>", "exec")
    return {
        symbol.get_name()
        for symbol in table.get_symbols()
        if symbol.is_assigned() or symbol.is_imported() or symbol.is_namespace()
    }


def _free_globals(tree: ast.Module):
    """(name, line) of each global a cell uses but does not bind at its top level."""
    text = ast.unparse(tree)
    bound = _module_bindings(tree)
    used = set()

    def walk(table):
        for symbol in table.get_symbols():
            in_function = table.get_type() != "module"
            referenced = symbol.is_referenced() or (in_function and symbol.is_global())
            if symbol.is_global() and referenced and symbol.get_name() not in bound:
                used.add(symbol.get_name())
        for child in table.get_children():
            walk(child)

    walk(symtable.symtable(text, "<cell>", "exec"))
    lines = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in used:
            lines.setdefault(node.id, node.lineno)
    return sorted((name, lines.get(name, 0)) for name in used)


class _Reader(ast.NodeVisitor):
    """Flags the banned and the unresolvable in one cell's syntax tree."""

    def __init__(self, grade_id: str, ban: Ban):
        self.grade_id, self.ban = grade_id, ban
        self.found = []
        self.aliases = dict(ban.modules_provided)  # global name -> module it stands for
        self.exempt = set()  # string constants that are messages or docstrings
        words = "|".join(sorted(map(re.escape, ban.names)))
        self.banned_words = re.compile(rf"\b({words})\b")

    def flag(self, node, what: str, hides: bool = False) -> None:
        where = f"(cell `{self.grade_id}`, line {getattr(node, 'lineno', '?')})"
        self.found.append(Violation(f"{what} {where}", hides))

    def banned_module(self, module: str) -> bool:
        return any(module == m or module.startswith(m + ".") for m in self.ban.modules)

    # ------------------------------------------------------------ imports

    def visit_Import(self, node):
        for alias in node.names:
            if self.allowed_import(node, alias.name):
                root = alias.name.split(".")[0]
                self.aliases[alias.asname or root] = alias.name if alias.asname else root

    def visit_ImportFrom(self, node):
        module = "." * node.level + (node.module or "")
        if not self.allowed_import(node, module):
            return
        for alias in node.names:
            full = f"{module}.{alias.name}"
            if alias.name in self.ban.names or self.banned_module(full) or alias.name == "*":
                self.flag(node, f"`from {module} import {alias.name}`")
            elif not _exists(full):
                what = f"`from {module} import {alias.name}`, which is not part of {module}"
                self.flag(node, what, hides=True)
            else:
                self.aliases[alias.asname or alias.name] = full

    def allowed_import(self, node, module: str) -> bool:
        """Flags a banned or not allowed import. Only allowed modules are ever imported by the
        grader itself (to resolve attribute chains)."""
        if self.banned_module(module):
            self.flag(node, f"`import {module}`, a module this question bans")
            return False
        if module.split(".")[0] not in self.ban.allowed_imports:
            allowed = ", ".join(sorted(self.ban.allowed_imports))
            self.flag(
                node, f"`import {module}`: answers here may import only {allowed}", hides=True
            )
            return False
        return True

    # ------------------------------------------------------------ names and attributes

    def visit_Name(self, node):
        if node.id.startswith("__"):
            self.flag(node, f"`{node.id}`, a lookup the grader cannot follow", hides=True)
        elif node.id in DYNAMIC_BUILTINS and isinstance(node.ctx, ast.Load):
            what = f"`{node.id}`, which runs or looks up code by a name known only at run time"
            self.flag(node, what, hides=True)

    def visit_Attribute(self, node):
        if node.attr.startswith("__"):
            self.flag(node, f"`.{node.attr}`, a lookup the grader cannot follow", hides=True)
        elif node.attr in self.ban.names:
            self.flag(node, f"`.{node.attr}`")
        else:
            path = self.module_path(node)
            if path and self.banned_module(path):
                self.flag(node, f"`{path}`, a module this question bans")
            elif path and not _exists(path):
                owner = path.split(".")[0]
                what = f"`{path}`, which is not part of {owner} (added by your notebook?)"
                self.flag(node, what, hides=True)
        self.generic_visit(node)

    def module_path(self, node):
        """``torch.nn.functional`` for ``nn.functional`` when ``nn`` is torch.nn; None if the chain
        does not start at a module name."""
        parts = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name) or node.id not in self.aliases:
            return None
        return ".".join([self.aliases[node.id], *reversed(parts)])

    def visit_Call(self, node):
        """``getattr(obj, "literal")`` is an attribute like any other; any other use of getattr
        (a name built at run time, getattr passed around) is a lookup the grader cannot follow."""
        if not (isinstance(node.func, ast.Name) and node.func.id == "getattr"):
            self.generic_visit(node)
            return
        name = node.args[1] if len(node.args) > 1 else None
        if not (isinstance(name, ast.Constant) and isinstance(name.value, str)) or node.keywords:
            self.flag(node, "`getattr` with a name built at run time", hides=True)
        elif name.value in self.ban.names or name.value.startswith("__"):
            self.flag(node, f"`getattr(..., {name.value!r})`")
        for child in [*node.args[:1], *node.args[2:]]:
            self.visit(child)

    # ------------------------------------------------------------ strings

    def visit_Raise(self, node):
        self.exempt_strings(node.exc)
        self.generic_visit(node)

    def visit_Assert(self, node):
        self.exempt_strings(node.msg)
        self.generic_visit(node)

    def visit_Expr(self, node):  # a bare string statement is a docstring or a comment
        if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            return
        self.generic_visit(node)

    def exempt_strings(self, node):
        for child in ast.walk(node) if node is not None else ():
            if isinstance(child, ast.Constant):
                self.exempt.add(id(child))

    def visit_Constant(self, node):
        text = node.value
        if isinstance(text, str) and id(node) not in self.exempt and self.banned_words.search(text):
            self.flag(node, f"the string {node.value[:40]!r}, which names a banned function")


def _exists(path: str) -> bool:
    """Whether ``path`` (``torch.special.expit``) is an attribute chain of the grader's modules."""
    parts = path.split(".")
    try:
        value = importlib.import_module(parts[0])
    except ImportError:
        return False
    for index, part in enumerate(parts[1:], start=1):
        if hasattr(value, part):
            value = getattr(value, part)
            continue
        try:
            value = importlib.import_module(".".join(parts[: index + 1]))
        except ImportError:
            return False
    return True
