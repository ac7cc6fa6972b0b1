"""Two grading batches at the same time never share a worker uid (coursekit.grading.uids)."""

import subprocess
import sys

from coursekit.grading.uids import UidLease

BASE = 59500  # not the real range: a batch graded meanwhile on this machine is not disturbed


def test_two_leases_get_disjoint_uids():
    with UidLease(BASE, 2, span=10) as first, UidLease(BASE, 2, span=10) as second:
        assert len(first) == len(second) == 2
        assert not set(first) & set(second)
    with UidLease(BASE, 2, span=10) as again:  # released on exit
        assert again == first


def test_lease_held_by_another_process_is_skipped():
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\nfrom coursekit.grading.uids import UidLease\n"
         f"with UidLease({BASE}, 3, span=10) as o:\n    print(o, flush=True)\n    sys.stdin.read()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        held = eval(holder.stdout.readline())
        with UidLease(BASE, 3, span=10) as mine:
            assert not set(held) & set(mine)
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    with UidLease(BASE, 3, span=10) as after:  # the holder's locks died with it
        assert after == [0, 1, 2]


def test_lease_times_out_when_the_range_is_full():
    import pytest

    with UidLease(BASE, 2, span=2):
        with pytest.raises(RuntimeError):
            UidLease(BASE, 1, span=2, timeout=0.3).__enter__()
