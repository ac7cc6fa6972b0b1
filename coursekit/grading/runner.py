"""Grade a batch: one isolated worker per submission, points computed only here.

For each submission: parse it (trusted), start a worker, run its cells, then run
every exercise's ``run(probe, rng)`` with a :class:`RemoteProbe` and a generator
seeded from ``os.urandom`` (fresh inputs nobody knows in advance). If the worker is
lost (a cell or a function that ignores the soft time limit, a crash, too much
memory), the offending cell is skipped or the offending exercise gets 0, and a new
worker re-runs the notebook to grade the remaining exercises (at most
``Limits.restarts`` times, within the submission's total time).
"""

import os
import queue
import stat
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from typing import Optional

import numpy as np

from coursekit.exercises.core import Verdict
from coursekit.grading import gradebook, sandbox, uids
from coursekit.grading import zygote as zygote_mod
from coursekit.grading.notebook import Rejected, exercise_cell_notes, parse_notebook, read_regular_file
from coursekit.grading.copies import copies_reference
from coursekit.grading.remote import RemoteProbe
from coursekit.grading.session import Aborted, Limits, WorkerSession, worker_env
from coursekit.messages import msg

STATUS_KEYS = {"graded": "grading.status.graded", "incidents": "grading.status.incidents",
               "rejected": "grading.status.rejected", "internal": "grading.status.internal"}
UID_BASE = uids.UID_BASE


@dataclass
class Job:
    student: str
    path: Path
    problem: Optional[str] = None  # message key of a reason to reject it without reading it


@dataclass
class BatchConfig:
    """Everything besides the submissions that decides how a batch is graded."""

    exercises: list
    limits: Limits = field(default_factory=Limits)
    procs: int = 0
    isolate: bool = True
    hide: list = field(default_factory=list)
    uid_base: int = UID_BASE
    known_ids: tuple = ()
    zygote: bool = True  # fork workers from a pre-warmed process (``--sin-zigoto``: a fresh one each)
    tensorflow: bool = None  # preload TensorFlow/Keras in the zygote; None: if a submission imports them

    def test_config(self) -> dict:
        return {"limits": self.limits.as_dict(), "ids": [e.id for e in self.exercises]}


def find_submissions(folder: Path) -> list:
    """Jobs for the files of a folder: ``<student>.ipynb`` (other files are listed to be rejected).

    Links are never followed (a link to the course's solutions is rejected, not graded), nor
    are devices or FIFOs read. A name that is not valid UTF-8 or has control characters is
    shown safely (``gradebook.display_name``); two names that would show the same are refused.
    """
    jobs, raw_of = {}, {}
    for path in sorted(Path(folder).iterdir()):
        if path.name.startswith("."):
            continue
        try:
            mode = os.lstat(path).st_mode
        except OSError:
            continue
        if stat.S_ISDIR(mode):
            continue
        student = gradebook.display_name(path.stem)
        problem = None if stat.S_ISREG(mode) else "grading.reject.not_regular"
        if student in jobs:
            if raw_of[student] == path.stem:  # same student: prefer the notebook
                if jobs[student].path.suffix == ".ipynb" and not jobs[student].problem:
                    continue
            else:
                student = f"{student} ({gradebook.safe_name(path.name)})"
                problem = "grading.reject.duplicate_name"
        raw_of[student] = path.stem
        jobs[student] = Job(student, path, problem)
    return list(jobs.values())


def _verdict_dict(v: Verdict, status=None) -> dict:
    return {"id": v.exercise_id, "title": v.title, "status": status or v.status, "score": v.score,
            "points": v.points, "feedback": list(v.lines)}


def _zero(exercise, status, line) -> dict:
    return {"id": exercise.id, "title": exercise.title, "status": status, "score": 0.0,
            "points": exercise.points, "feedback": [line] if line else []}


def _abort_line(kind: str, limits: Limits, seconds=None) -> str:
    return {
        "timeout": msg("grading.abort.timeout", seconds=seconds or limits.request_timeout),
        "memory": msg("grading.abort.memory", mb=limits.memory_mb),
        "protocol": msg("grading.abort.protocol"),
    }.get(kind, msg("grading.abort.crash"))


