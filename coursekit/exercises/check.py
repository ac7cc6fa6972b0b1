"""Instant check in the notebook: ``check("01.3")`` or ``check("01.3", sigmoid)``."""

import html
import os

from coursekit.exercises.core import FALLBACK_VALUES, PENDING_RAISED, REGISTRY, Verdict, get_exercise
from coursekit.exercises.probe import LocalProbe
from coursekit.messages import has_message, msg

CHECK_MIME = "application/vnd.coursekit.check+json"
_MISSING = object()
_attempts: dict = {}  # id -> failed attempts so far in this kernel
_hints_seen: dict = {}  # id -> hint keys already shown, in order
_NBGRADER_MODES = ("autograde", "validate")
# Read once, when the notebook imports coursekit: a later cell that changes the variable
# cannot switch nbgrader's failing checks off (see docs/CALIFICACION.md for the limits).
_NBGRADER_AT_IMPORT = os.environ.get("NBGRADER_EXECUTION")


def under_nbgrader() -> bool:
    """True while nbgrader validates or autogrades this notebook."""
    return _NBGRADER_AT_IMPORT in _NBGRADER_MODES or os.environ.get("NBGRADER_EXECUTION") in _NBGRADER_MODES


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
    if exercise.id in FALLBACK_VALUES and obj is FALLBACK_VALUES[exercise.id]:
        return Verdict(exercise.id, exercise.title, exercise.points, "pending")  # the stub's stand-in
    probe = LocalProbe(obj)
    verdict = exercise.run(probe, rng)
    if verdict.passed and probe.warnings:
        verdict.lines.append(msg("check.passed_with_warning", warning=probe.warnings[0]))
    return verdict


def next_hint(exercise, verdict: Verdict, seen: list):
    """The first hint not shown yet: the diagnosed mistake's own hint, then the authored ones in order."""
    order = []
    if verdict.mistake and has_message(verdict.mistake + ".hint"):
        order.append(verdict.mistake + ".hint")
    order += list(exercise.hints if exercise is not None else ())
    for key in order:
        if key not in seen:
            return key, order
    return None, order


def feedback_lines(verdict: Verdict, attempt: int = 1, hint=None, hint_number=0, hint_total=0) -> list:
    """Headline, diagnosis, and the one new hint of this attempt (never the solution)."""
    head = {
        "passed": "check.passed_but" if len(verdict.lines) and verdict.passed else "check.passed",
        "failed": "check.failed",
        "pending": "check.pending",
    }.get(verdict.status)
    lines = [msg(head, id=verdict.exercise_id, title=verdict.title)] if head else []
    lines += verdict.lines
    if verdict.status in ("failed", "error"):
        if attempt > 1:
            lines.append(msg("check.attempt", n=attempt))
        if hint is not None:
            lines.append(msg("check.hint", hint=msg(hint), n=hint_number, total=hint_total))
        elif hint_total:
            lines.append(msg("check.no_more_hints"))
    return lines


def _offer_reference(verdict: Verdict) -> str:
    """Source of the course's solution, offered only after the learner's own code has passed."""
    if not verdict.passed or under_nbgrader() or os.environ.get("COURSEKIT_GRADING"):
        return ""
    from coursekit.exercises.references import reference_source

    return reference_source(verdict.exercise_id)


class CheckReport:
    """What ``check`` displays: Spanish text, an HTML box, and a machine-readable summary."""

    COLORS = {"passed": "#e6f4ea", "failed": "#fdecea", "error": "#fdecea", "pending": "#fff8e1", "internal": "#eeeeee"}

    def __init__(self, verdict: Verdict, lines: list, solution: str = ""):
        self.verdict = verdict
        self.lines = lines
        self.solution = solution

    def __repr__(self):
        return "\n".join(self.lines)

    def _repr_html_(self):
        body = "<br>".join(html.escape(line) for line in self.lines)
        if self.solution:
            body += (
                '<details style="margin-top:6px"><summary style="cursor:pointer">'
                f'{html.escape(msg("check.compare_summary"))}</summary>'
                f'<p>{html.escape(msg("check.compare_intro"))}</p>'
                f'<pre style="background:#fff;padding:6px">{html.escape(self.solution)}</pre></details>'
            )
        color = self.COLORS.get(self.verdict.status, "#eeeeee")
        return f'<div style="background:{color};padding:8px 12px;border-radius:6px;font-family:sans-serif">{body}</div>'

    def _repr_mimebundle_(self, include=None, exclude=None):
        data = dict(self.verdict.as_dict())
        data["feedback"] = self.lines
        data["solution_offered"] = bool(self.solution)
        return {"text/plain": repr(self), "text/html": self._repr_html_(), CHECK_MIME: data}


def check(exercise_id: str, obj=_MISSING, rng=None) -> None:
    """Check an exercise and show the result in Spanish (``run_check`` returns the verdict)."""
    verdict = run_check(exercise_id, obj, rng)
    exercise = REGISTRY.get(exercise_id)
    hint, number, total = None, 0, 0
    if verdict.status in ("failed", "error"):
        _attempts[exercise_id] = _attempts.get(exercise_id, 0) + 1
        seen = _hints_seen.setdefault(exercise_id, [])
        hint, order = next_hint(exercise, verdict, seen)
        total = len(set(order) | set(seen))
        if hint is not None:
            seen.append(hint)
            number = len(seen)
    attempt = _attempts.get(exercise_id, 1)
    lines = feedback_lines(verdict, attempt, hint, number, total)
    report = CheckReport(verdict, lines, _offer_reference(verdict))
    try:
        from IPython.display import display

        display(report)
    except ImportError:
        print(repr(report))
    if under_nbgrader() and not verdict.passed:
        # nbgrader awards a test cell's points unless it raises.
        raise AssertionError(repr(report))
