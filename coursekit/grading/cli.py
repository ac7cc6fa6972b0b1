"""``coursekit calificar``: batch grading of a folder of submitted notebooks.

Example::

    coursekit calificar entregas/ --cuaderno 01 --salida notas01/
    coursekit calificar entregas/ --ejercicios 01.1,01.2 --alumno ana.garcia
"""

import fcntl
import importlib.util
import os
import re
import sys
import time
from pathlib import Path

from coursekit.grading import gradebook, sandbox
from coursekit.grading.report import Progress, summary, write_report
from coursekit.grading.runner import Batch, BatchConfig, Interrupted, find_submissions
from coursekit.grading.session import Limits
from coursekit.messages import msg


def add_arguments(parser):
    d = Limits()
    parser.add_argument("entregas", help=msg("grading.cli.submissions"))
    what = parser.add_mutually_exclusive_group()
    what.add_argument("--cuaderno", help=msg("grading.cli.notebook"))
    what.add_argument("--ejercicios", help=msg("grading.cli.exercises"))
    parser.add_argument("--salida", "-o", help=msg("grading.cli.out"))
    parser.add_argument("--procesos", "-j", type=int, default=0, help=msg("grading.cli.procs"))
    parser.add_argument("--alumno", action="append", default=[], help=msg("grading.cli.student"))
    parser.add_argument("--definiciones", action="append", default=[], help=msg("grading.cli.defs"))
    parser.add_argument("--timeout-celda", type=float, default=d.cell_timeout,
                        help=msg("grading.cli.cell_timeout", default=d.cell_timeout))
    parser.add_argument("--timeout-entrega", type=float, default=d.submission_timeout,
                        help=msg("grading.cli.submission_timeout", default=d.submission_timeout))
    parser.add_argument("--timeout-llamada", type=float, default=d.request_timeout,
                        help=msg("grading.cli.request_timeout", default=d.request_timeout))
    parser.add_argument("--memoria-mb", type=int, default=d.memory_mb, help=msg("grading.cli.memory", default=d.memory_mb))
    parser.add_argument("--max-tamano-mb", type=float, default=d.max_notebook_mb,
                        help=msg("grading.cli.max_size", default=d.max_notebook_mb))
    parser.add_argument("--separador", choices=[",", ";"], default=",", help=msg("grading.cli.separator"))
    parser.add_argument("--sin-aislamiento", action="store_true", help=msg("grading.cli.no_isolation"))
    parser.add_argument("--sin-zigoto", action="store_true", help=msg("grading.cli.no_zygote"))
    parser.add_argument("--silencio", "-q", action="store_true", help=msg("grading.cli.quiet"))


def _id_key(exercise_id):
    return [int(p) if p.isdigit() else p for p in re.split(r"[.]", exercise_id)]


