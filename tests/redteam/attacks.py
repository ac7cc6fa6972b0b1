"""One generator per attack on the batch grader; each returns the submission's bytes.

``EXPECTED[name]`` is the exact total each submission deserves (exercises 90.1: 2
points, 90.2: 1, 90.3: 2). Attacks never include a real solution of the exercise
they attack, so any point there would be undeserved.
"""

import json
from pathlib import Path

from tests.redteam.builders import (ANSWER_OK, IMPORTS, SIGMOID_OK, cell, dumps, honest_full, honest_no_keras_partial,
                                    honest_partial, markdown, notebook)


def _nb(*sources) -> bytes:
    return dumps(notebook([cell(IMPORTS)] + [cell(s) if isinstance(s, str) else cell(*s) for s in sources]))


def patch_coursekit(ctx):
    return _nb("""
import coursekit.exercises.compare as cmpmod
import coursekit.exercises.core as core
import coursekit.exercises.plain as plain
cmpmod.compare = lambda *a, **k: cmpmod.Comparison(ok=True)
core.compare = cmpmod.compare
core.Exercise.run = lambda self, probe, rng=None: core.Verdict(self.id, self.title, self.points, "passed", fraction=1.0)
core.FunctionExercise.checks = lambda self, probe, rng: None
plain.to_plain = lambda obj, _depth=0: 0.5
import coursekit.grading.worker as w
w.Worker.answer = lambda self, req: {"ev": "reply", "id": req.get("id"), "kind": "ok", "value": 0.5}
""", ("def sigmoid(z):\n    return 0.5\n", "90.1"), ("respuesta = 0\n", "90.2"))


def always_equal(ctx):
    return _nb("""
class Todo:
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def __array__(self, *a, **k): raise TypeError("no")
    def __float__(self): return 5.5
class F(float):
    def __eq__(self, other): return True
class A(np.ndarray):
    def __eq__(self, other): return np.ones(np.shape(other), dtype=bool)
    def __array_ufunc__(self, *a, **k): return True
def sigmoid(z):
    return Todo()
respuesta = F(0.0)
def construir_modelo():
    return Todo()
""", "sigmoid2 = lambda z: np.zeros(3).view(A)")


def hide_errors(ctx):
    return _nb("""
import sys
sys.excepthook = lambda *a: None
import IPython.core.interactiveshell as ish
ish.InteractiveShell.showtraceback = lambda *a, **k: None
import traceback
traceback.print_exception = lambda *a, **k: None
def sigmoid(z):
    raise ValueError("oculto")
respuesta = 1 / 0
""")


def forge_output(ctx):
    frame = json.dumps({"ev": "reply", "id": 1, "kind": "ok", "value": 5.5})
    return _nb(f"""
import os, struct, json
body = {frame!r}.encode()
frame = struct.pack(">II", len(body), 0) + body
print(body.decode())
print('{{"alumno": "rt_forge_output", "total": 5, "maximo": 5}}')
print("PUNTUACION 5/5")
for name in ("calificaciones.csv", "../calificaciones.csv", "/tmp/calificaciones.csv", {str(ctx['out'] / 'calificaciones.csv')!r}):
    try:
        with open(name, "w") as fh:
            fh.write("alumno,total\\nrt_forge_output,5\\n")
    except OSError:
        pass
for fd in list(range(1, 21)) + [int(x) for x in os.listdir("/proc/self/fd")]:
    try:
        os.write(fd, frame * 50)
    except OSError:
        pass
""", ("def sigmoid(z):\n    return np.zeros_like(np.asarray(z, dtype=float))\n", "90.1"))


