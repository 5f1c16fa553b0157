"""The rubric of a proof cell, read from the instructor's source notebook.

A proof cell (a manually graded Markdown cell ``qN_proof``) holds, between ``### BEGIN SOLUTION``
and ``### END SOLUTION``, the solution and then its rubric::

    **Rubric (4 points).**
    - 1 pt: what earns it
    - (a) 1.5 pt: what earns it

The page grades with these items, so a rubric that does not add up to the cell's points (or
that cannot be read) is an error here, not a silently wrong score later.
"""

import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

HEADING = re.compile(r"^\*\*Rubric \((?P<points>\d+(?:\.\d+)?) points?\)\.\*\*\s*$")
ITEM = re.compile(r"^- (?P<tag>(?:\([^)]*\)\s*)*)(?P<points>\d+(?:\.\d+)?) pts?:\s*(?P<text>\S.*)$")
END = "### END SOLUTION"


class RubricError(ValueError):
    """A proof cell whose rubric is missing, unreadable or does not add up."""


@dataclass(frozen=True)
class Item:
    number: int  # 1-based position in the rubric: the key that toggles it
    points: float
    text: str


@dataclass(frozen=True)
class Rubric:
    cell: str  # grade_id of the proof cell
    points: float  # the cell's points (nbgrader metadata)
    items: tuple[Item, ...]


def parse_rubric(source: str, cell: str, points: float) -> Rubric:
    """The rubric in a proof cell's ``source``; RubricError unless its items add up to
    ``points``."""
    lines = source.splitlines()
    headings = [i for i, line in enumerate(lines) if HEADING.match(line.strip())]
    if len(headings) != 1:
        raise RubricError(
            f"{cell}: expected one '**Rubric (N points).**' line, found {len(headings)}"
        )
    start = headings[0]
    stated = float(HEADING.match(lines[start].strip())["points"])
    items = []
    for line in lines[start + 1 :]:
        line = line.rstrip()
        if not line.strip() or line.strip() == END:
            if items or line.strip() == END:
                break
            continue
        match = ITEM.match(line)
        if match is None:
            raise RubricError(f"{cell}: rubric line is not '- N pt: text': {line!r}")
        text = (match["tag"] + match["text"]).strip()
        items.append(Item(len(items) + 1, float(match["points"]), text))
    if not items:
        raise RubricError(f"{cell}: the rubric has no items")
    total = sum(item.points for item in items)
    if abs(stated - points) > 1e-9 or abs(total - points) > 1e-9:
        raise RubricError(
            f"{cell}: the rubric's items add up to {total:g} points and its heading says "
            f"{stated:g}, "
            f"but the cell is worth {points:g}"
        )
    return Rubric(cell, float(points), tuple(items))


def proof_cells(notebook: Path) -> dict[str, Rubric]:
    """{grade_id: Rubric} of every manually graded Markdown cell of a source notebook."""
    rubrics = {}
    for cell in nbformat.read(notebook, as_version=4).cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "markdown" and meta.get("grade") and meta.get("solution"):
            rubrics[meta["grade_id"]] = parse_rubric(cell.source, meta["grade_id"], meta["points"])
    return rubrics
