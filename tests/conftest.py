import collections
import json
import os
import time
import uuid
from pathlib import Path

import pytest

from coursekit.config import quiet_tensorflow

quiet_tensorflow()
os.environ.setdefault("MPLBACKEND", "Agg")

# Notebooks are executed by tests/test_notebooks.py (once each); notebooks used as test data are
# never collected.
collect_ignore_glob = ["**/*.ipynb", "*.ipynb"]

ROOT = Path(__file__).resolve().parents[1]
DURATIONS = ROOT / "build" / "duraciones-pruebas.json"

# Parts of the suite, by test file (the benchmark's --suite mode reports them; install is timed there).
PARTS = (
    ("cuadernos", ("test_notebooks.py",)),
    ("calificación", ("test_grading",)),
    ("navegador", ("test_lab.py", "test_browser", "test_navegador")),
    ("web", ("test_website", "test_web", "test_sitio")),
)
# Tests that must never run at the same time on two xdist workers: the grading batches (their
# red-team test counts every process of the worker uid range) share one group.
SERIAL_GROUPS = {"calificacion": ("test_grading",)}


def part_of(nodeid: str) -> str:
    name = nodeid.split("::", 1)[0].rsplit("/", 1)[-1]
    for part, prefixes in PARTS:
        if name.startswith(prefixes):
            return part
    return "unidad"


def _is_controller(config) -> bool:
    return not hasattr(config, "workerinput")


_CONFIG = {}


def pytest_configure(config):
    _CONFIG["config"] = config
    if _is_controller(config):
        os.environ["COURSEKIT_TEST_RUN"] = f"{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"
        config._coursekit_durations = collections.defaultdict(lambda: [0, 0.0])
        config._coursekit_intervals = collections.defaultdict(list)
        config._coursekit_start = time.perf_counter()
        _trim_execution_log()
    else:
        os.environ["COURSEKIT_TEST_RUN"] = config.workerinput.get("coursekit_run", os.environ.get("COURSEKIT_TEST_RUN", ""))


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    """pytest-xdist: every worker shares the controller's run id (one execution per notebook)."""
    node.workerinput["coursekit_run"] = os.environ["COURSEKIT_TEST_RUN"]


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_node_collection_finished(node, ids):
    """Controller: check that --dist loadgroup really groups (pytest-xdist#1386 broke it silently on
    pytest 9.2); without groups every notebook is still executed once (file lock), but workers wait."""
    config = node.config
    if config.getoption("dist", None) == "loadgroup" and any("test_notebooks.py::" in i for i in ids):
        if not any("@" in i for i in ids):
            config._coursekit_groups_broken = True


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    for item in items:
        name = item.nodeid.split("::", 1)[0].rsplit("/", 1)[-1]
        if part_of(item.nodeid) == "calificación":
            item.add_marker(pytest.mark.calificacion)  # make test-rapido leaves the grading batches out
        for group, prefixes in SERIAL_GROUPS.items():
            if name.startswith(prefixes) and not item.get_closest_marker("xdist_group"):
                item.add_marker(pytest.mark.xdist_group(group))


def pytest_runtest_logreport(report):
    config = _CONFIG.get("config")
    if config is None or not _is_controller(config):
        return
    part = part_of(report.nodeid)
    entry = config._coursekit_durations[part]
    if report.when == "call":
        entry[0] += 1
    entry[1] += report.duration
    start, stop = getattr(report, "start", 0), getattr(report, "stop", 0)
    if start and stop:
        config._coursekit_intervals[part].append((start, stop))


def _union(intervals) -> float:
    """Seconds during which at least one of ``intervals`` was running (the part's wall time)."""
    total, end = 0.0, None
    for start, stop in sorted(intervals):
        if end is None or start > end:
            total += stop - start
            end = stop
        elif stop > end:
            total += stop - end
            end = stop
    return total


def _trim_execution_log(keep=400):
    from notebook_utils import EXECUTION_LOG

    try:
        lines = EXECUTION_LOG.read_text(encoding="utf-8").splitlines()
    except OSError:
        return
    if len(lines) > keep:
        EXECUTION_LOG.write_text("\n".join(lines[-keep:]) + "\n", encoding="utf-8")


def _execution_summary():
    """(lines, duplicated) for the notebook executions of this run."""
    from notebook_utils import executions

    entries = executions(os.environ.get("COURSEKIT_TEST_RUN"))
    counts = collections.Counter((e["notebook"], e["edition"]) for e in entries)
    duplicated = sorted(k for k, n in counts.items() if n > 1)
    by_edition = collections.Counter(e["edition"] for e in entries)
    lines = []
    if entries:
        workers = sorted({e["worker"] for e in entries})
        lines.append(f"Ejecuciones de cuadernos en esta sesión: {len(entries)} "
                     f"({', '.join(f'{n} {k}' for k, n in sorted(by_edition.items()))}) en "
                     f"{len(workers)} procesos ({', '.join(workers)}); "
                     + (f"REPETIDAS: {duplicated}" if duplicated else "ninguna repetida."))
    return lines, duplicated


def pytest_sessionfinish(session, exitstatus):
    config = session.config
    if not _is_controller(config):
        return
    wall = time.perf_counter() - config._coursekit_start
    lines, duplicated = _execution_summary()
    config._coursekit_summary = lines
    if duplicated:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    parts = {part: {"pruebas": n, "segundos": round(s, 1),
                    "pared_s": round(_union(config._coursekit_intervals.get(part, [])), 1)}
             for part, (n, s) in config._coursekit_durations.items()}
    from notebook_utils import executions

    data = {"run": os.environ.get("COURSEKIT_TEST_RUN"), "pared_s": round(wall, 1),
            "procesos": _worker_count(config),
            "partes": parts, "ejecuciones": executions(os.environ.get("COURSEKIT_TEST_RUN")),
            "estado": int(session.exitstatus)}
    try:
        DURATIONS.parent.mkdir(parents=True, exist_ok=True)
        DURATIONS.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    except OSError:
        pass


def _worker_count(config) -> int:
    value = getattr(config.option, "numprocesses", None)
    return int(value) if isinstance(value, int) else 1


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not _is_controller(config):
        return
    lines = getattr(config, "_coursekit_summary", None) or []
    parts = getattr(config, "_coursekit_durations", {})
    if parts:
        walls = {p: _union(v) for p, v in getattr(config, "_coursekit_intervals", {}).items()}
        lines = lines + ["Tiempo por parte (pared / suma de las pruebas, número de pruebas): " + ", ".join(
            f"{p} {walls.get(p, 0):.0f} s / {s:.0f} s ({n})" for p, (n, s) in sorted(parts.items()))]
    if getattr(config, "_coursekit_groups_broken", False):
        lines = lines + ["AVISO: --dist loadgroup no agrupa las pruebas (¿pytest ≥ 9.2? pytest-xdist#1386): cada "
                         "cuaderno se ejecuta igualmente una sola vez, pero los procesos se esperan unos a otros."]
    if lines:
        terminalreporter.section("coursekit")
        for line in lines:
            terminalreporter.write_line(line, red="REPETIDAS" in line or line.startswith("AVISO"))


@pytest.fixture(autouse=True)
def spanish():
    """Learner-facing messages in Spanish, whatever COURSEKIT_LANG says, in every test."""
    from coursekit.messages import set_language

    set_language("es")
    yield
    set_language(None)