class SubmissionGrader:
    """Grades one submission; never raises (bugs become an ``internal`` record)."""

    def __init__(self, config: BatchConfig, slot: int, zygote=None, active=None):
        self.config = config
        self.limits = config.limits
        self.slot = slot
        self.zygote = zygote
        self.active = active  # the batch's running sessions (killed when the batch is interrupted)

    def plan(self, workdir=None) -> dict:
        isolate = self.config.isolate and sandbox.can_isolate()
        plan = {"net": isolate, "pid": isolate, "mounts": isolate, "hide": list(self.config.hide),
                "expose": sandbox.interpreter_paths()}
        if isolate:
            plan["uid"] = self.config.uid_base + self.slot
        else:
            plan["workdir"] = workdir
        return plan

    def grade(self, job: Job, data: bytes) -> dict:
        start = time.monotonic()
        try:
            size_on_disk = os.lstat(job.path).st_size
        except OSError:
            size_on_disk = len(data)
        exercises = self.config.exercises
        record = {"student": job.student, "file": gradebook.display_name(job.path.name), "exercises": [], "notes": [],
                  "isolation": [], "output": {}}
        try:
            if job.problem:
                raise Rejected(job.problem, name=gradebook.display_name(job.path.name)[:80])
            if job.path.suffix.lower() != ".ipynb":
                raise Rejected("grading.reject.extension", name=gradebook.display_name(job.path.name)[:80])
            submission = parse_notebook(data, int(self.limits.max_notebook_mb * 2**20), size_on_disk)
        except Rejected as rej:
            record.update(status="rejected", reason=rej.reason)
            record["exercises"] = [_zero(e, "not_graded", None) for e in exercises]
            return self._finish(record, start)
        record["notes"] += submission.notes
        record["notes"] += exercise_cell_notes(submission, [e.id for e in exercises], self.config.known_ids)
        try:
            self._run(submission, record)
        except Exception as err:  # a grader bug must not stop the batch
            record.update(status="internal", reason=msg("grading.internal", error=f"{type(err).__name__}: {err}"[:300]))
            done = {e["id"] for e in record["exercises"]}
            record["exercises"] += [_zero(e, "not_graded", None) for e in exercises if e.id not in done]
        return self._finish(record, start)

    def _run(self, submission, record):
        limits = self.limits
        deadline = time.monotonic() + limits.submission_timeout
        results = {}
        todo = list(self.config.exercises)
        skip = set()
        incidents = []
        cell_log = {}
        restarts = 0
        while todo:
            with tempfile.TemporaryDirectory(prefix="coursekit-entrega-") as tmp:
                if not sandbox.can_isolate() or not self.config.isolate:
                    os.chmod(tmp, 0o700)
                session = WorkerSession(limits, self.plan(tmp), self.config.procs or 1, deadline, self.zygote)
                record["launcher"] = session.launcher
                lost, phase = None, "start"
                if self.active is not None:
                    self.active.add(session)
                try:
                    session.start()
                    phase = "cells"
                    cell_log.update(session.run_cells(submission.cells, skip))
                    record["isolation"] = session.features
                    phase = "exercises"
                    for exercise in list(todo):
                        results[exercise.id] = self._grade_exercise(
                            session, exercise, [c["source"] for c in submission.cells])
                        todo.remove(exercise)
                except Aborted as err:
                    lost = err
                finally:
                    if self.active is not None:
                        self.active.discard(session)
                    session.close()
                    record["output"] = session.output_excerpt()
            if lost is None:
                break
            cell = getattr(lost, "cell", None)
            cell_log.update(getattr(lost, "results", None) or {})
            if phase == "start":
                incidents.append(msg("grading.incident.start", what=_abort_line(lost.kind, limits)))
            elif phase == "cells" and cell is None:
                incidents.append(msg("grading.incident.between_cells", what=_abort_line(lost.kind, limits)))
            elif cell is not None:  # lost while running a cell: skip it next time
                skip.add(cell)
                cell_log[cell] = ("killed:" + lost.kind, None)
                what = _abort_line(lost.kind, limits, limits.cell_timeout)
                incidents.append(msg("grading.incident.cell", cell=cell, what=what))
            elif todo:  # lost while grading todo[0]
                exercise = todo.pop(0)
                results[exercise.id] = _zero(exercise, "timeout" if lost.kind == "timeout" else "crashed",
                                             _abort_line(lost.kind, limits))
                incidents.append(msg("grading.incident.exercise", id=exercise.id, what=_abort_line(lost.kind, limits)))
            skip |= {i for i, (status, _) in cell_log.items() if status == "timeout"}
            restarts += 1
            if todo and (restarts > limits.restarts or time.monotonic() >= deadline - 1):
                for exercise in todo:
                    results[exercise.id] = _zero(exercise, "not_graded", msg("grading.abort.gave_up"))
                incidents.append(msg("grading.incident.gave_up"))
                todo = []
        for index, (status, error) in sorted(cell_log.items()):
            if status == "error" and error:
                record["notes"].append(msg("grading.note.cell_error", cell=index, error=error))
            elif status == "timeout":
                record["notes"].append(msg("grading.note.cell_timeout", cell=index, seconds=limits.cell_timeout))
        record["exercises"] = [results[e.id] for e in self.config.exercises]
        timeouts = [e["id"] for e in record["exercises"] if e["status"] == "timeout"]
        if timeouts and not incidents:
            incidents.append(msg("grading.incident.slow", ids=", ".join(timeouts)))
        record["notes"] = incidents + record["notes"]
        record["status"] = "incidents" if incidents else "graded"
        record["reason"] = "; ".join(incidents)

    def _grade_exercise(self, session, exercise, sources=()) -> dict:
        if copies_reference(sources, exercise.id):
            return _zero(exercise, "failed", msg("grading.copied_reference", id=exercise.id))
        probe = RemoteProbe(session, exercise)
        presence = probe.has_target()
        if presence == "missing":
            return _zero(exercise, "missing", msg("check.missing_target", target=exercise.target, id=exercise.id))
        if presence == "pending":
            return _zero(exercise, "pending", msg("check.pending", id=exercise.id, title=exercise.title))
        rng = np.random.default_rng(int.from_bytes(os.urandom(16), "little"))
        verdict = exercise.run(probe, rng)
        return _verdict_dict(verdict, "timeout" if probe.timed_out and not verdict.passed else None)

    def _finish(self, record, start) -> dict:
        record["total"] = round(sum(e["score"] for e in record["exercises"]), 4)
        record["max"] = round(sum(e.points for e in self.config.exercises), 4)
        record["status_label"] = msg(STATUS_KEYS[record["status"]])
        record["seconds"] = round(time.monotonic() - start, 3)
        record["graded_at"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
        return record


def _read_submission(job: Job, limit_bytes: int) -> bytes:
    """The bytes of a submission (a huge file is rejected without loading it; links read as nothing)."""
    return b"" if job.problem else read_regular_file(job.path, limit_bytes)


class Interrupted(Exception):
    """Ctrl-C stopped the batch; ``done`` grades were kept (the rest is graded on the next run)."""

    def __init__(self, done: int, left: int):
        super().__init__(done)
        self.done, self.left = done, left


class Batch:
    """A whole batch: resume from state files, grade the rest in parallel, write the gradebook."""

    def __init__(self, config: BatchConfig, out_dir: Path, separator=",", progress=None, report=None):
        self.config = config
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        os.chmod(self.out_dir, 0o700)
        self.store = gradebook.StateStore(self.out_dir)
        self.separator = separator
        self.progress = progress
        self.report = report
        self.fp = gradebook.fingerprint(config.exercises, config.test_config())
        self.lock = threading.Lock()
        self.graded_now = []
        self.reused = []
        self.zygote = None
        self.zygote_error = None
        self.zygote_preloaded = []  # what the batch's zygote imported (empty: no zygote)
        self.stopping = threading.Event()  # set by Ctrl-C: no new submission starts, none is saved
        self.active = set()

    def run(self, jobs, force=(), only=()) -> list:
        """Grade ``jobs`` (skipping cached ones; ``force``: regrade; ``only``: touch nobody else)."""
        procs = self.config.procs or os.cpu_count() or 1
        limit = int(self.config.limits.max_notebook_mb * 2**20)
        pending, records = [], {}
        for job in jobs:
            data = _read_submission(job, limit)
            key = gradebook.cache_key(data, self.fp)
            old = self.store.load(job.student)
            reuse = old and old.get("key") == key and old.get("status") != "internal"
            if only and job.student not in only and old:
                reuse = True  # --alumno: the others keep the grade they have
            if job.student not in force and reuse:
                records[job.student] = old
                self.reused.append(job.student)
            else:
                pending.append((job, key))
        if self.progress:
            self.progress.start(len(jobs), done=len(records))
        # Slots are offsets of leased uids (uids.UidLease): a batch running at the same time
        # takes other uids, so two batches never share a worker uid.
        isolated = self.config.isolate and sandbox.can_isolate()
        lease = uids.UidLease(self.config.uid_base, procs) if isolated else None
        slots = queue.Queue()
        for slot in (lease.__enter__() if lease else range(procs)):
            slots.put(slot)
        last_checkpoint = [time.monotonic()]

        def work(item):
            job, key = item
            if self.stopping.is_set():
                return None
            slot = slots.get()
            try:
                data = _read_submission(job, limit)
                record = SubmissionGrader(self.config, slot, self.zygote, self.active).grade(job, data)
            finally:
                slots.put(slot)
            if self.stopping.is_set():  # cut short by Ctrl-C: graded again next time, never saved
                return None
            record["key"] = key
            self.store.save(record)
            if self.report:
                self.report(record)
            with self.lock:
                records[job.student] = record
                self.graded_now.append(job.student)
                if self.progress:
                    self.progress.step(job.student)
                if time.monotonic() - last_checkpoint[0] > 20:
                    last_checkpoint[0] = time.monotonic()
                    self.write(list(records.values()))
            return record

        if self.config.zygote and any(job.path.suffix.lower() == ".ipynb" for job, _ in pending):
            self.zygote = self._start_zygote([job.path for job, _ in pending], procs, limit)
        pool = ThreadPoolExecutor(max_workers=procs)
        try:
            futures = [pool.submit(work, item) for item in pending]
            for future in futures:
                future.result()
        except KeyboardInterrupt:
            self.stopping.set()
            pool.shutdown(wait=False, cancel_futures=True)
            for session in list(self.active):
                session.kill()
            pool.shutdown(wait=True)
            with self.lock:
                done = list(records.values())
            self.write(done)
            raise Interrupted(len(done), len(jobs) - len(done)) from None
        finally:
            pool.shutdown(wait=True)
            if self.zygote is not None:
                self.zygote.close()
                self.zygote = None
            if lease is not None:
                lease.release()
        if self.progress:
            self.progress.finish()
        ordered = [records[j.student] for j in jobs]
        self.write(ordered)
        return ordered

    def _start_zygote(self, paths, procs, limit):
        """The fork server for this batch, or None (then each submission starts a fresh process)."""
        tensorflow = self.config.tensorflow
        if tensorflow is None:
            tensorflow = zygote_mod.needs_tensorflow(paths, limit)
        env = worker_env(self.config.limits, procs, "/tmp/entrega")
        try:
            zygote = zygote_mod.Zygote(env, self.config.hide, tensorflow=tensorflow).start()
            self.zygote_preloaded = list(zygote.preloaded)
            return zygote
        except Exception as err:  # noqa: BLE001 - any failure: fall back to fresh processes
            self.zygote_error = f"{type(err).__name__}: {err}"[:400]
            return None

    def write(self, records):
        meta = {"generado": datetime.now(timezone.utc).isoformat(timespec="seconds"), "huella": self.fp[:16]}
        gradebook.write_gradebook(self.out_dir, records, self.config.exercises, meta, self.separator)
