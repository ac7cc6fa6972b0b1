"""Exercise definitions: one object per exercise, shared by the notebook check and batch grading.

An exercise's ``run(probe, rng)`` talks to the learner's code only through a
*probe* (see ``probe.py``): in the notebook the probe wraps the learner's object;
in batch grading it forwards requests to the sandboxed submission process. Either
way the probe returns plain data and the comparison happens here, in trusted code.
"""

import contextvars
import copy
import os
import sys
from dataclasses import dataclass, field
from typing import Callable, Optional, Sequence

import numpy as np

from coursekit.exercises.compare import compare
from coursekit.messages import msg, translated

REGISTRY: dict = {}
PENDING_RAISED: set = set()  # ids whose stub has run in this process
FALLBACK_VALUES: dict = {}  # id -> the object a top-level stub received from the fallback
_CHECKING = contextvars.ContextVar("coursekit_checking", default=None)  # id being checked
_noticed: dict = {}  # id -> execution count of the cell where the fallback notice was shown


class ExercisePending(NotImplementedError):
    """Raised by the student-edition stub of an unsolved exercise."""

    def __init__(self, text: str = "", exercise_id: Optional[str] = None):
        super().__init__(text)
        self.exercise_id = exercise_id


class LearnerError(Exception):
    """The learner's code raised; carries a short description of their error."""

    def __init__(self, error: str, line: Optional[int] = None, code: str = ""):
        super().__init__(error)
        self.error = error
        self.line = line
        self.code = code


def checking() -> Optional[str]:
    """Id of the exercise whose check is running in this context (None outside checks)."""
    return _CHECKING.get()


def _fallback_allowed() -> bool:
    """The course's implementation may stand in for a pending exercise (never while grading)."""
    if checking() is not None or os.environ.get("COURSEKIT_GRADING") == "1":
        return False
    from coursekit.exercises.check import under_nbgrader

    return not under_nbgrader()


def _cell_number():
    try:
        from IPython import get_ipython

        shell = get_ipython()
    except ImportError:
        shell = None
    return getattr(shell, "execution_count", None)


def _notice(exercise_id: str):
    """Say once per cell that the course's implementation is standing in for the learner's."""
    cell = _cell_number()
    if exercise_id in _noticed and _noticed[exercise_id] == cell:
        return
    _noticed[exercise_id] = cell
    print(msg("pending.fallback", id=exercise_id))


def _caller_arguments(frame):
    """Positional and keyword arguments the calling function received."""
    code, local = frame.f_code, frame.f_locals
    positional = [local[name] for name in code.co_varnames[:code.co_argcount]]
    index = code.co_argcount
    keywords = {name: local[name] for name in code.co_varnames[index:index + code.co_kwonlyargcount]}
    index += code.co_kwonlyargcount
    if code.co_flags & 0x04:  # *args
        positional += list(local[code.co_varnames[index]])
        index += 1
    if code.co_flags & 0x08:  # **kwargs
        keywords.update(local[code.co_varnames[index]])
    return positional, keywords


def pendiente(exercise_id: str):
    """Stub of the student edition: ``return pendiente("01.5")`` in an unsolved exercise.

    Inside ``check()`` (and in batch grading) it raises :class:`ExercisePending`, so the
    check says "pendiente". Anywhere else (a later cell of the lesson that calls the
    unsolved function) the course's reference implementation stands in, with a visible
    notice, and the lesson goes on.
    """
    PENDING_RAISED.add(exercise_id)
    if not _fallback_allowed():
        raise ExercisePending(msg("pending.error", id=exercise_id), exercise_id)
    try:
        exercise = get_exercise(exercise_id)
    except Exception:
        exercise = None
    frame = sys._getframe(1)
    if isinstance(exercise, ValueExercise):
        value = exercise.expected() if callable(exercise.expected) else exercise.expected
        value = copy.deepcopy(value)
        FALLBACK_VALUES[exercise_id] = value
        _notice(exercise_id)
        return value
    from coursekit.exercises.references import get_reference

    ref = get_reference(exercise_id) if exercise is not None else None
    if ref is None or frame.f_code.co_name != getattr(ref, "__name__", None):  # not the exercise's stub
        raise ExercisePending(msg("pending.error", id=exercise_id), exercise_id)
    args, kwargs = _caller_arguments(frame)
    _notice(exercise_id)
    return ref(*args, **kwargs)


@dataclass
class Case:
    """One input for a function exercise; ``label`` is shown in feedback (never the values)."""

    label: str
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)


@dataclass
class Mistake:
    """A known wrong implementation and the message key that explains it."""

    key: str
    fn: Callable