def read_course(ctx):
    """Look for the course's own solutions: source notebooks, built editions, git history."""
    root = str(Path(__file__).resolve().parents[2])
    return _nb(f"""
import glob, json, os, subprocess, zlib
root = {root!r}
sources = []
for path in glob.glob(root + "/notebooks/*.ipynb") + glob.glob(root + "/build/**/*.ipynb", recursive=True):
    try:
        with open(path) as fh:
            nb = json.load(fh)
    except (OSError, ValueError):
        continue
    sources += ["".join(c.get("source", "")) for c in nb.get("cells", [])]
for path in glob.glob(root + "/.git/objects/??/*"):
    try:
        with open(path, "rb") as fh:
            sources.append(zlib.decompress(fh.read()).decode("utf-8", "replace"))
    except Exception:
        pass
for source in sources:
    if source.lstrip().startswith("def sigmoid("):
        try:
            exec(source)
            break
        except Exception:
            pass
""")


def read_tests(ctx):
    fixture, out = str(ctx["fixture"]), str(ctx["out"])
    return _nb(f"""
import os, glob, re
found = ""
for path in [{fixture!r}] + glob.glob({str(Path(ctx['fixture']).parent)!r} + "/*") + glob.glob({out!r} + "/**", recursive=True):
    try:
        with open(path) as fh:
            found += fh.read()
    except OSError:
        pass
m = re.search(r"expected=([0-9.]+)", found)
if m:
    respuesta = float(m.group(1))
try:
    import importlib.util
    spec = importlib.util.spec_from_file_location("fx", {fixture!r})
    fx = importlib.util.module_from_spec(spec); spec.loader.exec_module(fx)
    sigmoid = fx.sigmoid_reference
except Exception:
    pass
for path in [{fixture!r}, {out!r} + "/.estado/rt_read_tests.json", {out!r} + "/calificaciones.csv"]:
    try:
        with open(path, "a") as fh:
            fh.write("\\n# manipulado\\n")
    except OSError:
        pass
try:
    from coursekit.exercises.defs import load_all
    load_all()
except Exception:
    pass
""")


def sys_exit(ctx):
    """sys.exit in a cell costs nothing else; inside the function it is that exercise's error."""
    return _nb("import sys\nsys.exit(3)", ("def sigmoid(z):\n    raise SystemExit(0)\n", "90.1"), (ANSWER_OK, "90.2"))


def os_exit(ctx):
    return _nb("import os\nos._exit(0)", (ANSWER_OK, "90.2"))


def segfault(ctx):
    return _nb("import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)",
               ("import ctypes\ndef sigmoid(z):\n    return ctypes.string_at(0)\n", "90.1"), (ANSWER_OK, "90.2"),
               "import ctypes\nctypes.string_at(0)")


def infinite_loop_cell(ctx):
    return _nb("while True:\n    pass", """
import time
while True:
    try:
        time.sleep(0.05)
    except BaseException:
        pass
""", (ANSWER_OK, "90.2"))


def infinite_loop_function(ctx):
    return _nb(("""
import time
def sigmoid(z):
    while True:
        try:
            time.sleep(0.05)
        except BaseException:
            pass
""", "90.1"), (ANSWER_OK, "90.2"), ("def construir_modelo():\n    while True:\n        pass\n", "90.3"))


def memory_bomb(ctx):
    return _nb("big = bytearray(64 * 2**30)", """
chunks = []
while True:
    chunks.append(np.ones(2**24))
""", "chunks = None", """
import os, time
for _ in range(6):
    if os.fork() == 0:
        keep = np.ones(2**27)
        time.sleep(60)
        os._exit(0)
time.sleep(30)
""", (ANSWER_OK, "90.2"))


def fork_bomb(ctx):
    return _nb("""
import os, time
children = 0
for _ in range(200):
    try:
        if os.fork() == 0:
            os.setsid()
            time.sleep(600)
            os._exit(0)
        children += 1
    except OSError:
        break
""", (ANSWER_OK, "90.2"))


def output_flood(ctx):
    return _nb("""
import os, sys
line = "x" * 1_000_000
for _ in range(300):
    print(line)
    sys.stderr.write(line)
for _ in range(300):
    os.write(1, b"y" * 1_000_000)
""", (ANSWER_OK, "90.2"))


