"""Execute notebooks in fast mode and store only the outputs the test suite compares.

Usage: .venv/bin/python scripts/store_outputs.py notebooks/01_neurona_artificial.ipynb [...]

Code cells tagged ``nbval-check-output`` (``metadata.tags``) keep the outputs of a fresh
fast-mode run, reduced to what tests/test_notebooks.py compares: stdout (streams merged) and the
``text/plain`` of results and displays, with no execution counts. Every other cell is stored
without outputs or execution count. A cell still marked with the old first line
``# NBVAL_CHECK_OUTPUT`` is converted: the tag is added and that line removed.
A marked cell that fails or writes to stderr is refused (its output would not be deterministic).
``--strip`` only clears (no execution; marked cells keep what they have, reduced the same way).
"""

import argparse
import copy
import os
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from notebook_utils import LEGACY_MARK, NBVAL_TAG, has_legacy_mark, is_marked  # noqa: E402

VOLATILE_METADATA = ("papermill", "execution", "collapsed", "scrolled", "ExecuteTime")


def migrate(cell) -> bool:
    """Old ``# NBVAL_CHECK_OUTPUT`` first line -> tag; True when the cell changed."""
    if not has_legacy_mark(cell):
        return False
    lines = cell.source.splitlines(keepends=True)
    first = next(i for i, line in enumerate(lines) if line.strip())
    if lines[first].strip() == LEGACY_MARK:
        del lines[first]
    else:  # "# NBVAL_CHECK_OUTPUT  (comment)": keep the rest of the comment
        lines[first] = lines[first].replace(LEGACY_MARK, "#", 1)
    cell.source = "".join(lines).lstrip("\n")
    tags = cell.metadata.setdefault("tags", [])
    if NBVAL_TAG not in tags:
        tags.append(NBVAL_TAG)
    return True


def minimal_outputs(outputs, where=""):
    """Merged stdout and text/plain only, without execution counts; refuse errors and stderr."""
    kept, stdout = [], None
    for output in outputs:
        kind = output.get("output_type")
        if kind == "error":
            raise SystemExit(f"{where}: la celda marcada da un error ({output.get('ename')}); no se guarda")
        if kind == "stream":
            if output.get("name") != "stdout":
                raise SystemExit(f"{where}: la celda marcada escribe en {output.get('name')}; "
                                 "quita esa salida o la etiqueta")
            text = output.get("text", "")
            text = "".join(text) if isinstance(text, list) else text
            if stdout is None:
                stdout = nbformat.v4.new_output("stream", name="stdout", text=text)
                kept.append(stdout)
            else:
                stdout["text"] += text
        elif kind in ("execute_result", "display_data"):
            plain = output.get("data", {}).get("text/plain")
            if plain is None:
                continue  # images only: never compared
            new = nbformat.v4.new_output(kind, data={"text/plain": plain})
            if kind == "execute_result":
                new["execution_count"] = None
            kept.append(new)
    return kept


def clean(nb, executed=None, name=""):
    """Return ``nb`` with outputs only in marked cells (taken from ``executed`` when given)."""
    nb.metadata.pop("papermill", None)
    nb.metadata.pop("widgets", None)
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    fresh = {}
    if executed is not None:
        fresh = {c.get("id"): c for c in executed.cells if c.get("id")}
    for index, cell in enumerate(nb.cells):
        for key in VOLATILE_METADATA:
            cell.metadata.pop(key, None)
        if cell.cell_type != "code":
            continue
        cell.execution_count = None
        if not is_marked(cell):
            cell.outputs = []
            continue
        source = cell.outputs
        if executed is not None:
            other = fresh.get(cell.get("id")) or executed.cells[index]
            source = other.outputs
        cell.outputs = minimal_outputs(source, f"{name} celda {index + 1}")
        if not cell.outputs:
            raise SystemExit(f"{name} celda {index + 1}: la celda marcada no muestra nada; quita la etiqueta")
    return nb


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--strip", action="store_true", help="solo limpiar, sin ejecutar")
    args = parser.parse_args(argv)
    os.environ["COURSEKIT_FAST"] = "1"
    os.environ.setdefault("COURSEKIT_HEADLESS", "1")
    for path in args.notebooks:
        nb = nbformat.read(str(path), as_version=4)
        migrated = sum(migrate(c) for c in nb.cells)
        executed = None
        if not args.strip:
            from notebook_utils import _run_kernel

            executed = _run_kernel(copy.deepcopy(nb), path.resolve().parent)
        nbformat.validate(clean(nb, executed, path.name))
        nbformat.write(nb, str(path))
        note = f" ({migrated} celdas pasan de «{LEGACY_MARK}» a la etiqueta {NBVAL_TAG})" if migrated else ""
        print(f"{path}: guardado{note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
