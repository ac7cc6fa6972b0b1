"""Read a submitted notebook in the trusted process: size cap, JSON, nbformat, code cells.

Nothing here runs the learner's code. IPython syntax (magics, ``!cmd``) is turned
into plain Python with IPython's ``TransformerManager`` so the worker does not
need an IPython shell.
"""

import json
import logging
import re
import warnings
from dataclasses import dataclass, field

from coursekit.messages import msg

DEFAULT_MAX_BYTES = 20 * 2**20
MAX_CODE_CELLS = 2000
MAX_CODE_LINES = 200_000
_MAGIC_LINE = re.compile(r"^[ \t]*(?:[A-Za-z_][\w., \t]*=[ \t]*)?[!%]|\?[ \t]*$")
_SIMPLE_SHELL = re.compile(r"^!(?!!)(?P<cmd>[^\n]*?)[ \t]*$")
_SIMPLE_MAGIC = re.compile(r"^%(?!%)(?P<name>[A-Za-z_]\w*)[ \t]*(?P<args>[^\n]*?)[ \t]*$")


class Rejected(Exception):
    """The file cannot be graded; ``reason`` is a Spanish sentence for the gradebook."""

    def __init__(self, key: str, **params):
        super().__init__(key)
        self.key = key
        self.params = params

    @property
    def reason(self) -> str:
        return msg(self.key, **self.params)


@dataclass
class Submission:
    """Code cells ready to run, plus what the cell metadata says about exercises."""

    cells: list  # list of dicts: {"index": n (1-based among all cells), "source": python source}
    exercise_cells: dict = field(default_factory=dict)  # exercise id -> number of cells tagged with it
    notes: list = field(default_factory=list)  # Spanish remarks (converted format, syntax...)


def read_regular_file(path, limit_bytes: int) -> bytes:
    """At most ``limit_bytes + 1`` bytes of ``path`` if it is a regular file, never through a link.

    A link, device, FIFO or unreadable path gives ``b""`` (without blocking on a FIFO).
    """
    import os
    import stat

    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return b""
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return b""
        return fh.read(limit_bytes + 1)


def _transform_text(manager, source: str) -> str:
    try:
        return manager.transform_cell(source)
    except Exception:  # leave it: the worker reports the SyntaxError as a cell error
        return source


def _transform(source: str) -> str:
    """IPython syntax -> Python, in time linear in the size of the cell.

    Only lines that can hold IPython syntax (``!cmd``, ``%magic``, ``x = !cmd``, ``obj?``)
    go through IPython's transformer, one at a time (a whole cell of thousands of such lines
    at once takes minutes); a cell magic (``%%time``) is one short transformation.
    """
    lines = source.splitlines(keepends=True)
    if not any(_MAGIC_LINE.search(line) for line in lines):
        return source
    from IPython.core.inputtransformer2 import TransformerManager

    manager = TransformerManager()
    if source.lstrip().startswith("%%"):
        return _transform_text(manager, source)
    out = []
    for line in lines:
        if not _MAGIC_LINE.search(line):
            out.append(line)
            continue
        body = line.lstrip(" \t")
        indent = line[:len(line) - len(body)]
        shell, magic = _SIMPLE_SHELL.match(body.rstrip("\n")), _SIMPLE_MAGIC.match(body.rstrip("\n"))
        if shell and "$" not in body and "{" not in body:  # what IPython writes, without calling it
            text = f"get_ipython().system({shell['cmd']!r})\n"
        elif magic and "$" not in body and "{" not in body:
            text = f"get_ipython().run_line_magic({magic['name']!r}, {magic['args']!r})\n"
        else:
            text = _transform_text(manager, body if body.endswith("\n") else body + "\n")
        out.append("".join(indent + part for part in text.splitlines(keepends=True)))
    return "".join(out)


def parse_notebook(data: bytes, max_bytes: int = DEFAULT_MAX_BYTES, size=None) -> Submission:
    """Turn the bytes of a submission into a :class:`Submission` or raise :class:`Rejected`."""
    size = len(data) if size is None else max(size, len(data))
    if size > max_bytes:
        raise Rejected("grading.reject.too_large", size=size / 2**20, limit=max_bytes / 2**20)
    if not data.strip():
        raise Rejected("grading.reject.empty")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Rejected("grading.reject.not_text") from None
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as err:
        raise Rejected("grading.reject.bad_json", line=err.lineno, col=err.colno) from None
    except RecursionError:
        raise Rejected("grading.reject.bad_json", line="?", col="?") from None
    if not isinstance(raw, dict) or "nbformat" not in raw:
        raise Rejected("grading.reject.not_notebook")
    version = raw.get("nbformat")
    if not isinstance(version, int) or version not in (3, 4):
        raise Rejected("grading.reject.version", version=str(version)[:20])
    notes = []
    import nbformat

    logging.getLogger("traitlets").setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            nb = nbformat.reads(text, as_version=4)
    except Exception as err:
        raise Rejected("grading.reject.not_notebook_detail", error=type(err).__name__) from None
    if version == 3:
        notes.append(msg("grading.note.converted", version=version))
    cells = []
    tagged: dict = {}
    lines = 0
    for index, cell in enumerate(nb.get("cells", []), start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(s for s in source if isinstance(s, str))
        if not isinstance(source, str):
            continue
        lines += source.count("\n") + 1
        if len(cells) >= MAX_CODE_CELLS or lines > MAX_CODE_LINES:
            raise Rejected("grading.reject.too_much_code", cells=MAX_CODE_CELLS, lines=MAX_CODE_LINES)
        meta = cell.get("metadata") or {}
        ck = meta.get("coursekit") if isinstance(meta, dict) else None
        if isinstance(ck, dict) and isinstance(ck.get("exercise"), str):
            tagged[ck["exercise"]] = tagged.get(ck["exercise"], 0) + 1
        cells.append({"index": index, "source": _transform(source)})
    if not cells:
        notes.append(msg("grading.note.no_code"))
    return Submission(cells=cells, exercise_cells=tagged, notes=notes)


def exercise_cell_notes(submission: Submission, exercise_ids, known_ids=()) -> list:
    """Remarks about deleted, duplicated or unknown exercise cells (the registry decides)."""
    notes = []
    for ex_id in exercise_ids:
        count = submission.exercise_cells.get(ex_id, 0)
        if count == 0:
            notes.append(msg("grading.note.cell_missing", id=ex_id))
        elif count > 1:
            notes.append(msg("grading.note.cell_duplicated", id=ex_id, n=count))
    unknown = sorted(set(submission.exercise_cells) - set(exercise_ids) - set(known_ids))
    if unknown:
        notes.append(msg("grading.note.cell_unknown", ids=", ".join(i[:20] for i in unknown[:10])))
    return notes
