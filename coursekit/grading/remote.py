"""``RemoteProbe``: the probe an exercise uses in batch grading.

Same three methods as ``LocalProbe`` (``call``, ``value``, ``inspect``), but each
request goes to the sandboxed worker, which answers with plain data. Replies are
validated here; the worker cannot choose message texts (only keys from a short
allow-list) and never sees expected values.
"""

from coursekit.exercises import transforms
from coursekit.exercises.core import ExercisePending, Failed, LearnerError
from coursekit.messages import msg

ALLOWED_KEYS = {"plain.unsupported", "plain.object_array", "plain.too_large"}


def _short(value, limit=200):
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, (int, float)):
        return value
    return str(value)[:limit]


class RemoteProbe:
    """Forwards an exercise's probe calls to ``session`` for ``exercise.target``."""

    def __init__(self, session, exercise):
        self.session = session
        self.exercise = exercise
        self.timed_out = False

    def _ask(self, op, **fields):
        reply = self.session.request(op, self.exercise.id, self.exercise.target, **fields)
        kind = reply.get("kind")
        if kind == "ok":
            return reply.get("value")
        if kind == "pending":
            raise ExercisePending(msg("pending.error", id=self.exercise.id), self.exercise.id)
        if kind == "missing":
            raise LearnerError(msg("check.missing_target", target=self.exercise.target, id=self.exercise.id))
        if kind == "learner":
            line = reply.get("line")
            return self._learner(reply.get("error"), line if type(line) is int else None, reply.get("code"))
        if kind == "timeout":
            self.timed_out = True
            raise Failed(msg("grading.request_timeout", seconds=self.session.limits.request_timeout))
        if kind == "unsupported":
            key = reply.get("key") if reply.get("key") in ALLOWED_KEYS else "plain.unsupported"
            params = reply.get("params") if isinstance(reply.get("params"), dict) else {}
            safe = {"type": _short(params.get("type", "?"), 60), "size": _short(params.get("size", "?"))}
            try:
                text = msg(key, **safe)
            except (KeyError, ValueError, IndexError):
                text = msg("plain.unsupported", type="?")
            raise Failed(text)
        raise Failed(msg("grading.bad_reply"))

    @staticmethod
    def _learner(error, line, code):
        raise LearnerError(str(error)[:600], line, str(code or "")[:200])

    def has_target(self) -> str:
        """``"ok"``, ``"missing"`` or ``"pending"`` for the exercise's target name."""
        reply = self.session.request("has", self.exercise.id, self.exercise.target)
        kind = reply.get("kind")
        return kind if kind in ("missing", "pending") else "ok"

    def call(self, *args, **kwargs):
        """Call the learner's function in the worker; plain data back."""
        return self._ask("call", args=list(args), kwargs=dict(kwargs))

    def value(self):
        """The learner's value as plain data."""
        return self._ask("value")

    def inspect(self, transform, *transform_args, call_args=None):
        """Apply a named transform (``describe_model``, ``predict``) in the worker."""
        if transform not in transforms.TRANSFORMS:
            raise KeyError(f"Transformación desconocida: {transform}")
        return self._ask("inspect", transform=transform, transform_args=list(transform_args),
                         call_args=None if call_args is None else list(call_args))
