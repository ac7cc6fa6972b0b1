"""Student and solutions editions of the course notebooks (``coursekit ediciones``).

The source notebooks ``notebooks/NN_tema.ipynb`` hold the solutions, marked as
nbgrader does. From them this module builds two editions:

* **alumnado** (student edition): every ``### BEGIN SOLUTION`` … ``### END SOLUTION``
  region of a code cell becomes, at the marker's indentation, the two lines::

      # TU CÓDIGO AQUÍ
      return pendiente("NN.k")

  where ``NN.k`` is the cell's ``metadata.coursekit.exercise`` (a region at the top
  level of a cell, outside any function, becomes ``target = pendiente("NN.k")`` with
  the exercise's target name). Inside ``check`` the stub reports "pendiente"; in the
  rest of the lesson it returns the course's implementation, so Run All never stops. In a Markdown (or
  raw) cell the region becomes ``*Escribe aquí tu respuesta.*``. Every
  ``### BEGIN HIDDEN TESTS`` … ``### END HIDDEN TESTS`` region is removed, markers
  included.
* **soluciones** (solutions edition): the ``BEGIN/END SOLUTION`` marker lines are
  removed and the solution code kept; hidden-test regions are kept verbatim (with
  their markers, so it is still clear what learners do not see).

In both editions every output and execution count is cleared, and so are the
cell metadata that only record an execution (``execution``, ``ExecuteTime``,
``papermill``) and the notebook's ``papermill`` and ``widgets`` metadata. All other
metadata (``nbgrader``, ``coursekit``, ``tags``, cell ids…) are kept, so nbgrader can
import the notebooks. No cell is ever added or removed: cell *k* of an edition is
cell *k* of the source.

Why the stub is ``pendiente("NN.k")`` and not ``__import__(...)``: a bare call is
what learners read and what the error names. The price is that the notebook must
import it; :func:`build_student` refuses a notebook whose solution cells are not
preceded by a code cell doing ``from coursekit.exercises import check, pendiente``
(the imports cell of every notebook, see CONTRIBUTING.md). Running the stub raises
:class:`~coursekit.exercises.core.ExercisePending` (a ``NotImplementedError``, as
nbgrader's ``raise NotImplementedError()``) with a Spanish message that names the
exercise; any later cell that calls the unsolved function stops with that same error.

The source notebooks are validated before anything is written; problems raise
:class:`EditionError` with a message (from the ``editions.*`` catalog keys) that names
the notebook file, the cell (counted from 1, as in Jupyter's interface) and the
exercise when known: ``01_neurona.ipynb, celda 7 (ejercicio 01.2): …``.

Output is deterministic: the same sources give byte-identical files (sorted keys,
one-space indentation, trailing newline, no timestamps, missing cell ids filled in
from the cell position).
"""

import ast
import copy
import json
import os
import re
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import nbformat

from coursekit.messages import msg

STUDENT_DIR = "alumnado"
SOLUTIONS_DIR = "soluciones"
NOTEBOOK_GLOB = "[0-9][0-9]_*.ipynb"
COURSE_FILES = ("glosario.md",)  # copied next to the notebooks in both editions

STUB_COMMENT = "# TU CÓDIGO AQUÍ"
STUB_CALL = 'return pendiente("{id}")'
STUB_TOP_LEVEL = '{target} = pendiente("{id}")'
TEXT_STUB = "*Escribe aquí tu respuesta.*"

SOLUTION = "SOLUTION"
HIDDEN = "HIDDEN TESTS"

_MARKER_RE = re.compile(r"^(?P<indent>[ \t]*)#+[ \t]*(?P<edge>BEGIN|END) (?P<kind>SOLUTION|HIDDEN TESTS)[ \t]*$")
# Anything that looks like a marker but is not one exactly (nbgrader would take any line
# containing "BEGIN SOLUTION" as a marker; a typo would leak the solution).
_SUSPECT_RE = re.compile(r"\b(BEGIN|END)\s*(SOLUTIONS?|HIDDEN\s*TESTS?)\b", re.IGNORECASE)
_ID_RE = re.compile(r"^\d\d\.\d+$")
_CELL_ID_RE = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
_MAGIC_RE = re.compile(r"^([ \t]*)[%!].*$", re.MULTILINE)
_PENDIENTE_MODULES = ("coursekit.exercises", "coursekit.exercises.core")
_STRIP_CELL_METADATA = ("execution", "ExecuteTime", "papermill")
_STRIP_NOTEBOOK_METADATA = ("papermill", "widgets")


