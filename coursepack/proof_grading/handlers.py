"""The page's HTTP handlers, served by the instructor's ``jupyter lab`` beside formgrader.

Every handler requires the server's login (``web.authenticated``, like formgrader's), the API
checks the XSRF token on writes (``APIHandler``), and the course comes from formgrader's own
settings: same nbgrader config, same gradebook, and nothing is served where formgrader is not.
"""

import json
from dataclasses import asdict
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from jupyter_server.base.handlers import APIHandler, AuthenticatedFileHandler, JupyterHandler
from jupyter_server.utils import url_path_join
from tornado import web

from coursepack.proof_grading import formgrader_integration
from coursepack.proof_grading.grading import ProofGrading, score_of
from coursepack.proof_grading.render import safe_markdown
from coursepack.proof_grading.rubric import RubricError, proof_cells
from coursepack.proof_grading.store import Applied, CellKey, StaleGrade

HERE = Path(__file__).resolve().parent
TEMPLATES = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape())
MATHJAX_URL = formgrader_integration.mathjax_url
NAME = r"([A-Za-z0-9_.\-]+)"


class CourseMixin:
    @property
    def grading(self) -> ProofGrading:
        formgrader = self.settings.get("nbgrader_formgrader")
        if formgrader is None:
            raise web.HTTPError(404, "formgrader is not enabled on this server")
        if "proof_grading" not in self.settings:
            course = formgrader.coursedir
            self.settings["proof_grading"] = ProofGrading(
                Path(course.root), course.db_url, course.course_id
            )
        return self.settings["proof_grading"]

    @property
    def grader_name(self) -> str:
        user = self.current_user
        return getattr(user, "name", None) or getattr(user, "username", None) or str(user)


class PageHandler(CourseMixin, JupyterHandler):
    def page(self, template: str, **context):
        base = self.base_url.rstrip("/")  # "" at the server's root: links are base + "/..."
        self.write(
            TEMPLATES.get_template(template).render(
                base_url=base,
                xsrf=self.xsrf_token.decode(),
                mathjax_url=MATHJAX_URL(self.base_url),
                static=f"{base}/proof_grading/static",
                **context,
            )
        )


class IndexHandler(PageHandler):
    """Every proof cell of every assignment with source notebooks, with its progress."""

    @web.authenticated
    def get(self):
        cells, errors = [], []
        for path in sorted((self.grading.root / "source").glob("*/*.ipynb")):
            try:
                for cell in proof_cells(path):
                    key = CellKey(path.parent.name, path.stem, cell)
                    cells.append((key, *self.grading.progress(key)))
            except RubricError as error:  # one broken rubric does not hide the other cells
                errors.append(f"{path.parent.name}/{path.name}: {error}")
        self.page("index.html", cells=cells, errors=errors)


class CellPageHandler(PageHandler):
    @web.authenticated
    def get(self, assignment, notebook, cell):
        self.page("grade.html", key=CellKey(assignment, notebook, cell))


class CellApiHandler(CourseMixin, APIHandler):
    """The rubric and every submission of one proof cell."""

    @web.authenticated
    def get(self, assignment, notebook, cell):
        key = CellKey(assignment, notebook, cell)
        rubric = self._rubric(key)
        self.finish(
            json.dumps(
                {
                    "cell": cell,
                    "points": rubric.points,
                    "items": [
                        dict(asdict(item), html=safe_markdown(item.text)) for item in rubric.items
                    ],
                    "submissions": [
                        dict(asdict(s), applied=asdict(s.applied))
                        for s in self.grading.submissions(key)
                    ],
                }
            )
        )

    def _rubric(self, key: CellKey):
        try:
            return self.grading.rubric(key)
        except (FileNotFoundError, KeyError):
            raise web.HTTPError(404, f"no proof cell {key.cell} in {key.notebook}")
        except RubricError as error:
            raise web.HTTPError(500, str(error))


class GradeApiHandler(CellApiHandler):
    """Save one submission's grading: 409 with the other TA's grading if it went stale."""

    @web.authenticated
    def put(self, assignment, notebook, cell, student):
        key = CellKey(assignment, notebook, cell)
        body = self.get_json_body() or {}
        try:
            new = Applied(
                student,
                [int(i) for i in body.get("items", [])],
                float(body.get("adjustment") or 0),
                str(body.get("comment", "")),
            )
            saved, score = self.grading.save(
                key, new, int(body.get("version", 0)), self.grader_name
            )
        except StaleGrade as stale:
            self.set_status(409)
            rubric = self._rubric(key)
            self.finish(
                json.dumps(
                    {
                        "message": str(stale),
                        "applied": asdict(stale.current),
                        "score": score_of(rubric, stale.current),
                    }
                )
            )
            return
        except (TypeError, ValueError) as error:
            raise web.HTTPError(400, str(error))
        self.finish(json.dumps({"applied": asdict(saved), "score": score}))


class ItemApiHandler(CellApiHandler):
    """How many submissions have an item (GET), and editing it with re-scoring (PUT)."""

    @web.authenticated
    def get(self, assignment, notebook, cell, item):
        count = self.grading.count_with_item(CellKey(assignment, notebook, cell), int(item))
        self.finish(json.dumps({"count": count}))

    @web.authenticated
    def put(self, assignment, notebook, cell, item):
        body = self.get_json_body() or {}
        try:
            rescored = self.grading.edit_item(
                CellKey(assignment, notebook, cell),
                int(item),
                float(body["points"]),
                str(body["text"]),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise web.HTTPError(400, str(error))
        self.finish(json.dumps({"rescored": rescored}))


def handlers(base_url: str) -> list:
    cell = f"{NAME}/{NAME}/{NAME}"
    routes = [
        (r"/proof_grading/?", IndexHandler),
        (rf"/proof_grading/grade/{cell}", CellPageHandler),
        (rf"/proof_grading/api/{cell}", CellApiHandler),
        (rf"/proof_grading/api/{cell}/students/{NAME}", GradeApiHandler),
        (rf"/proof_grading/api/{cell}/items/(\d+)", ItemApiHandler),
        (r"/proof_grading/static/(.*)", AuthenticatedFileHandler, {"path": str(HERE / "static")}),
    ]
    return [(url_path_join(base_url, route[0]), *route[1:]) for route in routes]
