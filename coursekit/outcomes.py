"""Learning outcomes that a notebook records and the test-suite asserts on.

``record_outcome("test_accuracy", acc)`` shows a short Spanish line in the notebook
and attaches the value as a custom MIME output, so the tests (and the benchmark)
read it back from the executed notebook without any side file.
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


def record_outcome(name: str, value, description: str = "") -> float:
    """Record a learning outcome ``name = value`` in the notebook output; return the value."""
    from IPython.display import display

    plain = _plain(value)
    text = f"Resultado «{name}» = {plain:.4g}" if isinstance(plain, float) else f"Resultado «{name}» = {plain}"
    if description:
        text += f"  ({description})"
    display({"text/plain": text, OUTCOME_MIME: {"name": name, "value": plain}}, raw=True)
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
