"""Tolerance-aware comparison of results, with a Karpathy-style ``cmp`` report.

``compare(actual, expected)`` works for numbers, NumPy arrays and TensorFlow/torch
tensors (converted to NumPy first) and reports shape, dtype, NaN/inf, maximum
absolute and relative error, where the largest error is and the share of elements off.
"""

from dataclasses import dataclass, field

import numpy as np

from coursekit.exercises.plain import UnsupportedResult, to_plain
from coursekit.messages import msg


@dataclass
class Comparison:
    """Outcome of :func:`compare`; ``ok`` means equal within tolerance."""

    ok: bool
    exact: bool = False
    key: str = ""
    params: dict = field(default_factory=dict)
    max_abs: float = 0.0
    max_rel: float = 0.0
    frac_off: float = 0.0
    where: tuple = ()

    def message(self) -> str:
        """Spanish (or English) sentence describing the comparison."""
        return msg(self.key, **self.params)

    def __repr__(self):
        return (
            f"Comparison(ok={self.ok}, exact={self.exact}, max_abs={self.max_abs:.3g}, "
            f"max_rel={self.max_rel:.3g}, frac_off={self.frac_off:.3g})"
        )


def _fail(key, **params):
    return Comparison(ok=False, key=key, params=params)


def _shape_message(actual, expected):
    a, e = tuple(actual), tuple(expected)
    if tuple(d for d in a if d != 1) == tuple(d for d in e if d != 1):
        return _fail("cmp.shape_column", actual=a, expected=e)
    if len(a) == 2 and a[::-1] == e:
        return _fail("cmp.shape_transposed", actual=a, expected=e)
    return _fail("cmp.shape", actual=a, expected=e)


def compare(actual, expected, rtol=1e-5, atol=1e-8, equal_nan=False, check_dtype_kind=False):
    """Compare ``actual`` with ``expected`` and return a :class:`Comparison`."""
    try:
        actual = to_plain(actual)
    except UnsupportedResult as err:
        return _fail(err.key, **err.params)
    expected = to_plain(expected)
    if isinstance(expected, (list, tuple)) and isinstance(actual, (list, tuple)) and any(
        isinstance(item, (list, tuple, dict, str)) for item in expected
    ):
        if len(actual) != len(expected):
            return _fail("cmp.length", actual=len(actual), expected=len(expected))
        for a_item, e_item in zip(actual, expected):
            result = compare(a_item, e_item, rtol, atol, equal_nan, check_dtype_kind)
            if not result.ok:
                return result
        return Comparison(ok=True, exact=True, key="cmp.exact")
    if isinstance(expected, dict):
        if not isinstance(actual, dict) or actual.keys() != expected.keys():
            return _fail("cmp.type", actual=type(actual).__name__, expected="dict")
        for name in expected:
            result = compare(actual[name], expected[name], rtol, atol, equal_nan, check_dtype_kind)
            if not result.ok:
                return result
        return Comparison(ok=True, exact=True, key="cmp.exact")
    if isinstance(expected, str) or isinstance(actual, str):
        ok = actual == expected if type(actual) is type(expected) else False
        return Comparison(ok=ok, exact=ok, key="cmp.exact" if ok else "value.wrong", params={"actual": repr(actual)})
    if actual is None:
        return _fail("cmp.type", actual="None", expected=type(expected).__name__)
    a = np.asarray(actual)
    e = np.asarray(expected)
    if a.dtype.kind not in "biufc":
        return _fail("cmp.type", actual=str(a.dtype), expected=str(e.dtype))
    if a.shape != e.shape:
        return _shape_message(a.shape, e.shape)
    if check_dtype_kind and (a.dtype.kind in "iu") != (e.dtype.kind in "iu"):
        return _fail("cmp.dtype_kind", actual=str(a.dtype), expected=str(e.dtype))
    a = a.astype(np.result_type(a, e, np.float64))
    e = e.astype(a.dtype)
    bad_a = ~np.isfinite(a)
    bad_e = ~np.isfinite(e)
    if bad_a.any() and not (equal_nan and np.array_equal(bad_a, bad_e)):
        where = tuple(int(i) for i in np.argwhere(bad_a)[0]) if a.ndim else ()
        return _fail("cmp.nan", count=int(bad_a.sum()), where=where)
    finite = ~(bad_a | bad_e)
    with np.errstate(invalid="ignore", over="ignore"):
        diff = np.where(finite, np.abs(a - e), 0.0)
        rel = diff / np.maximum(np.abs(e), 1e-300)
    off = diff > atol + rtol * np.abs(np.where(finite, e, 0.0))
    if bad_e.any() and not equal_nan:
        off |= bad_e
    max_abs = float(diff.max()) if diff.size else 0.0
    max_rel = float(np.where(finite, rel, 0.0).max()) if diff.size else 0.0
    exact = bool(np.array_equal(a, e, equal_nan=True))
    if not off.any():
        key = "cmp.exact" if exact else "cmp.close"
        return Comparison(ok=True, exact=exact, key=key, params={"max_abs": max_abs}, max_abs=max_abs, max_rel=max_rel)
    where = tuple(int(i) for i in np.unravel_index(int(np.argmax(diff)), diff.shape)) if a.ndim else ()
    frac = float(off.mean())
    if a.ndim == 0:
        key, params = "cmp.scalar", {"actual": float(a), "max_abs": max_abs}
    else:
        key, params = "cmp.values", {"frac": frac, "max_abs": max_abs, "max_rel": max_rel, "where": where}
    return Comparison(ok=False, key=key, params=params, max_abs=max_abs, max_rel=max_rel, frac_off=frac, where=where)


def cmp(name, actual, expected, rtol=1e-5, atol=1e-8):
    """Print one Karpathy-style line: ``name | exacto | aproximado | dif. máx.``."""
    from coursekit.fmt import fmt_number

    result = compare(actual, expected, rtol=rtol, atol=atol)
    word = {True: msg("cmp.yes"), False: msg("cmp.no")}
    if result.ok or result.key in ("cmp.values", "cmp.scalar"):
        max_abs = fmt_number(result.max_abs, digits=2)
    else:  # shapes or types differ: no meaningful difference
        max_abs = "—"
    print(msg("cmp.line", name=str(name), exact=f"{word[result.exact]:3s}", close=f"{word[result.ok]:3s}",
              max_abs=max_abs))
    if not result.ok and result.key not in ("cmp.values", "cmp.scalar"):
        print("   " + result.message())
    return result
