"""Benchmark of batch grading: ``coursekit calificar`` vs. plain execution vs. nbgrader ``autograde``.

    .venv/bin/python bench/grading/run_bench.py --n 30 --procesos 2

For each kind of notebook (``numpy``: NumPy + a Matplotlib figure; ``keras``: a small
dense model on sklearn's digits, 2 epochs in fast mode) it writes N submissions
(a third with a wrong function, some pending), then measures on the same files:

* plain execution with nbclient (one kernel per notebook, sequential): the floor,
* ``coursekit calificar`` with 1 and with ``--procesos`` workers (zygote, the default) and with
  ``--procesos`` workers and ``--sin-zigoto`` (a fresh process per submission),
* nbgrader ``generate_assignment`` + ``autograde`` in a throwaway venv
  (``bench/.nbgrader-venv``: nbgrader, NumPy, TensorFlow and coursekit without deps),

checks that both graders give every student the same total, and writes
``bench/grading/RESULTS.md``.
"""

import argparse
import csv
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

from coursekit.config import TENSORFLOW_ENV

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
WORK = ROOT / "bench" / ".work" / "grading"
NBG_VENV = ROOT / "bench" / ".nbgrader-venv"
DEFS = HERE / "bench_exercises.py"
ENV = {"COURSEKIT_FAST": "1", "MPLBACKEND": "Agg", **TENSORFLOW_ENV, "COURSEKIT_HEADLESS": "1"}
IDS = {"numpy": "91.1,91.2,91.3", "keras": "92.1,92.2"}
POINTS = {"91.1": 2, "91.2": 1, "91.3": 1, "92.1": 2, "92.2": 1}

SETUP = f"""import os, sys
for k, v in {ENV!r}.items():
    os.environ.setdefault(k, v)
sys.path.insert(0, {str(HERE)!r})
try:
    import bench_exercises  # registers the exercises for nbgrader's check cells (coursekit hides them)
except ImportError:
    pass
import numpy as np
from coursekit.exercises import check
"""
NUMPY_WORK = """import matplotlib.pyplot as plt
rng = np.random.default_rng(0)
X = rng.normal(size=(2000, 20)); w_true = rng.normal(size=20); y = X @ w_true + 0.1 * rng.normal(size=2000)
w = np.zeros(20); losses = []
for _ in range(300):
    grad = X.T @ (X @ w - y) / len(y)
    w -= 0.1 * grad
    losses.append(float(np.mean((X @ w - y) ** 2)))
plt.plot(losses); plt.yscale("log"); plt.show()
"""
SOLUTIONS = {
    "91.1": ("def sigmoid(z):\n    return 1 / (1 + np.exp(-np.asarray(z, dtype=float)))\n",
             "def sigmoid(z):\n    return 1 / (1 + np.exp(np.asarray(z, dtype=float)))\n"),
    "91.2": ("def relu(z):\n    return np.maximum(np.asarray(z, dtype=float), 0)\n",
             "def relu(z):\n    return np.abs(np.asarray(z, dtype=float))\n"),
    "91.3": ("media = float(np.mean(np.arange(1, 11)))\n", "media = 5.0\n"),
    "92.1": ("""import keras
def construir_modelo():
    return keras.Sequential([keras.Input((64,)), keras.layers.Dense(32, activation="relu"),
                             keras.layers.Dense(10, activation="softmax")])
""", """import keras
def construir_modelo():
    return keras.Sequential([keras.Input((64,)), keras.layers.Dense(16, activation="relu"),
                             keras.layers.Dense(10, activation="softmax")])
"""),
}
KERAS_TRAIN = """from sklearn.datasets import load_digits
from coursekit import pick
X, y = load_digits(return_X_y=True)
X = (X / 16.0).astype("float32")
modelo = construir_modelo()
modelo.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
modelo.fit(X[:1400], y[:1400], epochs=pick(10, 2), batch_size=32, verbose=0)
exactitud = float(modelo.evaluate(X[1400:], y[1400:], verbose=0)[1])
"""


def _cell(source, meta=None):
    return {"cell_type": "code", "execution_count": None, "id": None, "metadata": meta or {}, "outputs": [],
            "source": source}


def _solution(ex_id, code, source_version):
    body = f"### BEGIN SOLUTION\n{code}### END SOLUTION\n" if source_version else code
    gid = "ex" + ex_id.replace(".", "_")
    return _cell(body, {"nbgrader": {"grade": False, "grade_id": gid, "locked": False, "schema_version": 3,
                                     "solution": True}, "coursekit": {"exercise": ex_id}})


