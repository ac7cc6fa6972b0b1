"""Instant check in the notebook: ``check("01.3")`` or ``check("01.3", sigmoid)``."""

import html
import os

from coursekit.exercises.core import PENDING_RAISED, REGISTRY, Verdict, get_exercise
from coursekit.exercises.probe import LocalProbe
from coursekit.messages import msg

CHECK_MIME = "application/vnd.coursekit.check+json"
_MISSING = object()
_attempts: dict = {}


def _user_namespace():
    try:
        from IPython import get_ipython

        shell = get_ipython()
    except ImportError:
        shell = None
    return shell.user_ns if shell is not None else {}


def run_check(exercise_id: str, obj=_MISSING, rng=None) -> Verdict:
    """Run an exercise's checks on ``obj`` (or the notebook's ``target``) and return the verdict."""
    from coursekit.exercises import defs

    try:
        exercise = get_exercise(exercise_id)
    except KeyError:
        known = ", ".join(sorted(defs.known_ids(exercise_id))) or "—"
        verdict = Verdict(exercise_id, "?", 0.0, "internal")
        verdict.lines.append(msg("check.unknown_exercise", id=exercise_id, known=known))
        return verdict
    except Exception as err:  # broken definitions: never a raw traceback in the notebook
        verdict = Verdict(exercise_id, "?", 0.0, "internal")
        verdict.lines.append(msg("check.internal_error", id=exercise_id, error=f"{type(err).__name__}: {err}"))
        return verdict
    if obj is _MISSING:
        namespace = _user_namespace()
        if exercise.target not in namespace:
            if exercise.id in PENDING_RAISED:  # the stub stopped the cell before it defined target
                return Verdict(exercise.id, exercise.title, exercise.points, "pending")
            verdict = Verdict(exercise.id, exercise.title, exercise.points, "error")
            verdict.lines.append(msg("check.missing_target", target=exercise.target, id=exercise.id))
            return verdict
        obj = namespace[exercise.target]
    return exercise.run(LocalProbe(obj), rng)


def feedback_lines(verdict: Verdict, attempt: int, hints=()) -> list:
    """Headline, diagnosis and escalating hints (never the solution)."""
    head = {
        "passed": "check.passed",
        "failed": "check.failed",
        "pending": "check.pending",
    }.get(verdict.status)
    lines = [msg(head, id=verdict.exercise_id, title=verdict.title)] if head else []
    lines += verdict.lines
    if verdict.status in ("failed", "error") and attempt > 1:
        lines.append(msg("check.attempt", n=attempt))
        if hints and attempt >= 2:
            lines.append(msg("check.hint", hint=msg(hints[0])))
        if len(hints) > 1 and attempt >= 3:
            lines.append(msg("check.hint_strong", hint=msg(hints[-1])))
    return lines


class CheckReport:
    """What ``check`` displays: Spanish text, an HTML box, and a machine-readable summary."""

    COLORS = {"passed": "#e6f4ea", "failed": "#fdecea", "error": "#fdecea", "pending": "#fff8e1", "internal": "#eeeeee"}

    def __init__(self, verdict: Verdict, lines: list):
        self.verdict = verdict
        self.lines = lines

    def __repr__(self):
        return "\n".join(self.lines)

    def _repr_html_(self):
        body = "<br>".join(html.escape(line) for line in self.lines)
        color = self.COLORS.get(self.verdict.status, "#eeeeee")
        return f'<div style="background:{color};padding:8px 12px;border-radius:6px;font-family:sans-serif">{body}</div>'

    def _repr_mimebundle_(self, include=None, exclude=None):
        data = dict(self.verdict.as_dict())
        data["feedback"] = self.lines
        return {"text/plain": repr(self), "text/html": self._repr_html_(), CHECK_MIME: data}


def check(exercise_id: str, obj=_MISSING, rng=None) -> None:
    """Check an exercise and show the result in Spanish (``run_check`` returns the verdict)."""
    verdict = run_check(exercise_id, obj, rng)
    if verdict.status in ("failed", "error"):
        _attempts[exercise_id] = _attempts.get(exercise_id, 0) + 1
    attempt = _attempts.get(exercise_id, 1)
    exercise = REGISTRY.get(exercise_id)
    hints = exercise.hints if exercise is not None else ()
    report = CheckReport(verdict, feedback_lines(verdict, attempt, hints))
    try:
        from IPython.display import display

        display(report)
    except ImportError:
        print(repr(report))
    if os.environ.get("NBGRADER_EXECUTION") == "autograde" and not verdict.passed:
        # nbgrader awards a test cell's points unless it raises.
        raise AssertionError(repr(report))
