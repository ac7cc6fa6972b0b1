"""Message catalog: every learner-facing message has a key; Spanish by default.

Catalogs live in ``coursekit/locales/<lang>/<domain>.json`` (``core.json`` for the
generic messages, ``nb01.json`` … for each notebook's hints and diagnoses). The
language comes from ``COURSEKIT_LANG`` (``es`` or ``en``) or :func:`set_language`.
"""

import json
from functools import lru_cache
from pathlib import Path

from coursekit.config import language

LOCALES = Path(__file__).parent / "locales"
_override = None


def set_language(lang):
    """Choose 'es' or 'en' for messages in this session (None: back to COURSEKIT_LANG)."""
    global _override
    if lang not in (None, "es", "en"):
        raise ValueError("Idioma no disponible: usa 'es' o 'en'.")
    _override = lang


def current_language() -> str:
    """Language in use for messages."""
    return _override or language()


@lru_cache(maxsize=None)
def catalog(lang: str) -> dict:
    """All messages of one language, merged from every domain file."""
    merged = {}
    for path in sorted((LOCALES / lang).glob("*.json")):
        entries = json.loads(path.read_text(encoding="utf-8"))
        clash = merged.keys() & entries.keys()
        if clash:
            raise ValueError(f"Claves de mensaje repetidas en {path.name}: {sorted(clash)}")
        merged.update(entries)
    return merged


def translated(key: str):
    """Message ``key`` in the current language if that catalog has it, else None (no fallback)."""
    lang = current_language()
    return catalog(lang).get(key)


def has_message(key: str) -> bool:
    """True when ``key`` exists in the Spanish catalog."""
    return key in catalog("es")


def msg(key: str, **params) -> str:
    """Render message ``key`` in the current language (falls back to Spanish)."""
    lang = current_language()
    text = catalog(lang).get(key)
    if text is None:
        text = catalog("es").get(key)
    if text is None:
        raise KeyError(f"Mensaje sin traducir: {key}")
    if not params:
        return text
    if lang == "es":
        from coursekit.fmt import LocalNumber

        params = {name: LocalNumber(value, lang) if isinstance(value, (int, float)) and not isinstance(value, bool)
                  else value for name, value in params.items()}
    return text.format(**params)
