"""Unit tests for coursekit's core: settings, messages, comparisons, checks, outcomes, seeds."""

import json
import subprocess
import sys

import numpy as np
import pytest

from coursekit import config, messages
from coursekit.messages import msg
from coursekit.exercises import check, cmp, compare
from coursekit.exercises.check import CHECK_MIME, CheckReport, feedback_lines, run_check
from coursekit.exercises.core import (
    Case, CustomExercise, FunctionExercise, Mistake, REGISTRY, ValueExercise, require,
)
from coursekit.exercises.plain import UnsupportedResult, to_plain
from coursekit.exercises.probe import LocalProbe

PY = sys.executable


# --- settings -------------------------------------------------------------

def test_fast_mode_reads_environment(monkeypatch):
    monkeypatch.setenv("COURSEKIT_FAST", "1")
    assert config.fast_mode() and config.pick(20, 3) == 3
    monkeypatch.setenv("COURSEKIT_FAST", "0")
    assert not config.fast_mode() and config.pick(20, 3) == 20
    monkeypatch.delenv("COURSEKIT_FAST")
    assert config.fast_mode() is False
    monkeypatch.setenv("COURSEKIT_FAST", "quizás")
    with pytest.raises(ValueError, match="COURSEKIT_FAST"):
        config.fast_mode()


