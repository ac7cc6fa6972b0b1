"""OS-level isolation of one submission process, without containers.

The worker calls :func:`enter` before it runs any learner code. Each step is tried
on its own and what worked is reported (``features``), so the grader degrades
gracefully on systems without root or namespaces (see docs/CALIFICACION.md):

* new network namespace (no network: only a downed loopback),
* new mount namespace: read-only root, private size- and inode-capped tmpfs on /tmp,
  /var/tmp and /dev/shm; the course's folder covered, with only the ``coursekit`` package
  (and a virtual environment inside the folder) bound back, so notebooks, ``.git`` and
  build outputs are out of sight; the exercise definitions / gradebook / submissions hidden,
* new PID namespace (the worker forks; its child is PID 1 there, so killing it kills
  every process the learner started, even after ``setsid``), own /proc,
* resource limits (address space, CPU time, file size, processes, no core dumps),
* an unprivileged uid per parallel slot (so RLIMIT_NPROC applies and one learner
  cannot signal or read another's process), ``no_new_privs``.
"""

import ctypes
import ctypes.util
import os
import resource
import signal

CLONE_NEWNS = 0x00020000
CLONE_NEWIPC = 0x08000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
MS_RDONLY = 1
MS_NOSUID = 2
MS_NODEV = 4
MS_NOEXEC = 8
MS_REMOUNT = 32
MS_BIND = 4096
MS_REC = 16384
MS_PRIVATE = 1 << 18
PR_SET_NO_NEW_PRIVS = 38
PR_SET_PDEATHSIG = 1

_libc = None


def libc():
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
    return _libc


def _unshare(flags: int) -> bool:
    return libc().unshare(ctypes.c_int(flags)) == 0


def _mount(source, target, fstype, flags, data=None) -> bool:
    enc = lambda s: None if s is None else s.encode()  # noqa: E731
    return libc().mount(enc(source), enc(target), enc(fstype), ctypes.c_ulong(flags), enc(data)) == 0


def _prctl(option, arg) -> bool:
    return libc().prctl(option, ctypes.c_ulong(arg), 0, 0, 0) == 0


def _setup_mounts(plan: dict, features: list):
    if not _mount(None, "/", None, MS_REC | MS_PRIVATE):
        return
    features.append("mount")
    if _mount("/", "/", None, MS_BIND | MS_REC) and _mount(
        None, "/", None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID
    ):
        features.append("ro_root")
    opts = f"size={int(plan.get('tmp_mb', 256))}m,nr_inodes={int(plan.get('tmp_inodes', 20000))},mode=1777"
    exposed = _outermost(plan.get("expose", []))
    for path in ("/tmp", "/var/tmp", "/dev/shm"):
        if os.path.isdir(path):
            # A course (or its venv) cloned inside /tmp stays reachable, read-only.
            _cover(path, [p for p in exposed if p.startswith(path + os.sep)], opts)
    root = course_folder()
    if root and os.path.isdir(root) and _cover(root, [p for p in exposed if p.startswith(root + os.sep)],
                                               "size=64k,nr_inodes=256,mode=755", read_only=True):
        features.append("course_hidden")
    if _expose(plan.get("expose", [])):
        features.append("expose")
    hidden = 0
    for path in plan.get("hide", []):
        if os.path.isdir(path):
            hidden += _mount("tmpfs", path, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=4k,mode=755")
        elif os.path.exists(path):
            hidden += _mount("/dev/null", path, None, MS_BIND)
    if hidden:
        features.append("hide")


def _outermost(paths) -> list:
    """The real paths of ``paths`` without those already inside another one."""
    chosen = []
    for path in sorted({os.path.realpath(p) for p in paths}, key=len):
        if not any(path.startswith(done + os.sep) for done in chosen):
            chosen.append(path)
    return chosen


def _cover(directory: str, keep, options: str, read_only: bool = False) -> bool:
    """Mount a fresh tmpfs on ``directory`` and bind the paths of ``keep`` (inside it) back.

    The kept paths are opened before the tmpfs hides them and bind-mounted back
    read-only. Returns True when at least one path was kept.
    """
    fds = {}
    for path in keep:
        try:
            fds[path] = os.open(path, os.O_PATH)
        except OSError:
            pass
    if not _mount("tmpfs", directory, "tmpfs", MS_NOSUID | MS_NODEV, options):
        for fd in fds.values():
            os.close(fd)
        return False
    done = False
    for path, fd in fds.items():
        try:
            if os.path.isdir(f"/proc/self/fd/{fd}"):
                os.makedirs(path, mode=0o755, exist_ok=True)
            else:
                os.makedirs(os.path.dirname(path), mode=0o755, exist_ok=True)
                open(path, "w").close()
            if _mount(f"/proc/self/fd/{fd}", path, None, MS_BIND | MS_REC):
                done = True
                _mount(None, path, None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID)
        except OSError:
            pass
        finally:
            os.close(fd)
    if read_only:
        _mount(None, directory, None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)
    return done


def _blocked_ancestor(path: str):
    """First ancestor of ``path`` that other users cannot traverse, and its child on the way."""
    parts = os.path.abspath(path).split(os.sep)[1:]
    current = "/"
    for part in parts:
        try:
            if not os.stat(current).st_mode & 0o001:
                return current, os.path.join(current, part)
        except OSError:
            return None
        current = os.path.join(current, part)
    return None


def _expose(paths) -> bool:
    """Make ``paths`` reachable for the unprivileged uid without opening their private parents.

    E.g. an interpreter under ``/root/.pyenv`` with ``/root`` at mode 0700: ``/root`` is
    covered by an empty tmpfs (hiding the rest of it) and ``/root/.pyenv`` is bind-mounted back.
    """
    wanted = {}
    for path in paths:
        found = _blocked_ancestor(path)
        if found:
            wanted.setdefault(found[0], set()).add(found[1])
    done = False
    for blocked, children in wanted.items():
        done |= _cover(blocked, children, "size=64k,mode=755", read_only=True)
    return done


def enter_outer(plan: dict) -> list:
    """Namespaces and mounts (as root, before forking the PID-1 child). Returns features."""
    features = []
    if os.geteuid() != 0:
        return features
    if plan.get("net", True) and _unshare(CLONE_NEWNET):
        features.append("net")
    if _unshare(CLONE_NEWIPC):
        features.append("ipc")
    if plan.get("mounts", True) and _unshare(CLONE_NEWNS):
        _setup_mounts(plan, features)
    if plan.get("pid", True) and _unshare(CLONE_NEWPID):
        features.append("pid")
    return features


def enter_inner(plan: dict, features: list) -> str:
    """Limits, /proc, unprivileged uid and working directory (in the process that runs code)."""
    if "pid" in features and "mount" in features:
        if _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC):
            features.append("proc")
    mb = 2**20
    limits = [
        (resource.RLIMIT_CORE, 0),
        (resource.RLIMIT_AS, int(plan.get("memory_mb", 4096)) * mb),
        (resource.RLIMIT_FSIZE, int(plan.get("file_mb", 256)) * mb),
        (resource.RLIMIT_NOFILE, int(plan.get("max_files", 256))),
    ]
    cpu = int(plan.get("cpu_seconds", 600))
    for which, value in limits:
        _set_limit(which, value)
    _set_limit(resource.RLIMIT_CPU, cpu, cpu + 5)
    workdir = plan.get("workdir") or "/tmp/entrega"
    uid = plan.get("uid")
    os.makedirs(workdir, mode=0o700, exist_ok=True)
    if uid is not None and os.geteuid() == 0:
        os.chown(workdir, uid, uid)
        _set_limit(resource.RLIMIT_NPROC, int(plan.get("max_processes", 512)))
        try:
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
            features.append("uid")
        except OSError:
            pass
    if _prctl(PR_SET_NO_NEW_PRIVS, 1):
        features.append("no_new_privs")
    # After setuid: changing credentials clears the parent-death signal.
    parent = os.getppid()
    if _prctl(PR_SET_PDEATHSIG, signal.SIGKILL):  # if the outer process dies, so do we
        features.append("pdeathsig")
    if os.getppid() != parent:  # it died before the signal was armed
        os._exit(70)
    os.chdir(workdir)
    return workdir


