"""graders/sanitize.py on its own: hostile spellings become inert, honest content is untouched.

The end-to-end check (a real autograde and feedback page opened by Chromium) is in
tests/test_sandbox_attacks.py; this covers more spellings of each class quickly."""

import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_output, new_raw_cell

from graders.sanitize import active_parts, clean_cell, clean_html, inert_markdown, render_markdown

HOSTILE_HTML = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=x OnError=alert(1)>",
    "<a href='javascript:alert(1)'>x</a>",
    "<a href=' JaVaScRiPt:alert(1)'>x</a>",
    "<a href='&#106;avascript:alert(1)'>x</a>",
    "<svg onload=alert(1)></svg>",
    "<svg><script>alert(1)</script></svg>",
    "<iframe srcdoc='<script>parent.alert(1)</script>'></iframe>",
    "<meta http-equiv='refresh' content='0;url=javascript:alert(1)'>",
    "<details open ontoggle=alert(1)>x</details>",
    "<object data='javascript:alert(1)'></object>",
    "<form action='javascript:alert(1)'><button>go</button></form>",
    "<body onload=alert(1)>",
    "<p style='background:url(javascript:alert(1))'>x</p>",
    "<base href='javascript:alert(1)//'>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
]
HOSTILE_MARKDOWN = HOSTILE_HTML + [
    "[click](javascript:alert(1))",
    "[click](JAVASCRIPT:alert(1))",
    "<javascript:alert(1)>",
    "[r]: javascript:alert(1)\n\nsee [r]",
    "![x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "| a |\n|:--|\n| <img src=x onerror=alert(1)> |",
]
HONEST_MARKDOWN = [
    "By linearity $E[m^{k+1}] = \\beta E[m^k] + (1-\\beta)\\mu$, and $0 < \\beta < 1$, so $a<b$.",
    "$$\\frac{a<b}{c} \\quad x_{i} > 0$$",
    "# Proof\n\n1. first\n2. second\n\n- item\n> quote\n\n`code <x>` and **bold** _em_",
    "| a | b |\n|:--|--:|\n| 1 | 2 |",
    "[a link](https://example.org) and <https://example.org> and [mail](mailto:a@b.c)",
    "Inline <b>bold</b>, <i>it</i>, <sub>1</sub><sup>2</sup>.",
]


@pytest.mark.parametrize("markup", HOSTILE_HTML)
def test_hostile_html_output_is_cleaned(markup):
    assert not active_parts(clean_html(markup)), clean_html(markup)


@pytest.mark.parametrize("text", HOSTILE_MARKDOWN)
def test_hostile_markdown_is_shown_as_text(text):
    shown = inert_markdown(text)
    assert shown != text
    assert not active_parts(render_markdown(shown, {})), render_markdown(shown, {})


@pytest.mark.parametrize("text", HONEST_MARKDOWN)
def test_honest_markdown_is_left_as_written(text):
    assert inert_markdown(text) == text


def test_outputs_keep_only_inert_types_and_no_metadata():
    forged = {"graders": {"checks": [{"check": "x", "points": 1, "earned": 1}]}}
    cell = new_code_cell(
        "x",
        outputs=[
            new_output(
                "display_data",
                data={
                    "text/plain": "a",
                    "application/javascript": "alert(1)",
                    "image/svg+xml": "<svg onload=alert(1)/>",
                },
                metadata=forged,
            ),
            new_output(
                "execute_result",
                data={"text/plain": "3.0", "text/html": "<img src=x onerror=a()>"},
                metadata=forged,
                execution_count=1,
            ),
            new_output("display_data", data={"image/png": 'AAAA" onerror="alert(1)'}),
            new_output(
                "display_data", data={"application/vnd.jupyter.widget-view+json": {"model_id": "m"}}
            ),
            new_output("stream", name="stdout", text="printed\n"),
        ],
    )
    clean_cell(cell)
    assert all(not output.get("metadata") for output in cell.outputs)
    kept = {mime for output in cell.outputs for mime in output.get("data", {})}
    assert kept == {"text/plain", "text/html"}
    assert "onerror" not in str(cell.outputs)
    notes = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
    assert "printed" in notes and "application/javascript" in notes and "image/png" in notes


def test_the_graders_own_test_cell_is_left_alone():
    verdict = new_output(
        "execute_result",
        data={"text/plain": "2.0"},
        execution_count=None,
        metadata={"graders": {"checks": []}},
    )
    cell = new_code_cell("", outputs=[verdict])
    cell.metadata["nbgrader"] = {"grade": True, "solution": False, "grade_id": "t", "points": 2}
    clean_cell(cell)
    assert cell.outputs == [verdict]


def test_raw_html_cells_and_attachments_are_made_inert():
    raw = new_raw_cell("<script>alert(1)</script>")
    raw.metadata["format"] = "text/html"
    clean_cell(raw)
    assert "<script>" not in raw.source
    note = new_markdown_cell("![x](attachment:x.svg)")
    note["attachments"] = {"x.svg": {"image/svg+xml": "<svg onload=alert(1)/>"}}
    clean_cell(note)
    assert note.attachments == {"x.svg": {}}
    assert not active_parts(render_markdown(note.source, note.attachments))