def _check(ex_id, target):
    gid = "ex" + ex_id.replace(".", "_") + "_check"
    return _cell(f'check("{ex_id}", {target})', {"nbgrader": {
        "grade": True, "grade_id": gid, "locked": True, "points": POINTS[ex_id], "schema_version": 3,
        "solution": False}, "coursekit": {"check": ex_id}})


def make_notebook(kind, variant, source_version=False) -> dict:
    """``variant``: 0 all right, 1 first exercise wrong, 2 last exercise pending-like (wrong)."""
    cells = [_cell(SETUP)]
    if kind == "numpy":
        cells.append(_cell(NUMPY_WORK))
        for k, (ex_id, target) in enumerate([("91.1", "sigmoid"), ("91.2", "relu"), ("91.3", "media")]):
            wrong = (variant == 1 and k == 0) or (variant == 2 and k == 2)
            cells += [_solution(ex_id, SOLUTIONS[ex_id][1 if wrong else 0], source_version), _check(ex_id, target)]
    else:
        wrong = variant == 1
        cells += [_solution("92.1", SOLUTIONS["92.1"][1 if wrong else 0], source_version),
                  _check("92.1", "construir_modelo"), _cell(KERAS_TRAIN), _check("92.2", "exactitud")]
    for i, c in enumerate(cells):
        c["id"] = f"c{i:02d}"
    return {"nbformat": 4, "nbformat_minor": 5, "cells": cells,
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}}


def expected_total(kind, variant):
    if kind == "numpy":
        return 4 - (2 if variant == 1 else 0) - (1 if variant == 2 else 0)
    return 3 - (2 if variant == 1 else 0)


def write_submissions(kind, n, folder):
    folder.mkdir(parents=True, exist_ok=True)
    expected = {}
    for i in range(n):
        student = f"alumno{i:03d}"
        variant = i % 3
        (folder / f"{student}.ipynb").write_text(json.dumps(make_notebook(kind, variant)), encoding="utf-8")
        expected[student] = expected_total(kind, variant)
    return expected


def timed(cmd, env=None, cwd=None):
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True)
    return time.perf_counter() - start, proc


def run_plain(folder, limit):
    """Execute notebooks with nbclient, one kernel each, like a plain ``nbconvert --execute``."""
    script = f"""
import sys, time, nbformat
from pathlib import Path
from nbclient import NotebookClient
paths = sorted(Path({str(folder)!r}).glob("*.ipynb"))[:{limit}]
start = time.perf_counter()
for p in paths:
    nb = nbformat.read(p, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=True).execute()
print(len(paths), time.perf_counter() - start)
"""
    _, proc = timed([sys.executable, "-c", script], env={**os.environ, **ENV})
    if proc.returncode:
        raise RuntimeError(proc.stderr[-2000:])
    count, seconds = proc.stdout.split()[-2:]
    return int(count), float(seconds)


def run_ours(kind, folder, procs, out, *extra):
    shutil.rmtree(out, ignore_errors=True)
    cmd = [sys.executable, "-m", "coursekit.cli", "calificar", str(folder), "--ejercicios", IDS[kind],
           "--definiciones", str(DEFS), "--salida", str(out), "--procesos", str(procs), "-q", *extra]
    seconds, proc = timed(cmd, env={**os.environ, **ENV}, cwd=ROOT)
    if proc.returncode:
        raise RuntimeError(proc.stderr[-2000:])
    with open(out / "calificaciones.csv", encoding="utf-8-sig") as fh:
        totals = {r["alumno"]: float(r["total"]) for r in csv.DictReader(fh)}
    return seconds, totals


def ensure_nbgrader():
    nbgrader = NBG_VENV / "bin" / "nbgrader"
    if nbgrader.exists():
        return nbgrader
    py = sys._base_executable if hasattr(sys, "_base_executable") else "python3"
    subprocess.run([py, "-m", "venv", str(NBG_VENV)], check=True)
    pip = [str(NBG_VENV / "bin" / "pip"), "install", "-q"]
    subprocess.run(pip + ["nbgrader", "numpy", "scikit-learn", "matplotlib", "tensorflow-cpu==2.21.0",
                          "keras==3.15.1"], check=True)
    subprocess.run(pip + ["--no-deps", "-e", str(ROOT)], check=True)
    return nbgrader


