"""Exact numbers: fractions inside, half-up rounding and Indonesian formatting for display.

Every number that enters Zona from a person or a file goes through `to_fraction`, which refuses, before
any arithmetic, what no LKE answer can be: text longer than MAX_NUMBER_CHARS, an exponent beyond
MAX_EXPONENT (`1e100000000`), a magnitude above MAX_MAGNITUDE (`1e309`, a 5,001-digit integer), more
than MAX_DECIMALS decimals, inf and nan. So reading one number costs microseconds whatever was typed,
never the minutes that building 10**100000000 takes.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction

Number = Fraction

MAX_NUMBER_CHARS = 40  # "1.234.567.890,123456" is 20 characters; no typed answer is longer than 40
MAX_MAGNITUDE = 10**12  # counts of people or documents, percentages, indexes: all far below this
MAX_DECIMALS = 12
MAX_EXPONENT = 20
MAX_RAW_CHARS = 200  # longer text is refused before it is even stripped

_DECIMAL_TEXT = re.compile(r"([+-]?)([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]+))?")
_RATIO_TEXT = re.compile(r"([+-]?[0-9]{1,15})/([0-9]{1,15})")
_SPACES = re.compile(r"[\s\u00a0\u202f_']")
_MAGNITUDE_TEXT = f"{MAX_MAGNITUDE:,}".replace(",", ".")


class NotANumber(ValueError):
    """Not a number Zona accepts. str(exc) is a short Indonesian reason ("bukan angka", "terlalu
    besar …") that never echoes more than a few dozen characters of the input."""


def shown(value: object, limit: int = 40) -> str:
    """`value` as it may appear in a message: its repr, cut to `limit` characters (never the whole of a
    10 MB string)."""
    text = repr(value[: limit + 2]) if isinstance(value, str) else repr(value)[: limit + 2]
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


def _too_large() -> NotANumber:
    return NotANumber(f"angka terlalu besar (paling besar {_MAGNITUDE_TEXT})")


def _bounded(result: Fraction) -> Fraction:
    if abs(result) > MAX_MAGNITUDE:
        raise _too_large()
    return result


def normalise_number_text(value: str) -> str:
    """Typed text as a plain decimal: spaces and thin spaces dropped; "80,5" → "80.5"; "1.234,5" →
    "1234.5" and "1,234.5" → "1234.5" (the last separator is the decimal one when both appear)."""
    text = _SPACES.sub("", value.strip())
    if "," in text and "." in text:
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    elif text.count(",") == 1:
        text = text.replace(",", ".")
    return text


def _from_text(value: str) -> Fraction:
    if len(value) > MAX_RAW_CHARS:
        raise NotANumber(f"terlalu panjang untuk sebuah angka (paling banyak {MAX_NUMBER_CHARS} karakter)")
    text = normalise_number_text(value)
    if not text:
        raise NotANumber("kosong, bukan angka")
    if len(text) > MAX_NUMBER_CHARS:
        raise NotANumber(f"terlalu panjang untuk sebuah angka (paling banyak {MAX_NUMBER_CHARS} karakter)")
    ratio = _RATIO_TEXT.fullmatch(text)
    if ratio:
        denominator = int(ratio.group(2))
        if denominator == 0:
            raise NotANumber("pembagian dengan nol")
        return _bounded(Fraction(int(ratio.group(1)), denominator))
    match = _DECIMAL_TEXT.fullmatch(text)
    if not match or not (match.group(2) or match.group(3)):
        raise NotANumber("bukan angka")
    sign, whole, decimals, exponent_text = match.groups()
    decimals = decimals or ""
    exponent = int(exponent_text) if exponent_text else 0  # at most 40 digits: cheap
    if abs(exponent) > MAX_EXPONENT:
        raise NotANumber(f"pangkat {exponent_text} di luar batas (paling banyak ±{MAX_EXPONENT})")
    digits = (whole + decimals).lstrip("0")
    if digits and len(whole.lstrip("0")) + exponent > len(str(MAX_MAGNITUDE)):
        raise _too_large()
    if digits and len(decimals.rstrip("0")) - exponent > MAX_DECIMALS:
        raise NotANumber(f"terlalu banyak angka desimal (paling banyak {MAX_DECIMALS})")
    numerator, scale = int(whole + decimals or "0"), len(decimals) - exponent
    result = Fraction(numerator, 10**scale) if scale >= 0 else Fraction(numerator * 10**-scale)
    return _bounded(-result if sign == "-" else result)


def to_fraction(value: object) -> Fraction:
    """Read a number from YAML/JSON/Excel/a form: int, float (by its decimal text), Decimal, '0.67',
    '2/3', '80,5', '1.234,5'. Raises NotANumber (bounded, see the module doc) for anything else."""
    if isinstance(value, bool):
        raise NotANumber("bukan angka")
    if isinstance(value, Fraction):
        if value.denominator > 10**MAX_DECIMALS * 10**6:
            raise NotANumber("terlalu banyak angka desimal")
        return _bounded(value)
    if isinstance(value, int):
        return _bounded(Fraction(value))
    if isinstance(value, float):
        if not math.isfinite(value):
            raise NotANumber("bukan bilangan hingga (inf/nan)")
        if abs(value) > MAX_MAGNITUDE:
            raise _too_large()
        return Fraction(repr(value))  # at most 17 digits and an exponent of ±324: cheap
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise NotANumber("bukan bilangan hingga (inf/nan)")
        if value.adjusted() > len(str(MAX_MAGNITUDE)):
            raise _too_large()
        exponent = value.as_tuple().exponent
        if isinstance(exponent, int) and exponent < -(MAX_DECIMALS + MAX_EXPONENT):
            raise NotANumber(f"terlalu banyak angka desimal (paling banyak {MAX_DECIMALS})")
        return _bounded(Fraction(value))
    if isinstance(value, str):
        return _from_text(value)
    raise NotANumber("bukan angka")


def round_half_up(value: Fraction, decimals: int = 2) -> Fraction:
    """Round as a person (and Excel's ROUND) does: 0.125 -> 0.13, -0.125 -> -0.13."""
    scale = 10**decimals
    sign = -1 if value < 0 else 1
    return sign * Fraction(math.floor(abs(value) * scale + Fraction(1, 2)), scale)


def to_float(value: Fraction, decimals: int = 2) -> float:
    return float(round_half_up(value, decimals))


def format_id(value: Fraction, decimals: int = 2) -> str:
    """Indonesian display: decimal comma, dot for thousands (1.234,50)."""
    rounded = round_half_up(value, decimals)
    text = f"{Decimal(rounded.numerator) / Decimal(rounded.denominator):,.{decimals}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def sum_or_none(values: Iterable[Fraction | None]) -> Fraction | None:
    """The exact sum, or None when any part is unknown (a weight the sources do not give)."""
    total = Fraction(0)
    for value in values:
        if value is None:
            return None
        total += value
    return total
