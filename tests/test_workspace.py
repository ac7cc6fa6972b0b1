"""The learner's workspace: created once, updated without ever losing the learner's work."""

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from coursekit.workspace import STATE, fingerprint, prepare, sync

ROOT = Path(__file__).resolve().parents[1]


def _notebook(path: Path, sources, outputs=False):
    nb = nbformat.v4.new_notebook()
    for source in sources:
        cell = nbformat.v4.new_code_cell(source)
        if outputs:
            cell.outputs = [nbformat.v4.new_output("stream", text="ejecutado\n")]
            cell.execution_count = 1
        nb.cells.append(cell)
    nbformat.write(nb, str(path))


@pytest.fixture
def edition(tmp_path):
    folder = tmp_path / "edicion"
    folder.mkdir()
    _notebook(folder / "01_a.ipynb", ["x = 1", "return pendiente('01.1')"])
    (folder / "glosario.md").write_text("# Glosario\n", encoding="utf-8")
    return folder


def test_first_run_copies_the_student_edition(edition, tmp_path):
    workspace = tmp_path / "mi-curso"
    report = sync(edition, workspace, "2026-12-01")
    assert sorted(report["nuevos"]) == ["01_a.ipynb", "glosario.md"]
    assert (workspace / "01_a.ipynb").read_bytes() == (edition / "01_a.ipynb").read_bytes()
    assert json.loads((workspace / STATE).read_text())["01_a.ipynb"] == fingerprint(edition / "01_a.ipynb")


def test_second_run_changes_nothing(edition, tmp_path):
    workspace = tmp_path / "mi-curso"
    sync(edition, workspace, "2026-12-01")
    before = {p.name: p.read_bytes() for p in workspace.iterdir() if p.is_file()}
    report = sync(edition, workspace, "2026-12-02")
    assert not (report["nuevos"] or report["actualizados"] or report["junto_al_tuyo"])
    assert {p.name: p.read_bytes() for p in workspace.iterdir() if p.is_file()} == before


def test_running_a_notebook_is_not_editing_it(edition, tmp_path):
    workspace = tmp_path / "mi-curso"
    sync(edition, workspace, "2026-12-01")
    _notebook(workspace / "01_a.ipynb", ["x = 1", "return pendiente('01.1')"], outputs=True)
    _notebook(edition / "01_a.ipynb", ["x = 2", "return pendiente('01.1')"])  # the course changes
    report = sync(edition, workspace, "2026-12-02")
    assert report["actualizados"] == ["01_a.ipynb"]
    assert (workspace / "01_a.ipynb").read_bytes() == (edition / "01_a.ipynb").read_bytes()


def test_edited_notebook_survives_an_update(edition, tmp_path):
    workspace = tmp_path / "mi-curso"
    sync(edition, workspace, "2026-12-01")
    _notebook(workspace / "01_a.ipynb", ["x = 1", "def f():\n    return 42  # mi solución"])
    mine = (workspace / "01_a.ipynb").read_bytes()
    _notebook(edition / "01_a.ipynb", ["x = 2", "return pendiente('01.1')"])
    report = sync(edition, workspace, "2026-12-02")
    assert (workspace / "01_a.ipynb").read_bytes() == mine
    assert report["junto_al_tuyo"] == [("01_a.ipynb", "01_a (versión 2026-12-02).ipynb")]
    beside = workspace / "01_a (versión 2026-12-02).ipynb"
    assert beside.read_bytes() == (edition / "01_a.ipynb").read_bytes()
    # A later run with no course change neither touches the learner's file nor copies again.
    again = sync(edition, workspace, "2026-12-03")
    assert (workspace / "01_a.ipynb").read_bytes() == mine and not again["junto_al_tuyo"]


def test_broken_learner_notebook_is_kept(edition, tmp_path):
    workspace = tmp_path / "mi-curso"
    sync(edition, workspace, "2026-12-01")
    (workspace / "01_a.ipynb").write_text("{ no es JSON", encoding="utf-8")
    _notebook(edition / "01_a.ipynb", ["x = 3"])
    report = sync(edition, workspace, "2026-12-02")
    assert (workspace / "01_a.ipynb").read_text(encoding="utf-8") == "{ no es JSON"
    assert report["junto_al_tuyo"]


def test_workspace_of_the_course_is_the_student_edition(tmp_path):
    workspace = tmp_path / "mi-curso"
    report = prepare(ROOT / "notebooks", workspace)
    names = sorted(report["nuevos"])
    assert "glosario.md" in names and "01_neurona_artificial.ipynb" in names
    text = (workspace / "01_neurona_artificial.ipynb").read_text(encoding="utf-8")
    assert 'return pendiente(\\"01.1\\")' in text and "### BEGIN SOLUTION" not in text


def test_cli_prints_a_spanish_summary(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "coursekit.cli", "espacio", "--destino", str(tmp_path / "w")],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout
    assert "Tu espacio de trabajo" in out and "Cuadernos nuevos" in out


def test_makefile_lab_opens_the_workspace_and_solutions_have_their_own_command():
    makefile = (ROOT / "Makefile").read_text()
    assert "lab: espacio" in makefile and "--notebook-dir=$(WORKSPACE)" in makefile
    assert "lab-soluciones:" in makefile
    assert "mi-curso/" in (ROOT / ".gitignore").read_text()
