"""Submission worker: runs one notebook's code cells and answers the grader's probe requests.

Started by the grader as ``python -m coursekit.grading.worker CONFIG`` with two pipe
descriptors (requests in, replies out), or forked by the pre-warmed zygote
(``coursekit.grading.zygote``), which then calls :func:`run` with the same plan. It never receives expected values or hidden
tests and never sends scores: only plain data produced by the learner's objects,
converted here with ``to_plain`` and serialized by ``protocol`` (JSON + ``.npy``).
Everything in this process is untrusted once the first cell runs.
"""

import json
import os
import signal
import struct
import sys

from coursekit.grading import sandbox

HIGH_FD = 900  # protocol pipes move here so "write to fds 1..20" only hits stdout/stderr


class Timeout(BaseException):
    """Soft time limit (SIGALRM) for a cell or a request."""


def _on_alarm(signum, frame):
    raise Timeout()


def _raw_send(fd, message):
    """Send a flat message before NumPy is imported (same frame format as ``protocol``)."""
    body = json.dumps({"$d": [[key, value] for key, value in message.items()]}).encode("ascii")
    os.write(fd, struct.pack(">II", len(body), 0) + body)


class CappedStream:
    """``sys.stdout``/``sys.stderr`` replacement: forwards at most ``cap`` bytes, drops the rest."""

    def __init__(self, fd, cap):
        self.fd = fd
        self.left = cap
        self.encoding = "utf-8"
        self.errors = "replace"

    def write(self, text):
        if self.left > 0:
            data = str(text).encode("utf-8", "replace")[: self.left]
            self.left -= len(data)
            try:
                os.write(self.fd, data)
            except OSError:
                self.left = 0
        return len(text)

    def flush(self):
        pass

    def isatty(self):
        return False

    def fileno(self):
        return self.fd

    def writable(self):
        return True


class Shell:
    """Just enough of ``get_ipython()`` for transformed magics: most are no-ops."""

    def __init__(self, namespace):
        self.user_ns = namespace

    def run_line_magic(self, name, line, _stack_depth=1):
        if name in ("time", "timeit"):
            exec(compile(line, "<magia>", "exec"), self.user_ns)
        elif name == "env" and "=" in line:
            key, _, value = line.partition("=")
            os.environ[key.strip()] = value.strip()
        return None

    def run_cell_magic(self, name, line, cell):
        if name in ("time", "timeit", "capture"):
            exec(compile(cell, "<magia>", "exec"), self.user_ns)
        elif name == "writefile":
            path = line.split()[-1] if line.split() else "archivo.txt"
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(cell)
        return None

    def system(self, cmd):
        print(f"[calificación] orden de sistema omitida: {cmd[:80]}", file=sys.stderr)

    def getoutput(self, cmd, split=True):
        self.system(cmd)
        return []

    def magic(self, line):
        return None


def _noop_check(*args, **kwargs):
    return None


def _silence_checks():
    """In batch grading the notebook's own ``check(...)`` calls are skipped (the grader checks)."""
    import coursekit.exercises as ex_pkg

    ex_pkg.check = _noop_check
    ex_pkg.run_check = _noop_check
    check_mod = sys.modules.get("coursekit.exercises.check")
    if check_mod is not None:
        check_mod.check = _noop_check
        check_mod.run_check = _noop_check


