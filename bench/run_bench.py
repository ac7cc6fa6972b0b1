"""Benchmark: run every notebook in full and fast mode; record time, peak memory, outcomes.

Usage: .venv/bin/python bench/run_bench.py [--notebooks 01,04] [--modes full,fast]
       .venv/bin/python bench/run_bench.py --semillas [--semillas-rapido 20] [--semillas-completo 5]
                                            [--procesos 2] [--notebooks 00]
       .venv/bin/python bench/run_bench.py --suite [--origen .]

``--semillas``: seed sweep. Each notebook runs with ``papermill -p SEED k`` for k = 0..N-1 (20
seeds in fast mode, 5 in full mode by default), two runs at a time; min/median/max of every
learning outcome, and every threshold of tests/outcomes/ that is not strictly beyond the worst
seed is flagged. ``--suite``: clones the repository (its committed HEAD) into a temporary folder
and times ``make test`` there, split into install (scripts/bootstrap.sh) and the test parts
(unit, notebooks, grading, browser, website) read from build/duraciones-pruebas.json.

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
parameters = json.loads(sys.argv[4]) if len(sys.argv) > 4 else {}
t = time.perf_counter()
papermill.execute_notebook(src, out, kernel_name="python3", cwd=cwd, progress_bar=False, parameters=parameters)
seconds = time.perf_counter() - t
peak_kib = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
print(json.dumps({"seconds": seconds, "peak_mib": peak_kib / 1024}))
"""


def run_notebook(path: Path, fast: bool, seed=None) -> dict:
    """Execute one notebook in a fresh process (``seed``: ``papermill -p SEED seed``); return
    time, memory and outcomes."""
    from coursekit.outcomes import read_outcomes

    env = dict(os.environ, **TENSORFLOW_ENV, COURSEKIT_FAST="1" if fast else "0", COURSEKIT_HEADLESS="1",
               MPLBACKEND="Agg")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / path.name
        start = time.perf_counter()
        parameters = {"FAST": fast} if seed is None else {"FAST": fast, "SEED": seed}
        proc = subprocess.run([sys.executable, "-c", RUNNER, str(path), str(out), str(path.parent),
                               json.dumps(parameters)], env=env, capture_output=True, text=True)
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


def reference_of(exercise_id):
    """What check() receives when the answer is the course's reference (unguarded; benchmark only)."""
    from coursekit.exercises.references import solution_as_checked

    return solution_as_checked(exercise_id)


def time_checks(repeats: int = 20) -> dict:
    """Median and max time of an instant check with the reference solution, per exercise."""
    import numpy as np

    from coursekit.exercises import defs
    from coursekit.exercises.probe import LocalProbe

    registry = defs.load_all()
    timings = {}
    for exercise_id in sorted(registry):
        exercise = registry[exercise_id]
        reference = reference_of(exercise_id)
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


# ------------------------------------------------------------------ seed sweep
def sweep(paths, modes_seeds: dict, procs: int = 2, log=print) -> dict:
    """Run every notebook of ``paths`` with seeds 0..n-1 per mode (``{"fast": 20, "full": 5}``),
    ``procs`` runs at a time (each in a fresh process); return the sweep's data per notebook."""
    from concurrent.futures import ThreadPoolExecutor

    jobs = [(path, mode, seed) for path in paths for mode, n in modes_seeds.items() for seed in range(n)]

    def one(job):
        path, mode, seed = job
        row = run_notebook(path, fast=(mode == "fast"), seed=seed)
        log(f"   {path.stem} ({mode}, SEED={seed}): "
            + (f"{row['seconds']} s" if row["ok"] else f"ERROR {' '.join(row['error'])}"))
        return job, row

    results = {}
    with ThreadPoolExecutor(max_workers=max(1, procs)) as pool:  # each job is its own process
        for (path, mode, seed), row in pool.map(one, jobs):
            entry = results.setdefault(path.stem, {}).setdefault(mode, {"runs": {}, "errors": {}})
            if row["ok"]:
                entry["runs"][str(seed)] = {"outcomes": row["outcomes"], "seconds": row["seconds"],
                                            "peak_mib": row["peak_mib"]}
            else:
                entry["errors"][str(seed)] = row["error"]
    for name, modes in results.items():
        for mode, entry in modes.items():
            entry["seeds"] = modes_seeds[mode]
            entry["summary"] = summarize(entry["runs"])
    return results


