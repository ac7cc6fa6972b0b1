"""Exercise system: definitions, instant checks and comparisons.

In a notebook::

    from coursekit.exercises import check, pendiente
    check("01.1", sigmoid)

Importing it inside IPython also makes an :class:`ExercisePending` that reaches the
notebook show as one Spanish line instead of a traceback.
"""

from coursekit.exercises.check import check, run_check
from coursekit.exercises.compare import cmp, compare
from coursekit.exercises.core import ExercisePending, pendiente

__all__ = ["check", "run_check", "cmp", "compare", "ExercisePending", "pendiente"]


def _show_pending(shell, etype, value, tb, tb_offset=None):
    """IPython handler: an unsolved exercise is a one-line notice, not a library traceback."""
    from coursekit.messages import msg

    print(msg("pending.box", message=str(value)))
    return []


def _install_pending_display():
    import sys

    if "IPython" not in sys.modules:  # not in a kernel: nothing to install (and import stays light)
        return
    shell = sys.modules["IPython"].get_ipython()
    if shell is not None and hasattr(shell, "set_custom_exc"):
        shell.set_custom_exc((ExercisePending,), _show_pending)


_install_pending_display()
