"""Shared helpers for the notebook tests: discovery, ONE fast-mode execution per notebook and
edition per test run, and the nbval-style comparison of the cells marked for it.

Each source notebook (and its student edition) is executed once per run of the suite, whatever
the number of pytest-xdist workers: :func:`execute` keeps the result in memory, and on disk under
``build/executed/`` keyed by the run id (``COURSEKIT_TEST_RUN``, set once by the controller in
``conftest.py``) behind a file lock, so a second worker asking for the same notebook reads the
first one's execution instead of running it again. Every execution appends one line to
``build/executed/ejecuciones.jsonl``; ``conftest.py`` reads it at the end of the session and fails
the run if any notebook was executed twice.
"""

import contextlib
import hashlib
import json
import os
import re
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
EXECUTED = ROOT / "build" / "executed"
EXECUTION_LOG = EXECUTED / "ejecuciones.jsonl"
OUTCOMES = Path(__file__).resolve().parent / "outcomes"
NAME_RE = re.compile(r"^\d\d_[a-z0-9_]+\.ipynb$")
CHECK_MIME = "application/vnd.coursekit.check+json"
EDITIONS = ("fuente", "alumnado")

# Cells whose stored outputs are compared with a fresh execution (nbval-lax semantics).
NBVAL_TAG = "nbval-check-output"
LEGACY_MARK = "# NBVAL_CHECK_OUTPUT"  # old first-line comment, accepted during the transition
# Output keys never compared (as nbval: images, widget model ids; plus any mime type that is
# not text/plain — stored outputs keep only text/plain, see scripts/store_outputs.py).
COMPARED_DATA = ("text/plain",)
# nbval-like sanitising (regex, replacement): object addresses change on every run.
SANITIZE = [(re.compile(r"0x[0-9a-fA-F]{6,}"), "0xDIRECCION")]
CELL_TIMEOUT = 600

_memo = {}


def notebook_paths():
    """Source notebooks ``NN_tema.ipynb`` in order."""
    return sorted(p for p in NOTEBOOKS.glob("*.ipynb") if re.match(r"^\d\d_", p.name))


def read(path):
    return nbformat.read(str(path), as_version=4)


def group(path, edition="fuente") -> str:
    """The pytest-xdist group of the tests of one notebook edition: they all run on the worker
    that executes it (the two editions of a notebook may run on different workers)."""
    return f"{'cuaderno' if edition == 'fuente' else edition}-{Path(path).stem}"


def run_id() -> str:
    """This run of the suite (shared by the xdist workers); a per-process one outside pytest."""
    return os.environ.setdefault("COURSEKIT_TEST_RUN", f"proceso-{os.getpid()}-{time.time_ns()}")


def kernel_env() -> dict:
    """Environment of the kernels: fast mode, headless, offline-friendly TensorFlow settings."""
    from coursekit.config import TENSORFLOW_ENV

    return dict(os.environ, **TENSORFLOW_ENV, COURSEKIT_FAST="1", COURSEKIT_HEADLESS="1", MPLBACKEND="Agg")