def load_definition_file(path) -> None:
    """Import a .py file that registers exercises (kept out of the workers' sight)."""
    path = Path(path).resolve()
    spec = importlib.util.spec_from_file_location(f"coursekit_defs_{abs(hash(str(path)))}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)


def select_exercises(cuaderno=None, ejercicios=None):
    """The assignment's exercises, from the registry (authoritative). Raises ValueError in Spanish."""
    from coursekit.exercises import defs

    registry = defs.load_all()
    if ejercicios:
        ids = [i.strip() for i in ejercicios.split(",") if i.strip()]
    elif cuaderno:
        prefix = cuaderno.strip().zfill(2) + "."
        ids = [i for i in registry if i.startswith(prefix)]
    else:
        raise ValueError(msg("grading.cli.need_exercises"))
    unknown = [i for i in ids if i not in registry]
    if unknown or not ids:
        raise ValueError(msg("grading.cli.unknown_exercises", ids=", ".join(unknown) or "—",
                             known=", ".join(sorted(registry, key=_id_key)) or "—"))
    return [registry[i] for i in sorted(set(ids), key=_id_key)], tuple(registry)


def hidden_paths(exercises, extra_files, folders) -> list:
    """What the worker must not see: definitions (and their bytecode), gradebook, submissions."""
    import coursekit.exercises.defs as defs_pkg

    hide = {str(Path(defs_pkg.__file__).resolve().parent)}
    package = Path(sandbox.__file__).resolve().parents[1]
    for name in list(gradebook.definition_files(exercises)) + [str(p) for p in extra_files]:
        path = Path(name).resolve()
        if package in path.parents and path.parent.name != "defs":
            continue  # core checkers (compare, model checks) are shared with the learners anyway
        hide.add(str(path))
        if (path.parent / "__pycache__").is_dir():
            hide.add(str(path.parent / "__pycache__"))
    needed = [Path(p).resolve() for p in sandbox.interpreter_paths()]
    for folder in folders:  # never hide a folder that holds the interpreter or coursekit itself
        folder = Path(folder).resolve()
        if not any(folder == p or folder in p.parents for p in needed):
            hide.add(str(folder))
    return sorted(hide)


def run(args) -> int:
    folder = Path(args.entregas)
    if not folder.is_dir():
        print(msg("grading.cli.no_folder", folder=folder), file=sys.stderr)
        return 2
    for path in args.definiciones:
        load_definition_file(path)
    try:
        exercises, known = select_exercises(args.cuaderno, args.ejercicios)
    except ValueError as err:
        print(err, file=sys.stderr)
        return 2
    jobs = find_submissions(folder)
    if not jobs:
        print(msg("grading.cli.no_submissions", folder=folder), file=sys.stderr)
        return 2
    students = {j.student for j in jobs}
    for student in args.alumno:
        if student not in students:
            print(msg("grading.cli.unknown_student", student=student), file=sys.stderr)
            return 2
    out = Path(args.salida) if args.salida else folder.resolve().parent / "calificaciones"
    out.mkdir(parents=True, exist_ok=True)
    (out / gradebook.STATE_DIR).mkdir(exist_ok=True, mode=0o700)
    lock = open(out / gradebook.STATE_DIR / ".bloqueo", "w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        print(msg("grading.cli.locked", out=out), file=sys.stderr)
        return 3
    limits = Limits(cell_timeout=args.timeout_celda, submission_timeout=args.timeout_entrega,
                    request_timeout=args.timeout_llamada, memory_mb=args.memoria_mb,
                    max_notebook_mb=args.max_tamano_mb)
    config = BatchConfig(exercises=exercises, limits=limits, procs=args.procesos or (os.cpu_count() or 1),
                         isolate=not args.sin_aislamiento, known_ids=known, zygote=not args.sin_zigoto,
                         hide=hidden_paths(exercises, args.definiciones, [folder, out]))
    if not args.silencio and (args.sin_aislamiento or not sandbox.can_isolate()):
        print(msg("grading.cli.no_isolation_warning"), file=sys.stderr)
    progress = None if args.silencio else Progress()
    batch = Batch(config, out, separator=args.separador, progress=progress,
                  report=lambda record: write_report(out, record))
    start = time.monotonic()
    try:
        records = batch.run(jobs, force=set(args.alumno), only=set(args.alumno))
    except Interrupted as stop:
        print("\n" + msg("grading.cli.interrupted", done=stop.done, left=stop.left, out=out), file=sys.stderr)
        return 130
    for record in records:  # reports of reused results may be missing (older run killed before writing)
        report_path = out / "informes" / f"{gradebook.safe_name(record['student'])}.html"
        if not report_path.exists():
            write_report(out, record)
    if batch.zygote_error and not args.silencio:
        print(msg("grading.cli.zygote_failed", error=batch.zygote_error), file=sys.stderr)
    if not args.silencio:
        print(summary(records, exercises, time.monotonic() - start, out))
        features = sorted({f for r in records for f in r.get("isolation", [])})
        print(msg("grading.cli.isolation", features=", ".join(features) or "—"))
    return 0