def summarize(runs: dict) -> dict:
    """min / median / max (and the seeds where min and max occur) of each numeric outcome."""
    values = {}
    for seed, run in runs.items():
        for key, value in run["outcomes"].items():
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                values.setdefault(key, []).append((float(value), int(seed)))
    out = {}
    for key, pairs in values.items():
        numbers = [v for v, _ in pairs]
        low, high = min(pairs), max(pairs)
        out[key] = {"min": low[0], "median": statistics.median(numbers), "max": high[0], "n": len(numbers),
                    "seed_min": low[1], "seed_max": high[1]}
    return out


def threshold_flags(summary: dict, limits: dict, errors=None) -> list:
    """Each threshold of one mode against the sweep: (kind, outcome, threshold, worst, ok).

    A ``min`` threshold is fine when it is strictly below the worst (smallest) seed, a ``max``
    threshold when strictly above the worst (largest) one; a missing outcome is not fine."""
    flags = []
    for kind, worst_key, better in (("min", "min", lambda t, w: t < w), ("max", "max", lambda t, w: t > w)):
        for name, threshold in sorted(limits.get(kind, {}).items()):
            stats = summary.get(name)
            worst = None if stats is None else stats[worst_key]
            ok = worst is not None and better(threshold, worst) and not errors
            flags.append((kind, name, threshold, worst, ok))
    return flags


def flagged_thresholds(seeds: dict) -> list:
    """(notebook, mode, flag) for every threshold not beyond the worst seed of the sweep."""
    from notebook_utils import thresholds

    out = []
    for name, modes in sorted(seeds.items()):
        limits = thresholds(ROOT / "notebooks" / f"{name}.ipynb") or {}
        for mode, entry in sorted(modes.items()):
            for flag in threshold_flags(entry.get("summary", {}), limits.get(mode, {}), entry.get("errors")):
                if not flag[4]:
                    out.append((name, mode, flag))
    return out


# ------------------------------------------------------------------ suite timing
SUITE_PARTS = ("instalación", "unidad", "cuadernos", "calificación", "navegador", "web")


