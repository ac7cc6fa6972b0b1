"""Trusted side of one worker process: start it, feed it cells, send requests, kill it.

Every wait has a deadline. The worker's stdout/stderr are drained by threads that
keep only the first bytes; a monitor thread sums the resident memory of all the
worker's processes and kills them above the limit.
"""

import json
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from coursekit.config import TENSORFLOW_ENV
from coursekit.grading import protocol, sandbox
from coursekit.grading.zygote import ForkedProcess, ZygoteError

GRACE_S = 2.0


@dataclass
class Limits:
    """Resource limits of one submission (CLI options in brackets; defaults documented)."""

    cell_timeout: float = 60.0  # --timeout-celda
    submission_timeout: float = 600.0  # --timeout-entrega
    request_timeout: float = 30.0  # --timeout-llamada
    memory_mb: int = 4096  # --memoria-mb: resident memory of all the worker's processes together
    address_space_headroom_mb: int = 2048  # RLIMIT_AS = memory_mb + this (TensorFlow reserves virtual memory)
    cpu_seconds: int = 900
    file_mb: int = 256
    tmp_mb: int = 256
    output_bytes: int = 1 << 20
    max_processes: int = 512
    max_message_mb: int = 256
    max_notebook_mb: float = 20.0  # --max-tamano-mb
    restarts: int = 2

    def as_dict(self) -> dict:
        return dict(self.__dict__)


class Aborted(BaseException):
    """The worker was lost (hard timeout, crash, memory, bad message).

    A ``BaseException`` so that ``Exercise.run`` does not turn it into a verdict:
    the runner handles it. ``kind``: timeout | crash | memory | protocol.
    """

    def __init__(self, kind: str, detail: str = ""):
        super().__init__(kind)
        self.kind = kind
        self.detail = detail


class _Drain(threading.Thread):
    """Reads a pipe to the end, keeping the first ``cap`` bytes and counting the rest."""

    def __init__(self, fd, cap):
        super().__init__(daemon=True)
        self.fd = fd
        self.cap = cap
        self.head = bytearray()
        self.total = 0

    def run(self):
        try:
            while True:
                chunk = os.read(self.fd, 1 << 16)
                if not chunk:
                    break
                self.total += len(chunk)
                if len(self.head) < self.cap:
                    self.head += chunk[: self.cap - len(self.head)]
        except OSError:
            pass
        finally:
            os.close(self.fd)

    def text(self) -> str:
        return self.head.decode("utf-8", "replace")


