"""With COURSEKIT_LANG=en every message an exercise shows is English: titles, checks, hints."""

import numpy as np
import pytest

from coursekit.exercises import defs
from coursekit.exercises.check import feedback_lines
from coursekit.exercises.probe import LocalProbe
from coursekit.exercises.references import solution_as_checked, trusted
from coursekit.messages import catalog, msg, set_language

REGISTRY = defs.load_all()
SPANISH_ONLY = [text.split("{")[0].strip() for key, text in catalog("es").items()
                if catalog("en").get(key) != text and len(text.split("{")[0].strip()) >= 20]


class _Stub:
    def call(self, *args, **kwargs):
        from coursekit.exercises.core import pendiente
        pendiente("00.0")

    value = inspect = call


@pytest.fixture
def english():
    set_language("en")
    yield
    set_language("es")


def test_catalogs_have_the_same_keys():
    assert set(catalog("es")) == set(catalog("en"))


@pytest.mark.parametrize("exercise_id", sorted(REGISTRY))
def test_checks_speak_english(exercise_id, english):
    exercise = REGISTRY[exercise_id]
    assert msg(f"ex.{exercise_id}.title") == exercise.title, "falta el título en inglés (ex.NN.k.title)"
    verdicts = [exercise.run(LocalProbe(solution_as_checked(exercise_id)), np.random.default_rng(0)),
                exercise.run(_Stub(), np.random.default_rng(0))]
    for wrong, _ in defs.module_of(exercise_id).WRONG_VARIANTS.get(exercise_id, []):
        wrong = trusted(wrong) if callable(wrong) else wrong
        verdicts.append(exercise.run(LocalProbe(wrong), np.random.default_rng(1)))
    text = "\n".join(line for v in verdicts for line in feedback_lines(v, 2, exercise.hints[0], 1, 3))
    text += "\n" + "\n".join(msg(key) for key in exercise.hints)
    leaked = [spanish for spanish in SPANISH_ONLY if spanish in text]
    assert not leaked, leaked[:3]
