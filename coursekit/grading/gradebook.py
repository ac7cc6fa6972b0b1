"""Grades on disk: one state file per finished submission, and the gradebook built from them.

* ``.estado/<alumno>.json``: written once per graded submission (temp file, fsync,
  ``os.replace``), so a run killed at any moment loses at most the submissions in
  flight. It holds the cache key; a restart skips every submission whose key matches.
* ``calificaciones.csv`` / ``calificaciones.json``: regenerated from the state files
  (at checkpoints and at the end), also atomically. One row per submission, always.

CSV: UTF-8 with BOM (Excel detects the encoding; LibreOffice and Moodle ignore the
BOM), comma separator and decimal point by default; ``--separador ';'`` writes
semicolons and decimal commas for a Spanish-locale Excel.
"""

import csv
import hashlib
import inspect
import io
import json
import os
import re
import tempfile
from pathlib import Path

import coursekit

STATE_DIR = ".estado"
CSV_NAME = "calificaciones.csv"
JSON_NAME = "calificaciones.json"
REPORTS_DIR = "informes"
STATE_VERSION = 1


def atomic_write(path: Path, data: bytes, mode: int = 0o600):
    """Write ``data`` to ``path`` so readers see the old file or the new one, never a mix."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    try:
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError:
        pass


_HASHED = re.compile(r"-[0-9a-f]{12}$")


def safe_name(student: str) -> str:
    """File-system-safe name for a student id, different for different ids.

    A name made only of ``A-Za-z0-9._-`` stays as it is; any other (and any that looks like
    the result of this function) gets its readable part plus 12 hex digits of its hash.
    """
    clean = re.sub(r"[^A-Za-z0-9._-]+", "_", student).strip("._")[:80] or "alumno"
    if clean != student or _HASHED.search(student):
        clean += "-" + hashlib.sha256(student.encode("utf-8", "surrogateescape")).hexdigest()[:12]
    return clean


def display_name(raw: str) -> str:
    """A student id as people read it: bytes that are not UTF-8 shown as �, control characters escaped."""
    text = raw.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text)


def _definition_files(exercise) -> set:
    files = set()

    def add(obj):
        code = getattr(obj, "__code__", None)
        if code is not None:
            files.add(code.co_filename)
        elif inspect.isclass(obj):
            try:
                files.add(inspect.getsourcefile(obj))
            except (TypeError, OSError):
                pass

    add(type(exercise))
    for value in vars(exercise).values():
        items = value if isinstance(value, (list, tuple)) else (value.values() if isinstance(value, dict) else [value])
        for item in items:
            add(item)
            add(getattr(item, "fn", None))
    return {f for f in files if f and os.path.isfile(f)}


def definition_files(exercises) -> list:
    """Source files that define these exercises (their checks, references, mistakes)."""
    files = set()
    for exercise in exercises:
        files |= _definition_files(exercise)
    return sorted(files)


def fingerprint(exercises, config: dict) -> str:
    """Hash of what decides a grade besides the submission: definitions, grader code, config."""
    h = hashlib.sha256()
    h.update(f"coursekit {coursekit.__version__} state {STATE_VERSION}\n".encode())
    h.update(json.dumps(config, sort_keys=True, default=str).encode())
    for exercise in exercises:
        h.update(json.dumps([exercise.id, exercise.title, exercise.points, exercise.target,
                             type(exercise).__name__]).encode())
    package = Path(coursekit.__file__).parent
    sources = set(definition_files(exercises))
    sources |= {str(p) for p in (package / "exercises").glob("*.py")}
    sources |= {str(p) for p in (package / "grading").glob("*.py")}
    sources |= {str(p) for p in (package / "locales").glob("*/*.json")}
    for path in sorted(sources):
        h.update(path.encode())
        h.update(Path(path).read_bytes())
    return h.hexdigest()


def cache_key(submission_bytes: bytes, fp: str) -> str:
    return hashlib.sha256(hashlib.sha256(submission_bytes).digest() + fp.encode()).hexdigest()


class StateStore:
    """The ``.estado`` folder of an output directory."""

    def __init__(self, out_dir: Path):
        self.dir = Path(out_dir) / STATE_DIR
        self.dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        for stale in self.dir.glob(".*.tmp"):  # left by a run killed mid-write
            stale.unlink(missing_ok=True)

    def path(self, student: str) -> Path:
        return self.dir / f"{safe_name(student)}.json"

    def load(self, student: str):
        try:
            data = json.loads(self.path(student).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) and data.get("student") == student else None

    def save(self, record: dict):
        data = json.dumps(record, ensure_ascii=False, indent=1).encode("utf-8")
        atomic_write(self.path(record["student"]), data)


def _number(value: float, decimal: str) -> str:
    text = f"{value:.4f}".rstrip("0").rstrip(".") or "0"
    return text.replace(".", decimal)


def _cell(text: str) -> str:
    """Keep spreadsheets from reading a cell as a formula."""
    text = str(text)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def build_csv(records, exercises, separator=",") -> bytes:
    decimal = "," if separator == ";" else "."
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=separator, lineterminator="\r\n")
    writer.writerow(["alumno"] + [e.id for e in exercises] + ["total", "maximo", "estado", "motivo"])
    for rec in records:
        scores = {e["id"]: e["score"] for e in rec["exercises"]}
        writer.writerow(
            [_cell(rec["student"])]
            + [_number(scores.get(e.id, 0.0), decimal) for e in exercises]
            + [_number(rec["total"], decimal), _number(rec["max"], decimal), rec["status_label"], _cell(rec["reason"])]
        )
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def build_json(records, exercises, meta: dict) -> bytes:
    doc = {
        **meta,
        "ejercicios": [{"id": e.id, "titulo": e.title, "puntos": e.points} for e in exercises],
        "alumnos": [
            {
                "alumno": r["student"],
                "archivo": r.get("file"),
                "estado": r["status"],
                "estado_texto": r["status_label"],
                "motivo": r["reason"],
                "total": r["total"],
                "maximo": r["max"],
                "ejercicios": [
                    {"id": e["id"], "estado": e["status"], "puntos": e["score"], "maximo": e["points"],
                     "comentarios": e["feedback"]}
                    for e in r["exercises"]
                ],
                "avisos": r.get("notes", []),
                "segundos": r.get("seconds"),
            }
            for r in records
        ],
    }
    return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")


def write_gradebook(out_dir: Path, records, exercises, meta: dict, separator=","):
    """(Re)write the CSV and JSON gradebook atomically from ``records`` (sorted by student)."""
    records = sorted(records, key=lambda r: r["student"])
    atomic_write(Path(out_dir) / CSV_NAME, build_csv(records, exercises, separator), 0o600)
    atomic_write(Path(out_dir) / JSON_NAME, build_json(records, exercises, meta), 0o600)
