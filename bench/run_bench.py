"""Benchmark: run every notebook in full and fast mode; record time, peak memory, outcomes.

Usage: .venv/bin/python bench/run_bench.py [--notebooks 01,04] [--modes full,fast]

Results are merged into bench/results.json and rendered to bench/RESULTS.md (committed).
Each run happens in a fresh process; peak memory is the largest resident set of the
process tree (papermill and its kernel), read from getrusage(RUSAGE_CHILDREN).
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from coursekit.config import TENSORFLOW_ENV, quiet_tensorflow

quiet_tensorflow()  # before any check imports TensorFlow

ROOT = Path(__file__).resolve().parents[1]
RESULTS_JSON = ROOT / "bench" / "results.json"
RESULTS_MD = ROOT / "bench" / "RESULTS.md"
sys.path.insert(0, str(ROOT / "tests"))

RUNNER = r"""
import json, resource, sys, time, papermill
src, out, cwd = sys.argv[1:4]
t = time.perf_counter()
papermill.execute_notebook(src, out, kernel_name="python3", cwd=cwd, progress_bar=False)
seconds = time.perf_counter() - t
peak_kib = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
print(json.dumps({"seconds": seconds, "peak_mib": peak_kib / 1024}))
"""


def run_notebook(path: Path, fast: bool) -> dict:
    """Execute one notebook in a fresh process; return time, memory and outcomes."""
    from coursekit.outcomes import read_outcomes

    env = dict(os.environ, **TENSORFLOW_ENV, COURSEKIT_FAST="1" if fast else "0", COURSEKIT_HEADLESS="1",
               MPLBACKEND="Agg")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / path.name
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-c", RUNNER, str(path), str(out), str(path.parent)],
                              env=env, capture_output=True, text=True)
        wall = time.perf_counter() - start
        if proc.returncode != 0:
            return {"ok": False, "error": proc.stderr.strip().splitlines()[-1:] or ["?"], "seconds": wall}
        stats = json.loads(proc.stdout.strip().splitlines()[-1])
        outcomes = read_outcomes(out)
    return {"ok": True, "seconds": round(wall, 1), "peak_mib": round(stats["peak_mib"]), "outcomes": outcomes}


def meets(outcomes: dict, limits: dict) -> bool:
    """True when every threshold of one mode holds."""
    ok = all(outcomes.get(k, float("-inf")) >= v for k, v in limits.get("min", {}).items())
    return ok and all(outcomes.get(k, float("inf")) <= v for k, v in limits.get("max", {}).items())


def time_checks(repeats: int = 20) -> dict:
    """Median and max time of an instant check with the reference solution, per exercise."""
    import numpy as np

    from coursekit.exercises import defs
    from coursekit.exercises.probe import LocalProbe

    registry = defs.load_all()
    timings = {}
    for exercise_id in sorted(registry):
        exercise = registry[exercise_id]
        reference = defs.module_of(exercise_id).REFERENCE_SOLUTIONS[exercise_id]
        n = repeats if type(exercise).__name__ in ("FunctionExercise", "ValueExercise") else 3
        exercise.run(LocalProbe(reference), np.random.default_rng(0))  # warm-up
        times = []
        for seed in range(n):
            start = time.perf_counter()
            verdict = exercise.run(LocalProbe(reference), np.random.default_rng(seed))
            times.append((time.perf_counter() - start) * 1000)
            assert verdict.passed, (exercise_id, verdict.lines)
        timings[exercise_id] = {"kind": type(exercise).__name__, "median_ms": round(statistics.median(times), 2),
                                "max_ms": round(max(times), 2)}
    return timings


def machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} núcleos ({cpu}), Python {platform.python_version()}, {platform.system()}"


def render(data: dict) -> str:
    from notebook_utils import thresholds

    lines = [
        "# Resultados del benchmark",
        "",
        f"Generado con `make bench` (`.venv/bin/python bench/run_bench.py`). Máquina: {data.get('machine', '?')}.",
        f"Última actualización: {data.get('date', '?')}. Tiempo: ejecución completa del cuaderno con papermill en un",
        "proceso nuevo (arranque del kernel e importaciones incluidos). Memoria: pico de memoria residente del",
        "proceso más grande (el kernel). ✔︎ = se cumplen los umbrales de `tests/outcomes/` para ese modo.",
        "",
        "| cuaderno | modo | tiempo (s) | memoria pico (MiB) | resultados de aprendizaje | umbrales |",
        "| --- | --- | ---: | ---: | --- | :---: |",
    ]
    for name in sorted(data.get("notebooks", {})):
        for mode in ("full", "fast"):
            row = data["notebooks"][name].get(mode)
            if not row:
                continue
            label = "completo" if mode == "full" else "rápido"
            if not row["ok"]:
                lines.append(f"| {name} | {label} | {row['seconds']:.1f} | — | ERROR: {' '.join(row['error'])} | ✘ |")
                continue
            outcomes = ", ".join(f"{k} = {v:.4g}" if isinstance(v, float) else f"{k} = {v}" for k, v in sorted(row["outcomes"].items()))
            limits = (thresholds(ROOT / "notebooks" / f"{name}.ipynb") or {}).get(mode, {})
            mark = "✔︎" if meets(row["outcomes"], limits) else "✘"
            lines.append(f"| {name} | {label} | {row['seconds']:.1f} | {row['peak_mib']} | {outcomes} | {mark} |")
    checks = data.get("checks")
    if checks:
        numpy_sized = [v["median_ms"] for v in checks.values() if v["kind"] in ("FunctionExercise", "ValueExercise")]
        lines += [
            "",
            "## Tiempo de respuesta de `check()`",
            "",
            "Comprobación inmediata con la solución de referencia (mediana y máximo de 20 repeticiones con entradas nuevas;",
            "3 repeticiones para los ejercicios que entrenan o construyen modelos).",
            f"Ejercicios de tamaño NumPy: mediana máxima {max(numpy_sized):.1f} ms (objetivo: < 100 ms)." if numpy_sized else "",
            "",
            "| ejercicio | tipo | mediana (ms) | máximo (ms) |",
            "| --- | --- | ---: | ---: |",
        ]
        for exercise_id, v in sorted(checks.items()):
            lines.append(f"| {exercise_id} | {v['kind']} | {v['median_ms']:.1f} | {v['max_ms']:.1f} |")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark de los cuadernos del curso.")
    parser.add_argument("--notebooks", default="", help="números separados por comas (por defecto, todos)")
    parser.add_argument("--modes", default="full,fast")
    parser.add_argument("--no-checks", action="store_true", help="no medir el tiempo de check()")
    args = parser.parse_args(argv)
    from notebook_utils import notebook_paths

    data = json.loads(RESULTS_JSON.read_text()) if RESULTS_JSON.exists() else {}
    data.setdefault("notebooks", {})
    wanted = {n.strip().zfill(2) for n in args.notebooks.split(",") if n.strip()}
    for path in notebook_paths():
        if wanted and path.name[:2] not in wanted:
            continue
        for mode in args.modes.split(","):
            print(f"{path.stem} ({mode})…", flush=True)
            row = run_notebook(path, fast=(mode == "fast"))
            print(f"   {row}", flush=True)
            data["notebooks"].setdefault(path.stem, {})[mode] = row
    if not args.no_checks:
        data["checks"] = time_checks()
    data["machine"] = machine()
    data["date"] = date.today().isoformat()
    RESULTS_JSON.write_text(json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n")
    RESULTS_MD.write_text(render(data), encoding="utf-8")
    print(f"Escrito {RESULTS_MD.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