@contextlib.contextmanager
def file_lock(path: Path):
    """An exclusive lock held while the block runs (no-op where ``fcntl`` does not exist)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # Windows: the suite runs on Linux; a local run just has no sharing
        yield
        return
    with open(path, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def student_edition(path) -> nbformat.NotebookNode:
    """The student edition of one notebook, built with ``build_editions`` in a temporary folder
    (one notebook at a time, so a notebook being written elsewhere cannot break this one)."""
    import shutil

    from coursekit.editions import build_editions

    with tempfile.TemporaryDirectory(prefix="coursekit-edicion-") as tmp:
        source = Path(tmp) / "fuente"
        source.mkdir()
        shutil.copy2(path, source / Path(path).name)
        build_editions(str(source), str(Path(tmp) / "ediciones"))
        return read(Path(tmp) / "ediciones" / "alumnado" / Path(path).name)


def _run_kernel(nb, cwd: Path):
    """Execute ``nb`` in place in a fresh kernel (all cells, errors kept as outputs)."""
    from nbclient import NotebookClient

    client = NotebookClient(nb, kernel_name="python3", allow_errors=True, timeout=CELL_TIMEOUT,
                            startup_timeout=120, resources={"metadata": {"path": str(cwd)}})
    client.execute(env=kernel_env())
    return nb


def _log_execution(entry: dict):
    EXECUTION_LOG.parent.mkdir(parents=True, exist_ok=True)
    with file_lock(EXECUTED / ".registro.lock"):
        with open(EXECUTION_LOG, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry, ensure_ascii=False) + "\n")


def execute(path, edition="fuente"):
    """Execute one notebook (``edition``: "fuente" or "alumnado") in fast mode, once per test run.

    Returns ``(executed_nb, seconds)``. The kernel runs in ``notebooks/`` with COURSEKIT_FAST=1;
    errors do not stop the execution (they stay as error outputs for the tests to report).
    """
    assert edition in EDITIONS, edition
    path = Path(path)
    key = (str(path), edition)
    if key in _memo:
        return _memo[key]
    run = run_id()
    folder = EXECUTED if edition == "fuente" else EXECUTED / edition
    out = folder / path.name
    meta = folder / (path.stem + ".json")
    source_sha = _sha(path.read_bytes())
    with file_lock(folder / f".{path.stem}.lock"):
        try:
            info = json.loads(meta.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            info = {}
        if info.get("run") == run and info.get("source_sha") == source_sha and out.exists():
            _memo[key] = (read(out), info["seconds"])  # executed by another worker of this run
            return _memo[key]
        nb = student_edition(path) if edition == "alumnado" else read(path)
        start = time.perf_counter()
        _run_kernel(nb, NOTEBOOKS)
        seconds = time.perf_counter() - start
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, str(out))
        info = {"run": run, "source_sha": source_sha, "seconds": round(seconds, 2), "pid": os.getpid(),
                "worker": os.environ.get("PYTEST_XDIST_WORKER", "principal")}
        meta.write_text(json.dumps(info), encoding="utf-8")
        _log_execution({"notebook": path.name, "edition": edition, **info})
    _memo[key] = (nb, seconds)
    return _memo[key]


def execute_fast(path, out_dir=None, **kwargs):
    """Backwards-compatible name: the single fast-mode execution of the source notebook."""
    return execute(path, "fuente")


def executions(run=None) -> list:
    """The executions logged for ``run`` (default: this run)."""
    run = run or run_id()
    try:
        lines = EXECUTION_LOG.read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    entries = []
    for line in lines:
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if entry.get("run") == run:
            entries.append(entry)
    return entries


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


def error_outputs(nb) -> list:
    """``(cell_number, output)`` for every error output of an executed notebook (cells from 1)."""
    return [(index, o) for index, c in enumerate(nb.cells, start=1) for o in c.get("outputs", [])
            if o.get("output_type") == "error"]


def exercise_cells(nb, key):
    """Cells whose ``metadata.coursekit`` has ``key`` ("exercise" or "check")."""
    return [c for c in nb.cells if key in c.get("metadata", {}).get("coursekit", {})]


# ------------------------------------------------------------------ nbval-style comparison
def has_legacy_mark(cell) -> bool:
    return cell.get("cell_type") == "code" and cell.get("source", "").lstrip().startswith(LEGACY_MARK)


def is_marked(cell) -> bool:
    """A code cell whose stored outputs are compared: tag ``nbval-check-output`` (or the old comment)."""
    if cell.get("cell_type") != "code":
        return False
    return NBVAL_TAG in cell.get("metadata", {}).get("tags", []) or has_legacy_mark(cell)


_CR = re.compile(r"^.*\r(?=[^\n])", re.MULTILINE)
_BS = re.compile("[^\n]\x08")  # a character followed by a backspace


def _sanitize(text):
    if not isinstance(text, str):
        text = "".join(text) if isinstance(text, list) else str(text)
    for pattern, replacement in SANITIZE:
        text = pattern.sub(replacement, text)
    return text


def _clean_stream(text: str) -> str:
    """As nbval's ``coalesce_streams``: cancel backspaces and overwritten (\\r) line starts."""
    old = None
    while old is None or len(text) < len(old):
        old, text = text, _BS.sub("", text)
    return _CR.sub("", text)


def comparable(outputs) -> dict:
    """nbval-lax view of a cell's outputs: {key: [values]} with streams coalesced per name,
    text/plain of results and displays, error name and value; images and other mime types ignored."""
    streams, order = {}, []
    flat = {}
    for output in outputs:
        kind = output.get("output_type")
        if kind == "stream":
            name = output.get("name", "stdout")
            if name not in streams:
                order.append(name)
                streams[name] = ""
            text = output.get("text", "")
            streams[name] += "".join(text) if isinstance(text, list) else text
        elif kind in ("execute_result", "display_data"):
            for mime in COMPARED_DATA:
                if mime in output.get("data", {}):
                    flat.setdefault(mime, []).append(_sanitize(output["data"][mime]))
        elif kind == "error":
            flat.setdefault("ename", []).append(output.get("ename"))
            flat.setdefault("evalue", []).append(_sanitize(output.get("evalue", "")))
    for name in order:
        flat[name] = [_sanitize(_clean_stream(streams[name]))]
    return flat


def compare_outputs(stored, fresh) -> list:
    """Differences (Spanish lines) between stored and fresh outputs; [] when they agree."""
    ref, new = comparable(stored), comparable(fresh)
    problems = []
    if set(ref) - set(new):
        problems.append(f"faltan salidas al ejecutar: {sorted(set(ref) - set(new))}")
    if set(new) - set(ref):
        problems.append(f"salidas inesperadas al ejecutar: {sorted(set(new) - set(ref))}")
    for key in sorted(set(ref) & set(new)):
        if ref[key] != new[key]:
            problems.append(f"«{key}» difiere:\n--- guardada ---\n{''.join(ref[key])}\n"
                            f"--- nueva ---\n{''.join(new[key])}")
    return problems


def match_cells(source, executed) -> list:
    """Pairs ``(number, source_cell, executed_cell)`` for the marked cells, matched by cell id
    (falling back to position once papermill-injected cells are dropped)."""
    fresh = [c for c in executed.cells if not set(c.get("metadata", {}).get("tags", []))
             & {"injected-parameters", "papermill-error-cell-tag"}]
    by_id = {c.get("id"): c for c in fresh if c.get("id")}
    pairs = []
    for index, cell in enumerate(source.cells):
        if not is_marked(cell):
            continue
        other = by_id.get(cell.get("id")) if cell.get("id") else None
        if other is None and index < len(fresh):
            other = fresh[index]
        pairs.append((index + 1, cell, other))
    return pairs
