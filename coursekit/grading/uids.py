"""Unprivileged uids for the grading workers, leased so two batches never share one.

Each parallel slot of an isolated batch runs the learner's code as its own uid (``UID_BASE`` +
offset) so that RLIMIT_NPROC applies per slot and slots cannot signal each other. Two batches
that ran at the same time (two teachers' terminals, or two pytest-xdist workers) used to pick
the same uids and so shared the process limit and could kill each other's workers. A batch now
leases its uids: one ``flock`` per uid on a file in a machine-wide folder, held for the whole
batch and released by the kernel even if the process dies, so a second batch takes the next
free ones.
"""

import os
import time
from pathlib import Path

UID_BASE = 61000
UID_SPAN = 100  # uids UID_BASE .. UID_BASE + 99 (tests/test_grading_redteam.py looks there)
LOCK_DIRS = ("/run/lock", "/tmp")


def lock_dir() -> Path:
    """The same folder for every process of the machine: the first writable of LOCK_DIRS."""
    for folder in LOCK_DIRS:
        if os.path.isdir(folder) and os.access(folder, os.W_OK):
            return Path(folder)
    return Path("/tmp")


class UidLease:
    """``with UidLease(base, count) as offsets:`` — ``count`` offsets whose uids no other batch holds."""

    def __init__(self, base: int = UID_BASE, count: int = 1, span: int = UID_SPAN, timeout: float = 600.0):
        self.base, self.count, self.span, self.timeout = base, count, span, timeout
        self.handles = []
        self.offsets = []

    def _try_all(self, fcntl):
        for offset in range(self.span):
            if len(self.offsets) == self.count:
                return
            if offset in self.offsets:
                continue
            path = lock_dir() / f"coursekit-uid-{self.base + offset}.lock"
            try:
                handle = open(path, "a+")
            except OSError:
                continue
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                handle.close()
                continue
            self.handles.append(handle)
            self.offsets.append(offset)

    def __enter__(self) -> list:
        try:
            import fcntl
        except ImportError:  # no flock (not Linux): no uid switching there either
            self.offsets = list(range(self.count))
            return self.offsets
        deadline = time.monotonic() + self.timeout
        while True:
            self._try_all(fcntl)
            if len(self.offsets) == self.count:
                return list(self.offsets)
            if time.monotonic() > deadline:
                self.release()
                raise RuntimeError(f"no hay {self.count} uid libres en {self.base}–{self.base + self.span - 1}")
            time.sleep(0.2)

    def release(self):
        for handle in self.handles:
            try:
                handle.close()  # closing the file drops its flock
            except OSError:
                pass
        self.handles, self.offsets = [], []

    def __exit__(self, *exc):
        self.release()
        return False
