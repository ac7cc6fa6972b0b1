"""Navigation: every notebook ends with prev/index/glossary/next links, 00 lists the course, links work."""

import re
import shutil
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
sys.path.insert(0, str(ROOT / "scripts"))

import navigation  # noqa: E402

from coursekit.course import NAV_KEY, available  # noqa: E402

LINK = re.compile(r"\]\(([^)#\s]+)(#[^)\s]*)?\)")


def test_navigation_cells_are_up_to_date(tmp_path):
    copy = tmp_path / "cuadernos"
    shutil.copytree(NOTEBOOKS, copy)
    assert navigation.update(copy) == [], "ejecuta: .venv/bin/python scripts/navigation.py"


def test_every_notebook_ends_with_its_navigation_and_links_resolve():
    for stem in available(NOTEBOOKS):
        nb = nbformat.read(str(NOTEBOOKS / f"{stem}.ipynb"), as_version=4)
        assert nb.cells[-1].metadata.get("coursekit", {}).get(NAV_KEY), stem
        assert "glosario.md" in nb.cells[-1].source
        for cell in nb.cells:
            if cell.cell_type != "markdown":
                continue
            for target, _ in LINK.findall(cell.source):
                if "://" in target or target.startswith("mailto:"):
                    continue
                assert (NOTEBOOKS / target).exists(), f"{stem}: enlace roto a {target}"


def test_course_index_lists_every_notebook():
    nb = nbformat.read(str(NOTEBOOKS / "00_bienvenida.ipynb"), as_version=4)
    index = [c for c in nb.cells if c.metadata.get("coursekit", {}).get("index")]
    assert len(index) == 1
    for stem in available(NOTEBOOKS):
        assert f"({stem}.ipynb)" in index[0].source
