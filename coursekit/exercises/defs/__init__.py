"""Exercise definitions, one module per notebook: ``nb00.py``, ``nb01.py``…

Each module registers its exercises with ``coursekit.exercises.core.register``.
Exercise ids are ``"NN.k"``: notebook number, dot, exercise number.
"""

import importlib
import pkgutil
from functools import lru_cache


@lru_cache(maxsize=None)
def _names() -> tuple:
    return tuple(sorted(m.name for m in pkgutil.iter_modules(__path__) if m.name.startswith("nb")))


def module_names() -> list:
    """Names of the definition modules (``nb00``, ``nb01``…), listed once per process."""
    return list(_names())


def load_for(exercise_id: str):
    """Import the definitions of the notebook an exercise id belongs to."""
    name = f"nb{exercise_id.split('.')[0]}"
    if name in _names():
        importlib.import_module(f"{__name__}.{name}")


def module_of(exercise_id: str):
    """The definition module of an exercise (with its WRONG_VARIANTS)."""
    return importlib.import_module(f"{__name__}.nb{exercise_id.split('.')[0]}")


def load_all():
    """Import every definition module; returns the registry."""
    from coursekit.exercises.core import REGISTRY

    for name in module_names():
        importlib.import_module(f"{__name__}.{name}")
    return REGISTRY


def known_ids(exercise_id: str = "") -> list:
    """Ids of the same notebook as ``exercise_id`` (all ids if empty)."""
    registry = load_all()
    prefix = exercise_id.split(".")[0] + "." if exercise_id else ""
    return [i for i in registry if i.startswith(prefix)]
