"""Shared helpers for the notebook tests: discovery and one cached fast-mode execution."""

import json
import os
import re
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
EXECUTED = ROOT / "build" / "executed"
OUTCOMES = Path(__file__).resolve().parent / "outcomes"
NAME_RE = re.compile(r"^\d\d_[a-z0-9_]+\.ipynb$")
CHECK_MIME = "application/vnd.coursekit.check+json"

_executed = {}


def notebook_paths():
    """Source notebooks ``NN_tema.ipynb`` in order."""
    return sorted(p for p in NOTEBOOKS.glob("*.ipynb") if re.match(r"^\d\d_", p.name))


def read(path):
    return nbformat.read(str(path), as_version=4)


def execute_fast(path, out_dir=EXECUTED, **kwargs):
    """Execute a notebook in fast mode with papermill (once per session); return (nb, seconds)."""
    import papermill

    key = (str(path), str(out_dir))
    if key in _executed:
        return _executed[key]
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / Path(path).name
    env_before = os.environ.get("COURSEKIT_FAST")
    os.environ["COURSEKIT_FAST"] = "1"
    start = time.perf_counter()
    try:
        papermill.execute_notebook(
            str(path), str(out), kernel_name="python3", parameters={"FAST": True},
            cwd=str(NOTEBOOKS), progress_bar=False, log_output=False, **kwargs,
        )
    finally:
        if env_before is None:
            os.environ.pop("COURSEKIT_FAST", None)
        else:
            os.environ["COURSEKIT_FAST"] = env_before
    seconds = time.perf_counter() - start
    _executed[key] = (read(out), seconds)
    return _executed[key]


def thresholds(path):
    """Learning-outcome thresholds of a notebook (``tests/outcomes/NN_tema.json``)."""
    file = OUTCOMES / (Path(path).stem + ".json")
    return json.loads(file.read_text(encoding="utf-8")) if file.exists() else None


def check_outputs(nb):
    """The machine-readable results of every ``check(...)`` call in an executed notebook."""
    found = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if CHECK_MIME in data:
                payload = data[CHECK_MIME]
                found.append(json.loads(payload) if isinstance(payload, str) else payload)
    return found


def exercise_cells(nb, key):
    """Cells whose ``metadata.coursekit`` has ``key`` ("exercise" or "check")."""
    return [c for c in nb.cells if key in c.get("metadata", {}).get("coursekit", {})]
