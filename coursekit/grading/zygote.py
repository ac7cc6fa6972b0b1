"""Pre-warmed fork server ("zygote") for the submission workers.

Starting ``python -m coursekit.grading.worker`` costs the interpreter start-up plus
importing NumPy, Matplotlib and coursekit (and TensorFlow/Keras for deep-learning
notebooks) on every submission. The zygote is one process per batch, started fresh by
the grader (never forked from it: it holds no grader state, no exercise definitions,
no seeds), that imports those modules once, runs **no** learner code and **no**
TensorFlow op, and then forks one child per submission.

Each child closes the zygote's socket and every inherited descriptor except its own
pipes, starts a new session, takes the scrubbed environment the grader sent, and then
runs exactly the same code as a fresh worker (``worker.run``): namespaces, PID-1
child, mounts, hidden paths, rlimits, uid switch, ``no_new_privs`` — all before any
learner code.

Wire format (unix ``SOCK_SEQPACKET`` socket pair, one JSON message per packet):

* zygote → grader, once: ``{"ev": "ready", "preloaded": [...], "threads": n}`` or
  ``{"ev": "failed", "error": "..."}``.
* grader → zygote: ``{"op": "spawn", "plan": {...}, "env": {...}, "cwd": "/"}`` with four
  descriptors (requests in, replies out, stdout, stderr) attached (``SCM_RIGHTS``);
  the zygote answers ``{"ev": "spawned", "pid": n}`` with a pidfd of the child attached.
* grader → zygote: ``{"op": "reap", "pid": n}`` once the grader is done with that child
  (the zygote reaps a child only then, so its pid is never reused while the grader may
  still signal it).
"""

import json
import os
import select
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

MAX_PACKET = 1 << 20
TF_MODULES = ("tensorflow", "keras")


class ZygoteError(Exception):
    """The zygote could not start or answer; the grader falls back to fresh processes."""


# ====================================================================== zygote side
def _preload(tensorflow: bool) -> list:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot  # noqa: F401
    import numpy  # noqa: F401

    import coursekit.exercises  # noqa: F401
    import coursekit.exercises.core  # noqa: F401
    import coursekit.exercises.plain  # noqa: F401
    import coursekit.exercises.probe  # noqa: F401
    import coursekit.exercises.transforms  # noqa: F401
    from coursekit.grading import protocol, worker  # noqa: F401

    done = ["numpy", "matplotlib", "coursekit"]
    try:
        from IPython.core.inputtransformer2 import TransformerManager  # noqa: F401

        done.append("IPython")
    except Exception:  # noqa: BLE001 - optional
        pass
    if tensorflow:
        # Importing only: no op runs, so TensorFlow starts none of its thread pools here.
        import tensorflow  # noqa: F401
        import keras  # noqa: F401

        done += list(TF_MODULES)
    return done


def _loaded_hidden(hide) -> list:
    """Modules loaded from a hidden path (exercise definitions): they must never be in a child."""
    roots = [Path(p).resolve() for p in hide]
    bad = []
    for name, module in list(sys.modules.items()):
        path = getattr(module, "__file__", None)
        if not path:
            continue
        path = Path(path).resolve()
        if any(path == r or r in path.parents for r in roots):
            bad.append(name)
    return bad


def _send(sock, message, fds=()):
    data = json.dumps(message).encode()
    if fds:
        socket.send_fds(sock, [data], list(fds))
    else:
        sock.send(data)


def _close_other_fds(keep):
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        if fd not in keep:
            try:
                os.close(fd)
            except OSError:
                pass


