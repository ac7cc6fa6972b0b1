"""Learning outcomes that a notebook records and the test-suite asserts on.

``record_outcome("test_accuracy", acc)`` attaches the value to the cell as a custom
MIME output, so the tests (and the benchmark) read it back from the executed notebook
without any side file. The learner sees nothing of it (the notebook prints its own
Spanish sentence with the number): the output's only visible form is an empty text.
"""

import json
import math
import numbers

OUTCOME_MIME = "application/vnd.coursekit.outcome+json"


def _plain(value):
    if isinstance(value, bool):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        value = float(value)
        if not math.isfinite(value):
            raise ValueError(f"El resultado registrado no es finito: {value}")
        return value
    if hasattr(value, "item"):  # NumPy/TF/torch scalar
        return _plain(value.item())
    raise TypeError(
        f"Solo se pueden registrar números o booleanos, no {type(value).__name__}."
    )


def record_outcome(name: str, value, description: str = ""):
    """Record a learning outcome ``name = value`` (quietly) in the notebook output; return the value.

    ``description`` documents the outcome for readers of the source and the benchmark.
    """
    from IPython.display import display

    plain = _plain(value)
    payload = {"name": name, "value": plain}
    if description:
        payload["description"] = description
    display({"text/plain": "", OUTCOME_MIME: payload}, raw=True)
    return value


def read_outcomes(notebook) -> dict:
    """Collect ``{name: value}`` from an executed notebook (path or nbformat node)."""
    import nbformat

    if not hasattr(notebook, "cells"):
        notebook = nbformat.read(str(notebook), as_version=4)
    found = {}
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if OUTCOME_MIME in data:
                payload = data[OUTCOME_MIME]
                if isinstance(payload, str):
                    payload = json.loads(payload)
                found[payload["name"]] = payload["value"]
    return found
