"""Student content made inert before a TA's browser renders it (formgrader, feedback pages).

A student's cell can display anything Jupyter can: HTML with event handlers, JavaScript, SVG
with scripts, widgets, iframes. Rendered in the formgrader or a feedback page, that would run
with the TA's session. ``SanitizeStudentContent`` runs in ``autograde`` after the student's
cells (so the autograded notebook the formgrader shows is clean) and again in
``generate_feedback``. It keeps only inert output types (text, errors, PNG/JPEG, HTML cleaned
by bleach), drops every output's metadata (so no student output can look like the grader's
per-check records, ``graders.plugin._check_records``), and shows a Markdown or raw cell whose
rendering would hold anything active as plain text. Autograded test cells are left alone:
their outputs are the grader's own verdict.
"""

import base64
import binascii
import functools
import html
import re
from urllib.parse import urlsplit

import bleach
from bs4 import BeautifulSoup
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath
from nbformat.v4 import new_output
from nbgrader.preprocessors import NbGraderPreprocessor

from graders.plugin import is_autograded_test

#: Output types kept as they are (after their data is cleaned).
RASTER_IMAGES = ("image/png", "image/jpeg")
ALLOWED_TAGS = frozenset(
    {
        *bleach.ALLOWED_TAGS,
        "p",
        "div",
        "span",
        "pre",
        "code",
        "br",
        "hr",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "img",
        "sub",
        "sup",
        "del",
        "details",
        "summary",
    }
)
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto", "data"})
RASTER_ATTACHMENTS = ("image/png", "image/jpeg", "image/gif")
GLOBAL_ATTRIBUTES = ("class", "title", "align")  # no style: CSS can overlay the page
QUARANTINE_NOTE = (
    "*[The grader shows this cell as plain text: it held HTML or links that could act"
    " in a browser.]*"
)
LINK_SCHEMES = ("", "http", "https", "mailto", "attachment")
TABLE_ALIGNMENT = re.compile(r"text-align:\s*(left|right|center);?")


def _allowed_attribute(tag: str, name: str, value: str) -> bool:
    """Images only inline as raster data: a URL would make the TA's browser send a request."""
    if tag == "img":
        if name == "src":
            return value.startswith(tuple(f"data:{mime};base64," for mime in RASTER_ATTACHMENTS))
        return name in ("alt", "width", "height")
    if name == "id":  # the anchors nbconvert gives headings
        return tag in ("h1", "h2", "h3", "h4", "h5", "h6")
    return name in bleach.ALLOWED_ATTRIBUTES.get(tag, ()) or name in GLOBAL_ATTRIBUTES


def clean_html(text: str) -> str:
    """``text`` with every tag, attribute and URL scheme not allowed escaped or removed."""
    return bleach.clean(
        text,
        tags=ALLOWED_TAGS,
        attributes=_allowed_attribute,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
    )


def active_parts(rendered: str) -> list[str]:
    """What in ``rendered`` HTML could act in a browser: tags, attributes and URL schemes
    beyond the allowed ones (an inline raster image is allowed)."""
    found = []
    for tag in BeautifulSoup(rendered, "html.parser").find_all(True):
        if tag.name not in ALLOWED_TAGS:
            found.append(f"<{tag.name}>")
        for name, value in tag.attrs.items():
            value = " ".join(value) if isinstance(value, list) else str(value)
            if name in ("href", "src"):
                scheme = urlsplit(re.sub(r"[\x00-\x20]", "", value).lower()).scheme
                inline_image = tag.name == "img" and _allowed_attribute("img", name, value)
                if scheme not in LINK_SCHEMES and not inline_image:
                    found.append(f"{name}={value[:40]!r}")
            elif name == "style":  # raw CSS: only the alignment Markdown tables are given
                if not TABLE_ALIGNMENT.fullmatch(value):
                    found.append(f"{tag.name} style={value[:40]!r}")
            elif not _allowed_attribute(tag.name, name, value):
                found.append(f"{tag.name} {name}=")
    return found


@functools.lru_cache(maxsize=4096)
def _renders_inert(text: str) -> bool:
    """Whether ``text`` (no attachments) renders inert; cached, as a class's notebooks repeat
    the same Markdown (the assignment's own text) over and over."""
    return not active_parts(render_markdown(text, {}))


