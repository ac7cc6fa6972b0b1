"""Turn a learner's result into plain data: numbers, strings, NumPy arrays, lists, dicts.

Graders only ever compare plain data. Anything else (an object whose ``__eq__``
always says True, a float subclass, an object array) is refused, so a learner's
object never takes part in a comparison.
"""

import numbers

import numpy as np

MAX_ELEMENTS = 50_000_000


class UnsupportedResult(Exception):
    """The learner's result cannot be turned into plain data."""

    def __init__(self, key, **params):
        super().__init__(key)
        self.key = key
        self.params = params


def _framework_tensor_to_numpy(obj):
    module = type(obj).__module__ or ""
    if module.startswith("torch") and hasattr(obj, "detach"):
        return obj.detach().cpu().numpy()
    if module.startswith(("tensorflow", "keras")) and hasattr(obj, "numpy"):
        return obj.numpy()
    if module.startswith("jax") and hasattr(obj, "__array__"):
        return np.asarray(obj)
    return None


def _array(obj):
    arr = np.array(obj, copy=True, subok=False)
    if type(arr) is not np.ndarray:
        raise UnsupportedResult("plain.unsupported", type=type(obj).__name__)
    if arr.dtype.kind not in "biufcUS":
        raise UnsupportedResult("plain.object_array")
    if arr.size > MAX_ELEMENTS:
        raise UnsupportedResult("plain.too_large", size=arr.size)
    return arr


def to_plain(obj, _depth=0):
    """Return a plain-data copy of ``obj`` or raise :class:`UnsupportedResult`."""
    if _depth > 6:
        raise UnsupportedResult("plain.unsupported", type="anidado")
    kind = type(obj)
    if obj is None or kind in (bool, str):
        return obj
    if kind is int:
        return int(obj)
    if kind in (float, complex):
        return kind(obj)
    if isinstance(obj, np.ndarray):  # subclasses are copied into a base ndarray
        return _array(obj)
    if isinstance(obj, np.generic) and type(obj).__module__ == "numpy":
        if obj.dtype.kind not in "biufc":
            raise UnsupportedResult("plain.unsupported", type=kind.__name__)
        return obj.item()
    if kind in (list, tuple):
        return kind(to_plain(item, _depth + 1) for item in obj)
    if kind is dict:
        out = {}
        for key, value in obj.items():
            if type(key) not in (str, int):
                raise UnsupportedResult("plain.unsupported", type=type(key).__name__)
            out[key] = to_plain(value, _depth + 1)
        return out
    converted = _framework_tensor_to_numpy(obj)
    if converted is not None and type(converted) is np.ndarray:
        return _array(converted)
    raise UnsupportedResult("plain.unsupported", type=kind.__name__)


def is_number(value) -> bool:
    """True for plain int/float (not bool)."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)
