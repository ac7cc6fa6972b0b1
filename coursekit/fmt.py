"""Numbers as a learner reads them: Spanish format by default (``COURSEKIT_LANG=en``: English).

``fmt_number(0.12345)`` -> ``"0,123"``, ``fmt_percent(0.9604)`` -> ``"96,0 %"``,
``fmt_int(109386)`` -> ``"109 386"`` (narrow no-break space as thousands separator),
``fmt_number(1.2e-7)`` -> ``"1,2·10⁻⁷"``. Every number the course prints goes through here.
"""

import math
import numbers

THIN = "\u202f"  # narrow no-break space: thousands separator and before "%"
_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _lang():
    from coursekit.messages import current_language

    return current_language()


def _as_float(value) -> float:
    if hasattr(value, "item"):  # NumPy, TensorFlow or torch scalar
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"Se esperaba un número y se recibió {type(value).__name__}.")
    return float(value)


def _group(digits: str, sep: str) -> str:
    head = len(digits) % 3 or 3
    return sep.join([digits[:head]] + [digits[i:i + 3] for i in range(head, len(digits), 3)])


def _localise(text: str, lang: str) -> str:
    """``-1234.5`` written in English style -> the language's style (group only ≥ 5 digits in Spanish)."""
    sign, text = ("−", text[1:]) if text.startswith("-") else ("", text)
    whole, _, frac = text.partition(".")
    if lang == "en":
        whole = _group(whole, ",") if len(whole) > 3 else whole
        return sign + whole + ("." + frac if frac else "")
    whole = _group(whole, THIN) if len(whole) > 4 else whole  # RAE: 1000 y 9999 sin separar
    return sign + whole + ("," + frac if frac else "")


def fmt_int(value) -> str:
    """An integer with thousands separators: ``109 386``."""
    number = _as_float(value)
    if not number.is_integer():
        raise ValueError(f"{value!r} no es un número entero.")
    return _localise(str(int(number)), _lang())


def fmt_number(value, digits: int = 3) -> str:
    """A real number with ``digits`` significant figures; powers of ten when very small or large."""
    number = _as_float(value)
    lang = _lang()
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return ("−" if number < 0 else "") + "∞"
    if number == 0:
        return "0"
    exponent = math.floor(math.log10(abs(number)))
    if -4 <= exponent < 9:
        decimals = max(digits - 1 - exponent, 0)
        text = f"{number:.{decimals}f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return _localise(text, lang)
    mantissa = f"{number / 10 ** exponent:.{max(digits - 1, 0)}f}"
    if "." in mantissa:
        mantissa = mantissa.rstrip("0").rstrip(".")
    if mantissa in ("10", "-10"):  # rounding carried into the next power
        mantissa, exponent = mantissa[:-1], exponent + 1
    return _localise(mantissa, lang) + "·10" + str(exponent).translate(_SUPERSCRIPT)


def fmt_percent(value, decimals: int = 1) -> str:
    """A fraction as a percentage: ``0.9604`` -> ``96,0 %``."""
    text = f"{_as_float(value) * 100:.{decimals}f}"
    return _localise(text, _lang()) + (THIN + "%" if _lang() == "es" else "%")


def fmt_fixed(value, decimals: int = 2) -> str:
    """A real number with a fixed number of decimals: ``fmt_fixed(0.5)`` -> ``0,50``."""
    return _localise(f"{_as_float(value):.{decimals}f}", _lang())


def localise_formatted(text: str, lang: str) -> str:
    """A number already formatted the English way (``"1.5e-07"``, ``"25,450"``, ``"96%"``) in ``lang``."""
    if lang == "en":
        return text
    percent = text.endswith("%")
    body = text[:-1] if percent else text
    mantissa, _, exponent = body.lower().partition("e")
    if mantissa.startswith("-"):
        mantissa = "−" + mantissa[1:]
    mantissa = mantissa.replace(",", THIN).replace(".", ",")
    if exponent:
        mantissa += "·10" + str(int(exponent)).translate(_SUPERSCRIPT)
    return mantissa + (THIN + "%" if percent else "")


class LocalNumber:
    """A number that formats itself in the current language (used for message parameters)."""

    def __init__(self, value, lang):
        self.value, self.lang = value, lang

    def __format__(self, spec):
        text = format(self.value, spec)
        if spec and spec[-1:] not in "eEfFgGn%d,_" and not spec[-1:].isdigit():
            return text
        return localise_formatted(text, self.lang)

    def __str__(self):
        return self.__format__("")