def render_markdown(text: str, attachments: dict) -> str:
    """``text`` rendered as nbconvert's HTML exporter renders a Markdown cell (an attachment
    missing stops that exporter too: counted as active, since the page would not render)."""
    renderer = IPythonRenderer(escape=False, attachments=attachments)
    try:
        return MarkdownWithMath(renderer=renderer).render(text)
    except Exception as error:  # noqa: BLE001 (anything that breaks the page)
        return f"<error reason={type(error).__name__!r}>"


def inert_markdown(text: str, attachments: dict | None = None) -> str:
    """Markdown ``text`` as written if its rendering is inert, else shown as plain text.

    Cleaning the text itself would escape every ``<`` of an honest proof's maths (``$0 < \\beta$``),
    so a text whose rendering holds anything active is fenced off as a code block instead:
    still readable for manual grading, never rendered."""
    if attachments:
        inert = not active_parts(render_markdown(text, attachments))
    else:
        inert = _renders_inert(text)
    if inert:
        return text
    fence = "~" * max(3, 1 + max((len(run) for run in re.findall(r"~+", text)), default=0))
    return f"{QUARANTINE_NOTE}\n\n{fence}text\n{text}\n{fence}\n"


def _base64(value) -> bool:
    """Strict base64 only: the value is pasted into an ``<img src="data:...">`` attribute."""
    try:
        base64.b64decode(re.sub(r"\s", "", _text(value)), validate=True)
    except (binascii.Error, TypeError, ValueError):
        return False
    return True


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def clean_data(data: dict) -> tuple[dict, list[str]]:
    """(the inert part of a mime bundle, the mime types dropped)."""
    kept, dropped = {}, []
    for mime, value in data.items():
        if mime == "text/plain":
            kept[mime] = _text(value)
        elif mime in RASTER_IMAGES and _base64(value):
            kept[mime] = _text(value)
        elif mime == "text/html":
            kept[mime] = clean_html(_text(value))
        else:
            dropped.append(mime)
    return kept, dropped


def clean_output(output) -> list:
    """The inert form of one student output (possibly nothing, or a note of what was removed)."""
    kind = output.get("output_type")
    if kind == "stream":
        name = output.get("name") if output.get("name") in ("stdout", "stderr") else "stdout"
        return [new_output("stream", name=name, text=_text(output.get("text", "")))]
    if kind == "error":
        return [
            new_output(
                "error",
                ename=_text(output.get("ename", "")),
                evalue=_text(output.get("evalue", "")),
                traceback=[_text(line) for line in output.get("traceback", [])],
            )
        ]
    if kind in ("execute_result", "display_data"):
        data, dropped = clean_data(output.get("data", {}))
        note = [_removed_note(dropped)] if dropped else []
        if not data:
            return note
        if kind == "execute_result":
            count = output.get("execution_count")
            return [new_output(kind, data=data, metadata={}, execution_count=count), *note]
        return [new_output(kind, data=data, metadata={}), *note]
    return [_removed_note([f"output type {kind!r}"])]


def _removed_note(dropped: list[str]):
    removed = ", ".join(sorted(map(str, dropped)))
    return new_output(
        "stream", name="stdout", text=f"[the grader removed output it does not show: {removed}]\n"
    )


def clean_cell(cell) -> None:
    """Make one cell inert in place (a no-op on autograded test cells: the grader's verdict)."""
    if cell.cell_type == "code":
        if not is_autograded_test(cell):
            outputs = cell.get("outputs", [])
            cell.outputs = [clean for output in outputs for clean in clean_output(output)]
        return
    if "attachments" in cell:
        cell.attachments = {
            name: {
                mime: value
                for mime, value in bundle.items()
                if mime in RASTER_ATTACHMENTS and _base64(value)
            }
            for name, bundle in cell.attachments.items()
        }
    if cell.cell_type == "markdown":
        cell.source = inert_markdown(_text(cell.source), cell.get("attachments"))
    elif active_parts(_text(cell.source)):  # a raw cell reaches HTML pages as it is
        cell.source = html.escape(_text(cell.source))


class SanitizeStudentContent(NbGraderPreprocessor):
    """Keep only inert content from the student: see the module's docstring."""

    def preprocess(self, nb, resources):
        for cell in nb.cells:
            clean_cell(cell)
        nb.metadata.pop("widgets", None)  # widget state is rendered by the widget manager's scripts
        return nb, resources
