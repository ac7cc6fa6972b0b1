"""Every notebook runs in fast mode, still learns, its solution passes its own checks, the cells
marked for it reproduce their stored outputs, and its student edition runs to the end.

Each notebook and each student edition is executed ONCE per run of the suite
(``notebook_utils.execute``); all the tests of one notebook share an xdist group, so they run on
the worker that executed it and read that one execution.
"""

import pytest

from coursekit.outcomes import read_outcomes
from notebook_utils import (check_outputs, compare_outputs, error_outputs, execute, exercise_cells, group,
                            match_cells, notebook_paths, read, thresholds)

NOTEBOOKS = notebook_paths()


def _params(edition="fuente"):
    return [pytest.param(p, id=p.stem, marks=[pytest.mark.notebooks, pytest.mark.xdist_group(group(p, edition))])
            for p in NOTEBOOKS]


def _describe(errors, limit=5):
    return "\n".join(f"celda {n}: {o.get('ename')}: {str(o.get('evalue'))[:300]}" for n, o in errors[:limit])


def test_course_has_notebooks():
    assert len(NOTEBOOKS) >= 2, "Faltan cuadernos en notebooks/"


@pytest.mark.parametrize("path", _params())
def test_notebook_runs_in_fast_mode(path):
    nb, seconds = execute(path)
    errors = error_outputs(nb)
    assert not errors, f"{len(errors)} salidas de error:\n{_describe(errors)}"
    print(f"{path.name}: {seconds:.1f} s en modo rápido")


@pytest.mark.parametrize("path", _params())
def test_learning_outcomes_meet_thresholds(path):
    limits = thresholds(path)
    assert limits is not None, f"Falta tests/outcomes/{path.stem}.json"
    fast = limits["fast"]
    assert fast.get("min") or fast.get("max"), "Sin umbrales en modo rápido"
    outcomes = read_outcomes(execute(path)[0])
    for name, low in fast.get("min", {}).items():
        assert name in outcomes, f"El cuaderno no registra «{name}»"
        assert outcomes[name] >= low, f"{name} = {outcomes[name]} < {low}"
    for name, high in fast.get("max", {}).items():
        assert name in outcomes, f"El cuaderno no registra «{name}»"
        assert outcomes[name] <= high, f"{name} = {outcomes[name]} > {high}"


@pytest.mark.parametrize("path", _params())
def test_solutions_pass_their_checks(path):
    source = read(path)
    expected_ids = [c.metadata["coursekit"]["check"] for c in exercise_cells(source, "check")]
    assert len(expected_ids) >= 4, "Cada cuaderno tiene al menos cuatro ejercicios calificados"
    results = check_outputs(execute(path)[0])
    by_id = {r["id"]: r for r in results}
    for exercise_id in expected_ids:
        assert exercise_id in by_id, f"La comprobación de {exercise_id} no mostró resultado"
        assert by_id[exercise_id]["status"] == "passed", by_id[exercise_id]


@pytest.mark.parametrize("path", _params())
def test_marked_cells_reproduce_stored_outputs(path):
    """What ``nbval --nbval-lax`` checked, without a second execution: the cells tagged
    ``nbval-check-output`` (or starting with the old ``# NBVAL_CHECK_OUTPUT``) print what is stored."""
    source = read(path)
    executed, _ = execute(path)
    problems = []
    for number, stored, fresh in match_cells(source, executed):
        if fresh is None:
            problems.append(f"celda {number}: no aparece en la ejecución")
            continue
        for line in compare_outputs(stored.get("outputs", []), fresh.get("outputs", [])):
            problems.append(f"celda {number}: {line}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", _params("alumnado"))
def test_student_edition_runs_without_errors_and_every_check_pending(path):
    """The student edition runs top to bottom in fast mode with ZERO error outputs (an unsolved
    function falls back to the course's reference) and every check reports "pendiente"."""
    nb, seconds = execute(path, "alumnado")
    errors = error_outputs(nb)
    assert not errors, f"edición del alumnado: {len(errors)} salidas de error:\n{_describe(errors)}"
    statuses = {r["id"]: r["status"] for r in check_outputs(nb)}
    expected = [c.metadata["coursekit"]["check"] for c in exercise_cells(nb, "check")]
    assert expected, "la edición del alumnado no tiene comprobaciones"
    assert statuses == {i: "pending" for i in expected}
    print(f"{path.name} (alumnado): {seconds:.1f} s en modo rápido")
