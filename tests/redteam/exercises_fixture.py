"""Small exercise definitions (ids 90.x) used only by the grading tests.

Loaded by the grader with ``--definiciones tests/redteam/exercises_fixture.py``.
90.1: a function (sigmoid); 90.2: a value (a number); 90.3: a Keras model built by a
function, checked through ``inspect("describe_model", call_args=())``.
"""

import numpy as np

from coursekit.exercises.core import REGISTRY, Case, CustomExercise, Failed, FunctionExercise, ValueExercise, register
from coursekit.messages import msg

EXPECTED_LAYERS = [("Dense", [None, 16], "relu"), ("Dense", [None, 3], "softmax")]
EXPECTED_PARAMS = 8 * 16 + 16 + 16 * 3 + 3


def sigmoid_reference(z):
    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))


def sigmoid_cases(rng):
    return [
        Case("vector aleatorio", (rng.normal(0.0, 3.0, size=int(rng.integers(3, 9))),)),
        Case("matriz aleatoria", (rng.normal(0.0, 2.0, size=(3, 4)),)),
        Case("cero", (np.zeros(2),)),
    ]


def check_model(probe, rng):
    desc = probe.inspect("describe_model", call_args=())
    if not isinstance(desc, dict) or desc.get("framework") != "keras":
        raise Failed(msg("model.not_a_model", type=str(desc.get("type") if isinstance(desc, dict) else "?")))
    layers = desc.get("layers") or []
    if len(layers) != len(EXPECTED_LAYERS):
        raise Failed(msg("model.layers_count", actual=len(layers), expected=len(EXPECTED_LAYERS)))
    for index, (layer, (kind, shape, activation)) in enumerate(zip(layers, EXPECTED_LAYERS)):
        if layer.get("kind") != kind:
            raise Failed(msg("model.layer_kind", index=index, actual=layer.get("kind"), expected=kind))
        if layer.get("output_shape") != shape:
            raise Failed(msg("model.output_shape", index=index, kind=kind, actual=layer.get("output_shape"), expected=shape))
        if layer.get("activation") != activation:
            raise Failed(msg("model.activation", index=index, kind=kind, actual=layer.get("activation"), expected=activation))
    if desc.get("params") != EXPECTED_PARAMS:
        raise Failed(msg("model.param_count", actual=int(desc.get("params") or 0), expected=EXPECTED_PARAMS))


def _register(exercise):
    return REGISTRY[exercise.id] if exercise.id in REGISTRY else register(exercise)


_register(FunctionExercise("90.1", "Sigmoide", "sigmoid", sigmoid_reference, sigmoid_cases, points=2))
_register(ValueExercise("90.2", "Media de 1 a 10", "respuesta", expected=5.5, points=1))
_register(CustomExercise("90.3", "Modelo de Keras", "construir_modelo", check_model, points=2))
