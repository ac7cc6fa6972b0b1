"""The test infrastructure itself: nbval-lax comparison of marked cells, store_outputs.py's minimal
outputs, and the one-execution-per-run cache shared by the xdist workers."""

import json
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

import notebook_utils as nu

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
import store_outputs  # noqa: E402


def _stream(text, name="stdout"):
    return new_output("stream", name=name, text=text)


def _result(plain, **extra):
    return new_output("execute_result", data={"text/plain": plain, **extra}, execution_count=3)


def test_marks_tag_and_legacy_comment():
    tagged = new_code_cell("print(1)", metadata={"tags": ["nbval-check-output"]})
    legacy = new_code_cell("# NBVAL_CHECK_OUTPUT\nprint(1)")
    plain = new_code_cell("print(1)  # NBVAL_CHECK_OUTPUT más tarde")
    assert nu.is_marked(tagged) and nu.is_marked(legacy) and not nu.is_marked(plain)


def test_comparison_follows_nbval_lax():
    stored = [_stream("a\nb\n"), _result("12")]
    # streams split differently, other mime types, images and execution counts do not matter
    fresh = [_stream("a\n"), _stream("b\n"), _result("12", **{"text/html": "<b>12</b>"}),
             new_output("display_data", data={"image/png": "iVBORw0KGgo="})]
    assert nu.compare_outputs(stored, fresh) == []
    assert nu.compare_outputs(stored, [_stream("a\nc\n"), _result("12")])  # changed text
    assert nu.compare_outputs(stored, [_stream("a\nb\n")])  # missing result
    assert nu.compare_outputs(stored, [*fresh, _stream("aviso\n", "stderr")])  # unexpected stderr
    errors = [new_output("error", ename="ValueError", evalue="x", traceback=[])]
    assert nu.compare_outputs(stored, stored + errors)


def test_comparison_sanitises_progress_and_addresses():
    stored = [_stream("100%\nobjeto en 0xDIRECCION\n")]
    fresh = [_stream("10%\r50%\r100%\nobjeto en 0x7f3a2b1c4d5e\n")]
    assert nu.compare_outputs(stored, fresh) == []


def test_store_outputs_keeps_only_what_is_compared():
    outputs = [_stream("a\n"), _stream("b\n"), _result("12", **{"text/html": "<b>12</b>"}),
               new_output("display_data", data={"image/png": "iVBORw0KGgo="})]
    kept = store_outputs.minimal_outputs(outputs)
    assert kept == [_stream("a\nb\n"), {**_result("12"), "execution_count": None}]
    with pytest.raises(SystemExit):
        store_outputs.minimal_outputs([_stream("aviso\n", "stderr")])
    with pytest.raises(SystemExit):
        store_outputs.minimal_outputs([new_output("error", ename="E", evalue="", traceback=[])])


def test_store_outputs_migrates_the_old_comment():
    cell = new_code_cell("# NBVAL_CHECK_OUTPUT\nprint('hola')")
    assert store_outputs.migrate(cell)
    assert cell.source == "print('hola')" and cell.metadata["tags"] == ["nbval-check-output"]
    assert not store_outputs.migrate(cell)


@pytest.mark.notebooks
def test_a_notebook_is_executed_once_per_run(tmp_path, monkeypatch):
    """A second request in the same run (another worker: the in-memory memo is empty) reads the
    stored execution; a new run executes again. Every execution is logged."""
    monkeypatch.setattr(nu, "EXECUTED", tmp_path / "executed")
    monkeypatch.setattr(nu, "EXECUTION_LOG", tmp_path / "executed" / "ejecuciones.jsonl")
    monkeypatch.setattr(nu, "_memo", {})
    monkeypatch.setenv("COURSEKIT_TEST_RUN", "prueba-1")
    source = tmp_path / "99_prueba.ipynb"
    nb = new_notebook(cells=[new_code_cell("print(6 * 7)")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(source))

    first, _ = nu.execute(source)
    assert first.cells[0].outputs[0]["text"] == "42\n"
    monkeypatch.setattr(nu, "_memo", {})  # as if another xdist worker asked
    again, _ = nu.execute(source)
    assert again.cells[0].outputs[0]["text"] == "42\n"
    assert len(nu.executions("prueba-1")) == 1

    monkeypatch.setattr(nu, "_memo", {})
    monkeypatch.setenv("COURSEKIT_TEST_RUN", "prueba-2")
    nu.execute(source)
    assert len(nu.executions("prueba-2")) == 1
    entries = [json.loads(line) for line in nu.EXECUTION_LOG.read_text().splitlines()]
    assert [e["run"] for e in entries] == ["prueba-1", "prueba-2"]