class EditionError(Exception):
    """A source notebook cannot be turned into editions (the message is for the author)."""

    def __init__(self, message: str, notebook: Optional[str] = None, cell: Optional[int] = None,
                 exercise_id: Optional[str] = None, written: bool = False):
        super().__init__(message)
        self.notebook = notebook
        self.cell = cell  # 1-based
        self.exercise_id = exercise_id
        self.written = written  # True when the error happened while writing files


@dataclass
class _Where:
    notebook: str
    cell: int
    exercise_id: Optional[str] = None

    def error(self, key: str, **params) -> EditionError:
        if self.exercise_id is not None:
            where = msg("editions.where_exercise", notebook=self.notebook, cell=self.cell, id=self.exercise_id)
        else:
            where = msg("editions.where", notebook=self.notebook, cell=self.cell)
        problem = msg(key, **params)
        return EditionError(msg("editions.error", where=where, problem=problem),
                            self.notebook, self.cell, self.exercise_id)


@dataclass
class _Region:
    kind: str
    indent: str
    begin_line: int
    begin_text: str
    end_text: str = ""
    body: list = field(default_factory=list)


@dataclass
class _Cell:
    cell_type: str
    items: list  # str lines and _Region objects, in order
    exercise_id: Optional[str] = None

    @property
    def regions(self):
        return [item for item in self.items if isinstance(item, _Region)]


@dataclass
class _Analysis:
    cells: list
    exercises: list  # exercise ids, in order of their solution cells
    solution_regions: int = 0
    code_stubs: int = 0
    text_answers: int = 0
    hidden_regions: int = 0
    label: str = ""


def _source(cell) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _parse(source: str, where: _Where) -> list:
    """Split a cell's source into plain lines and marked regions, checking the markers."""
    items, current = [], None
    for number, line in enumerate(source.split("\n"), start=1):
        match = _MARKER_RE.match(line.rstrip("\r"))
        if match is None:
            if _SUSPECT_RE.search(line):
                raise where.error("editions.malformed", line=number, text=line.strip())
            (current.body if current is not None else items).append(line)
            continue
        edge, kind = match["edge"], match["kind"]
        marker = line.strip()
        if edge == "BEGIN":
            if current is not None:
                raise where.error("editions.nested", marker=marker, line=number,
                                  open=current.begin_text.strip(), open_line=current.begin_line)
            current = _Region(kind, match["indent"], number, line)
            items.append(current)
        else:
            if current is None:
                raise where.error("editions.unopened", marker=marker, line=number, begin=f"### BEGIN {kind}")
            if current.kind != kind:
                raise where.error("editions.mismatched", marker=marker, line=number,
                                  open=current.begin_text.strip(), open_line=current.begin_line)
            current.end_text = line
            current = None
    if current is not None:
        raise where.error("editions.unclosed", marker=current.begin_text.strip(), line=current.begin_line,
                          end=f"### END {current.kind}")
    return items


def _binds_pendiente(nodes) -> bool:
    for node in nodes:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        if isinstance(node, ast.ImportFrom) and node.module in _PENDIENTE_MODULES and node.level == 0:
            if any(a.name == "*" or (a.name == "pendiente" and a.asname in (None, "pendiente")) for a in node.names):
                return True
        if _binds_pendiente(ast.iter_child_nodes(node)):
            return True
    return False


def _imports_pendiente(code: str) -> bool:
    """Whether this code cell binds ``pendiente`` at module level (IPython magics ignored)."""
    code = _MAGIC_RE.sub(lambda m: m.group(1) + "pass", code)
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return False
    return _binds_pendiente(tree.body)


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _notebook_prefix(name: Optional[str]) -> Optional[str]:
    match = re.match(r"^(\d\d)_", Path(name).name) if name else None
    return match.group(1) if match else None