def time_suite(origin: Path, log=print) -> dict:
    """Clone ``origin`` (its committed HEAD) into a temporary folder and time ``make test`` there:
    install (scripts/bootstrap.sh, a fresh .venv) and then scripts/test.sh, whose per-part times
    come from build/duraciones-pruebas.json (written by tests/conftest.py)."""
    with tempfile.TemporaryDirectory(prefix="coursekit-suite-") as tmp:
        clone = Path(tmp) / "curso"
        subprocess.run(["git", "clone", "-q", str(origin), str(clone)], check=True)
        head = subprocess.run(["git", "-C", str(clone), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True).stdout.strip()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("COURSEKIT_", "PYTEST_", "VIRTUAL_ENV"))}
        log(f"Suite en un clon limpio de {origin} ({head}): instalación…")
        start = time.perf_counter()
        install = subprocess.run(["./scripts/bootstrap.sh"], cwd=clone, env=env)
        install_s = time.perf_counter() - start
        log(f"   instalación: {install_s:.0f} s; pruebas…")
        start = time.perf_counter()
        tests = subprocess.run(["./scripts/test.sh", "-q", "-p", "no:cacheprovider"], cwd=clone, env=env,
                               capture_output=True, text=True)
        tests_s = time.perf_counter() - start
        output = (tests.stdout + tests.stderr).strip().splitlines()
        tail = output[-25:]
        failed = [line.split(" ", 1)[1].split(" - ")[0] for line in output if line.startswith(("FAILED ", "ERROR "))]
        (ROOT / "build").mkdir(exist_ok=True)
        (ROOT / "build" / "suite-salida.txt").write_text("\n".join(output) + "\n", encoding="utf-8")
        try:
            durations = json.loads((clone / "build" / "duraciones-pruebas.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            durations = {}
    parts = {"instalación": {"pared_s": round(install_s, 1)}}
    parts.update(durations.get("partes", {}))
    executions = durations.get("ejecuciones", [])
    counts = {}
    for e in executions:
        counts[(e["notebook"], e["edition"])] = counts.get((e["notebook"], e["edition"]), 0) + 1
    return {"commit": head, "date": date.today().isoformat(), "install_rc": install.returncode,
            "tests_rc": tests.returncode, "total_s": round(install_s + tests_s, 1), "tests_s": round(tests_s, 1),
            "pytest_wall_s": durations.get("pared_s"), "workers": durations.get("procesos"), "parts": parts,
            "notebook_executions": len(executions),
            "repeated_executions": sorted(f"{n} ({e})" for (n, e), c in counts.items() if c > 1),
            "failed": failed,
            "summary": [line for line in tail if "passed" in line or "failed" in line][-1:] or tail[-1:]}


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
    lines += render_sweep(data.get("seeds", {}))
    lines += render_suite(data.get("suite"), data.get("suite_before"))
    return "\n".join(lines) + "\n"


def _num(value) -> str:
    return "—" if value is None else (f"{value:.4g}" if isinstance(value, float) else str(value))


def render_sweep(seeds: dict) -> list:
    from notebook_utils import thresholds

    if not seeds:
        return []
    lines = [
        "",
        "## Barrido de semillas",
        "",
        "Cada cuaderno ejecutado con `papermill -p SEED k` para k = 0, 1, …, N − 1 (`make bench BENCH_ARGS=--semillas`),",
        "en un proceso nuevo por ejecución. Para cada resultado de aprendizaje: mínimo, mediana y máximo sobre las",
        "semillas, y el umbral de `tests/outcomes/` de ese modo. ✔︎ = el umbral está estrictamente por debajo de la",
        "peor semilla (`min`) o por encima (`max`); ✘ = una semilla lo alcanza o lo incumple: hay que bajarlo (o",
        "subirlo) con margen, o hacer que el resultado mida el aprendizaje y no la suerte del sorteo.",
        "",
        "| cuaderno | modo | semillas | resultado | mín | mediana | máx | umbral | peor semilla | |",
        "| --- | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | :---: |",
    ]
    flagged = []
    for name in sorted(seeds):
        for mode in ("fast", "full"):
            entry = seeds[name].get(mode)
            if not entry:
                continue
            label = "completo" if mode == "full" else "rápido"
            limits = (thresholds(ROOT / "notebooks" / f"{name}.ipynb") or {}).get(mode, {})
            summary = entry.get("summary", {})
            flags = {(n, k): (t, w, ok) for k, n, t, w, ok in threshold_flags(summary, limits, entry.get("errors"))}
            ran = f"{len(entry.get('runs', {}))}/{entry.get('seeds', '?')}"
            for outcome in sorted(set(summary) | {n for n, _ in flags}):
                stats = summary.get(outcome, {})
                marks = [(k, flags[(outcome, k)]) for k in ("min", "max") if (outcome, k) in flags]
                if not marks:
                    marks = [(None, None)]
                for kind, flag in marks:
                    if flag is None:
                        limit, worst_seed, mark = "—", "—", ""
                    else:
                        t, w, ok = flag
                        limit = f"{'≥' if kind == 'min' else '≤'} {_num(t)}"
                        worst_seed = stats.get("seed_min" if kind == "min" else "seed_max", "—")
                        mark = "✔︎" if ok else "✘"
                        if not ok:
                            flagged.append(f"{name} ({label}) {outcome} {limit}")
                    lines.append(f"| {name} | {label} | {ran} | {outcome} | {_num(stats.get('min'))} | "
                                 f"{_num(stats.get('median'))} | {_num(stats.get('max'))} | {limit} | {worst_seed} | {mark} |")
            for seed, error in sorted(entry.get("errors", {}).items(), key=lambda kv: int(kv[0])):
                lines.append(f"| {name} | {label} | {ran} | ERROR con SEED={seed}: {' '.join(error)[:120]} | | | | | | ✘ |")
    lines += ["", f"Umbrales señalados: {len(flagged)}." + ("" if not flagged else " " + "; ".join(flagged) + ".")]
    return lines


def render_suite(suite, before=None) -> list:
    """The suite's time per part; ``before`` (optional, same shape) is an earlier measurement shown
    beside it (e.g. the serial suite with nbval, before the notebooks were executed only once)."""
    if not suite:
        return []
    parts = suite.get("parts", {})
    old_parts = (before or {}).get("parts", {})
    lines = [
        "",
        "## Tiempo de la suite (`make test`)",
        "",
        f"Medido con `make bench BENCH_ARGS=--suite` el {suite.get('date', '?')} en un clon limpio (commit "
        f"{suite.get('commit', '?')}), instalación incluida: **{suite.get('total_s', 0) / 60:.1f} min** en total "
        f"(pruebas {suite.get('tests_s', 0):.0f} s con {suite.get('workers') or 1} procesos de pytest-xdist). "
        f"Cuadernos ejecutados: {suite.get('notebook_executions', '?')}, repetidos: "
        f"{', '.join(suite.get('repeated_executions') or []) or 'ninguno'}. Resultado: "
        f"{' '.join(suite.get('summary') or []) or '?'}.",
        "La máquina es compartida: los tiempos varían mucho de una medida a otra. «Pared» = tiempo durante el que",
        "alguna prueba de esa parte estaba en marcha (las partes se solapan al ir en paralelo); «suma» = suma de",
        "las duraciones de sus pruebas (lo que tardaría en un solo proceso).",
        "",
    ]
    if before:
        lines += [
            f"Antes ({before.get('label', '?')}): **{before.get('total_s', 0) / 60:.1f} min** en total "
            f"(pruebas {before.get('tests_s', 0):.0f} s). {before.get('note', '')}",
            "",
            "| parte | pared (s) | suma de las pruebas (s) | pruebas | antes: suma (s) | antes: pruebas |",
            "| --- | ---: | ---: | ---: | ---: | ---: |",
        ]
    else:
        lines += ["| parte | pared (s) | suma de las pruebas (s) | pruebas |", "| --- | ---: | ---: | ---: |"]
    for part in SUITE_PARTS + tuple(sorted((set(parts) | set(old_parts)) - set(SUITE_PARTS))):
        row = parts.get(part) or {}
        cells = [_num(row.get("pared_s")), _num(row.get("segundos")), str(row.get("pruebas", "—" if row else 0))]
        if before:
            old = old_parts.get(part) or {}
            cells += [_num(old.get("segundos", old.get("pared_s"))), str(old.get("pruebas", "—" if old else 0))]
        lines.append(f"| {part} | " + " | ".join(cells) + " |")
    return lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark de los cuadernos del curso.")
    parser.add_argument("--notebooks", default="", help="números separados por comas (por defecto, todos)")
    parser.add_argument("--modes", default="full,fast")
    parser.add_argument("--no-checks", action="store_true", help="no medir el tiempo de check()")
    parser.add_argument("--semillas", action="store_true",
                        help="barrido de semillas (papermill -p SEED k) en vez del benchmark normal")
    parser.add_argument("--semillas-rapido", type=int, default=20, help="semillas en modo rápido (20)")
    parser.add_argument("--semillas-completo", type=int, default=5, help="semillas en modo completo (5)")
    parser.add_argument("--procesos", type=int, default=2, help="ejecuciones a la vez en el barrido (2)")
    parser.add_argument("--suite", action="store_true", help="medir `make test` en un clon limpio, por partes")
    parser.add_argument("--origen", default=str(ROOT), help="repositorio que clona --suite (este)")
    parser.add_argument("--resultados", default="", help="carpeta de results.json y RESULTS.md (bench/)")
    args = parser.parse_args(argv)
    global RESULTS_JSON, RESULTS_MD
    if args.resultados:
        RESULTS_JSON = Path(args.resultados) / "results.json"
        RESULTS_MD = Path(args.resultados) / "RESULTS.md"
        Path(args.resultados).mkdir(parents=True, exist_ok=True)
    from notebook_utils import notebook_paths

    data = json.loads(RESULTS_JSON.read_text()) if RESULTS_JSON.exists() else {}
    data.setdefault("notebooks", {})
    wanted = {n.strip().zfill(2) for n in args.notebooks.split(",") if n.strip()}
    paths = [p for p in notebook_paths() if not wanted or p.name[:2] in wanted]
    if args.suite or args.semillas:
        if args.semillas:
            counts = {"fast": args.semillas_rapido, "full": args.semillas_completo}
            modes = {m: counts[m] for m in args.modes.split(",") if counts.get(m)}
            print(f"Barrido de semillas: {', '.join(p.stem for p in paths)}; {modes}; {args.procesos} a la vez", flush=True)
            swept = sweep(paths, modes, args.procesos, log=lambda line: print(line, flush=True))
            for name, modes_data in swept.items():
                data.setdefault("seeds", {}).setdefault(name, {}).update(modes_data)
        if args.suite:
            data["suite"] = time_suite(Path(args.origen), log=lambda line: print(line, flush=True))
            print(f"   {data['suite']}", flush=True)
        data["machine"] = machine()
        RESULTS_JSON.write_text(json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n")
        RESULTS_MD.write_text(render(data), encoding="utf-8")
        print(f"Escrito {RESULTS_MD}")
        flagged = flagged_thresholds(data.get("seeds", {})) if args.semillas else []
        for name, mode, (kind, outcome, threshold, worst, _) in flagged:
            print(f"UMBRAL SEÑALADO: {name} ({mode}) {kind} {outcome} = {threshold}; peor semilla: {worst}")
        return 1 if flagged else 0
    for path in paths:
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