def test_import_is_light():
    """No framework and no IPython behind ``import coursekit.exercises`` (its time is in the benchmark)."""
    code = (
        "import sys; import coursekit, coursekit.exercises; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('tensorflow', 'torch', 'keras', 'IPython')))"
    )
    out = subprocess.run([PY, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]", "import coursekit no debe importar TensorFlow, torch ni IPython"


def test_import_coursekit_alone_does_not_import_numpy_heavy_frameworks():
    code = "import sys, coursekit; print(sorted(m for m in ('tensorflow','torch','keras') if m in sys.modules))"
    out = subprocess.run([PY, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"


# --- messages -------------------------------------------------------------

def test_catalogs_have_same_keys_in_every_language():
    for domain in sorted(p.name for p in (messages.LOCALES / "es").glob("*.json")):
        es = json.loads((messages.LOCALES / "es" / domain).read_text(encoding="utf-8"))
        en_path = messages.LOCALES / "en" / domain
        assert en_path.exists(), f"falta la traducción inglesa de {domain}"
        en = json.loads(en_path.read_text(encoding="utf-8"))
        assert es.keys() == en.keys(), (domain, es.keys() ^ en.keys())


def test_language_switch():
    try:
        messages.set_language("en")
        assert "pending" in messages.msg("pending.error", id="01.1")
        messages.set_language("es")
        assert "pendiente" in messages.msg("pending.error", id="01.1")
    finally:
        messages.set_language(None)
    with pytest.raises(ValueError):
        messages.set_language("fr")


# --- plain data and comparisons -------------------------------------------

class AlwaysEqual:
    def __eq__(self, other):
        return True

    __hash__ = object.__hash__


class EvilFloat(float):
    def __eq__(self, other):
        return True

    __hash__ = float.__hash__


@pytest.mark.parametrize("bad", [AlwaysEqual(), EvilFloat(1.0), np.array([AlwaysEqual()]), [AlwaysEqual()]])
def test_objects_that_lie_about_equality_are_refused(bad):
    with pytest.raises(UnsupportedResult):
        to_plain(bad)
    assert not compare(bad, 1.0).ok


def test_ndarray_subclass_is_copied_to_plain_array():
    class Sneaky(np.ndarray):
        def __eq__(self, other):
            return np.ones(self.shape, bool)

    arr = np.zeros(3).view(Sneaky)
    plain = to_plain(arr)
    assert type(plain) is np.ndarray
    assert not compare(arr, np.ones(3)).ok


def test_compare_reports_errors_like_cmp():
    exact = compare(np.arange(4.0), np.arange(4.0))
    assert exact.ok and exact.exact
    close = compare(np.arange(4.0) + 1e-9, np.arange(4.0))
    assert close.ok and not close.exact and close.max_abs == pytest.approx(1e-9)
    wrong = compare(np.array([1.0, 2.0, 3.5, 4.0]), np.arange(1.0, 5.0))
    assert not wrong.ok and wrong.where == (2,) and wrong.frac_off == pytest.approx(0.25)
    assert "25\u202f%" in wrong.message() and "0,5" in wrong.message()


def test_compare_shape_diagnoses():
    assert compare(np.zeros((5, 1)), np.zeros(5)).key == "cmp.shape_column"
    assert compare(np.zeros((2, 3)), np.zeros((3, 2))).key == "cmp.shape_transposed"
    assert compare(np.zeros((2, 3)), np.zeros((4,))).key == "cmp.shape"


def test_compare_nan_and_inf():
    result = compare(np.array([1.0, np.nan, np.inf]), np.ones(3))
    assert result.key == "cmp.nan" and result.params["count"] == 2
    assert compare(np.array([np.nan]), np.array([np.nan]), equal_nan=True).ok


def test_compare_framework_tensors():
    import torch

    assert compare(torch.tensor([1.0, 2.0], requires_grad=True) * 1, np.array([1.0, 2.0])).ok


def test_cmp_prints_one_line(capsys):
    cmp("dW", np.ones(3), np.ones(3) + 1e-10)
    line = capsys.readouterr().out.strip()
    assert line.startswith("dW") and "exacto: no" in line and "aproximado: sí" in line
    assert "1·10⁻¹⁰" in line


# --- exercises and checks -------------------------------------------------

def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


@pytest.fixture
def sigmoid_exercise():
    ex = FunctionExercise(
        "99.1", "Sigmoide de prueba", "sigmoid_test", _sigmoid,
        lambda rng: [Case("aleatorio", (rng.normal(size=6),)), Case("ceros", (np.zeros(3),))],
        mistakes=[Mistake("cmp.exact", lambda z: 1.0 / (1.0 + np.exp(z)))],
        hints=["pending.error", "check.attempt"], points=2,
    )
    REGISTRY["99.1"] = ex
    yield ex
    REGISTRY.pop("99.1")


def test_fresh_inputs_defeat_hard_coded_answers(sigmoid_exercise):
    fixed = _sigmoid(np.random.default_rng(0).normal(size=6))
    hard_coded = lambda z: fixed if z.shape == (6,) else _sigmoid(z)  # noqa: E731
    verdict = sigmoid_exercise.run(LocalProbe(hard_coded), np.random.default_rng(1))
    assert verdict.status == "failed" and verdict.reason == "cmp.values"


def test_known_mistake_gets_its_message(sigmoid_exercise):
    verdict = sigmoid_exercise.run(LocalProbe(lambda z: 1.0 / (1.0 + np.exp(z))))
    assert verdict.mistake == "cmp.exact"


def test_learner_error_is_reported_briefly(sigmoid_exercise):
    def broken(z):
        return len(5)

    verdict = sigmoid_exercise.run(LocalProbe(broken))
    assert verdict.status == "error" and "TypeError" in verdict.lines[0]
    assert "Traceback" not in "\n".join(verdict.lines)


def test_checker_bug_is_not_blamed_on_learner():
    ex = CustomExercise("99.2", "Roto", "x", lambda probe, rng: 1 / 0)
    verdict = ex.run(LocalProbe(1))
    assert verdict.status == "internal" and "No es culpa tuya" in verdict.lines[0]


def test_value_exercise_and_require():
    ex = ValueExercise("99.3", "Valor", "n", 784, mistakes={"cmp.exact": 28})
    assert ex.run(LocalProbe(784)).passed
    assert ex.run(LocalProbe(28)).mistake == "cmp.exact"
    assert ex.run(LocalProbe(785)).reason == "cmp.scalar"
    with pytest.raises(Exception):
        require(False, "value.wrong", actual=1)


def test_each_failed_attempt_shows_one_new_hint_in_order(sigmoid_exercise, capsys):
    import importlib

    check_module = importlib.import_module("coursekit.exercises.check")
    check_module._attempts.pop("99.1", None)
    check_module._hints_seen.pop("99.1", None)
    shown = []
    for _ in range(len(sigmoid_exercise.hints) + 1):
        check("99.1", lambda z: z)
        out = capsys.readouterr().out
        shown.append([line for line in out.splitlines() if "💡" in line])
    assert all(len(lines) == 1 for lines in shown[:-1])  # one hint per failed attempt
    assert len({lines[0] for lines in shown[:-1]}) == len(sigmoid_exercise.hints)  # all different
    assert [msg(key) in lines[0] for key, lines in zip(sigmoid_exercise.hints, shown)] == [True] * len(sigmoid_exercise.hints)
    assert shown[-1] == []  # no more hints: a pointer back to the lesson instead


def test_check_finds_target_in_namespace_and_reports(sigmoid_exercise, monkeypatch):
    import importlib

    check_module = importlib.import_module("coursekit.exercises.check")

    monkeypatch.setattr(check_module, "_user_namespace", lambda: {"sigmoid_test": _sigmoid})
    assert run_check("99.1").passed
    monkeypatch.setattr(check_module, "_user_namespace", lambda: {})
    missing = run_check("99.1")
    assert missing.status == "error" and "sigmoid_test" in missing.lines[0]
    unknown = run_check("98.7", _sigmoid)
    assert "No existe el ejercicio" in unknown.lines[0]


def test_check_display_bundle(sigmoid_exercise, capsys):
    assert check("99.1", _sigmoid) is None
    verdict = run_check("99.1", _sigmoid)
    bundle = CheckReport(verdict, feedback_lines(verdict, 1))._repr_mimebundle_()
    assert bundle[CHECK_MIME]["status"] == "passed"
    assert "¡correcto!" in bundle["text/plain"]


def test_check_raises_under_nbgrader_autograde(sigmoid_exercise, monkeypatch):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    with pytest.raises(AssertionError):
        check("99.1", lambda z: z)
    check("99.1", _sigmoid)  # passes: no exception


# --- model descriptions and training checks -------------------------------

def test_describe_keras_and_torch_models_agree_on_param_counts():
    import keras
    import torch
    from coursekit.exercises.model_checks import require_model
    from coursekit.exercises.transforms import describe_model

    net = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="relu"), keras.layers.Dense(2)])
    desc = describe_model(net)
    require_model(desc, kinds=["Dense", "Dense"], params=23, layer_params=[15, 8],
                  output_shapes=[(None, 3), (None, 2)], activations=["relu", "linear"])
    twin = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2))
    tdesc = describe_model(twin, (4,))
    require_model(tdesc, kinds=["Linear", "ReLU", "Linear"], params=23, output_shapes=[(None, 3), (None, 3), (None, 2)])


