"""Student and solutions editions (``coursekit.editions``) on small synthetic notebooks.

The last tests build the real course notebooks when ``notebooks/NN_*.ipynb`` exist.
"""

import copy
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat import v4

from coursekit import editions
from coursekit.editions import EditionError, build_editions, build_solutions, build_student

ROOT = Path(__file__).resolve().parents[1]
NAME = "89_prueba.ipynb"
IMPORTS = "from coursekit.exercises import check, pendiente"


@pytest.fixture(autouse=True)
def spanish(monkeypatch):
    monkeypatch.setenv("COURSEKIT_LANG", "es")


# ---------------------------------------------------------------- synthetic notebooks


def grader(grade_id, *, solution=False, grade=False, points=None):
    meta = {"grade": grade, "grade_id": grade_id, "locked": not solution, "schema_version": 3, "solution": solution}
    if points is not None:
        meta["points"] = points
    return meta


def solution_cell(source, exercise_id="89.1", grade_id=None, cell_type="code"):
    metadata = {
        "nbgrader": grader(grade_id or "ex" + exercise_id.replace(".", "_"), solution=True),
        "coursekit": {"exercise": exercise_id},
    }
    if cell_type == "markdown":
        return v4.new_markdown_cell(source, metadata=metadata)
    return v4.new_code_cell(source, metadata=metadata)


def check_cell(exercise_id="89.1", source=None):
    return v4.new_code_cell(
        source or f'check("{exercise_id}", double)',
        metadata={"nbgrader": grader("ex" + exercise_id.replace(".", "_") + "_check", grade=True, points=2),
                  "coursekit": {"check": exercise_id}},
    )


def notebook(*cells):
    nb = v4.new_notebook()
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nb.cells = [v4.new_markdown_cell("# 01 · Prueba"), v4.new_code_cell(IMPORTS), *cells]
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"c{index}"  # fixed ids: files written from these are reproducible
    return nb


DOUBLE = "def double(x):\n    ### BEGIN SOLUTION\n    y = 2 * x\n    return y\n    ### END SOLUTION\n"