def _set_limit(which, soft, hard=None):
    hard = soft if hard is None else hard
    try:
        cur_soft, cur_hard = resource.getrlimit(which)
        if cur_hard != resource.RLIM_INFINITY:
            soft, hard = min(soft, cur_hard), min(hard, cur_hard)
        resource.setrlimit(which, (soft, hard))
    except (ValueError, OSError):
        pass


# ---------------------------------------------------------------- parent side
def _stat_fields(pid: int):
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            data = fh.read()
    except OSError:
        return None
    rest = data[data.rfind(b")") + 2:].split()
    return rest  # rest[0] = state, rest[1] = ppid, rest[2] = pgrp, rest[3] = session


def _pid_ns(pid: int):
    try:
        return os.readlink(f"/proc/{pid}/ns/pid")
    except OSError:
        return None


def members(root_pid: int, pid_ns=None) -> list:
    """Pids of the worker's processes: same PID namespace (if any) or same session."""
    out = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        pid = int(name)
        if pid_ns is not None:
            if _pid_ns(pid) == pid_ns:
                out.append(pid)
            continue
        fields = _stat_fields(pid)
        if fields and len(fields) > 3 and int(fields[3]) == root_pid:
            out.append(pid)
    return out


def rss_bytes(pids, proportional=False) -> int:
    """Resident memory of ``pids`` (PSS when ``proportional``: shared pages split)."""
    total = 0
    page = os.sysconf("SC_PAGE_SIZE")
    for pid in pids:
        try:
            if proportional:
                with open(f"/proc/{pid}/smaps_rollup") as fh:
                    for line in fh:
                        if line.startswith("Pss:"):
                            total += int(line.split()[1]) * 1024
                            break
            else:
                with open(f"/proc/{pid}/statm") as fh:
                    total += int(fh.read().split()[1]) * page
        except (OSError, ValueError, IndexError):
            continue
    return total


def kill_all(pids):
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


def can_isolate() -> bool:
    """True when running as root on Linux (namespaces and uid switching available)."""
    return os.geteuid() == 0 and os.path.exists("/proc/self/ns/pid")


def course_folder():
    """The course's own folder when coursekit runs from it (editable install), else None.

    In a regular install ``coursekit`` lives in ``site-packages``, which holds no notebooks.
    """
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    if (root / "pyproject.toml").is_file() and (root / "coursekit").is_dir():
        return str(root)
    return None


def interpreter_paths() -> list:
    """What the worker's uid must be able to read: interpreter, standard library, packages, coursekit."""
    import site
    import sys
    from pathlib import Path

    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, os.path.realpath(sys.executable),
             str(Path(__file__).resolve().parents[1])}
    paths |= set(site.getsitepackages())
    return sorted(p for p in paths if os.path.exists(p))
