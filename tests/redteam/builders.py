"""Build submission notebooks: honest ones (full, partial) and the cells they are made of."""

import json

IMPORTS = "import numpy as np\nfrom coursekit.exercises import check, pendiente\n"
SIGMOID_OK = "def sigmoid(z):\n    return 1 / (1 + np.exp(-np.asarray(z, dtype=float)))\n"
SIGMOID_WRONG = "def sigmoid(z):\n    return 1 / (1 + np.exp(np.asarray(z, dtype=float)))\n"
ANSWER_OK = "respuesta = float(np.mean(np.arange(1, 11)))\n"
ANSWER_WRONG = "respuesta = 5.0\n"
MODEL_OK = """import os
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
import keras

def construir_modelo():
    return keras.Sequential([keras.Input((8,)), keras.layers.Dense(16, activation="relu"),
                             keras.layers.Dense(3, activation="softmax")])
"""
MODEL_WRONG = MODEL_OK.replace('Dense(16, activation="relu")', 'Dense(32, activation="relu")')


def cell(source, exercise=None, check=None):
    """A v4 code cell (with coursekit/nbgrader metadata when it belongs to an exercise)."""
    meta = {}
    if exercise:
        meta = {"coursekit": {"exercise": exercise},
                "nbgrader": {"grade": False, "grade_id": "ex" + exercise.replace(".", "_"), "locked": False,
                             "schema_version": 3, "solution": True}}
    if check:
        meta = {"coursekit": {"check": check},
                "nbgrader": {"grade": True, "grade_id": "ex" + check.replace(".", "_") + "_check", "locked": True,
                             "points": 1, "schema_version": 3, "solution": False}}
    return {"cell_type": "code", "execution_count": None, "metadata": meta, "outputs": [], "source": source}


def markdown(text):
    return {"cell_type": "markdown", "metadata": {}, "source": text}


def notebook(cells) -> dict:
    return {"nbformat": 4, "nbformat_minor": 5, "cells": cells,
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}}


def dumps(nb) -> bytes:
    return json.dumps(nb, ensure_ascii=False, indent=1).encode("utf-8")


def solution_cells(sigmoid=SIGMOID_OK, answer=ANSWER_OK, model=MODEL_OK):
    cells = [markdown("# 90 · Cuaderno de prueba"), cell(IMPORTS)]
    if sigmoid is not None:
        cells += [cell(sigmoid, "90.1"), cell('check("90.1", sigmoid)', check="90.1")]
    if answer is not None:
        cells += [cell(answer, "90.2"), cell('check("90.2", respuesta)', check="90.2")]
    if model is not None:
        cells += [cell(model, "90.3"), cell('check("90.3", construir_modelo)', check="90.3")]
    return cells


def honest_full(keras=True) -> bytes:
    return dumps(notebook(solution_cells(model=MODEL_OK if keras else None)))


def honest_partial() -> bytes:
    """Wrong sigmoid, right answer, right model: 3 of 5 points."""
    return dumps(notebook(solution_cells(sigmoid=SIGMOID_WRONG)))


def honest_no_keras_partial() -> bytes:
    """Right sigmoid, wrong answer, model still pending: 2 of 5 points."""
    pending_model = 'def construir_modelo():\n    pendiente("90.3")\n'
    return dumps(notebook(solution_cells(answer=ANSWER_WRONG, model=pending_model)))