def run_nbgrader(kind, folder, course):
    nbgrader = ensure_nbgrader()
    shutil.rmtree(course, ignore_errors=True)
    (course / "source" / "ps1").mkdir(parents=True)
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\nc.CourseDirectory.root = %r\nc.CourseDirectory.course_id = 'bench'\n"
        "c.ExecutePreprocessor.timeout = 600\n" % str(course))
    (course / "source" / "ps1" / "ps1.ipynb").write_text(json.dumps(make_notebook(kind, 0, source_version=True)))
    env = {**os.environ, **ENV, "PATH": f"{NBG_VENV / 'bin'}:{os.environ['PATH']}", "NBGRADER_EXECUTION": "autograde"}
    env.pop("VIRTUAL_ENV", None)
    _, proc = timed([str(nbgrader), "generate_assignment", "ps1", "--force"], env=env, cwd=course)
    if proc.returncode:
        raise RuntimeError("generate_assignment: " + proc.stderr[-2000:])
    for path in sorted(folder.glob("*.ipynb")):
        dest = course / "submitted" / path.stem / "ps1"
        dest.mkdir(parents=True)
        shutil.copy(path, dest / "ps1.ipynb")
    seconds, proc = timed([str(nbgrader), "autograde", "ps1", "--force"], env=env, cwd=course)
    if proc.returncode:
        raise RuntimeError("autograde: " + proc.stderr[-3000:])
    _, proc = timed([str(nbgrader), "export", "--to", str(course / "grades.csv")], env=env, cwd=course)
    totals = {}
    with open(course / "grades.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            totals[row["student_id"]] = float(row["raw_score"] or 0)
    return seconds, totals


def worker_overhead(samples=10, zygote=False):
    """Seconds to start an isolated worker, run an empty notebook and tear it down.

    ``zygote``: forked from a pre-warmed zygote (its own start-up is not counted) instead
    of a fresh ``python -m coursekit.grading.worker``.
    """
    sys.path.insert(0, str(ROOT))
    from coursekit.grading import sandbox
    from coursekit.grading.session import Limits, WorkerSession, worker_env
    from coursekit.grading.zygote import Zygote

    plan = {"net": True, "pid": True, "mounts": True, "hide": [], "uid": 61000, "expose": sandbox.interpreter_paths()}
    if not sandbox.can_isolate():
        plan = {"net": False, "pid": False, "mounts": False, "workdir": "/tmp"}
    server = Zygote(worker_env(Limits(), 1, "/tmp/entrega")).start() if zygote else None
    try:
        start = time.perf_counter()
        for _ in range(samples):
            s = WorkerSession(Limits(), plan, zygote=server).start()
            s.run_cells([{"index": 1, "source": "x = 1"}])
            s.request("value", "x", "x")
            s.close()
        return (time.perf_counter() - start) / samples
    finally:
        if server:
            server.close()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=30)
    parser.add_argument("--n-keras", type=int, default=None, help="entregas del cuaderno Keras (por defecto --n)")
    parser.add_argument("--procesos", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--kinds", default="numpy,keras")
    parser.add_argument("--plain-sample", type=int, default=10, help="notebooks executed with nbclient (mean)")
    parser.add_argument("--sin-nbgrader", action="store_true")
    parser.add_argument("--resultados", default=str(HERE / "RESULTS.md"))
    args = parser.parse_args(argv)
    rows, notes = [], []
    spawn = {"fresh": worker_overhead(), "zygote": worker_overhead(zygote=True)}
    for kind in args.kinds.split(","):
        base = WORK / kind
        shutil.rmtree(base, ignore_errors=True)
        folder = base / "entregas"
        n = args.n_keras if kind == "keras" and args.n_keras else args.n
        expected = write_submissions(kind, n, folder)
        print(f"[{kind}] plain execution…", file=sys.stderr)
        count, plain_s = run_plain(folder, args.plain_sample)
        plain_per = plain_s / count
        print(f"[{kind}] coursekit -j1…", file=sys.stderr)
        sample = base / "muestra"
        sample.mkdir()
        for p in sorted(folder.glob("*.ipynb"))[: args.plain_sample]:
            shutil.copy(p, sample / p.name)
        ours1_s, _ = run_ours(kind, sample, 1, base / "salida1")
        print(f"[{kind}] coursekit -j{args.procesos}…", file=sys.stderr)
        ours_s, ours = run_ours(kind, folder, args.procesos, base / "salida")
        print(f"[{kind}] coursekit -j{args.procesos} --sin-zigoto…", file=sys.stderr)
        fresh_s, fresh = run_ours(kind, folder, args.procesos, base / "salida_sin_zigoto", "--sin-zigoto")
        wrong = sorted(s for s in expected if ours.get(s) != expected[s])
        wrong_fresh = sorted(s for s in expected if fresh.get(s) != expected[s])
        row = {"kind": kind, "n": n, "plain_per": plain_per, "ours1_per": ours1_s / count,
               "ours_s": ours_s, "ours_rate": 60 * n / ours_s, "ours_wrong": len(wrong),
               "fresh_s": fresh_s, "fresh_rate": 60 * n / fresh_s, "fresh_wrong": len(wrong_fresh)}
        if not args.sin_nbgrader:
            print(f"[{kind}] nbgrader autograde…", file=sys.stderr)
            try:
                nbg_s, nbg = run_nbgrader(kind, folder, base / "curso")
                row.update(nbg_s=nbg_s, nbg_rate=60 * n / nbg_s,
                           agree=sum(1 for s in expected if nbg.get(s) == ours.get(s)))
            except Exception as err:  # record exactly why
                notes.append(f"nbgrader ({kind}) falló: {err}")
        rows.append(row)
        print(json.dumps(row), file=sys.stderr)
    write_results(Path(args.resultados), rows, notes, spawn, args)


def write_results(path, rows, notes, spawn, args):
    j = args.procesos
    lines = [
        "# Benchmark de calificación por lotes",
        "",
        "Generado con:",
        "",
        "```",
        f".venv/bin/python bench/grading/run_bench.py --n {args.n}"
        + (f" --n-keras {args.n_keras}" if args.n_keras else "")
        + f" --plain-sample {args.plain_sample} --procesos {j} --kinds {args.kinds}",
        "```",
        "",
        f"Máquina: {os.cpu_count()} núcleos, Python {platform.python_version()}, {platform.system()} "
        f"{platform.release()}; modo rápido (`COURSEKIT_FAST=1`). nbgrader procesa las entregas de una en una "
        f"(así funciona `autograde`); coursekit con {j} procesos y con 1, con el zigoto (por defecto) y con "
        "`--sin-zigoto` (un proceso nuevo por entrega), todo en la misma ejecución y sobre los mismos archivos. "
        "Los tiempos de coursekit incluyen arrancar el zigoto (y, en Keras, importar TensorFlow en él).",
        "",
        "| cuaderno | entregas | ejecución simple (nbclient) s/entrega | coursekit -j1 s/entrega | "
        f"coursekit -j{j} total s | coursekit entregas/min | coursekit -j{j} --sin-zigoto total s | "
        "nbgrader total s | nbgrader entregas/min | coursekit / nbgrader | sin zigoto / nbgrader | notas iguales |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        nbg = r.get("nbg_s")
        head = (f"| {r['kind']} | {r['n']} | {r['plain_per']:.2f} | {r['ours1_per']:.2f} | {r['ours_s']:.1f} | "
                f"{r['ours_rate']:.0f} | {r['fresh_s']:.1f} | ")
        lines.append(head + (f"{nbg:.1f} | {r['nbg_rate']:.1f} | {r['ours_rate'] / r['nbg_rate']:.1f}× | "
                             f"{r['fresh_rate'] / r['nbg_rate']:.1f}× | {r['agree']}/{r['n']} |" if nbg else
                             "— | — | — | — | — |"))
    lines += ["", "Arranque de un proceso aislado (espacios de nombres, uid sin privilegios, celda vacía, una petición "
              f"y cierre): {spawn['zygote'] * 1000:.0f} ms por entrega con el zigoto, {spawn['fresh'] * 1000:.0f} ms "
              "con un proceso nuevo (sin contar en ninguno de los dos la importación de Matplotlib o TensorFlow, "
              "que el zigoto también se ahorra).", ""]
    for r in rows:
        overhead = r["ours1_per"] - r["plain_per"]
        lines.append(f"- {r['kind']}: coursekit -j1 frente a ejecutar el cuaderno con nbclient: "
                     f"{overhead:+.2f} s por entrega (negativo: más rápido); notas distintas de las esperadas: "
                     f"{r['ours_wrong']} con zigoto, {r['fresh_wrong']} sin zigoto.")
    lines += [f"- {note}" for note in notes]
    ratios = [r["ours_rate"] / r["nbg_rate"] for r in rows if r.get("nbg_rate")]
    if ratios:
        met = all(x >= 5 for x in ratios)
        lines += ["", "## Análisis", "",
                  f"Objetivo «al menos 5 veces el rendimiento de nbgrader»: {'cumplido' if met else 'NO cumplido'} "
                  f"({', '.join(f'{x:.1f}×' for x in ratios)}). Análisis detallado debajo (escrito a mano tras esta "
                  "ejecución)."]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
