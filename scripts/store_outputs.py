"""Execute notebooks in fast mode and store only the outputs nbval compares.

Usage: .venv/bin/python scripts/store_outputs.py notebooks/01_neurona_artificial.ipynb [...]

Cells whose first line is ``# NBVAL_CHECK_OUTPUT`` keep the outputs of a fresh
fast-mode run (numbered 1, 2, … as nbval needs an execution count); every other
cell is stored without outputs or execution count.
``--strip`` only clears (no execution).
"""

import argparse
import os
import sys
import tempfile
from pathlib import Path

import nbformat

MARK = "# NBVAL_CHECK_OUTPUT"
VOLATILE_METADATA = ("papermill", "execution", "collapsed", "scrolled", "ExecuteTime")


def is_marked(cell) -> bool:
    return cell.cell_type == "code" and cell.source.lstrip().startswith(MARK)


def clean(nb, executed=None):
    """Return ``nb`` with outputs only in marked cells (taken from ``executed``)."""
    nb.metadata.pop("papermill", None)
    nb.metadata.pop("widgets", None)
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    counter = 0
    for index, cell in enumerate(nb.cells):
        for key in VOLATILE_METADATA:
            cell.metadata.pop(key, None)
        if cell.cell_type != "code":
            continue
        cell.execution_count = None
        if not is_marked(cell):
            cell.outputs = []
            continue
        # nbval refuses a reference cell with outputs but no execution count.
        counter += 1
        cell.execution_count = counter
        if executed is not None:
            outputs = executed.cells[index].outputs
            for output in outputs:
                if "execution_count" in output:
                    output["execution_count"] = counter
            cell.outputs = outputs
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
        executed = None
        if not args.strip:
            import papermill

            with tempfile.TemporaryDirectory() as tmp:
                out = Path(tmp) / path.name
                papermill.execute_notebook(str(path), str(out), kernel_name="python3",
                                           cwd=str(path.parent), progress_bar=False)
                executed = nbformat.read(str(out), as_version=4)
            # papermill may inject a parameters cell; align by dropping it.
            executed.cells = [c for c in executed.cells if "injected-parameters" not in c.metadata.get("tags", [])]
        nbformat.validate(clean(nb, executed))
        nbformat.write(nb, str(path))
        print(f"{path}: guardado")
    return 0


if __name__ == "__main__":
    sys.exit(main())