class Worker:
    """The in-sandbox half of the protocol."""

    def __init__(self, req_fd, resp_fd, plan):
        from coursekit.grading import protocol

        self.protocol = protocol
        self.reader = protocol.Reader(req_fd, max_message=int(plan.get("max_message", protocol.DEFAULT_MAX_MESSAGE)))
        self.resp_fd = resp_fd
        self.plan = plan
        self.namespace = {"__name__": "__main__", "__builtins__": __builtins__}
        self.namespace["get_ipython"] = lambda: self.shell
        self.shell = Shell(self.namespace)

    def send(self, message):
        try:
            self.protocol.write_message(self.resp_fd, message)
        except (self.protocol.ProtocolError, ValueError, TypeError) as err:
            self.protocol.write_message(self.resp_fd, {"ev": "reply", "id": message.get("id"), "kind": "unsupported",
                                                       "key": "plain.unsupported", "params": {"type": type(err).__name__}})

    # ----------------------------------------------------------- cells
    def run_cells(self, request):
        import linecache

        skip = set(request.get("skip", []))
        cell_timeout = float(request.get("cell_timeout", 60))
        for cell in request["cells"]:
            index, source = cell["index"], cell["source"]
            if index in skip:
                self.send({"ev": "cell_end", "i": index, "status": "skipped"})
                continue
            self.send({"ev": "cell_start", "i": index})
            filename = f"<celda {index}>"
            linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
            status, error = "ok", None
            signal.setitimer(signal.ITIMER_REAL, cell_timeout)
            try:
                exec(compile(source, filename, "exec"), self.namespace)
            except Timeout:
                status = "timeout"
            except BaseException as exc:  # noqa: BLE001 - learner code may raise anything, SystemExit too
                status, error = "error", _summary(exc)
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            self._after_cell()
            self.send({"ev": "cell_end", "i": index, "status": status, "error": error})
        self.send({"ev": "cells_done"})

    def _after_cell(self):
        pyplot = sys.modules.get("matplotlib.pyplot")
        if pyplot is not None:
            try:
                pyplot.close("all")
            except Exception:
                pass

    # ----------------------------------------------------------- requests
    def answer(self, request):
        from coursekit.exercises import transforms
        from coursekit.exercises import core
        from coursekit.exercises.core import ExercisePending
        from coursekit.exercises.plain import UnsupportedResult, to_plain
        from coursekit.exercises.probe import learner_error

        rid = request.get("id")
        reply = {"ev": "reply", "id": rid}
        target = request.get("target")
        if target not in self.namespace:
            pending = request.get("exercise") in getattr(core, "PENDING_RAISED", ())
            reply["kind"] = "pending" if pending else "missing"
            return reply
        obj = self.namespace[target]
        op = request.get("op")
        stage = "learner"
        signal.setitimer(signal.ITIMER_REAL, float(request.get("timeout", 30)))
        try:
            if op == "has":
                result = True
            elif op == "value":
                stage = "plain"
                result = to_plain(obj)
            elif op == "call":
                if not callable(obj):
                    raise UnsupportedResult("plain.unsupported", type=type(obj).__name__)
                raw = obj(*request.get("args", ()), **request.get("kwargs", {}))
                stage = "plain"
                result = to_plain(raw)
            elif op == "inspect":
                if request.get("call_args") is not None:
                    obj = obj(*request["call_args"])
                result = transforms.apply(request["transform"], obj, *request.get("transform_args", ()))
            else:
                raise ValueError(op)
            reply.update(kind="ok", value=result)
        except Timeout:
            reply["kind"] = "timeout"
        except ExercisePending:
            reply["kind"] = "pending"
        except UnsupportedResult as err:
            reply.update(kind="unsupported", key=err.key, params=dict(err.params))
        except BaseException as exc:  # noqa: BLE001
            if stage == "plain":
                reply.update(kind="unsupported", key="plain.unsupported", params={"type": type(exc).__name__})
            else:
                err = learner_error(exc)
                reply.update(kind="learner", error=err.error, line=err.line, code=err.code)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        return reply

    def serve(self):
        while True:
            try:
                request = self.reader.read()
            except self.protocol.ChannelClosed:
                return
            op = request.get("op")
            if op == "run":
                self.run_cells(request)
            elif op == "exit":
                return
            else:
                self.send(self.answer(request))


def _summary(exc):
    name = type(exc).__name__
    text = str(exc)
    return f"{name}: {text[:300]}" if text else name


def _move_fd(fd):
    high = os.dup2(fd, HIGH_FD + fd) if fd < HIGH_FD else fd
    if high != fd:
        os.close(fd)
    return high


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    run(json.loads(argv[0]))


def run(plan):
    """Isolate this process (see ``sandbox``), then serve the grader; never returns.

    Used by a fresh ``python -m coursekit.grading.worker`` and by each child the zygote
    forks (``coursekit.grading.zygote``): the same steps, in the same order, before any
    learner code runs.
    """
    req_fd, resp_fd = _move_fd(plan["req_fd"]), _move_fd(plan["resp_fd"])
    sandbox._prctl(sandbox.PR_SET_PDEATHSIG, signal.SIGKILL)  # the grader died: stop at once
    if plan.get("parent") and os.getppid() != plan["parent"]:
        os._exit(1)
    features = sandbox.enter_outer(plan)
    if "pid" in features:
        child = os.fork()
        if child:  # outer: report the PID-1 child, then wait for it
            _raw_send(resp_fd, {"ev": "hello", "pid": child, "features": features})
            os.close(req_fd)
            os.close(resp_fd)
            _, status = os.waitpid(child, 0)
            os._exit(os.waitstatus_to_exitcode(status) & 0xFF if os.WIFEXITED(status) else 1)
    else:
        _raw_send(resp_fd, {"ev": "hello", "pid": os.getpid(), "features": features})
    signal.signal(signal.SIGALRM, _on_alarm)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    sandbox.enter_inner(plan, features)
    cap = int(plan.get("output_bytes", 1 << 20))
    sys.stdout = CappedStream(1, cap)
    sys.stderr = CappedStream(2, cap)
    worker = Worker(req_fd, resp_fd, plan)
    _silence_checks()
    first = worker.reader.read()
    worker.send({"ev": "ready", "features": features})
    if first.get("op") == "run":
        worker.run_cells(first)
    worker.serve()
    os._exit(0)


if __name__ == "__main__":
    main()
