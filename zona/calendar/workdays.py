"""Indonesian working days, as pure functions (no Django): weekends, national holidays, extra days.

A day is a working day unless it is a Saturday or Sunday, a national public holiday (the `holidays`
package's `Indonesia` calendar, public category) or in `extra_off` (cuti bersama, a regional holiday);
a day in `extra_on` (a hari kerja pengganti) is a working day whatever else it is.

Counting rule (the SLA reading of "n hari kerja sejak diterima"): the day something is received never
counts; day 1 is the first working day *after* it. So `add_working_days(start, n)` is the n-th working day
after `start`, and `working_days_between(a, b)` counts the working days d with a < d <= b, which makes
`working_days_between(start, add_working_days(start, n)) == n` for every n >= 1. `n = 0` means "on the
day": `start` itself when it is a working day, otherwise the first working day after it (a deadline never
falls on a day off).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from functools import lru_cache
from types import MappingProxyType

import holidays

MAX_DAYS = 3660  # ten years of calendar days: the bound on n and on any walk through the calendar
SATURDAY = 5
_NONE: frozenset[dt.date] = frozenset()


@lru_cache(maxsize=64)
def national_holidays(year: int) -> Mapping[dt.date, str]:
    """The national public holidays of `year` with their Indonesian names (the `holidays` package)."""
    return MappingProxyType(dict(sorted(holidays.Indonesia(years=year, language="id").items())))


def is_national_holiday(day: dt.date) -> bool:
    return day in national_holidays(day.year)


def is_working_day(
    day: dt.date,
    *,
    extra_off: Collection[dt.date] = _NONE,
    extra_on: Collection[dt.date] = _NONE,
) -> bool:
    if day in extra_on:
        return True
    if day.weekday() >= SATURDAY or day in extra_off:
        return False
    return not is_national_holiday(day)


def _check_n(n: int) -> None:
    if n < 0:
        raise ValueError("n must be 0 or more working days")
    if n > MAX_DAYS:
        raise ValueError(f"n must be at most {MAX_DAYS} working days")


def add_working_days(
    start: dt.date,
    n: int,
    *,
    extra_off: Collection[dt.date] = _NONE,
    extra_on: Collection[dt.date] = _NONE,
) -> dt.date:
    """The n-th working day after `start` (the start day never counts; n = 0: see the module docstring)."""
    _check_n(n)
    day = start
    if n == 0:
        while not is_working_day(day, extra_off=extra_off, extra_on=extra_on):
            day += dt.timedelta(days=1)
        return day
    counted = 0
    while counted < n:
        day += dt.timedelta(days=1)
        if is_working_day(day, extra_off=extra_off, extra_on=extra_on):
            counted += 1
    return day


def working_days_between(
    a: dt.date,
    b: dt.date,
    *,
    extra_off: Collection[dt.date] = _NONE,
    extra_on: Collection[dt.date] = _NONE,
) -> int:
    """The number of working days d with a < d <= b (negative when b is before a; 0 when a == b)."""
    if b < a:
        return -working_days_between(b, a, extra_off=extra_off, extra_on=extra_on)
    if (b - a).days > MAX_DAYS * 2:
        raise ValueError("the span is too long to count")
    count = 0
    day = a
    while day < b:
        day += dt.timedelta(days=1)
        if is_working_day(day, extra_off=extra_off, extra_on=extra_on):
            count += 1
    return count
