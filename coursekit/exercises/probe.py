"""Probes: how an exercise reaches the learner's object.

``LocalProbe`` wraps an object in the learner's own kernel (instant check). The
batch grader has a remote probe with the same three methods that forwards each
request to the sandboxed submission process and receives plain data back.
"""

import traceback
import warnings
from pathlib import Path

import numpy as np

from coursekit.exercises.core import ExercisePending, LearnerError
from coursekit.exercises.plain import UnsupportedResult, to_plain
from coursekit.exercises import transforms
from coursekit.exercises.core import Failed
from coursekit.exercises.references import UsedReference, is_reference, learner_code
from coursekit.messages import msg

_COURSEKIT_DIR = str(Path(__file__).resolve().parents[1])


def learner_error(exc: BaseException) -> LearnerError:
    """Summarise the learner's exception: type, message and their last line of code."""
    text = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    if len(text) > 500:
        text = text[:500] + "…"
    line, code = None, ""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        filename = frame.filename or ""
        if not filename.startswith(_COURSEKIT_DIR) and "site-packages" not in filename:
            line, code = frame.lineno, (frame.line or "").strip()
            break
    return LearnerError(text, line, code)


def _refuse_reference():
    raise Failed(msg("check.uses_reference"), key="check.uses_reference")


class LocalProbe:
    """Probe for an object living in this process.

    Every call into the learner's code runs with the course's references locked (a
    submission that is, or calls, the reference is refused) and with NumPy warnings
    recorded in :attr:`warnings` (not underflow, which is harmless): a correct result reached
    through an overflow is reported as "correcto, pero…".
    """

    def __init__(self, obj):
        self.obj = obj
        self.warnings: list = []

    def _guard(self, fn, *args, **kwargs):
        if is_reference(self.obj) or is_reference(fn):
            _refuse_reference()
        guard = learner_code()
        try:
            with guard, warnings.catch_warnings(record=True) as caught, np.errstate(over="warn", invalid="warn", divide="warn", under="ignore"):
                warnings.simplefilter("always")
                result = fn(*args, **kwargs)
        except ExercisePending:
            raise
        except UsedReference:
            _refuse_reference()
        except (KeyboardInterrupt, SystemExit):
            raise
        except Exception as exc:
            if guard.used_reference:
                _refuse_reference()
            raise learner_error(exc) from None
        if guard.used_reference:
            _refuse_reference()
        for warning in caught:
            if issubclass(warning.category, RuntimeWarning):
                text = str(warning.message)
                if text not in self.warnings:
                    self.warnings.append(text)
        return result

    def _plain(self, result):
        try:
            return to_plain(result)
        except UnsupportedResult as err:
            raise Failed(msg(err.key, **err.params), key=err.key) from None

    def call(self, *args, **kwargs):
        """Call the learner's function; return its result as plain data."""
        if not callable(self.obj):
            raise Failed(msg("plain.unsupported", type=type(self.obj).__name__), key="plain.unsupported")
        return self._plain(self._guard(self.obj, *args, **kwargs))

    def value(self):
        """The learner's value as plain data."""
        return self._plain(self.obj)

    def inspect(self, transform, *transform_args, call_args=None):
        """Apply a named transform (``describe_model``, ``predict``) to the object.

        With ``call_args`` (a tuple), the object is first called with them, e.g. a
        ``build_model()`` function.
        """
        obj = self.obj
        if call_args is not None:
            obj = self._guard(obj, *call_args)
        return self._guard(transforms.apply, transform, obj, *transform_args)
