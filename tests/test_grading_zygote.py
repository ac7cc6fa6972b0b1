"""The pre-warmed zygote: children are isolated and clean, Keras works after fork, fallbacks work."""

import re

import pytest

from coursekit.exercises.core import REGISTRY
from coursekit.grading import sandbox
from coursekit.grading import zygote as zygote_mod
from coursekit.grading.runner import Batch, BatchConfig, find_submissions
from coursekit.grading.session import Limits
from tests.redteam import exercises_fixture  # noqa: F401  (registers 90.x)
from tests.redteam.builders import ANSWER_OK, IMPORTS, MODEL_OK, SIGMOID_OK, cell, dumps, notebook

# Inside the child: nothing of the zygote may be reachable (its socket, other descriptors,
# exercise definitions, the instructor's environment), and the isolation must be the usual one.
INSPECT = """import os, sys
problems = []
fds = sorted(int(f) for f in os.listdir('/proc/self/fd'))
extra = [f for f in fds if 2 < f < 900]
if len(extra) > 1:  # one is listdir's own descriptor
    problems.append(f'fds {fds}')
if any(m.startswith(('coursekit.exercises.defs', 'coursekit_defs_')) for m in sys.modules):
    problems.append('defs loaded')
from coursekit.exercises.core import REGISTRY as _R
if _R:
    problems.append(f'registry {sorted(_R)[:3]}')
if set(os.environ) - ALLOWED_ENV:
    problems.append(f'env {sorted(set(os.environ) - ALLOWED_ENV)}')
if ISOLATED and (os.getuid() == 0 or os.getpid() != 1 or os.getcwd() != '/tmp/entrega'):
    problems.append(f'isolation uid={os.getuid()} pid={os.getpid()} cwd={os.getcwd()}')
print('PROBLEMS', problems, file=sys.stderr)
print('SEED', np.random.randint(1 << 30), file=sys.stderr)
respuesta = 5.5 if not problems else 0.0
"""


def _batch(tmp_path, cells_list, **kw):
    folder = tmp_path / "entregas"
    folder.mkdir()
    for i, cells in enumerate(cells_list):
        (folder / f"alumno{i}.ipynb").write_bytes(dumps(notebook(cells)))
    ids = kw.pop("ids", ("90.1", "90.2"))
    config = BatchConfig(exercises=[REGISTRY[i] for i in ids], limits=Limits(cell_timeout=60), procs=1, **kw)
    report = kw.pop("report", None)
    batch = Batch(config, tmp_path / "out", report=report)
    return batch, folder


def _inspect_cell():
    from coursekit.grading.session import worker_env

    allowed = set(worker_env(Limits(), 1, "/tmp/entrega"))
    return cell(f"ALLOWED_ENV = set({sorted(allowed)!r})\nISOLATED = {sandbox.can_isolate()!r}\n" + INSPECT, "90.2")


def test_zygote_children_are_isolated_clean_and_reseeded(tmp_path):
    batch, folder = _batch(tmp_path, [[cell(IMPORTS), cell(SIGMOID_OK, "90.1"), _inspect_cell()]] * 2)
    records = batch.run(find_submissions(folder))
    assert batch.zygote_error is None and "numpy" in batch.zygote_preloaded
    assert "tensorflow" not in batch.zygote_preloaded  # no submission imports it
    seeds = set()
    for record in records:
        assert record["launcher"] == "zygote", record
        assert record["total"] == 3, (record["notes"], record["output"]["stderr_head"])
        seeds |= set(re.findall(r"SEED (\d+)", record["output"]["stderr_head"]))
        if sandbox.can_isolate():
            assert {"net", "pid", "mount", "uid", "no_new_privs"} <= set(record["isolation"])
    assert len(seeds) == 2  # each child has its own NumPy global seed, like a fresh process


def test_keras_fit_and_predict_after_fork(tmp_path):
    train = MODEL_OK + """import numpy as np
m = construir_modelo()
m.compile("adam", "sparse_categorical_crossentropy")
m.fit(np.random.rand(64, 8).astype("float32"), np.random.randint(0, 3, 64), epochs=2, verbose=0)
respuesta = 5.5 if m.predict(np.zeros((5, 8), "float32"), verbose=0).shape == (5, 3) else 0.0
"""
    batch, folder = _batch(tmp_path, [[cell(IMPORTS), cell(train, "90.3")]], ids=("90.2", "90.3"))
    (record,) = batch.run(find_submissions(folder))
    assert "tensorflow" in batch.zygote_preloaded, batch.zygote_error
    assert record["launcher"] == "zygote" and record["total"] == 3, record


def test_fallback_when_the_zygote_dies_mid_batch(tmp_path):
    honest = [cell(IMPORTS), cell(SIGMOID_OK, "90.1"), cell(ANSWER_OK, "90.2")]
    killed = []

    def report(record):
        if not killed and batch.zygote is not None:
            batch.zygote.proc.kill()
            batch.zygote.proc.wait()
            killed.append(record["student"])

    batch, folder = _batch(tmp_path, [honest] * 3)
    batch.report = report
    records = batch.run(find_submissions(folder))
    assert killed
    assert [r["total"] for r in records] == [3, 3, 3]
    assert [r["launcher"] for r in records] == ["zygote", "fresh", "fresh"]


def test_fallback_when_the_zygote_cannot_start(tmp_path, monkeypatch):
    def broken(self):
        raise zygote_mod.ZygoteError("simulado")

    monkeypatch.setattr(zygote_mod.Zygote, "start", broken)
    batch, folder = _batch(tmp_path, [[cell(IMPORTS), cell(SIGMOID_OK, "90.1"), cell(ANSWER_OK, "90.2")]])
    (record,) = batch.run(find_submissions(folder))
    assert "simulado" in batch.zygote_error
    assert record["launcher"] == "fresh" and record["total"] == 3


def test_sin_zigoto_uses_a_fresh_process(tmp_path):
    import argparse

    from coursekit.grading import cli

    parser = argparse.ArgumentParser()
    cli.add_arguments(parser)
    assert parser.parse_args(["x", "--sin-zigoto"]).sin_zigoto
    batch, folder = _batch(tmp_path, [[cell(IMPORTS), cell(SIGMOID_OK, "90.1"), _inspect_cell()]], zygote=False)
    (record,) = batch.run(find_submissions(folder))
    assert record["launcher"] == "fresh" and record["total"] == 3, record["output"]["stderr_head"]
    assert batch.zygote_preloaded == []


@pytest.mark.parametrize("text, expected", [(b'"import keras\\n"', True), (b'"from tensorflow import x"', True),
                                            (b'"import numpy as np"', False), (b'"# kerasimport"', False)])
def test_tensorflow_detection(tmp_path, text, expected):
    path = tmp_path / "a.ipynb"
    path.write_bytes(text)
    assert zygote_mod.needs_tensorflow([path]) is expected
