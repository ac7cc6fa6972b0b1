"""Self-validation of every exercise: the reference passes, the stub says "pendiente",
known-wrong variants fail with the intended message, and checks stay fast."""

import time

import numpy as np
import pytest

from coursekit.exercises import defs
from coursekit.exercises.core import ExercisePending, pendiente
from coursekit.exercises.probe import LocalProbe
from coursekit.exercises.references import solution_as_checked, trusted

REGISTRY = defs.load_all()
MODULES = {name: defs.module_of(name[2:] + ".0") for name in defs.module_names()}
IDS = sorted(REGISTRY)


class StubProbe:
    """What the student edition's stub does: every request raises ExercisePending."""

    def __init__(self, exercise_id):
        self.exercise_id = exercise_id

    def call(self, *args, **kwargs):
        pendiente(self.exercise_id)

    value = inspect = call


def test_every_definition_module_declares_variants_and_no_reference_table():
    for name, module in MODULES.items():
        assert hasattr(module, "WRONG_VARIANTS"), name
        assert not hasattr(module, "REFERENCE_SOLUTIONS"), name


@pytest.mark.parametrize("exercise_id", IDS)
def test_reference_solution_passes(exercise_id):
    exercise = REGISTRY[exercise_id]
    reference = solution_as_checked(exercise_id)
    for seed in range(3):  # several fresh draws of the inputs
        verdict = exercise.run(LocalProbe(reference), np.random.default_rng(seed))
        assert verdict.status == "passed", verdict.lines
        assert verdict.score == exercise.points


@pytest.mark.parametrize("exercise_id", IDS)
def test_stub_reports_pending(exercise_id):
    verdict = REGISTRY[exercise_id].run(StubProbe(exercise_id), np.random.default_rng(0))
    assert verdict.status == "pending"
    assert verdict.score == 0


@pytest.mark.parametrize("exercise_id", IDS)
def test_wrong_variants_fail_with_intended_message(exercise_id):
    variants = defs.module_of(exercise_id).WRONG_VARIANTS.get(exercise_id, [])
    assert len(variants) >= 2, f"{exercise_id}: hacen falta al menos dos variantes erróneas"
    for wrong, reason in variants:
        wrong = trusted(wrong) if callable(wrong) else wrong
        verdict = REGISTRY[exercise_id].run(LocalProbe(wrong), np.random.default_rng(1))
        assert verdict.status in ("failed", "error"), (exercise_id, reason, verdict)
        assert verdict.score == 0
        assert verdict.reason == reason, (exercise_id, reason, verdict.reason, verdict.lines)
        assert verdict.lines, "un fallo siempre explica qué ocurre"


@pytest.mark.parametrize("exercise_id", IDS)
def test_exercise_has_spanish_title_and_hints(exercise_id):
    from coursekit.messages import msg

    exercise = REGISTRY[exercise_id]
    assert exercise.title and exercise.points > 0
    assert len(exercise.hints) >= 2, "pistas escalonadas: al menos dos"
    for key in exercise.hints:
        assert msg(key)


def test_pending_stub_message_is_spanish_and_names_exercise():
    with pytest.raises(ExercisePending, match=r"ejercicio 07\.3 está pendiente"):
        pendiente("07.3")


def test_numpy_checks_are_fast():
    """A check on a NumPy-sized exercise answers in well under 100 ms (see bench for numbers)."""
    slow = {}
    for exercise_id in IDS:
        exercise = REGISTRY[exercise_id]
        reference = solution_as_checked(exercise_id)
        if type(exercise).__name__ not in ("FunctionExercise", "ValueExercise"):
            continue
        exercise.run(LocalProbe(reference))
        start = time.perf_counter()
        exercise.run(LocalProbe(reference))
        elapsed = time.perf_counter() - start
        if elapsed > 0.5:  # generous bound here; the benchmark records the real figures
            slow[exercise_id] = elapsed
    assert not slow, slow