@dataclass
class Verdict:
    """Result of running an exercise's checks."""

    exercise_id: str
    title: str
    points: float
    status: str  # "passed" | "failed" | "pending" | "error" | "internal"
    lines: list = field(default_factory=list)
    mistake: Optional[str] = None
    reason: Optional[str] = None  # message key of the diagnosis (known mistake or comparison)
    fraction: float = 0.0
    pending_id: Optional[str] = None  # the pending exercise whose stub stopped the check

    @property
    def passed(self) -> bool:
        return self.status == "passed"

    @property
    def score(self) -> float:
        return round(self.points * self.fraction, 4)

    def as_dict(self) -> dict:
        """JSON-ready summary (used by the notebook output and the gradebook)."""
        return {
            "id": self.exercise_id,
            "status": self.status,
            "score": self.score,
            "points": self.points,
            "mistake": self.mistake,
            "reason": self.reason,
            "feedback": list(self.lines),
        }


class Failed(Exception):
    """A check failed: ``text`` for the learner, ``key`` the message key, ``mistake`` a known mistake."""

    def __init__(self, text: str, mistake: Optional[str] = None, key: Optional[str] = None):
        super().__init__(text)
        self.text = text
        self.mistake = mistake
        self.key = mistake or key


class Exercise:
    """Base class: subclasses implement :meth:`checks`, raising :class:`Failed` on a problem."""

    def __init__(self, id: str, title: str, target: str, points: float = 1.0,
                 hints: Sequence[str] = (), notebook: Optional[str] = None):
        self.id = id
        self.title = title
        self.target = target
        self.points = float(points)
        self.hints = tuple(hints)
        self.notebook = notebook or id.split(".")[0]

    @property
    def title(self) -> str:
        """The title in the learner's language (catalog key ``ex.NN.k.title``; else the one given)."""
        return translated(f"ex.{self.id}.title") or self._title

    @title.setter
    def title(self, value: str):
        self._title = value

    def checks(self, probe, rng):
        raise NotImplementedError

    def run(self, probe, rng=None) -> Verdict:
        """Run the checks through ``probe``; never raises."""
        rng = np.random.default_rng() if rng is None else rng
        verdict = Verdict(self.id, self.title, self.points, "passed", fraction=1.0)
        token = _CHECKING.set(self.id)
        try:
            self.checks(probe, rng)
        except ExercisePending as pending:
            verdict.status, verdict.fraction = "pending", 0.0
            other = _pending_id(pending)
            if other and other != self.id:
                verdict.pending_id = other
                verdict.lines.append(msg("check.depends_on_pending", id=self.id, other=other))
        except LearnerError as err:
            verdict.status, verdict.fraction, verdict.reason = "error", 0.0, "check.learner_error"
            verdict.lines.append(msg("check.learner_error", id=self.id, title=self.title, error=err.error))
            if err.line:
                verdict.lines.append(msg("check.learner_error_where", line=err.line, code=err.code))
        except Failed as fail:
            verdict.status, verdict.fraction = "failed", 0.0
            verdict.mistake = fail.mistake
            verdict.reason = fail.key
            verdict.lines.append(fail.text)
        except Exception as err:  # a bug in the checker itself, never the learner's fault
            verdict.status, verdict.fraction, verdict.reason = "internal", 0.0, "check.internal_error"
            verdict.lines.append(msg("check.internal_error", id=self.id, error=f"{type(err).__name__}: {err}"))
        finally:
            _CHECKING.reset(token)
        return verdict


def _pending_id(pending: ExercisePending) -> Optional[str]:
    return getattr(pending, "exercise_id", None)


def _copy_args(case):
    """Fresh copies of a case's inputs: an in-place change by one caller never reaches another."""
    return copy.deepcopy(case.args), copy.deepcopy(case.kwargs)


