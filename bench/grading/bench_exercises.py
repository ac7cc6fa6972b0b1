"""Exercise definitions of the grading benchmark (ids 91.x: NumPy notebook, 92.x: Keras notebook)."""

import numpy as np

from coursekit.exercises.core import REGISTRY, Case, CustomExercise, Failed, FunctionExercise, ValueExercise, register
from coursekit.messages import msg


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))


def _relu(z):
    return np.maximum(np.asarray(z, dtype=float), 0.0)


def _cases(rng):
    return [Case("vector aleatorio", (rng.normal(0, 3, size=int(rng.integers(3, 9))),)),
            Case("matriz aleatoria", (rng.normal(0, 2, size=(4, 5)),)), Case("ceros", (np.zeros(3),))]


def _check_model(probe, rng):
    desc = probe.inspect("describe_model", call_args=())
    layers = desc.get("layers") or [] if isinstance(desc, dict) else []
    if [l.get("kind") for l in layers] != ["Dense", "Dense"]:
        raise Failed(msg("model.layers_count", actual=len(layers), expected=2))
    if desc.get("params") != 64 * 32 + 32 + 32 * 10 + 10:
        raise Failed(msg("model.param_count", actual=int(desc.get("params") or 0), expected=64 * 32 + 32 + 330))


def _check_accuracy(probe, rng):
    value = probe.value()
    if not isinstance(value, float) or not 0.3 <= value <= 1.0:
        raise Failed(msg("train.accuracy_low", actual=float(value) if isinstance(value, (int, float)) else 0.0,
                         threshold=0.3))


def _register(ex):
    return REGISTRY[ex.id] if ex.id in REGISTRY else register(ex)


_register(FunctionExercise("91.1", "Sigmoide", "sigmoid", _sigmoid, _cases, points=2))
_register(FunctionExercise("91.2", "ReLU", "relu", _relu, _cases, points=1))
_register(ValueExercise("91.3", "Media", "media", expected=5.5, points=1))
_register(CustomExercise("92.1", "Modelo", "construir_modelo", _check_model, points=2))
_register(CustomExercise("92.2", "Exactitud", "exactitud", _check_accuracy, points=1))
