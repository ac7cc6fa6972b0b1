"""The learner's workspace (``coursekit espacio``): a personal copy of the student edition.

``make lab`` calls it before opening JupyterLab in ``mi-curso/``. The first time it copies
the student edition there. Later (after ``git pull``) it brings what changed without
ever overwriting the learner's work:

* a notebook the learner has not edited (same cell sources as when it was delivered) is
  replaced by the new version;
* a notebook the learner edited stays as it is, and the new version is written beside it
  as ``NN_tema (versión AAAA-MM-DD).ipynb``;
* new notebooks and course files (the glossary) are added.

``.curso/entregado.json`` remembers, per file, a fingerprint of the cell sources that
were delivered, so "edited" means "the learner changed a cell", not "ran it".
"""

import datetime
import hashlib
import json
import shutil
import sys
import tempfile
from pathlib import Path

from coursekit.messages import msg

DEFAULT_DIR = "mi-curso"
STATE = Path(".curso") / "entregado.json"
LAB_SETTINGS = {
    # The glossary and other Markdown files open rendered, not in the text editor.
    "@jupyterlab/docmanager-extension:plugin": {"defaultViewers": {"markdown": "Markdown Preview"}},
    # No "would you like to receive news?" prompt for an offline learner.
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
}


def fingerprint(path: Path) -> str:
    """Hash of what a learner writes: cell types and sources (not outputs or metadata)."""
    data = path.read_bytes()
    if path.suffix != ".ipynb":
        return hashlib.sha256(data).hexdigest()
    try:
        nb = json.loads(data.decode("utf-8"))
        cells = [(c.get("cell_type"), "".join(c.get("source", ""))) for c in nb.get("cells", [])]
    except (ValueError, UnicodeDecodeError, AttributeError, TypeError):
        return "ilegible:" + hashlib.sha256(data).hexdigest()
    return hashlib.sha256(json.dumps(cells, ensure_ascii=False).encode("utf-8")).hexdigest()


def _beside(path: Path, today: str) -> Path:
    """``NN_tema (versión 2026-12-01).ipynb``, numbered if that name is taken."""
    candidate = path.with_name(f"{path.stem} (versión {today}){path.suffix}")
    n = 2
    while candidate.exists():
        candidate = path.with_name(f"{path.stem} (versión {today}, {n}){path.suffix}")
        n += 1
    return candidate


def _write_atomic(path: Path, data: bytes):
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def sync(edition_dir: Path, workspace: Path, today: str = None) -> dict:
    """Bring the files of ``edition_dir`` into ``workspace``; return what happened to each."""
    today = today or datetime.date.today().isoformat()
    workspace.mkdir(parents=True, exist_ok=True)
    state_path = workspace / STATE
    try:
        delivered = json.loads(state_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        delivered = {}
    report = {"nuevos": [], "actualizados": [], "junto_al_tuyo": [], "sin_cambios": []}
    for source in sorted(p for p in edition_dir.iterdir() if p.is_file()):
        target = workspace / source.name
        new_print = fingerprint(source)
        if not target.exists():
            _write_atomic(target, source.read_bytes())
            report["nuevos"].append(source.name)
        elif new_print == delivered.get(source.name) or new_print == fingerprint(target):
            report["sin_cambios"].append(source.name)
        elif fingerprint(target) == delivered.get(source.name):  # untouched by the learner
            _write_atomic(target, source.read_bytes())
            report["actualizados"].append(source.name)
        else:  # the learner's work stays; the new version goes beside it
            copy = _beside(target, today)
            _write_atomic(copy, source.read_bytes())
            report["junto_al_tuyo"].append((source.name, copy.name))
        delivered[source.name] = new_print
    state_path.parent.mkdir(parents=True, exist_ok=True)
    _write_atomic(state_path, json.dumps(delivered, indent=1, sort_keys=True).encode("utf-8"))
    return report


def prepare(course_notebooks="notebooks", workspace=DEFAULT_DIR, today=None) -> dict:
    """Build the student edition of ``course_notebooks`` and sync it into ``workspace``."""
    from coursekit.editions import STUDENT_DIR, build_editions

    with tempfile.TemporaryDirectory(prefix="coursekit-espacio-") as tmp:
        build_editions(course_notebooks, tmp)
        return sync(Path(tmp) / STUDENT_DIR, Path(workspace), today)


def summary(report: dict, workspace) -> str:
    """Spanish summary for the terminal."""
    lines = [msg("workspace.where", path=workspace)]
    if report["nuevos"]:
        lines.append(msg("workspace.new", files=", ".join(report["nuevos"])))
    if report["actualizados"]:
        lines.append(msg("workspace.updated", files=", ".join(report["actualizados"])))
    for name, copy in report["junto_al_tuyo"]:
        lines.append(msg("workspace.beside", name=name, copy=copy))
    if not (report["nuevos"] or report["actualizados"] or report["junto_al_tuyo"]):
        lines.append(msg("workspace.nothing_new"))
    return "\n".join(lines)


def write_lab_settings(prefix=None):
    """JupyterLab settings of this environment (``share/jupyter/lab/settings/overrides.json``)."""
    folder = Path(prefix or sys.prefix) / "share" / "jupyter" / "lab" / "settings"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "overrides.json"
    try:
        current = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        current = {}
    current.update(LAB_SETTINGS)
    _write_atomic(path, json.dumps(current, indent=2).encode("utf-8"))
    return path


def add_arguments(parser):
    """Options of ``coursekit espacio``."""
    parser.add_argument("--origen", default="notebooks", help=msg("workspace.cli.source"))
    parser.add_argument("--destino", default=DEFAULT_DIR, help=msg("workspace.cli.dest"))


def run(args) -> int:
    """Create or update the workspace and print what changed."""
    from coursekit.editions import EditionError

    try:
        report = prepare(args.origen, args.destino)
    except EditionError as err:
        print(msg("editions.failed", error=err), file=sys.stderr)
        return 1
    write_lab_settings()
    print(summary(report, args.destino))
    return 0
