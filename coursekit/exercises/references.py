"""The course's reference implementations, registered by id and kept behind a guard.

A definition module marks its reference with ``@reference("01.1")``. What the module
keeps under that name is a *guarded* wrapper: trusted code (the checker, the fallback of
an unsolved exercise in the student edition) calls it as usual, but while ``check()``
runs the learner's code any call to a reference raises :class:`UsedReference`, and the
check refuses the submission. There is no table of references to import; see
``docs/CALIFICACION.md`` for what this protects and what it does not.
"""

import contextvars
import functools
import inspect
import textwrap

_LEARNER_CALL = contextvars.ContextVar("coursekit_learner_call", default=False)
_GUARDED: dict = {}  # exercise id -> guarded wrapper
_RAW: dict = {}  # exercise id -> the plain function (self-validation and benchmark only)
_SOURCES: dict = {}  # exercise id -> source text of the reference (shown after a pass)
_tripped: list = []  # ids whose reference ran inside learner code (survives a swallowed exception)


class UsedReference(BaseException):
    """The learner's code called the course's reference implementation during a check.

    A ``BaseException``, so a learner's ``except Exception`` does not hide it.
    """

    def __init__(self, exercise_id: str):
        super().__init__(exercise_id)
        self.exercise_id = exercise_id


def reference(exercise_id: str):
    """Decorator: register ``fn`` as the reference of ``exercise_id``; return its guarded wrapper."""

    def decorate(fn):
        @functools.wraps(fn)
        def guarded(*args, **kwargs):
            if _LEARNER_CALL.get():
                _tripped.append(exercise_id)
                raise UsedReference(exercise_id)
            return fn(*args, **kwargs)

        del guarded.__wrapped__  # no attribute leads back to the plain function
        guarded.__coursekit_reference__ = exercise_id
        _GUARDED[exercise_id] = guarded
        _RAW[exercise_id] = fn
        try:
            _SOURCES[exercise_id] = textwrap.dedent(inspect.getsource(fn))
        except (OSError, TypeError):
            _SOURCES[exercise_id] = ""
        return guarded

    return decorate


def get_reference(exercise_id: str):
    """The guarded reference of an exercise (loading its definitions), or None."""
    from coursekit.exercises import defs

    defs.load_for(exercise_id)
    return _GUARDED.get(exercise_id)


def reference_source(exercise_id: str) -> str:
    """Source code of the reference (without the decorator line), '' if unknown."""
    lines = _SOURCES.get(exercise_id, "").splitlines(keepends=True)
    return "".join(line for line in lines if not line.lstrip().startswith("@reference("))


def is_reference(obj) -> bool:
    """True when ``obj`` is one of the course's guarded references."""
    return getattr(obj, "__coursekit_reference__", None) is not None


class learner_code:
    """Context manager around a call into the learner's code: references refuse to run."""

    def __enter__(self):
        self._token = _LEARNER_CALL.set(True)
        self._mark = len(_tripped)
        return self

    def __exit__(self, *exc):
        _LEARNER_CALL.reset(self._token)
        return False

    @property
    def used_reference(self) -> bool:
        return len(_tripped) > self._mark


def solution_as_checked(exercise_id: str):
    """What ``check()`` receives when the learner's answer is the reference (tests, benchmark).

    The plain function, passed through the module's ``CHECKED_AS[id]`` when the check cell
    wraps the learner's function (e.g. 03.3); the expected value of a value exercise.
    """
    from coursekit.exercises import defs
    from coursekit.exercises.core import ValueExercise, get_exercise

    exercise = get_exercise(exercise_id)
    if isinstance(exercise, ValueExercise):
        return exercise.expected() if callable(exercise.expected) else exercise.expected
    wrap = getattr(defs.module_of(exercise_id), "CHECKED_AS", {}).get(exercise_id)
    fn = trusted(_RAW[exercise_id])
    return wrap(fn) if wrap else fn


def trusted(fn):
    """``fn`` with the guard lifted while it runs: course code (a reference, or a wrong variant
    of the self-validation built on one) that calls other references. Tests and benchmark only."""

    @functools.wraps(fn)
    def run(*args, **kwargs):
        token = _LEARNER_CALL.set(False)
        try:
            return fn(*args, **kwargs)
        finally:
            _LEARNER_CALL.reset(token)

    run.__dict__.pop("__coursekit_reference__", None)
    return run