def _analyse(nb, name: Optional[str] = None) -> _Analysis:
    """Parse and validate every cell of a source notebook (raises :class:`EditionError`)."""
    label = Path(name).name if name else msg("editions.unnamed")
    prefix = _notebook_prefix(name)
    cells, exercises = [], []
    solution_cells: dict = {}  # exercise id -> cell number
    grade_ids: dict = {}  # nbgrader grade_id -> cell number
    checks = []  # (cell number, exercise id)
    pendiente_imported = False
    analysis = _Analysis(cells, exercises, label=label)
    for index, cell in enumerate(nb.get("cells", [])):
        number = index + 1
        metadata = _dict(cell.get("metadata"))
        grader = _dict(metadata.get("nbgrader"))
        course = _dict(metadata.get("coursekit"))
        exercise_id = course.get("exercise")
        check_id = course.get("check")
        shown_id = exercise_id if exercise_id is not None else check_id
        where = _Where(label, number, None if shown_id is None else str(shown_id))
        cell_type = cell.get("cell_type", "code")
        items = _parse(_source(cell), where)
        parsed = _Cell(cell_type, items, exercise_id)
        kinds = [region.kind for region in parsed.regions]

        is_solution = SOLUTION in kinds or grader.get("solution") is True or exercise_id is not None
        if is_solution:
            if SOLUTION not in kinds:
                raise where.error("editions.solution_without_region")
            if grader.get("solution") is not True:
                raise where.error("editions.missing_solution_flag")
            if cell_type == "code" and exercise_id is None:
                raise where.error("editions.missing_exercise_id")
        if exercise_id is not None:
            if not isinstance(exercise_id, str) or not _ID_RE.match(exercise_id):
                raise where.error("editions.bad_exercise_id", id=exercise_id)
            if prefix is not None and exercise_id.split(".")[0] != prefix:
                raise where.error("editions.wrong_notebook_id", id=exercise_id, prefix=prefix)
            if exercise_id in solution_cells:
                raise where.error("editions.duplicate_exercise", id=exercise_id, other=solution_cells[exercise_id])
            solution_cells[exercise_id] = number
            exercises.append(exercise_id)
        if HIDDEN in kinds and grader.get("grade") is not True:
            raise where.error("editions.hidden_outside_grade")
        if any(grader.get(flag) is True for flag in ("solution", "grade", "task")):
            grade_id = grader.get("grade_id")
            if not isinstance(grade_id, str) or not grade_id:
                raise where.error("editions.missing_grade_id")
            if grade_id in grade_ids:
                raise where.error("editions.duplicate_grade_id", grade_id=grade_id, other=grade_ids[grade_id])
            grade_ids[grade_id] = number
        if check_id is not None:
            if not isinstance(check_id, str) or not _ID_RE.match(check_id):
                raise where.error("editions.bad_exercise_id", id=check_id)
            checks.append((number, check_id))

        if cell_type == "code":
            if SOLUTION in kinds and not pendiente_imported:
                raise where.error("editions.missing_import")
            visible = "\n".join(item for item in items if isinstance(item, str))
            pendiente_imported = pendiente_imported or _imports_pendiente(visible)

        analysis.solution_regions += kinds.count(SOLUTION)
        analysis.hidden_regions += kinds.count(HIDDEN)
        if cell_type == "code":
            analysis.code_stubs += kinds.count(SOLUTION)
        else:
            analysis.text_answers += kinds.count(SOLUTION)
        cells.append(parsed)

    for number, check_id in checks:
        if check_id not in solution_cells:
            raise _Where(label, number, str(check_id)).error("editions.check_without_solution", id=check_id)
    return analysis


def validate_notebook(nb, name: Optional[str] = None) -> list:
    """Check a source notebook's markers and metadata; return its exercise ids."""
    return list(_analyse(nb, name).exercises)


def _stub_line(indent: str, exercise_id: str) -> str:
    """``return pendiente(...)`` inside a function; ``target = pendiente(...)`` at the top level."""
    if indent:
        return STUB_CALL.format(id=exercise_id)
    try:
        from coursekit.exercises.core import get_exercise

        target = get_exercise(exercise_id).target
    except Exception:
        return STUB_CALL.format(id=exercise_id)[len("return "):]
    return STUB_TOP_LEVEL.format(target=target, id=exercise_id)


def _render_cell(parsed: _Cell, edition: str) -> str:
    lines = []
    for item in parsed.items:
        if isinstance(item, str):
            lines.append(item)
        elif edition == "student":
            if item.kind == HIDDEN:
                continue
            if parsed.cell_type == "code":
                lines += [item.indent + STUB_COMMENT, item.indent + _stub_line(item.indent, parsed.exercise_id)]
            else:
                lines.append(item.indent + TEXT_STUB)
        elif item.kind == SOLUTION:
            lines += item.body
        else:
            lines += [item.begin_text, *item.body, item.end_text]
    return "\n".join(lines)


