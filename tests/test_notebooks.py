"""Every notebook runs in fast mode, still learns, and its solution passes its own checks."""

import pytest

from coursekit.outcomes import read_outcomes
from notebook_utils import check_outputs, execute_fast, exercise_cells, notebook_paths, read, thresholds

NOTEBOOKS = notebook_paths()
IDS = [p.stem for p in NOTEBOOKS]


def test_course_has_notebooks():
    assert len(NOTEBOOKS) >= 2, "Faltan cuadernos en notebooks/"


@pytest.mark.notebooks
@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_runs_in_fast_mode(path):
    nb, seconds = execute_fast(path)
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, errors[0]
    print(f"{path.name}: {seconds:.1f} s en modo rápido")


@pytest.mark.notebooks
@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_learning_outcomes_meet_thresholds(path):
    limits = thresholds(path)
    assert limits is not None, f"Falta tests/outcomes/{path.stem}.json"
    fast = limits["fast"]
    assert fast.get("min") or fast.get("max"), "Sin umbrales en modo rápido"
    outcomes = read_outcomes(execute_fast(path)[0])
    for name, low in fast.get("min", {}).items():
        assert name in outcomes, f"El cuaderno no registra «{name}»"
        assert outcomes[name] >= low, f"{name} = {outcomes[name]} < {low}"
    for name, high in fast.get("max", {}).items():
        assert name in outcomes, f"El cuaderno no registra «{name}»"
        assert outcomes[name] <= high, f"{name} = {outcomes[name]} > {high}"


@pytest.mark.notebooks
@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_solutions_pass_their_checks(path):
    source = read(path)
    expected_ids = [c.metadata["coursekit"]["check"] for c in exercise_cells(source, "check")]
    assert len(expected_ids) >= 4, "Cada cuaderno tiene al menos cuatro ejercicios calificados"
    results = check_outputs(execute_fast(path)[0])
    by_id = {r["id"]: r for r in results}
    for exercise_id in expected_ids:
        assert exercise_id in by_id, f"La comprobación de {exercise_id} no mostró resultado"
        assert by_id[exercise_id]["status"] == "passed", by_id[exercise_id]


@pytest.fixture(scope="module")
def student_edition(tmp_path_factory):
    from coursekit.editions import build_editions

    out = tmp_path_factory.mktemp("ediciones")
    build_editions("notebooks", str(out))
    return out / "alumnado"


@pytest.mark.notebooks
@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_student_edition_runs_and_only_pending_errors(path, student_edition):
    """The student edition runs top to bottom in fast mode; the only errors are ExercisePending
    (from an unsolved stub, or from a later cell that uses an unsolved exercise's result), and
    every check reports "pendiente"."""
    import os

    from nbclient import NotebookClient

    nb = read(student_edition / path.name)
    os.environ["COURSEKIT_FAST"] = "1"
    NotebookClient(nb, kernel_name="python3", allow_errors=True, timeout=600,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert all(e["ename"] == "ExercisePending" for e in errors), [(e["ename"], e["evalue"]) for e in errors]
    statuses = {r["id"]: r["status"] for r in check_outputs(nb)}
    expected = [c.metadata["coursekit"]["check"] for c in exercise_cells(nb, "check")]
    assert statuses == {i: "pending" for i in expected}