def _child(sock, zygote_pid, request, fds):
    """In the forked child: drop everything of the zygote, then become a normal worker."""
    try:
        os.close(sock.detach())  # never let learner code talk to the zygote
        req_fd, resp_fd, out_fd, err_fd = fds
        from coursekit.grading import sandbox, worker

        sandbox._prctl(sandbox.PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != zygote_pid:
            os._exit(1)
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # ignored in the zygote; a fresh worker has the default
        os.setsid()
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(out_fd, 1)
        os.dup2(err_fd, 2)
        _close_other_fds({0, 1, 2, req_fd, resp_fd})
        os.environ.clear()
        os.environ.update({str(k): str(v) for k, v in request.get("env", {}).items()})
        os.chdir(request.get("cwd") or "/")
        numpy = sys.modules.get("numpy")
        if numpy is not None:
            numpy.random.seed()  # a fresh process would have drawn its own global seed
        plan = dict(request["plan"])
        plan.update(req_fd=req_fd, resp_fd=resp_fd, parent=zygote_pid)
        worker.run(plan)
    finally:
        os._exit(1)


def _serve(sock, hide):
    zygote_pid = os.getpid()
    released = set()
    while True:
        for pid in list(released):  # reap only what the grader has finished with
            try:
                done, _ = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                done = pid
            if done:
                released.discard(pid)
        ready, _, _ = select.select([sock], [], [], 1.0)
        if not ready:
            continue
        try:
            data, fds, _, _ = socket.recv_fds(sock, MAX_PACKET, 4)
        except OSError:
            return
        if not data:
            return  # the grader closed the socket: the batch is over
        try:
            request = json.loads(data)
        except ValueError:
            request = {}
        op = request.get("op")
        if op == "reap" and type(request.get("pid")) is int:
            released.add(request["pid"])
        if op != "spawn" or len(fds) != 4:
            for fd in fds:
                os.close(fd)
            if op == "spawn":
                _send(sock, {"ev": "error", "error": "fds"})
            continue
        pid = os.fork()
        if pid == 0:
            _child(sock, zygote_pid, request, fds)
        for fd in fds:
            os.close(fd)
        try:
            pidfd = os.pidfd_open(pid)
        except OSError as err:
            _send(sock, {"ev": "error", "error": str(err)[:200]})
            released.add(pid)
            continue
        _send(sock, {"ev": "spawned", "pid": pid}, [pidfd])
        os.close(pidfd)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    config = json.loads(argv[0])
    sock = socket.socket(fileno=config["sock_fd"])
    from coursekit.grading import sandbox

    sandbox._prctl(sandbox.PR_SET_PDEATHSIG, signal.SIGKILL)  # the grader died: stop at once
    if config.get("parent") and os.getppid() != config["parent"]:
        os._exit(1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the grader decides when we stop
    try:
        preloaded = _preload(bool(config.get("tensorflow")))
        hidden = _loaded_hidden(config.get("hide", []))
        if hidden:
            raise ZygoteError("hidden modules loaded: " + ", ".join(hidden[:5]))
        from coursekit.exercises.core import REGISTRY

        if REGISTRY:
            raise ZygoteError("exercise registry is not empty")
    except BaseException as err:  # noqa: BLE001 - reported to the grader, which falls back
        _send(sock, {"ev": "failed", "error": f"{type(err).__name__}: {err}"[:400]})
        os._exit(1)
    _send(sock, {"ev": "ready", "preloaded": preloaded, "threads": len(os.listdir("/proc/self/task"))})
    _serve(sock, config.get("hide", []))
    os._exit(0)


# ====================================================================== grader side
def needs_tensorflow(paths, limit_bytes=20 * 2**20) -> bool:
    """Quick scan of the submissions' bytes for ``import tensorflow``/``keras`` (no parsing)."""
    import re

    from coursekit.grading.notebook import read_regular_file

    pattern = re.compile(rb"(?:import|from)\s+(?:tensorflow|keras)\b")
    return any(pattern.search(read_regular_file(path, limit_bytes)) for path in paths)


class ForkedProcess:
    """``subprocess.Popen``-like handle of a zygote child (exit seen through its pidfd)."""

    def __init__(self, pid, pidfd, zygote):
        self.pid = pid
        self.pidfd = pidfd
        self.zygote = zygote
        self.returncode = None

    def poll(self):
        if self.returncode is None and self.pidfd >= 0:
            if select.select([self.pidfd], [], [], 0)[0]:
                self.returncode = 0  # exited (the status belongs to the zygote, which reaps it)
        return self.returncode

    def wait(self, timeout=None):
        if self.returncode is None and self.pidfd >= 0:
            if not select.select([self.pidfd], [], [], timeout)[0]:
                raise subprocess.TimeoutExpired("zygote child", timeout)
            self.returncode = 0
        return self.returncode

    def kill(self):
        """SIGKILL the child itself through its pidfd (never a recycled pid)."""
        if self.pidfd >= 0:
            try:
                signal.pidfd_send_signal(self.pidfd, signal.SIGKILL)
            except OSError:
                pass

    def release(self):
        """The grader is done with this child: let the zygote reap it (once)."""
        if self.pidfd >= 0:
            os.close(self.pidfd)
            self.pidfd = -1
            if self.returncode is None:
                self.returncode = -signal.SIGKILL  # from now on its pid may be reused: never signal it
            self.zygote.reap(self.pid)


class Zygote:
    """Grader-side handle of the fork server; thread-safe; ``broken`` once it fails."""

    def __init__(self, env: dict, hide=(), tensorflow=False, start_timeout=180.0):
        self.env = dict(env)
        self.hide = list(hide)
        self.tensorflow = tensorflow
        self.start_timeout = start_timeout
        self.lock = threading.Lock()
        self.proc = None
        self.sock = None
        self.tmp = None
        self.broken = None  # reason, once it failed
        self.preloaded = []
        self.started_s = None

    def start(self):
        """Start the zygote and wait until it has imported everything. Raises ``ZygoteError``."""
        start = time.monotonic()
        self.tmp = tempfile.mkdtemp(prefix="coursekit-zigoto-")
        parent_sock, child_sock = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        env = dict(self.env, HOME=self.tmp, MPLCONFIGDIR=os.path.join(self.tmp, ".matplotlib"))
        config = {"sock_fd": child_sock.fileno(), "parent": os.getpid(), "hide": self.hide,
                  "tensorflow": self.tensorflow}
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "coursekit.grading.zygote", json.dumps(config)],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                pass_fds=(child_sock.fileno(),), env=env, cwd="/", start_new_session=True)
        except OSError as err:
            self._fail(f"start: {err}")
        finally:
            child_sock.close()
        self.sock = parent_sock
        message, _ = self._recv(self.start_timeout)
        if message.get("ev") != "ready":
            self._fail(str(message.get("error", "no ready message"))[:400])
        self.preloaded = list(message.get("preloaded", []))
        self.started_s = time.monotonic() - start
        return self

    def _fail(self, reason):
        self.broken = reason
        self.close()
        raise ZygoteError(reason)

    def _recv(self, timeout):
        if not select.select([self.sock], [], [], timeout)[0]:
            self._fail("timeout")
        try:
            data, fds, _, _ = socket.recv_fds(self.sock, MAX_PACKET, 1)
        except OSError as err:
            self._fail(f"recv: {err}")
        if not data:
            for fd in fds:
                os.close(fd)
            self._fail("closed")
        try:
            return json.loads(data), fds
        except ValueError:
            for fd in fds:
                os.close(fd)
            self._fail("bad message")

    def spawn(self, plan: dict, env: dict, cwd: str, fds) -> ForkedProcess:
        """Fork a child that becomes a worker with these pipes. Raises ``ZygoteError``."""
        with self.lock:
            if self.broken or self.sock is None:
                raise ZygoteError(self.broken or "closed")
            try:
                _send(self.sock, {"op": "spawn", "plan": plan, "env": env, "cwd": cwd}, fds)
            except OSError as err:
                self._fail(f"send: {err}")
            message, got = self._recv(30.0)
            if message.get("ev") != "spawned" or type(message.get("pid")) is not int or len(got) != 1:
                for fd in got:
                    os.close(fd)
                self._fail(str(message.get("error", "spawn"))[:200])
            return ForkedProcess(message["pid"], got[0], self)

    def reap(self, pid):
        with self.lock:
            if self.sock is not None and not self.broken:
                try:
                    _send(self.sock, {"op": "reap", "pid": pid})
                except OSError:
                    pass

    def close(self):
        """Stop the zygote (its children were all closed by their sessions)."""
        if self.sock is not None:
            try:
                self.sock.close()
            except OSError:
                pass
            self.sock = None
        if self.proc is not None:
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.tmp:
            import shutil

            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None


if __name__ == "__main__":
    main()
