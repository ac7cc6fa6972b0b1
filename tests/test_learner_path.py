"""The learner's path through an exercise: stand-in for pending work, hints, warnings, comparison."""

import importlib
import re

import numpy as np
import pytest

from coursekit.exercises import check, pendiente
from coursekit.exercises import defs
from coursekit.exercises.check import CHECK_MIME, CheckReport, _offer_reference, feedback_lines, run_check
from coursekit.exercises.core import ExercisePending
from coursekit.exercises.references import get_reference, reference_source
from coursekit.messages import msg

check_module = importlib.import_module("coursekit.exercises.check")
REGISTRY = defs.load_all()


@pytest.fixture(autouse=True)
def fresh_attempts():
    check_module._attempts.clear()
    check_module._hints_seen.clear()
    yield


def sigmoid(z):
    """What the student edition leaves in 01.1."""
    # TU CÓDIGO AQUÍ
    return pendiente("01.1")


def naive_sigmoid(z):
    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))


def test_pending_stub_stands_in_with_the_course_implementation(capsys):
    z = np.array([-3.0, 0.0, 2.0])
    np.testing.assert_allclose(sigmoid(z), 1 / (1 + np.exp(-z)))
    assert "01.1 está pendiente" in capsys.readouterr().out


def test_pending_stub_still_reports_pending_inside_check():
    verdict = run_check("01.1", sigmoid)
    assert verdict.status == "pending" and verdict.score == 0


def test_pending_stub_raises_while_grading(monkeypatch):
    monkeypatch.setenv("COURSEKIT_GRADING", "1")
    with pytest.raises(ExercisePending, match="01.1"):
        sigmoid(0.0)


def test_stub_of_another_exercise_is_named_in_the_check():
    def derivative(z):
        s = sigmoid(z)
        return s * (1 - s)

    verdict = run_check("01.2", derivative)
    assert verdict.status == "pending"
    assert any("01.1" in line for line in verdict.lines)


def test_top_level_stub_value_counts_as_pending(monkeypatch):
    from coursekit.exercises.core import ValueExercise

    monkeypatch.setitem(REGISTRY, "99.4", ValueExercise("99.4", "Valor", "num_inputs", 28 * 28, hints=[]))
    value = pendiente("99.4")  # the student edition's `num_inputs = pendiente("99.4")`
    assert value == 784
    monkeypatch.setattr(check_module, "_user_namespace", lambda: {"num_inputs": value})
    assert run_check("99.4").status == "pending"
    monkeypatch.setattr(check_module, "_user_namespace", lambda: {"num_inputs": int(str(value))})
    assert run_check("99.4").passed  # a value the learner wrote themselves


@pytest.mark.parametrize("disguise", ["itself", "lambda", "module_attribute"])
def test_check_refuses_the_course_reference(disguise):
    ref = get_reference("01.1")
    obj = {"itself": ref, "lambda": lambda z: ref(z),
           "module_attribute": defs.module_of("01.1").sigmoid}[disguise]
    verdict = run_check("01.1", obj)
    assert verdict.status == "failed" and verdict.reason == "check.uses_reference"


def test_reference_hidden_behind_except_is_still_refused():
    ref = get_reference("01.1")

    def sneaky(z):
        try:
            return ref(z)
        except BaseException:
            return naive_sigmoid(z)

    assert run_check("01.1", sneaky).reason == "check.uses_reference"


def test_correct_but_overflowing_solution_says_so(capsys):
    verdict = run_check("01.1", naive_sigmoid)
    assert verdict.passed
    assert any("overflow" in line for line in verdict.lines)
    check("01.1", naive_sigmoid)
    assert "correcto, pero" in capsys.readouterr().out


def test_three_wrong_attempts_three_hints_first_about_the_mistake(capsys):
    def sign_flipped(z):
        return 1.0 / (1.0 + np.exp(np.asarray(z, dtype=float)))

    hints = []
    for _ in range(3):
        check("01.1", sign_flipped)
        hints += [line for line in capsys.readouterr().out.splitlines() if "💡" in line]
    assert len(hints) == 3 and len(set(hints)) == 3
    assert msg("ex.01.1.sign.hint") in hints[0]
    assert msg(REGISTRY["01.1"].hints[0]) in hints[1]


def test_comparison_offered_only_after_passing(monkeypatch):
    passed = run_check("01.1", lambda z: np.exp(-np.logaddexp(0.0, -np.asarray(z, dtype=float))))
    assert passed.passed
    report = CheckReport(passed, feedback_lines(passed), _offer_reference("01.1" and passed))
    bundle = report._repr_mimebundle_()
    assert bundle[CHECK_MIME]["solution_offered"] and "<details" in bundle["text/html"]
    assert "np.where" in bundle["text/html"] and "@reference" not in bundle["text/html"]
    failed = run_check("01.1", lambda z: z)
    assert _offer_reference(failed) == ""
    monkeypatch.setenv("COURSEKIT_GRADING", "1")
    assert _offer_reference(passed) == ""


def _code_lines(source):
    """Lines of a reference that carry code (not the signature, docstring, comments or trivia)."""
    lines = []
    for line in source.splitlines()[1:]:
        text = line.split("#")[0].strip()
        if len(text) >= 12 and not text.startswith(('"""', "return ", "import ", "from ")) and '"""' not in text:
            lines.append(re.sub(r"\s+", "", text))
    return lines


@pytest.mark.parametrize("exercise_id", sorted(REGISTRY))
def test_no_hint_contains_the_solution_code(exercise_id):
    exercise = REGISTRY[exercise_id]
    code = _code_lines(reference_source(exercise_id))
    keys = list(exercise.hints) + [k for k in msg.__globals__["catalog"]("es") if k.startswith(f"ex.{exercise_id}.") and k.endswith(".hint")]
    for key in keys:
        text = re.sub(r"\s+", "", msg(key))
        leaked = [line for line in code if line in text]
        assert not leaked, (key, leaked)


def test_pendiente_outside_the_exercise_stub_never_calls_the_reference():
    """Called from any other function, the stub cannot guess the arguments: it says pending."""
    def helper(a, b):
        return pendiente("01.1")

    with pytest.raises(ExercisePending):
        helper(1, 2)
