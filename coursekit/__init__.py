"""Curso de Deep Learning: utilidades, datos offline y correctores.

Importar ``coursekit`` es ligero: no carga TensorFlow ni PyTorch. Los
submódulos (``coursekit.datasets``, ``coursekit.plots``, ``coursekit.exercises``…)
se importan bajo demanda.
"""

from coursekit.config import FAST_ENV, fast_mode, pick

__version__ = "0.1.0"

__all__ = ["FAST_ENV", "fast_mode", "pick", "__version__"]