def test_training_property_checks():
    from coursekit.exercises.core import Failed
    from coursekit.exercises.model_checks import require_accuracy, require_loss_decrease

    require_loss_decrease([1.0, 0.6, 0.3], factor=3)
    with pytest.raises(Failed, match="debería bajar"):
        require_loss_decrease([1.0, 0.9], factor=2)
    with pytest.raises(Failed, match="NaN"):
        require_loss_decrease([1.0, float("nan")], factor=2)
    assert require_accuracy(np.eye(3)[[0, 1, 2, 1]], [0, 1, 2, 1], 0.9) == 1.0
    with pytest.raises(Failed, match="exactitud"):
        require_accuracy([0.2, 0.7, 0.9], [1, 1, 0], 0.9)


# --- outcomes and reproducibility -----------------------------------------

def test_outcomes_round_trip_through_notebook_outputs():
    import nbformat
    from coursekit.outcomes import OUTCOME_MIME, read_outcomes

    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [nbformat.v4.new_output("display_data", data={OUTCOME_MIME: {"name": "acc", "value": 0.97}, "text/plain": "…"})]
    nb = nbformat.v4.new_notebook(cells=[cell])
    assert read_outcomes(nb) == {"acc": 0.97}


def test_record_outcome_refuses_non_numbers():
    from coursekit.outcomes import record_outcome

    with pytest.raises(TypeError):
        record_outcome("x", "alto")
    with pytest.raises(ValueError):
        record_outcome("x", float("nan"))


def test_set_seed_is_reproducible_and_does_not_import_other_framework():
    code = (
        "import sys, numpy as np; from coursekit.repro import set_seed; "
        "import torch; set_seed(3); a = torch.rand(2).tolist(); b = np.random.rand(); "
        "set_seed(3); assert torch.rand(2).tolist() == a and np.random.rand() == b; "
        "print('tensorflow' in sys.modules)"
    )
    out = subprocess.run([PY, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "False"


def test_set_seed_rejects_unknown_framework():
    from coursekit.repro import set_seed

    with pytest.raises(ValueError):
        set_seed(0, frameworks=("jax",))


def test_nbgrader_checks_fail_under_validate_and_a_cell_cannot_switch_them_off(sigmoid_exercise, monkeypatch):
    import importlib

    check_module = importlib.import_module("coursekit.exercises.check")
    monkeypatch.setenv("NBGRADER_EXECUTION", "validate")
    with pytest.raises(AssertionError):
        check("99.1", lambda z: z)
    monkeypatch.setattr(check_module, "_NBGRADER_AT_IMPORT", "autograde")  # what the import saw
    monkeypatch.setenv("NBGRADER_EXECUTION", "")  # a learner's cell
    with pytest.raises(AssertionError):
        check("99.1", lambda z: z)
