"""Two gradebook sessions in separate processes, for tests/test_grade_class.py.

Kept apart from the test module so that the spawned processes import only nbgrader and the
lock, not the test's own imports (torch, the graders).
"""

import time
from pathlib import Path


def hold_write_lock(db_url: str, locked: bool, ready: str, seconds: float) -> None:
    """Keep an SQLite write transaction open for ``seconds`` inside one Gradebook session."""
    from nbgrader.api import Gradebook
    from sqlalchemy import text

    from coursepack import gradebook_lock

    if locked:
        gradebook_lock.install()
    with Gradebook(db_url, "dnn-math") as gradebook:
        gradebook.update_or_create_student("holder")
        gradebook.db.execute(text("UPDATE student SET first_name = 'busy' WHERE id = 'holder'"))
        Path(ready).touch()
        time.sleep(seconds)
        gradebook.db.commit()


def write_student(db_url: str, locked: bool, ready: str, result: str) -> None:
    from nbgrader.api import Gradebook

    from coursepack import gradebook_lock

    if locked:
        gradebook_lock.install()
    while not Path(ready).exists():
        time.sleep(0.05)
    try:
        with Gradebook(db_url, "dnn-math") as gradebook:
            gradebook.update_or_create_student("writer")
        Path(result).write_text("ok")
    except Exception as error:  # noqa: BLE001 - reported to the test
        Path(result).write_text(f"{type(error).__name__}: {error}")
