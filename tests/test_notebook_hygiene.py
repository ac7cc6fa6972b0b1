"""Notebook hygiene: format, kernel, skeleton, parameters cell, stored outputs, exercise metadata."""

import re

import nbformat
import pytest

from notebook_utils import (NAME_RE, NBVAL_TAG, NOTEBOOKS, exercise_cells, has_legacy_mark, is_marked,
                            notebook_paths, read)

PATHS = notebook_paths()
IDS = [p.stem for p in PATHS]
SECTIONS = [
    "## Objetivos de aprendizaje",
    "## Requisitos previos",
    "## Tiempo estimado",
    "## Resumen",
    "## Para saber más",
]
# Stored outputs of a marked cell: only what the comparison reads (tests/notebook_utils.comparable).
STORED_KINDS = {"stream", "execute_result", "display_data"}


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
def test_only_marked_cells_store_outputs(path):
    """Only cells tagged ``nbval-check-output`` store outputs (compared with the suite's single
    execution by tests/test_notebooks.py); stored outputs are minimal and deterministic: text only
    (stdout or text/plain), no errors, no images, no stderr. Nothing executes the stored notebook any
    more, so execution counts are not needed: scripts/store_outputs.py writes none. The old
    first-line comment ``# NBVAL_CHECK_OUTPUT`` is still accepted (store_outputs.py converts it)."""
    nb = read(path)
    for index, cell in enumerate(nb.cells, start=1):
        if cell.cell_type != "code":
            continue
        outputs = cell.get("outputs", [])
        if not is_marked(cell):
            assert cell.execution_count is None, f"celda {index}: contador de ejecución guardado"
            assert not outputs, f"celda {index}: salida guardada sin la etiqueta {NBVAL_TAG}"
            continue
        assert outputs, f"celda {index}: una celda marcada para nbval debe tener su salida guardada"
        assert "parameters" not in cell.metadata.get("tags", []), f"celda {index}: la celda de parámetros no se compara"
        legacy = (has_legacy_mark(cell) and NBVAL_TAG not in cell.metadata.get("tags", []))
        for output in outputs:
            kind = output.output_type
            assert kind != "error", f"celda {index}: error guardado"
            assert kind in STORED_KINDS, f"celda {index}: salida «{kind}» guardada"
            if kind == "stream":
                assert output.name == "stdout", f"celda {index}: salida de {output.name} guardada"
                text = output.text
            else:
                extra = set(output.get("data", {})) - {"text/plain"}
                assert not extra, f"celda {index}: guarda {sorted(extra)} (solo text/plain)"
                assert "text/plain" in output.get("data", {}), f"celda {index}: salida sin text/plain"
                text = output.data["text/plain"]
                assert legacy or output.get("execution_count") is None, f"celda {index}: contador guardado"
            assert not re.search(r"\b0x[0-9a-fA-F]{6,}", text), f"celda {index}: dirección de memoria guardada"
        if not legacy:
            assert cell.execution_count is None, f"celda {index}: contador de ejecución guardado"


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
