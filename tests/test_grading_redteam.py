"""Red team: a batch of hostile and damaged submissions next to honest ones.

Every attack must earn no undeserved point, honest grades must be exact, damaged
files must get a row with a Spanish reason, and nothing may leak out of a worker
(files, processes, forged rows).
"""

import csv
import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.redteam import attacks

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "redteam" / "exercises_fixture.py"
IDS = "90.1,90.2,90.3"


def grade(folder, out, *extra, timeout=400):
    cmd = [sys.executable, "-m", "coursekit.cli", "calificar", str(folder), "--ejercicios", IDS,
           "--definiciones", str(FIXTURE), "--salida", str(out), "--procesos", "2",
           "--timeout-celda", "25", "--timeout-llamada", "3", "--timeout-entrega", "90",
           "--memoria-mb", "1200", *extra]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def read_csv(out):
    with open(out / "calificaciones.csv", encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _worker_uid_processes():
    found = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                uid = os.stat(f"/proc/{name}").st_uid
            except OSError:
                continue
            if 61000 <= uid < 61100:
                found.append(int(name))
    return found


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    base = tmp_path_factory.mktemp("redteam")
    folder, out = base / "entregas", base / "salida"
    fixture_hash = hashlib.sha256(FIXTURE.read_bytes()).hexdigest()
    expected = attacks.write_batch(folder, {"out": out, "fixture": FIXTURE})
    start = time.monotonic()
    proc = grade(folder, out)
    elapsed = time.monotonic() - start
    assert proc.returncode == 0, proc.stderr[-3000:]
    return {"out": out, "expected": expected, "proc": proc, "elapsed": elapsed, "fixture_hash": fixture_hash,
            "rows": {row["alumno"]: row for row in read_csv(out)},
            "json": json.loads((out / "calificaciones.json").read_text(encoding="utf-8"))}


def test_every_submission_has_exactly_one_row(batch):
    names = [row["alumno"] for row in read_csv(batch["out"])]
    assert sorted(names) == sorted(batch["expected"])
    assert len(names) == len(set(names))


@pytest.mark.parametrize("student", sorted({**attacks.ATTACKS, **attacks.HONEST}) + ["rt_pdf"])
def test_exact_deserved_total(batch, student):
    row = batch["rows"][student]
    detail = next(a for a in batch["json"]["alumnos"] if a["alumno"] == student)
    assert float(row["total"]) == batch["expected"][student], json.dumps(detail, ensure_ascii=False, indent=1)
    assert float(row["maximo"]) == 5


def test_honest_submissions_are_clean(batch):
    for student in list(attacks.HONEST) + ["rt_warnings"]:
        assert batch["rows"][student]["estado"] == "calificado", batch["rows"][student]


def test_damaged_files_are_rejected_with_reason(batch):
    for student in attacks.REJECTED:
        row = batch["rows"][student]
        assert row["estado"] == "rechazado" and len(row["motivo"]) > 10, row
    assert "máximo" in batch["rows"]["rt_huge"]["motivo"]
    assert "JSON" in batch["rows"]["rt_malformed"]["motivo"]
    assert "vacío" in batch["rows"]["rt_empty"]["motivo"]


def test_lost_workers_are_reported(batch):
    for student in ("rt_loop_cell", "rt_loop_function", "rt_memory_bomb", "rt_os_exit", "rt_segfault"):
        assert batch["rows"][student]["estado"] == "con incidencias", batch["rows"][student]
    assert "memoria" in batch["rows"]["rt_memory_bomb"]["motivo"]
    statuses = {e["id"]: e["estado"] for a in batch["json"]["alumnos"] if a["alumno"] == "rt_loop_function"
                for e in a["ejercicios"]}
    assert statuses == {"90.1": "timeout", "90.2": "passed", "90.3": "timeout"}


def test_nothing_leaks_out_of_the_workers(batch):
    assert hashlib.sha256(FIXTURE.read_bytes()).hexdigest() == batch["fixture_hash"]
    csv_text = (batch["out"] / "calificaciones.csv").read_text(encoding="utf-8-sig")
    assert "rt_forge_output,5" not in csv_text
    assert "manipulado" not in (batch["out"] / ".estado" / "rt_read_tests.json").read_text(encoding="utf-8")
    assert not (ROOT / "calificaciones.csv").exists()
    assert _worker_uid_processes() == []  # fork bomb and memory bomb children are all gone


def test_reports_are_spanish_and_hide_expected_values(batch):
    html = (batch["out"] / "informes" / "ok_partial_numpy.html").read_text(encoding="utf-8")
    assert "Informe de calificación" in html and "incorrecto" in html
    assert "5.5" not in html  # the expected value of 90.2 is never shown
    assert "<script" not in (batch["out"] / "informes" / "rt_hide_errors.html").read_text(encoding="utf-8")


def test_summary_and_speed(batch):
    out = batch["proc"].stdout
    assert "Calificación terminada" in out and "Por ejercicio" in out and "Entregas con problemas" in out
    assert batch["elapsed"] < 240, batch["elapsed"]
