"""Imported first by the long batch processes (``grade_class`` and its workers), before nbgrader.

jsonschema imports ``rfc3987_syntax`` when it is installed (jupyter-events asks for it) for its
``iri`` format checker, and that package builds a Lark grammar as it is imported: 1.1 to 1.4 s
of every process that imports nbformat. Nothing these processes validate (notebooks, nbgrader's
cell metadata) uses that format, so they do without it: jsonschema treats the package as absent.
"""

import sys

sys.modules.setdefault("rfc3987_syntax", None)
