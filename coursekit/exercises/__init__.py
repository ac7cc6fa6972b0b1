"""Exercise system: definitions, instant checks and comparisons.

In a notebook::

    from coursekit.exercises import check, pendiente
    check("01.1", sigmoid)
"""

from coursekit.exercises.check import check, run_check
from coursekit.exercises.compare import cmp, compare
from coursekit.exercises.core import ExercisePending, pendiente

__all__ = ["check", "run_check", "cmp", "compare", "ExercisePending", "pendiente"]