def worker_env(limits: Limits, procs: int, workdir: str) -> dict:
    """Scrubbed environment of a worker: nothing from the instructor's shell leaks in."""
    threads = str(max(1, (os.cpu_count() or 1) // max(1, procs)))
    package_root = str(Path(__file__).resolve().parents[2])
    env = {
        "PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",
        "HOME": workdir,
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "PYTHONPATH": package_root,
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONUNBUFFERED": "1",
        "COURSEKIT_FAST": "1",
        "COURSEKIT_HEADLESS": "1",
        "COURSEKIT_LANG": os.environ.get("COURSEKIT_LANG", "es"),
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": f"{workdir}/.matplotlib",
        **TENSORFLOW_ENV,
        "OMP_NUM_THREADS": threads,
        "OPENBLAS_NUM_THREADS": threads,
        "MKL_NUM_THREADS": threads,
        "TF_NUM_INTRAOP_THREADS": threads,
        "TF_NUM_INTEROP_THREADS": "1",
        "CUDA_VISIBLE_DEVICES": "",
    }
    return env


class WorkerSession:
    """One running worker process and the pipes to it."""

    def __init__(self, limits: Limits, plan: dict, procs: int = 1, deadline: float = None, zygote=None):
        self.limits = limits
        self.deadline = deadline or time.monotonic() + limits.submission_timeout
        self.killed = None  # reason when the monitor killed it ("memory")
        self.features = []
        self.pid_ns = None
        self.inner_pid = None
        req_r, req_w = os.pipe()
        resp_r, resp_w = os.pipe()
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        plan = dict(plan)
        plan.update(parent=os.getpid(), req_fd=req_r, resp_fd=resp_w, memory_mb=limits.memory_mb + limits.address_space_headroom_mb, cpu_seconds=limits.cpu_seconds,
                    file_mb=limits.file_mb, tmp_mb=limits.tmp_mb, output_bytes=limits.output_bytes,
                    max_processes=limits.max_processes, max_message=limits.max_message_mb * 2**20)
        workdir = plan.get("workdir") or "/tmp/entrega"
        env, cwd = worker_env(limits, procs, workdir), plan.get("start_dir", "/")
        self.proc = None
        self.launcher = "fresh"
        try:
            if zygote is not None and not zygote.broken:
                try:  # forked from the pre-warmed zygote: same isolation, no start-up cost
                    self.proc = zygote.spawn(plan, env, cwd, (req_r, resp_w, out_w, err_w))
                    self.launcher = "zygote"
                except ZygoteError:
                    self.proc = None  # the zygote is gone: a fresh process, as without it
            if self.proc is None:
                self.proc = subprocess.Popen(
                    [sys.executable, "-m", "coursekit.grading.worker", json.dumps(plan)],
                    stdin=subprocess.DEVNULL, stdout=out_w, stderr=err_w, pass_fds=(req_r, resp_w),
                    env=env, cwd=cwd, start_new_session=True,
                )
        finally:
            for fd in (req_r, resp_w, out_w, err_w):
                os.close(fd)
        self.req_fd = req_w
        self.reader = protocol.Reader(resp_r, max_message=limits.max_message_mb * 2**20)
        self.resp_fd = resp_r
        self.out = _Drain(out_r, 16 * 1024)
        self.err = _Drain(err_r, 16 * 1024)
        self.out.start()
        self.err.start()
        self._stop = threading.Event()
        self.monitor = threading.Thread(target=self._watch_memory, daemon=True)
        self.monitor.start()

    # ----------------------------------------------------------- lifecycle
    def _left(self, timeout=None) -> float:
        left = self.deadline - time.monotonic()
        return max(0.0, left if timeout is None else min(left, timeout))

    def _read(self, timeout):
        """Next message; ``Aborted`` on timeout (kills), crash or a bad message."""
        try:
            return self.reader.read(timeout=self._left(timeout))
        except protocol.ChannelTimeout:
            self.kill()
            raise Aborted("timeout") from None
        except protocol.ChannelClosed:
            self.kill()
            raise Aborted(self.killed or "crash") from None
        except protocol.ProtocolError as err:
            self.kill()
            raise Aborted("protocol", str(err)[:200]) from None

    def _send(self, message):
        try:
            protocol.write_message(self.req_fd, message)
        except OSError:
            self.kill()
            raise Aborted(self.killed or "crash") from None

    def start(self):
        """Wait for the worker's hello (its PID-1 child when there is a PID namespace)."""
        hello = self._read(30.0)
        if hello.get("ev") != "hello" or type(hello.get("pid")) is not int:
            self.kill()
            raise Aborted("protocol", "hello")
        self.inner_pid = hello["pid"]
        self.features = [f for f in hello.get("features", []) if isinstance(f, str)][:20]
        if "pid" in self.features:
            self.pid_ns = sandbox._pid_ns(self.inner_pid)
        return self

    def run_cells(self, cells, skip=()):
        """Run the code cells; returns {cell index: (status, error)}; ``Aborted`` carries ``cell``."""
        self._send({"op": "run", "cells": cells, "skip": sorted(skip), "cell_timeout": self.limits.cell_timeout})
        results = {}
        current = None
        timeout = 30.0
        while True:
            try:
                event = self._read(timeout)
            except Aborted as err:
                err.cell = current
                err.results = results
                raise
            kind = event.get("ev")
            if kind == "ready":
                self.features += [f for f in event.get("features", []) if isinstance(f, str) and f not in self.features][:20]
            elif kind == "cell_start":
                current = event.get("i")
                timeout = self.limits.cell_timeout + GRACE_S
            elif kind == "cell_end":
                error = event.get("error")
                results[event.get("i")] = (str(event.get("status"))[:20], str(error)[:400] if error else None)
                current = None
                timeout = 30.0
            elif kind == "cells_done":
                return results

    def request(self, op, exercise_id, target, **fields):
        """Send a probe request and return the matching reply (stray messages are ignored)."""
        rid = secrets.randbits(62)  # unpredictable: replies written in advance never match
        message = {"op": op, "id": rid, "exercise": exercise_id, "target": target,
                   "timeout": self.limits.request_timeout, **fields}
        self._send(message)
        limit = time.monotonic() + self.limits.request_timeout + GRACE_S
        while True:
            reply = self._read(max(0.0, limit - time.monotonic()))
            if reply.get("ev") == "reply" and reply.get("id") == rid:
                return reply

    def close(self):
        """Ask the worker to exit, then make sure every process of it is gone."""
        try:
            protocol.write_message(self.req_fd, {"op": "exit"})
        except OSError:
            pass
        try:
            self.proc.wait(timeout=2.0)
        except subprocess.TimeoutExpired:
            pass
        self.kill()

    def kill(self):
        """SIGKILL the worker and all its descendants (PID namespace, session, process group)."""
        self._stop.set()
        sandbox.kill_all(self._pids())  # checked membership: never a recycled pid
        if self.proc.poll() is None:
            if isinstance(self.proc, ForkedProcess):
                self.proc.kill()
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except OSError:
                pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        self._wait_gone()
        if isinstance(self.proc, ForkedProcess):
            self.proc.release()  # only now may the zygote reap it (its pid is not reused before)
        for fd in (self.req_fd, self.resp_fd):
            try:
                os.close(fd)
            except OSError:
                pass
        self.req_fd = self.resp_fd = -1
        self.out.join(timeout=2)
        self.err.join(timeout=2)

    def _wait_gone(self, timeout=15.0):
        """Return once no process of this worker is left (killing stragglers again)."""
        limit = time.monotonic() + timeout
        while time.monotonic() < limit:
            left = self._pids()
            if not left:
                return
            sandbox.kill_all(left)
            time.sleep(0.05)

    def _pids(self):
        if self.pid_ns is not None:
            return sandbox.members(0, self.pid_ns)
        return sandbox.members(self.proc.pid)

    def _watch_memory(self):
        limit = self.limits.memory_mb * 2**20
        while not self._stop.wait(0.5):
            pids = self._pids()
            if sandbox.rss_bytes(pids) > limit and sandbox.rss_bytes(pids, proportional=True) > limit:
                self.killed = "memory"
                sandbox.kill_all(pids)
                return

    def output_excerpt(self) -> dict:
        return {"stdout_bytes": self.out.total, "stderr_bytes": self.err.total, "stderr_head": self.err.text()[-4000:]}
