"""Enable the proof-grading page in this venv's ``jupyter lab`` (run by ``make``'s install step).

Writes the venv shim (venv_shim.py) into site-packages and enables it in the venv's
``etc/jupyter/jupyter_server_config.d``, as a pip-installed server extension would be.
"""

import json
import shutil
import sys
import sysconfig
from pathlib import Path

MODULE = "coursepack_proof_grading"


def install(prefix: Path = Path(sys.prefix)) -> list[Path]:
    site = Path(sysconfig.get_path("purelib", vars={"base": str(prefix)}))
    shim = site / f"{MODULE}.py"
    shutil.copy(Path(__file__).with_name("venv_shim.py"), shim)
    config = prefix / "etc" / "jupyter" / "jupyter_server_config.d" / f"{MODULE}.json"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(
        json.dumps({"ServerApp": {"jpserver_extensions": {MODULE: True}}}, indent=2) + "\n"
    )
    return [shim, config]


if __name__ == "__main__":
    for path in install():
        print(f"wrote {path}")
