"""Notebook hygiene: format, kernel, skeleton, parameters cell, stored outputs, exercise metadata."""

import re

import nbformat
import pytest

from notebook_utils import NAME_RE, NOTEBOOKS, exercise_cells, notebook_paths, read

PATHS = notebook_paths()
IDS = [p.stem for p in PATHS]
SECTIONS = [
    "## Objetivos de aprendizaje",
    "## Requisitos previos",
    "## Tiempo estimado",
    "## Resumen",
    "## Para saber más",
]
MARK = "# NBVAL_CHECK_OUTPUT"


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_valid_nbformat_and_name(path):
    nb = read(path)
    nbformat.validate(nb)
    assert NAME_RE.match(path.name), "nombre NN_tema.ipynb en minúsculas sin tildes"
    assert nb.metadata["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_skeleton_sections(path):
    nb = read(path)
    number = path.name[:2]
    first = nb.cells[0]
    assert first.cell_type == "markdown" and first.source.startswith(f"# {number} · ")
    headings = [line.strip() for c in nb.cells if c.cell_type == "markdown" for line in c.source.splitlines()]
    for section in SECTIONS:
        assert section in headings, f"falta la sección «{section}»"
    assert "## Ejercicios" in headings or any(h.startswith(f"### Ejercicio {number}.") for h in headings)
    assert any(re.match(r"## \d+\. ", h) for h in headings), "teoría en secciones numeradas"
    time_cell = next(c.source for c in nb.cells if "## Tiempo estimado" in c.source)
    assert "rápido" in time_cell and "completo" in time_cell


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_parameters_cell(path):
    nb = read(path)
    code = [c for c in nb.cells if c.cell_type == "code"]
    tagged = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, "una sola celda con la etiqueta parameters"
    assert "FAST = fast_mode()" in tagged[0].source
    assert code.index(tagged[0]) <= 1, "la celda de parámetros va al principio"


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_tensorflow_log_variables_set_before_import(path):
    nb = read(path)
    source = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    match = re.search(r"^\s*(import|from)\s+(tensorflow|keras)\b", source, re.M)
    if match:
        before = source[: match.start()]
        assert "TF_CPP_MIN_LOG_LEVEL" in before and "TF_ENABLE_ONEDNN_OPTS" in before


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_only_nbval_cells_store_outputs(path):
    nb = read(path)
    for index, cell in enumerate(nb.cells, start=1):
        if cell.cell_type != "code":
            continue
        outputs = cell.get("outputs", [])
        marked = cell.source.lstrip().startswith(MARK)
        assert marked or cell.execution_count is None, f"celda {index}: contador de ejecución guardado"
        assert all(o.output_type != "error" for o in outputs), f"celda {index}: error guardado"
        if outputs:
            assert cell.source.lstrip().startswith(MARK), f"celda {index}: salida guardada sin {MARK}"
    marked = [c for c in nb.cells if c.cell_type == "code" and c.source.lstrip().startswith(MARK)]
    for cell in marked:
        assert cell.outputs, "una celda marcada para nbval debe tener su salida guardada"


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_exercise_metadata_is_consistent(path):
    nb = read(path)
    number = path.name[:2]
    solutions = exercise_cells(nb, "exercise")
    checks = exercise_cells(nb, "check")
    solution_ids = [c.metadata["coursekit"]["exercise"] for c in solutions]
    check_ids = [c.metadata["coursekit"]["check"] for c in checks]
    assert len(set(solution_ids)) == len(solution_ids), "ids de ejercicio repetidos"
    assert sorted(solution_ids) == sorted(check_ids), "cada ejercicio tiene solución y comprobación"
    for cell in solutions:
        meta = cell.metadata["nbgrader"]
        assert meta["solution"] is True and meta["grade"] is False
        assert "### BEGIN SOLUTION" in cell.source and "### END SOLUTION" in cell.source
        assert cell.metadata["coursekit"]["exercise"].startswith(number + ".")
    for cell in checks:
        meta = cell.metadata["nbgrader"]
        exercise_id = cell.metadata["coursekit"]["check"]
        assert meta["grade"] is True and meta["points"] > 0
        assert f'check("{exercise_id}"' in cell.source
    grade_ids = [c.metadata["nbgrader"]["grade_id"] for c in solutions + checks]
    assert len(set(grade_ids)) == len(grade_ids), "grade_id repetido"


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_exercises_are_registered_with_matching_points(path):
    from coursekit.exercises import defs

    registry = defs.load_all()
    for cell in exercise_cells(read(path), "check"):
        exercise_id = cell.metadata["coursekit"]["check"]
        assert exercise_id in registry, f"{exercise_id} no está definido en coursekit"
        assert registry[exercise_id].points == cell.metadata["nbgrader"]["points"]


def test_glossary_exists_and_is_a_table():
    glossary = NOTEBOOKS / "glosario.md"
    assert glossary.exists()
    rows = [line for line in glossary.read_text(encoding="utf-8").splitlines() if line.startswith("|")]
    assert len(rows) >= 25
    terms = [row.split("|")[1].strip().lower() for row in rows[2:]]
    assert len(terms) == len(set(terms)), "un término, una sola traducción"
