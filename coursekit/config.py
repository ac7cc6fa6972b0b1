"""Global course settings: fast mode and message language."""

import os

FAST_ENV = "COURSEKIT_FAST"
LANG_ENV = "COURSEKIT_LANG"
HEADLESS_ENV = "COURSEKIT_HEADLESS"

# Set before TensorFlow is imported: no C++ log lines (with timestamps) in outputs,
# reproducible CPU maths, and Keras 3 on the TensorFlow backend.
TENSORFLOW_ENV = {"TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0", "KERAS_BACKEND": "tensorflow"}

_TRUE = {"1", "true", "yes", "si", "sí", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def fast_mode(default: bool = False) -> bool:
    """Return True when the environment variable COURSEKIT_FAST asks for fast mode."""
    raw = os.environ.get(FAST_ENV)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(
        f"Valor no válido para {FAST_ENV}: {raw!r}. Usa 1 (modo rápido) o 0 (modo completo)."
    )


def pick(full, fast, *, fast_on=None):
    """Return ``fast`` in fast mode and ``full`` otherwise (e.g. ``pick(20, 3)`` epochs)."""
    on = fast_mode() if fast_on is None else bool(fast_on)
    return fast if on else full


def language() -> str:
    """Language of learner-facing messages: 'es' (default) or 'en'."""
    lang = os.environ.get(LANG_ENV, "es").strip().lower()[:2]
    return lang if lang in {"es", "en"} else "es"


def headless() -> bool:
    """True when no person is looking (tests, papermill, benchmark, grading): skip widgets."""
    return os.environ.get(HEADLESS_ENV, "").strip().lower() in _TRUE


def quiet_tensorflow():
    """Set :data:`TENSORFLOW_ENV` (without overriding the user's values) before importing TensorFlow."""
    for name, value in TENSORFLOW_ENV.items():
        os.environ.setdefault(name, value)
