"""A batch killed with SIGKILL resumes without regrading finished submissions or duplicating rows."""

import csv
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.redteam.builders import ANSWER_OK, IMPORTS, SIGMOID_OK, cell, dumps, notebook

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "redteam" / "exercises_fixture.py"


def _command(folder, out, *extra):
    return [sys.executable, "-m", "coursekit.cli", "calificar", str(folder), "--ejercicios", "90.1,90.2",
            "--definiciones", str(FIXTURE), "--salida", str(out), "--procesos", "2", "-q", *extra]


def _write_batch(folder):
    folder.mkdir()
    expected = {}
    for i in range(8):
        answer = ANSWER_OK if i % 2 == 0 else "respuesta = 0.0\n"
        cells = [cell(IMPORTS), cell("import time\ntime.sleep(1.0)"), cell(SIGMOID_OK, "90.1"), cell(answer, "90.2")]
        (folder / f"alumno{i:02d}.ipynb").write_bytes(dumps(notebook(cells)))
        expected[f"alumno{i:02d}"] = 3.0 if i % 2 == 0 else 2.0
    return expected


def _states(out):
    state_dir = out / ".estado"
    if not state_dir.is_dir():
        return {}
    return {p.stem: (p.stat().st_ino, p.stat().st_mtime_ns) for p in state_dir.glob("*.json")}


def _rows(out):
    with open(out / "calificaciones.csv", encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_sigkill_and_resume(tmp_path):
    folder, out = tmp_path / "entregas", tmp_path / "salida"
    expected = _write_batch(folder)
    proc = subprocess.Popen(_command(folder, out), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while len(_states(out)) < 3 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    before = _states(out)
    assert 3 <= len(before) < 8, before  # killed mid-batch
    time.sleep(0.2)
    done = subprocess.run(_command(folder, out), cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    after = _states(out)
    for student, stamp in before.items():
        assert after[student] == stamp, f"{student} was regraded"
    rows = _rows(out)
    assert sorted(r["alumno"] for r in rows) == sorted(expected)
    assert {r["alumno"]: float(r["total"]) for r in rows} == expected
    assert not list((out / ".estado").glob(".*.tmp"))

    # A third run regrades nothing; --alumno regrades exactly one student.
    again = subprocess.run(_command(folder, out), cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0 and _states(out) == after
    one = subprocess.run(_command(folder, out, "--alumno", "alumno03"), cwd=ROOT, capture_output=True, text=True,
                         timeout=300)
    assert one.returncode == 0, one.stderr[-2000:]
    final = _states(out)
    assert final["alumno03"] != after["alumno03"]
    assert {k: v for k, v in final.items() if k != "alumno03"} == {k: v for k, v in after.items() if k != "alumno03"}
    assert len(_rows(out)) == 8


def test_changed_submission_is_regraded(tmp_path):
    folder, out = tmp_path / "entregas", tmp_path / "salida"
    folder.mkdir()
    path = folder / "ana.ipynb"
    path.write_bytes(dumps(notebook([cell(IMPORTS), cell("respuesta = 0.0\n", "90.2")])))
    assert subprocess.run(_command(folder, out), cwd=ROOT, timeout=120).returncode == 0
    assert float(_rows(out)[0]["total"]) == 0
    path.write_bytes(dumps(notebook([cell(IMPORTS), cell(ANSWER_OK, "90.2")])))
    assert subprocess.run(_command(folder, out), cwd=ROOT, timeout=120).returncode == 0
    assert float(_rows(out)[0]["total"]) == 1


def test_ctrl_c_stops_promptly_and_keeps_finished_grades(tmp_path):
    folder, out = tmp_path / "entregas", tmp_path / "salida"
    folder.mkdir()
    quick = [cell(IMPORTS), cell(SIGMOID_OK, "90.1"), cell(ANSWER_OK, "90.2")]
    (folder / "a_rapido.ipynb").write_bytes(dumps(notebook(quick)))
    for i in range(4):  # each would take the whole cell timeout
        slow = [cell(IMPORTS), cell("while True:\n    pass"), cell(SIGMOID_OK, "90.1")]
        (folder / f"b_lento{i}.ipynb").write_bytes(dumps(notebook(slow)))
    proc = subprocess.Popen(_command(folder, out, "--procesos", "1", "--timeout-celda", "120"), cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while "a_rapido" not in _states(out) and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    time.sleep(1.0)  # a slow one is running now
    start = time.monotonic()
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert time.monotonic() - start < 30, "Ctrl-C tardó demasiado"
    assert proc.returncode == 130 and "interrumpida" in err, err[-2000:]
    assert set(_states(out)) == {"a_rapido"}  # the cut-short one is not saved as graded
    assert [row["alumno"] for row in _rows(out)] == ["a_rapido"]
