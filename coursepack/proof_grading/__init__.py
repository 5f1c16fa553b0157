"""The proof-grading page: one proof cell of one assignment across every submission, graded
with the rubric of the source notebook (docs/proof_grading.md).

A Jupyter server extension. It serves only where nbgrader's formgrader runs (an instructor's
server) and uses formgrader's course, gradebook and login; enabling it is in the venv's
jupyter_server_config.d, written by ``python -m coursepack.proof_grading.install``.
"""

from coursepack.proof_grading import formgrader_integration, handlers

FORMGRADER = "nbgrader.server_extensions.formgrader"


def _jupyter_server_extension_points():
    return [{"module": "coursepack.proof_grading"}]


def _formgrader_enabled(serverapp) -> bool:
    return bool(serverapp.jpserver_extensions.get(FORMGRADER))


def _load_jupyter_server_extension(serverapp):
    if not _formgrader_enabled(serverapp):
        serverapp.log.info("proof grading: formgrader is not enabled here, the page is not served")
        return
    base_url = serverapp.web_app.settings["base_url"]
    serverapp.web_app.add_handlers(".*$", handlers.handlers(base_url))
    serverapp.log.info("proof grading: serving %sproof_grading/", base_url)


async def _start_jupyter_server_extension(serverapp):
    """After every extension has loaded: formgrader's settings exist now."""
    settings = serverapp.web_app.settings
    if not (_formgrader_enabled(serverapp) and "nbgrader_exporter" in settings):
        return
    try:
        formgrader_integration.integrate(
            settings, formgrader_integration.mathjax_url(settings["base_url"])
        )
    except Exception:  # formgrader keeps working, with its CDN MathJax and without the menu entry
        serverapp.log.exception("proof grading: could not adapt formgrader")