def course(tmp_path, *notebooks, glossary=True):
    """A ``notebooks`` folder with the given (name, nb) pairs and a glossary."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    for name, nb in notebooks:
        nbformat.write(nb, str(folder / name))
    if glossary:
        (folder / "glosario.md").write_text("# Glosario\n\n- neurona (*neuron*)\n", encoding="utf-8")
    (folder / "borrador.ipynb").write_text("no es un cuaderno del curso", encoding="utf-8")
    return folder


def files_of(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# ---------------------------------------------------------------- transformations


def test_student_stub_keeps_the_markers_indentation():
    nb = notebook(solution_cell(DOUBLE), check_cell())
    student = build_student(nb, NAME)
    assert student.cells[2].source == (
        'def double(x):\n    # TU CÓDIGO AQUÍ\n    return pendiente("89.1")\n'
    )
    assert build_solutions(nb, NAME).cells[2].source == "def double(x):\n    y = 2 * x\n    return y\n"
    compile(student.cells[2].source, "stub", "exec")  # the stub is valid Python


def test_several_regions_top_level_and_tabs():
    source = ("import numpy as np\n### BEGIN SOLUTION\nw = np.ones(3)\n### END SOLUTION\nb = 0\n"
              "def f():\n\t# BEGIN SOLUTION\n\tz = 1\n\treturn z\n\t# END SOLUTION")
    student = build_student(notebook(solution_cell(source)), NAME)
    assert student.cells[2].source == (  # 89.1 is not registered: no target name for the top-level stub
        'import numpy as np\n# TU CÓDIGO AQUÍ\npendiente("89.1")\nb = 0\ndef f():\n\t# TU CÓDIGO AQUÍ\n'
        '\treturn pendiente("89.1")'
    )


def test_a_stub_that_would_not_be_python_is_refused():
    source = "if True:\n    ### BEGIN SOLUTION\n    z = 1\n    ### END SOLUTION\n"  # `return` outside a function
    with pytest.raises(editions.EditionError, match="no sería código Python válido"):
        build_student(notebook(solution_cell(source)), NAME)


def test_hidden_tests_removed_for_learners_and_kept_in_solutions():
    check = check_cell(source='check("89.1", double)\n### BEGIN HIDDEN TESTS\nassert double(2) == 4\n### END HIDDEN TESTS\n')
    nb = notebook(solution_cell(DOUBLE), check)
    assert build_student(nb, NAME).cells[3].source == 'check("89.1", double)\n'
    assert build_solutions(nb, NAME).cells[3].source == check.source


def test_markdown_answer_becomes_a_prompt():
    answer = solution_cell("**Respuesta:**\n\n### BEGIN SOLUTION\nLa sigmoide satura para |z| grande.\n### END SOLUTION\n",
                           exercise_id="89.2", cell_type="markdown")
    nb = notebook(answer)
    assert build_student(nb, NAME).cells[2].source == "**Respuesta:**\n\n*Escribe aquí tu respuesta.*\n"
    assert build_solutions(nb, NAME).cells[2].source == "**Respuesta:**\n\nLa sigmoide satura para |z| grande.\n"


def test_outputs_cleared_metadata_kept_input_untouched():
    ran = v4.new_code_cell("print(1)", execution_count=3, metadata={
        "tags": ["parameters"], "execution": {"iopub.execute_input": "2024-01-01T00:00:00Z"},
        "ExecuteTime": {"end_time": "2024-01-01"}, "papermill": {"duration": 1.0}})
    ran.outputs = [v4.new_output("stream", name="stdout", text="1\n")]
    nb = notebook(ran, solution_cell(DOUBLE), check_cell())
    nb.metadata["papermill"] = {"start_time": "2024-01-01"}
    before = copy.deepcopy(nb)
    for build in (build_student, build_solutions):
        out = build(nb, NAME)
        assert nb == before, "build_* must not modify its input"
        assert [c.id for c in out.cells] == [c.id for c in nb.cells]
        assert "papermill" not in out.metadata and out.metadata["kernelspec"]["name"] == "python3"
        cell = out.cells[2]
        assert cell.outputs == [] and cell.execution_count is None
        assert cell.metadata == {"tags": ["parameters"]}
        assert out.cells[3].metadata == nb.cells[3].metadata  # nbgrader + coursekit
        assert out.cells[4].metadata == nb.cells[4].metadata
        nbformat.validate(out)


def test_build_editions_writes_both_editions_deterministically(tmp_path):
    second = notebook(solution_cell(DOUBLE.replace("double", "triple").replace("2 *", "3 *"), "90.1"),
                      check_cell("90.1", 'check("90.1", triple)'))
    source = course(tmp_path, (NAME, notebook(solution_cell(DOUBLE), check_cell())), ("90_otro.ipynb", second))
    result = build_editions(source, tmp_path / "a")
    build_editions(source, tmp_path / "b")
    a, b = files_of(tmp_path / "a"), files_of(tmp_path / "b")
    assert a == b
    assert sorted(a) == [
        "alumnado/89_prueba.ipynb", "alumnado/90_otro.ipynb", "alumnado/glosario.md",
        "soluciones/89_prueba.ipynb", "soluciones/90_otro.ipynb", "soluciones/glosario.md",
    ]
    build_editions(source, tmp_path / "a")  # rebuilding in place changes nothing
    assert files_of(tmp_path / "a") == a
    raw = a["alumnado/89_prueba.ipynb"].decode("utf-8")
    assert raw.endswith("}\n") and json.dumps(json.loads(raw), sort_keys=True, indent=1, ensure_ascii=False) + "\n" == raw
    assert 'pendiente(\\"89.1\\")' in raw and "TU CÓDIGO AQUÍ" in raw  # UTF-8, not \u escapes
    assert result["notebooks"] == [NAME, "90_otro.ipynb"]
    assert result["exercises"] == {NAME: ["89.1"], "90_otro.ipynb": ["90.1"]}
    assert result["student"]["stubs"] == 2 and result["copied"] == ["glosario.md"]


def test_missing_cell_ids_are_filled_deterministically(tmp_path):
    nb = notebook(solution_cell(DOUBLE), check_cell())
    data = json.loads(nbformat.writes(nb))
    for cell in data["cells"]:
        del cell["id"]
    folder = tmp_path / "notebooks"
    folder.mkdir()
    (folder / NAME).write_text(json.dumps(data), encoding="utf-8")
    build_editions(folder, tmp_path / "a")
    build_editions(folder, tmp_path / "b")
    assert files_of(tmp_path / "a") == files_of(tmp_path / "b")
    ids = [c["id"] for c in json.loads((tmp_path / "a" / "alumnado" / NAME).read_text(encoding="utf-8"))["cells"]]
    assert ids == ["cell-1", "cell-2", "cell-3", "cell-4"]


def test_stale_notebooks_are_removed_from_the_output(tmp_path):
    source = course(tmp_path, (NAME, notebook(solution_cell(DOUBLE))))
    stale = tmp_path / "out" / "alumnado" / "07_viejo.ipynb"
    stale.parent.mkdir(parents=True)
    stale.write_text("{}", encoding="utf-8")
    build_editions(source, tmp_path / "out")
    assert not stale.exists()


# ---------------------------------------------------------------- malformed sources

SOL = {"nbgrader": grader("ex89_1", solution=True), "coursekit": {"exercise": "89.1"}}

BAD = {
    "begin_without_end": ([v4.new_code_cell("def f():\n    ### BEGIN SOLUTION\n    return 1\n", metadata=SOL)],
                          3, "89.1", "«### BEGIN SOLUTION» en la línea 2 no tiene su «### END SOLUTION»"),
    "end_without_begin": ([v4.new_code_cell("x = 1\n### END SOLUTION\n", metadata=SOL)],
                          3, "89.1", "«### END SOLUTION» en la línea 2 no tiene antes su «### BEGIN SOLUTION»"),
    "nested_solution": ([v4.new_code_cell("### BEGIN SOLUTION\n### BEGIN SOLUTION\nx = 1\n### END SOLUTION\n### END SOLUTION",
                                          metadata=SOL)], 3, "89.1", "abierta en la línea 1"),
    "hidden_inside_solution": ([v4.new_code_cell("### BEGIN SOLUTION\nx = 1\n### BEGIN HIDDEN TESTS\nassert x\n"
                                                 "### END HIDDEN TESTS\n### END SOLUTION", metadata=SOL)],
                               3, "89.1", "«### BEGIN HIDDEN TESTS» en la línea 3 está dentro de la región «### BEGIN SOLUTION»"),
    "crossed_end": ([v4.new_code_cell("### BEGIN SOLUTION\nx = 1\n### END HIDDEN TESTS", metadata=SOL)],
                    3, "89.1", "no puede cerrar la región «### BEGIN SOLUTION»"),
    "misspelt_marker": ([v4.new_code_cell("### BEGIN SOLUTION\nx = 1\n### END  SOLUTION", metadata=SOL)],
                        3, "89.1", "la línea 3 («### END  SOLUTION») parece un marcador"),
    "region_without_metadata": ([v4.new_code_cell("### BEGIN SOLUTION\nx = 1\n### END SOLUTION")],
                                3, None, "falta nbgrader.solution = true"),
    "region_without_exercise_id": ([v4.new_code_cell("### BEGIN SOLUTION\nx = 1\n### END SOLUTION",
                                                     metadata={"nbgrader": grader("ex89_1", solution=True)})],
                                   3, None, "falta coursekit.exercise"),
    "region_without_solution_flag": ([v4.new_code_cell("### BEGIN SOLUTION\nx = 1\n### END SOLUTION",
                                                       metadata={"coursekit": {"exercise": "89.1"}})],
                                     3, "89.1", "falta nbgrader.solution = true"),
    "solution_cell_without_region": ([v4.new_code_cell("x = 1", metadata=SOL)],
                                     3, "89.1", "la solución entera llegaría al alumnado"),
    "duplicate_exercise_id": ([solution_cell(DOUBLE, "89.1", "ex_a"), solution_cell(DOUBLE, "89.1", "ex_b")],
                              4, "89.1", "el ejercicio 89.1 ya tiene otra celda de solución (celda 3)"),
    "duplicate_grade_id": ([solution_cell(DOUBLE, "89.1", "ex_a"), solution_cell(DOUBLE, "89.2", "ex_a")],
                           4, "89.2", "el grade_id «ex_a» de nbgrader ya lo usa la celda 3"),
    "check_without_solution": ([solution_cell(DOUBLE), check_cell("89.1"), check_cell("89.5")],
                               5, "89.5", "la comprobación del ejercicio 89.5 no tiene celda de solución"),
    "hidden_tests_outside_graded_cell": ([v4.new_code_cell("### BEGIN HIDDEN TESTS\nassert True\n### END HIDDEN TESTS")],
                                         3, None, "tiene pruebas ocultas pero no es una celda calificada"),
    "exercise_of_another_notebook": ([solution_cell(DOUBLE, "90.1")], 3, "90.1", "debería empezar por «89.»"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_malformed_source_is_refused_naming_notebook_and_cell(case):
    cells, cell_number, exercise_id, problem = BAD[case]
    with pytest.raises(EditionError) as info:
        build_student(notebook(*copy.deepcopy(cells)), NAME)
    error = info.value
    assert (error.notebook, error.cell, error.exercise_id) == (NAME, cell_number, exercise_id)
    where = f"{NAME}, celda {cell_number}" + (f" (ejercicio {exercise_id})" if exercise_id else "")
    assert str(error).startswith(where + ": "), str(error)
    assert problem in str(error)
    with pytest.raises(EditionError):  # the solutions edition refuses the same sources
        build_solutions(notebook(*copy.deepcopy(cells)), NAME)


def test_notebook_that_never_imports_pendiente_is_refused():
    nb = notebook(solution_cell(DOUBLE))
    nb.cells[1].source = "from coursekit.exercises import check"
    with pytest.raises(EditionError, match=r"89_prueba.ipynb, celda 3 \(ejercicio 89.1\): .*importa") as info:
        build_student(nb, NAME)
    assert "from coursekit.exercises import check, pendiente" in str(info.value)
    nb.cells[1].source = "%matplotlib inline\nimport os\nfrom coursekit.exercises import *"
    build_student(nb, NAME)  # a star import (and a magic) is fine


def test_nothing_is_written_when_any_notebook_is_invalid(tmp_path):
    broken = notebook(v4.new_code_cell("### BEGIN SOLUTION\nx = 1\n", metadata=SOL))
    broken.cells[2].metadata["coursekit"] = {"exercise": "90.1"}
    source = course(tmp_path, (NAME, notebook(solution_cell(DOUBLE))), ("02_roto.ipynb", broken))
    with pytest.raises(EditionError, match=r"02_roto.ipynb, celda 3 \(ejercicio 90.1\)"):
        build_editions(source, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_message_catalogs_have_the_same_keys():
    locales = ROOT / "coursekit" / "locales"
    es = json.loads((locales / "es" / "editions.json").read_text(encoding="utf-8"))
    en = json.loads((locales / "en" / "editions.json").read_text(encoding="utf-8"))
    assert es.keys() == en.keys()
    used = set(re.findall(r'"(editions\.[a-z_]+)"', (ROOT / "coursekit" / "editions.py").read_text(encoding="utf-8")))
    assert used <= es.keys()


# ---------------------------------------------------------------- command line


def test_cli_builds_and_reports(tmp_path):
    source = course(tmp_path, (NAME, notebook(solution_cell(DOUBLE), check_cell())))
    command = [sys.executable, "-m", "coursekit.cli", "ediciones", "--origen", str(source), "--destino", str(tmp_path / "out")]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env={**os.environ, "COURSEKIT_LANG": "es"})
    assert done.returncode == 0, done.stderr
    assert "cuadernos: 1, ejercicios: 1" in done.stdout and "alumnado" in done.stdout and "soluciones" in done.stdout
    assert (tmp_path / "out" / "alumnado" / NAME).is_file()


def test_cli_error_goes_to_stderr(tmp_path, capsys):
    from coursekit.cli import main

    source = course(tmp_path, (NAME, notebook(v4.new_code_cell("### END SOLUTION", metadata=SOL))))
    assert main(["ediciones", "--origen", str(source), "--destino", str(tmp_path / "out")]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "no se ha escrito nada" in captured.err and f"{NAME}, celda 3 (ejercicio 89.1)" in captured.err
    assert main(["ediciones", "--origen", str(tmp_path / "no_existe"), "--destino", str(tmp_path / "out")]) == 1
    assert "No existe la carpeta de origen" in capsys.readouterr().err


# ---------------------------------------------------------------- executing the student edition


def execute(nb, cwd):
    from nbclient import NotebookClient

    NotebookClient(nb, kernel_name="python3", allow_errors=True, timeout=60,
                   resources={"metadata": {"path": str(cwd)}}).execute()
    return nb


def text_of(cell):
    parts = []
    for output in cell.get("outputs", []):
        if output.output_type == "stream":
            parts.append(output.text)
        elif output.output_type in ("display_data", "execute_result"):
            parts.append(output.data.get("text/plain", ""))
        elif output.output_type == "error":
            parts.append(f"{output.ename}: {output.evalue}")
    return "\n".join(parts)


def test_student_edition_runs_and_only_pending_exercises_fail(tmp_path):
    """What a learner sees when running the student edition without solving anything.

    * The exercise cell defining ``double`` runs fine: the stub is inside the function.
    * ``check("89.1", double)`` shows the Spanish «pendiente» report (no error).
    * A later cell that *uses* the unsolved function (``double(5)``) gets the course's
      reference instead, with a notice naming exercise 89.1: the lesson goes on.
    * A top-level stub without a course value (exercise 89.2) shows a one-line Spanish notice,
      not a traceback.
    * Cells that do not depend on an exercise run normally.
    """
    setup = v4.new_code_cell(
        "from coursekit.exercises.core import Case, FunctionExercise, register\n"
        "from coursekit.exercises.references import reference\n"
        "def double(x):\n    return 2 * x\n"
        "double_reference = reference('89.1')(double)\n"
        "register(FunctionExercise('89.1', 'Doble', 'double', reference=double_reference,\n"
        "                          cases=lambda rng: [Case('x = 3', (3,)), Case('x = -1', (-1,))]))")
    check = check_cell(source='check("89.1", double)\n### BEGIN HIDDEN TESTS\nassert double(2) == 4\n### END HIDDEN TESTS')
    value = solution_cell("### BEGIN SOLUTION\nanswer = 42\n### END SOLUTION", "89.2")
    nb = notebook(setup, solution_cell(DOUBLE), check, v4.new_code_cell("print(double(5))"), value,
                  v4.new_code_cell("print('sigue')"))

    student = execute(build_student(nb, NAME), tmp_path)
    errors = [o for c in student.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors == []
    assert "pendiente" in text_of(student.cells[4]) and "Ejercicio 89.1" in text_of(student.cells[4])
    assert "El ejercicio 89.1 está pendiente" in text_of(student.cells[5]) and "10" in text_of(student.cells[5])
    assert text_of(student.cells[6]).startswith("⏳ El ejercicio 89.2 está pendiente")
    assert "Traceback" not in text_of(student.cells[6])
    assert text_of(student.cells[7]).strip() == "sigue"

    solutions = execute(build_solutions(nb, NAME), tmp_path)
    assert not [o for c in solutions.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert "correcto" in text_of(solutions.cells[4])


# ---------------------------------------------------------------- the real course notebooks

REAL = sorted(p for p in (ROOT / "notebooks").glob(editions.NOTEBOOK_GLOB) if p.is_file())


def _regions(source):
    """(solution lines, hidden lines, other lines) of a cell, parsed independently of editions.py."""
    parts = {"SOLUTION": [], "HIDDEN TESTS": [], None: []}
    region = None
    for line in source.split("\n"):
        match = re.search(r"(BEGIN|END) (SOLUTION|HIDDEN TESTS)", line)
        if match:
            region = match.group(2) if match.group(1) == "BEGIN" else None
            continue
        parts[region].append(line.strip())
    return parts["SOLUTION"], parts["HIDDEN TESTS"], parts[None]


def _telling(lines):
    return {line for line in lines if len(line) > 15 and not line.startswith("#")}


@pytest.mark.skipif(not REAL, reason="no hay cuadernos NN_*.ipynb en notebooks/")
def test_real_course_notebooks(tmp_path):
    build_editions(ROOT / "notebooks", tmp_path / "a")
    build_editions(ROOT / "notebooks", tmp_path / "b")
    assert files_of(tmp_path / "a") == files_of(tmp_path / "b"), "las ediciones no son deterministas"
    for path in REAL:
        source = nbformat.read(str(path), as_version=4)
        student = nbformat.read(str(tmp_path / "a" / "alumnado" / path.name), as_version=4)
        assert len(student.cells) == len(source.cells)
        secret, elsewhere = set(), set()
        for cell in source.cells:
            solution, hidden, other = _regions(cell.source)
            secret |= _telling(solution) | _telling(hidden)
            elsewhere |= set(other)
        secret -= elsewhere
        student_lines = {line.strip() for cell in student.cells for line in cell.source.split("\n")}
        leaked = sorted(secret & student_lines)
        assert not leaked, f"{path.name}: la edición del alumnado contiene líneas de la solución: {leaked[:5]}"
        for number, cell in enumerate(student.cells, start=1):
            assert not re.search(r"(BEGIN|END) (SOLUTION|HIDDEN TESTS)", cell.source), f"{path.name}, celda {number}"
            assert not cell.get("outputs") and cell.get("execution_count") is None
        for src, out in zip(source.cells, student.cells):
            exercise_id = src.metadata.get("coursekit", {}).get("exercise")
            if exercise_id and src.cell_type == "code":
                assert f'pendiente("{exercise_id}")' in out.source, f"{path.name}: falta el esbozo de {exercise_id}"
