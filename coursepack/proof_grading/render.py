"""A student's Markdown as HTML safe to show in the TA's browser, its LaTeX left for MathJax.

Student text is hostile. Its maths (``$...$``, ``$$...$$``, ``\\(...\\)``, ``\\[...\\]``) is set
aside first, so neither Markdown nor the sanitiser mangles it (``_``, ``*``, ``<``); nbconvert's
Markdown renderer turns the rest into HTML; bleach keeps only an allow-list of tags and
attributes: no script, no event handler, no style, no iframe, no image (an image URL would also
make the offline page fetch from the internet), and links only to http, https and mailto. The
maths goes back HTML-escaped (once, also where the autograde's sanitiser already wrote ``&lt;``),
as text for MathJax to typeset.
"""

import html
import re

import bleach
from nbconvert.filters.markdown_mistune import markdown2html_mistune

TAGS = {
    "p",
    "br",
    "hr",
    "em",
    "strong",
    "b",
    "i",
    "u",
    "s",
    "del",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "a",
    "span",
    "div",
    "sub",
    "sup",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ATTRIBUTES = {"a": ["href", "title"], "th": ["align"], "td": ["align"]}
PROTOCOLS = {"http", "https", "mailto"}
CODE = r"(?P<code>(?P<fence>```+|~~~+).*?(?P=fence)|`[^`\n]*`)"  # maths inside code is code
MATH = r"(?<!\\)\$\$.+?(?<!\\)\$\$|(?<![\\$])\$[^$\n]+?(?<!\\)\$|\\\[.+?\\\]|\\\(.+?\\\)"
CODE_OR_MATH = re.compile(f"{CODE}|{MATH}", re.DOTALL)
PLACEHOLDER = "PGMATH{}X"


def replace_maths(markdown: str, replace) -> str:
    """``markdown`` with each formula (delimiters included) replaced by ``replace(formula)``."""
    return CODE_OR_MATH.sub(lambda m: m[0] if m["code"] else replace(m[0]), markdown)


def safe_markdown(source: str) -> str:
    """Sanitised HTML of Markdown ``source``, with its LaTeX as escaped text."""
    maths = []

    def set_aside(formula):
        maths.append(formula)
        return PLACEHOLDER.format(len(maths) - 1)

    text = replace_maths(source.replace("PGMATH", "PG MATH"), set_aside)
    clean = bleach.clean(
        markdown2html_mistune(text),
        tags=TAGS,
        attributes=ATTRIBUTES,
        protocols=PROTOCOLS,
        strip=True,
        strip_comments=True,
    )
    # unescape first: autograde's sanitiser may already have written ``<`` as ``&lt;``
    return re.sub(
        r"PGMATH(\d+)X", lambda m: html.escape(html.unescape(maths[int(m[1])]), quote=False), clean
    )
