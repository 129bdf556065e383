"""Exact numbers: fractions inside, half-up rounding and Indonesian formatting for display."""

from __future__ import annotations

import math
from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction

Number = Fraction


class NotANumber(ValueError):
    pass


def to_fraction(value: object) -> Fraction:
    """Read a number from YAML/JSON/Excel: int, float (by its decimal text), '0.67', '2/3' or '80,5'."""
    if isinstance(value, bool):
        raise NotANumber(repr(value))
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise NotANumber(repr(value))
        return Fraction(repr(value))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise NotANumber(str(value))
        return Fraction(value)
    if isinstance(value, str):
        text = value.strip().replace(" ", "")
        if text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")
        try:
            result = Fraction(text)
        except (ValueError, ZeroDivisionError) as exc:
            raise NotANumber(value) from exc
        return result
    raise NotANumber(repr(value))


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