class FunctionExercise(Exercise):
    """The learner writes a function; it must match ``reference`` on every case.

    ``cases(rng)`` returns a list of :class:`Case` with freshly drawn inputs and
    fixed edge cases. The learner, the reference and each known :class:`Mistake`
    receive their own copies of the inputs (as in batch grading). When a result is
    wrong, a known mistake whose output matches gives its targeted message.
    ``parts`` (e.g. ``("dX", "dW", "db")``) means the function returns a tuple with
    those parts, each compared separately; ``parts_key`` is the message when it
    does not return such a tuple.
    """

    def __init__(self, id, title, target, reference, cases, points=1.0, hints=(),
                 mistakes=(), rtol=1e-5, atol=1e-8, notebook=None, parts=None, parts_key="cmp.parts"):
        super().__init__(id, title, target, points, hints, notebook)
        self.reference = reference
        self.cases = cases
        self.mistakes = tuple(mistakes)
        self.rtol = rtol
        self.atol = atol
        self.parts = tuple(parts) if parts else None
        self.parts_key = parts_key

    def _run(self, fn, case):
        args, kwargs = _copy_args(case)
        with np.errstate(all="ignore"):
            return fn(*args, **kwargs)

    def problem(self, actual, expected, equal_nan=False):
        """None if ``actual`` matches ``expected``; else ``(part name, Comparison or None)``."""
        if self.parts is None:
            result = compare(actual, expected, rtol=self.rtol, atol=self.atol, equal_nan=equal_nan)
            return None if result.ok else ("", result)
        if not isinstance(actual, (tuple, list)) or len(actual) != len(self.parts):
            return ("", None)
        for name, a_part, e_part in zip(self.parts, actual, expected):
            result = compare(a_part, e_part, rtol=self.rtol, atol=self.atol, equal_nan=equal_nan)
            if not result.ok:
                return (name, result)
        return None

    def diagnose(self, case, actual) -> Optional[Mistake]:
        """Return the known mistake whose output matches ``actual`` on this case, if any."""
        for mistake in self.mistakes:
            try:
                wrong = self._run(mistake.fn, case)
            except Exception:
                continue
            if self.problem(actual, wrong, equal_nan=True) is None:
                return mistake
        return None

    def checks(self, probe, rng):
        for case in self.cases(rng):
            args, kwargs = _copy_args(case)
            actual = probe.call(*args, **kwargs)
            found = self.problem(actual, self._run(self.reference, case))
            if found is None:
                continue
            mistake = self.diagnose(case, actual)
            if mistake is not None:
                raise Failed(msg(mistake.key), mistake=mistake.key)
            name, result = found
            if result is None:
                text = msg(self.parts_key, parts=", ".join(self.parts), type=type(actual).__name__)
                raise Failed(text, key=self.parts_key)
            label = f"{case.label}, {name}" if name else case.label
            raise Failed(msg("check.case", case=label, problem=result.message()), key=result.key)


class ValueExercise(Exercise):
    """The learner computes a value (a number, an array, a table) named ``target``."""

    def __init__(self, id, title, target, expected, points=1.0, hints=(), mistakes=(),
                 rtol=1e-5, atol=1e-8, notebook=None):
        super().__init__(id, title, target, points, hints, notebook)
        self.expected = expected  # a value or a zero-argument callable
        self.mistakes = dict(mistakes)  # message key -> wrong value
        self.rtol = rtol
        self.atol = atol

    def checks(self, probe, rng):
        actual = probe.value()
        expected = self.expected() if callable(self.expected) else self.expected
        result = compare(actual, expected, rtol=self.rtol, atol=self.atol)
        if not result.ok:
            for key, wrong in self.mistakes.items():
                wrong = wrong() if callable(wrong) else wrong
                if compare(actual, wrong, rtol=self.rtol, atol=self.atol).ok:
                    raise Failed(msg(key), mistake=key)
            raise Failed(result.message(), key=result.key)


class CustomExercise(Exercise):
    """An exercise whose checks are a function ``checks(probe, rng)`` raising :class:`Failed`."""

    def __init__(self, id, title, target, checks, points=1.0, hints=(), notebook=None):
        super().__init__(id, title, target, points, hints, notebook)
        self._checks = checks

    def checks(self, probe, rng):
        self._checks(probe, rng)


def register(exercise: Exercise) -> Exercise:
    """Add an exercise to the registry (ids are unique)."""
    if exercise.id in REGISTRY and REGISTRY[exercise.id] is not exercise:
        raise ValueError(f"Id de ejercicio repetido: {exercise.id}")
    REGISTRY[exercise.id] = exercise
    return exercise


def get_exercise(exercise_id: str) -> Exercise:
    """Look an exercise up by id, loading its notebook's definitions on demand."""
    from coursekit.exercises import defs

    defs.load_for(exercise_id)
    return REGISTRY[exercise_id]


def require(condition: bool, key: str, mistake: bool = False, **params):
    """Raise :class:`Failed` with message ``key`` unless ``condition`` holds (for custom checks).

    ``mistake=True`` marks ``key`` as a known mistake (a targeted diagnosis).
    """
    if not condition:
        raise Failed(msg(key, **params), mistake=key if mistake else None, key=key)


def require_close(actual, expected, label: str, rtol=1e-5, atol=1e-8):
    """Fail with a case-labelled comparison message unless ``actual`` ≈ ``expected``."""
    result = compare(actual, expected, rtol=rtol, atol=atol)
    if not result.ok:
        raise Failed(msg("check.case", case=label, problem=result.message()), key=result.key)
    return result