def _fill_cell_ids(nb):
    """Give deterministic ids (``cell-N``) to cells that lack a valid, unique one (nbformat ≥ 4.5)."""
    if (nb.get("nbformat", 4), nb.get("nbformat_minor", 0)) < (4, 5):
        return
    seen = set()
    taken = {cell.get("id") for cell in nb.cells}
    for index, cell in enumerate(nb.cells):
        cell_id = cell.get("id")
        if not isinstance(cell_id, str) or not _CELL_ID_RE.match(cell_id) or cell_id in seen:
            cell_id, suffix = f"cell-{index + 1}", 1
            while cell_id in taken or cell_id in seen:
                suffix += 1
                cell_id = f"cell-{index + 1}-{suffix}"
            cell["id"] = cell_id
        seen.add(cell_id)


def _render(nb, analysis: _Analysis, edition: str):
    out = nbformat.from_dict(copy.deepcopy(dict(nb)))
    out.setdefault("metadata", nbformat.NotebookNode())
    for key in _STRIP_NOTEBOOK_METADATA:
        out.metadata.pop(key, None)
    for number, (cell, parsed) in enumerate(zip(out.cells, analysis.cells), start=1):
        cell.setdefault("metadata", nbformat.NotebookNode())
        for key in _STRIP_CELL_METADATA:
            cell.metadata.pop(key, None)
        if cell.get("cell_type") == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.source = _render_cell(parsed, edition) if parsed.regions else _source(cell)
        if edition == "student" and parsed.regions and cell.get("cell_type") == "code":
            try:
                compile(_MAGIC_RE.sub(r"\1pass", cell.source), "<celda>", "exec",
                        flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT, dont_inherit=True)
            except SyntaxError as err:
                raise _Where(analysis.label, number, parsed.exercise_id).error(
                    "editions.stub_syntax", error=err.msg, line=err.lineno or 0)
    _fill_cell_ids(out)
    return out


def build_student(nb, name: Optional[str] = None):
    """Student edition of a source notebook (a new node; ``nb`` is not modified).

    ``name`` (the file name, e.g. ``"01_neurona.ipynb"``) is used in error messages
    and to check that exercise ids start with the notebook's number.
    """
    return _render(nb, _analyse(nb, name), "student")


def build_solutions(nb, name: Optional[str] = None):
    """Solutions edition of a source notebook (a new node; ``nb`` is not modified)."""
    return _render(nb, _analyse(nb, name), "solutions")