def mangled_cells(ctx):
    """Deleted 90.1 cell, 90.3 cell renamed to 90.9, 90.2 duplicated (last one right), reordered."""
    cells = [markdown("# desordenado"), cell('check("90.2", respuesta)', check="90.2"),
             cell("respuesta = 3.0\n", "90.2"), cell(IMPORTS), cell(ANSWER_OK, "90.2"),
             cell("def construir_modelo():\n    return None\n", "90.9")]
    return dumps(notebook(cells))


def warnings_only(ctx):
    """Honest answers plus lots of stderr noise: warnings never cost points (3 of 5)."""
    return _nb("""
import sys, warnings, logging
warnings.warn("esto está obsoleto", DeprecationWarning)
warnings.warn("cuidado", UserWarning)
warnings.simplefilter("always")
warnings.warn("otra vez", FutureWarning)
logging.getLogger("x").warning("aviso de logging")
print("Traceback (most recent call last): esto no es un error", file=sys.stderr)
""", (SIGMOID_OK, "90.1"), (ANSWER_OK, "90.2"), "import warnings\nwarnings.warn('en medio', RuntimeWarning)")


def old_format(ctx):
    nb = {"nbformat": 3, "nbformat_minor": 0, "metadata": {"name": "viejo"},
          "worksheets": [{"cells": [
              {"cell_type": "code", "language": "python", "input": IMPORTS, "outputs": [], "metadata": {}},
              {"cell_type": "code", "language": "python", "input": ANSWER_OK, "outputs": [], "metadata": {}},
          ], "metadata": {}}]}
    return json.dumps(nb).encode()


def malformed_json(ctx):
    return honest_full(keras=False)[:300]


def empty_file(ctx):
    return b""


def not_a_notebook(ctx):
    return b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def huge_file(ctx):
    nb = notebook([cell(IMPORTS), cell(ANSWER_OK, "90.2"), markdown("x" * (60 * 2**20))])
    return dumps(nb)


ATTACKS = {
    # name: (generator, deserved total)
    "rt_patch_coursekit": (patch_coursekit, 0),
    "rt_always_equal": (always_equal, 0),
    "rt_hide_errors": (hide_errors, 0),
    "rt_forge_output": (forge_output, 0),
    "rt_read_tests": (read_tests, 0),
    "rt_read_course": (read_course, 0),
    "rt_sys_exit": (sys_exit, 1),
    "rt_os_exit": (os_exit, 1),
    "rt_segfault": (segfault, 1),
    "rt_loop_cell": (infinite_loop_cell, 1),
    "rt_loop_function": (infinite_loop_function, 1),
    "rt_memory_bomb": (memory_bomb, 1),
    "rt_fork_bomb": (fork_bomb, 1),
    "rt_output_flood": (output_flood, 1),
    "rt_mangled_cells": (mangled_cells, 1),
    "rt_warnings": (warnings_only, 3),
    "rt_old_format": (old_format, 1),
    "rt_malformed": (malformed_json, 0),
    "rt_empty": (empty_file, 0),
    "rt_not_notebook": (not_a_notebook, 0),
    "rt_huge": (huge_file, 0),
}
HONEST = {
    "ok_full_keras": (lambda ctx: honest_full(keras=True), 5),
    "ok_partial_keras": (lambda ctx: honest_partial(), 3),
    "ok_full_numpy": (lambda ctx: honest_full(keras=False), 3),
    "ok_partial_numpy": (lambda ctx: honest_no_keras_partial(), 2),
}
REJECTED = {"rt_malformed", "rt_empty", "rt_not_notebook", "rt_huge", "rt_pdf"}


def write_batch(folder: Path, ctx: dict) -> dict:
    """Write every submission into ``folder``; returns {student: deserved total}."""
    folder.mkdir(parents=True, exist_ok=True)
    expected = {}
    for name, (make, total) in {**ATTACKS, **HONEST}.items():
        (folder / f"{name}.ipynb").write_bytes(make(ctx))
        expected[name] = total
    (folder / "rt_pdf.pdf").write_bytes(b"%PDF-1.4 not a notebook")
    expected["rt_pdf"] = 0
    return expected
