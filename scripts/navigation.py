"""Write the navigation cell at the end of every notebook and the course index in 00.

Run after adding or renaming a notebook: ``.venv/bin/python scripts/navigation.py``.
Generated cells carry ``metadata.coursekit.navigation`` / ``.index`` and are replaced,
never duplicated; the test suite checks that the notebooks are up to date.
"""

import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from coursekit.course import INDEX_KEY, NAV_KEY, available, index_markdown, navigation_markdown  # noqa: E402


def _generated(cell, key):
    return bool(cell.get("metadata", {}).get("coursekit", {}).get(key))


def update(folder: Path) -> list:
    """Rewrite the generated cells of the notebooks in ``folder``; return the files changed."""
    present = available(folder)
    changed = []
    for stem in present:
        path = folder / f"{stem}.ipynb"
        nb = nbformat.read(str(path), as_version=4)
        before = nbformat.writes(nb)
        nb.cells = [c for c in nb.cells if not _generated(c, NAV_KEY)]
        nav = nbformat.v4.new_markdown_cell(navigation_markdown(stem, present))
        nav.metadata["coursekit"] = {NAV_KEY: True}
        nav["id"] = "navegacion"
        nb.cells.append(nav)
        if stem == present[0]:
            index = index_markdown(present)
            cells = [c for c in nb.cells if _generated(c, INDEX_KEY)]
            if cells:
                cells[0].source = index
            else:  # after "Tiempo estimado"
                where = next((i + 1 for i, c in enumerate(nb.cells)
                              if c.cell_type == "markdown" and c.source.startswith("## Tiempo estimado")), 1)
                cell = nbformat.v4.new_markdown_cell(index)
                cell.metadata["coursekit"] = {INDEX_KEY: True}
                cell["id"] = "indice"
                nb.cells.insert(where, cell)
        if nbformat.writes(nb) != before:
            nbformat.write(nb, str(path))
            changed.append(path.name)
    return changed


if __name__ == "__main__":
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "notebooks"
    for name in update(folder):
        print("actualizado:", name)