def read_notebook(path) -> nbformat.NotebookNode:
    """Read a notebook as nbformat 4 without inventing random cell ids."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text)
        if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
            raise ValueError("no es un cuaderno de Jupyter")
        if data.get("nbformat") == 4:
            return nbformat.from_dict(data)
        nb = nbformat.reads(text, as_version=4)  # older format: converted, ids made deterministic
        for cell in nb.cells:
            cell.pop("id", None)
        _fill_cell_ids(nb)
        return nb
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise EditionError(msg("editions.unreadable", notebook=path.name, error=err), path.name) from err


def notebook_bytes(nb, name: str = "", edition: str = "") -> bytes:
    """The canonical bytes of a notebook file (validated, sorted keys, trailing newline)."""
    try:
        nbformat.validate(nb)
    except nbformat.ValidationError as err:
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise EditionError(msg("editions.invalid", notebook=name, edition=edition, error=first), name) from err
    text = nbformat.writes(nb)
    if not text.endswith("\n"):
        text += "\n"
    return text.encode("utf-8")


def _write(path: Path, data: bytes):
    """Write atomically; leave the file (and its mtime) alone when nothing changed."""
    if path.is_file() and path.read_bytes() == data:
        return
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def build_editions(source_dir="notebooks", out_dir="build/ediciones") -> dict:
    """Validate every ``NN_*.ipynb`` of ``source_dir`` and write both editions.

    Writes ``out_dir/alumnado/`` and ``out_dir/soluciones/`` (plus the course files in
    :data:`COURSE_FILES` found in ``source_dir``). Nothing is written unless every
    notebook is valid. Notebooks ``NN_*.ipynb`` left in those folders by an earlier
    build whose source no longer exists are removed. Returns a summary dict.
    """
    source, out = Path(source_dir), Path(out_dir)
    if not source.is_dir():
        raise EditionError(msg("editions.no_source", path=source))
    paths = sorted(p for p in source.glob(NOTEBOOK_GLOB) if p.is_file())
    if not paths:
        raise EditionError(msg("editions.no_notebooks", path=source))
    student_dir, solutions_dir = out / STUDENT_DIR, out / SOLUTIONS_DIR
    if source.resolve() in (student_dir.resolve(), solutions_dir.resolve()):
        raise EditionError(msg("editions.overwrites_source", path=out))

    files = {student_dir: {}, solutions_dir: {}}
    exercises = {}
    totals = dict(stubs=0, answers=0, hidden=0, solutions=0)
    for path in paths:
        nb = read_notebook(path)
        analysis = _analyse(nb, path.name)
        files[student_dir][path.name] = notebook_bytes(_render(nb, analysis, "student"), path.name, STUDENT_DIR)
        files[solutions_dir][path.name] = notebook_bytes(_render(nb, analysis, "solutions"), path.name, SOLUTIONS_DIR)
        exercises[path.name] = list(analysis.exercises)
        totals["stubs"] += analysis.code_stubs
        totals["answers"] += analysis.text_answers
        totals["hidden"] += analysis.hidden_regions
        totals["solutions"] += analysis.solution_regions
    copied = []
    for name in COURSE_FILES:
        extra = source / name
        if extra.is_file():
            try:
                data = extra.read_bytes()
            except OSError as err:
                raise EditionError(msg("editions.unreadable", notebook=name, error=err), name) from err
            copied.append(name)
            for entries in files.values():
                entries[name] = data

    try:
        for folder, entries in files.items():
            folder.mkdir(parents=True, exist_ok=True)
            for name, data in entries.items():
                _write(folder / name, data)
            for old in folder.glob(NOTEBOOK_GLOB):
                if old.name not in entries:
                    old.unlink()
    except OSError as err:
        raise EditionError(msg("editions.write_failed", path=out, error=err), written=True) from err

    names = [p.name for p in paths]
    return {
        "source": str(source),
        "destination": str(out),
        "notebooks": names,
        "exercises": exercises,
        "copied": copied,
        "student": {"dir": str(student_dir), "files": sorted(files[student_dir]),
                    "stubs": totals["stubs"], "answers": totals["answers"], "hidden_removed": totals["hidden"]},
        "solutions": {"dir": str(solutions_dir), "files": sorted(files[solutions_dir]),
                      "solution_regions": totals["solutions"], "hidden_kept": totals["hidden"]},
    }


def summary(result: dict) -> str:
    """Short report of :func:`build_editions` for the command line."""
    notebooks = len(result["notebooks"])
    lines = [
        msg("editions.summary", path=result["destination"], source=result["source"], notebooks=notebooks,
            exercises=sum(len(ids) for ids in result["exercises"].values())),
        msg("editions.summary_student", path=result["student"]["dir"], notebooks=notebooks,
            stubs=result["student"]["stubs"], answers=result["student"]["answers"],
            hidden=result["student"]["hidden_removed"]),
        msg("editions.summary_solutions", path=result["solutions"]["dir"], notebooks=notebooks,
            solutions=result["solutions"]["solution_regions"], hidden=result["solutions"]["hidden_kept"]),
    ]
    if result["copied"]:
        lines.append(msg("editions.summary_copied", files=", ".join(result["copied"])))
    return "\n".join(lines)


def add_arguments(parser):
    """Options of ``coursekit ediciones``."""
    parser.add_argument("--origen", default="notebooks",
                        help="carpeta con los cuadernos fuente NN_*.ipynb (por defecto: notebooks)")
    parser.add_argument("--destino", default="build/ediciones",
                        help="carpeta donde se crean alumnado/ y soluciones/ (por defecto: build/ediciones)")


def run(args) -> int:
    """Build both editions; print a summary (0) or the error on stderr (1)."""
    try:
        result = build_editions(args.origen, args.destino)
    except EditionError as err:
        text = str(err) if err.written else msg("editions.failed", error=err)
        print(text, file=sys.stderr)
        return 1
    print(summary(result))
    return 0
