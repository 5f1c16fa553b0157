"""Maths in the feedback HTML without the internet: LaTeX turned into MathML, which browsers
render natively, when ``nbgrader generate_feedback`` runs.

nbgrader's feedback page loads MathJax from a CDN, so offline its LaTeX shows raw, and the
feedback folder may hold no extra files (such as a MathJax copy). This preprocessor (listed in
``GenerateFeedback.preprocessors``) converts every ``$...$``/``$$...$$`` of the Markdown cells
and of the grader's comments into inline ``<math>`` with latex2mathml; what it cannot convert
stays as LaTeX. The MathML's text is entity-escaped so the Markdown renderer that follows
cannot read ``*``, ``_`` or ``$`` in it as Markdown.
"""

import functools
import html
import re

import bleach
from latex2mathml.converter import convert
from nbgrader.preprocessors import NbGraderPreprocessor

from coursepack.proof_grading.render import replace_maths

MARKDOWN_CHARACTERS = {c: f"&#{ord(c)};" for c in "*_`$\\[]~|"}
MATHML_TAGS = {
    "math",
    "semantics",
    "annotation",
    "mrow",
    "mi",
    "mn",
    "mo",
    "ms",
    "mtext",
    "mspace",
    "msub",
    "msup",
    "msubsup",
    "munder",
    "mover",
    "munderover",
    "mmultiscripts",
    "mprescripts",
    "none",
    "mfrac",
    "msqrt",
    "mroot",
    "mstyle",
    "mpadded",
    "mphantom",
    "menclose",
    "merror",
    "mfenced",
    "mtable",
    "mtr",
    "mtd",
    "mlabeledtr",
}
MATHML_ATTRIBUTES = [
    "xmlns",
    "display",
    "mathvariant",
    "stretchy",
    "fence",
    "separator",
    "lspace",
    "rspace",
    "width",
    "height",
    "depth",
    "linethickness",
    "displaystyle",
    "scriptlevel",
    "columnalign",
    "rowspacing",
    "columnspacing",
    "columnlines",
    "rowlines",
    "frame",
    "notation",
    "accent",
    "accentunder",
    "movablelimits",
    "open",
    "close",
    "separators",
    "minsize",
    "maxsize",
    "symmetric",
    "largeop",
    "encoding",
    "form",
]


@functools.lru_cache(maxsize=8192)
def to_mathml(latex_with_delimiters: str) -> str:
    """MathML for one ``$...$``-delimited formula, or the formula unchanged if it cannot be read
    (cached: a class's feedback repeats the assignment's own formulas in every notebook)."""
    block = latex_with_delimiters.startswith(("$$", "\\["))
    latex = (
        latex_with_delimiters[2:-2]
        if block or latex_with_delimiters.startswith("\\(")
        else latex_with_delimiters[1:-1]
    )
    try:
        mathml = convert(latex.strip(), display="block" if block else "inline")
    except Exception:  # latex2mathml raises many kinds on LaTeX it does not know
        return latex_with_delimiters
    # \\text{...} is copied into the MathML as is: keep MathML elements only (no script, no handler)
    mathml = bleach.clean(
        mathml.replace("\n", " "), tags=MATHML_TAGS, attributes={"*": MATHML_ATTRIBUTES}, strip=True
    )
    return re.sub(
        r">([^<]+)<",
        lambda m: ">" + "".join(MARKDOWN_CHARACTERS.get(c, c) for c in m[1]) + "<",
        mathml,
    )


def latex_to_mathml(markdown: str) -> str:
    return replace_maths(markdown, lambda formula: to_mathml(html.unescape(formula)))


class MathMLFeedback(NbGraderPreprocessor):
    """LaTeX of Markdown cells and grader comments to MathML, for feedback read offline."""

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "markdown":
            cell.source = latex_to_mathml(cell.source)
        grading = cell.metadata.get("nbgrader", {})
        if grading.get("comment"):
            grading["comment"] = latex_to_mathml(grading["comment"])
        return cell, resources
