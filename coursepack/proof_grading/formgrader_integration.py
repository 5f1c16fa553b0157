"""Two changes to the running formgrader, made once at server start, none in site-packages.

- Offline maths: formgrader's notebook view calls nbconvert's ``mathjax()`` macro with its
  default, MathJax 2 from cdnjs (formgrade.js needs MathJax 2's ``MathJax.Hub``). An extra
  Jinja loader in front of formgrader's exporter supplies that macro with the local copy that
  ``jupyter_server_mathjax`` serves (which ships the STIX-Web fonts only, hence the font
  settings, as the classic notebook had them).
- A "Proof grading" entry under formgrader's menu (the pages' left column), added to
  formgrader's ``base.tpl`` after its sidebar block, so the pages overriding that block keep it.
"""

import logging

from jinja2 import ChoiceLoader, DictLoader
from jupyter_server.utils import url_path_join

log = logging.getLogger(__name__)

MATHJAX_MACRO = """{%- macro mathjax(url=None) -%}
<script type="text/x-mathjax-config">
MathJax.Hub.Config({
  tex2jax: {inlineMath: [['$', '$'], ['\\\\(', '\\\\)']],
            displayMath: [['$$', '$$'], ['\\\\[', '\\\\]']],
            processEscapes: true, processEnvironments: true},
  displayAlign: 'center', messageStyle: 'none',
  'HTML-CSS': {availableFonts: [], imageFont: null, preferredFont: null, webFont: 'STIX-Web'}
});
</script>
<script src="LOCAL_URL"></script>
{%- endmacro %}
"""
SIDEBAR_END = "{%- endblock -%}\n        </ul>"
SIDEBAR_LINK = (
    '{%- endblock -%}\n          <li role="presentation" id="proof-grading-link">'
    '<a href="{{ base_url }}/proof_grading/">Proof grading</a></li>\n        </ul>'
)


def local_mathjax_loader(mathjax_url: str) -> DictLoader:
    """A loader whose ``mathjax.html.j2`` loads MathJax from ``mathjax_url``."""
    return DictLoader({"mathjax.html.j2": MATHJAX_MACRO.replace("LOCAL_URL", mathjax_url)})


def sidebar_loader(original) -> DictLoader | None:
    """formgrader's ``base.tpl`` with the Proof grading entry, or None if its layout changed."""
    source = original.get_source(None, "base.tpl")[0]
    if source.count(SIDEBAR_END) != 1:
        log.warning("formgrader's base.tpl changed: no 'Proof grading' entry in its menu")
        return None
    return DictLoader({"base.tpl": source.replace(SIDEBAR_END, SIDEBAR_LINK)})


def integrate(settings: dict, mathjax_url: str) -> None:
    exporter = settings["nbgrader_exporter"]
    exporter.extra_loaders = [local_mathjax_loader(mathjax_url), *exporter.extra_loaders]
    exporter._invalidate_environment_cache()  # the loaders are read when the environment is made
    jinja = settings["nbgrader_jinja2_env"]
    link = sidebar_loader(jinja.loader)
    if link is not None:
        jinja.loader = ChoiceLoader([link, jinja.loader])
        if jinja.cache is not None:
            jinja.cache.clear()


def mathjax_url(base_url: str) -> str:
    return url_path_join(
        base_url, "static/jupyter_server_mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,Safe"
    )
