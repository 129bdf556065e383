"""Reading the working-day calendar of an instansi: `calendar_for(instansi)`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from zona.units.models import Instansi

from . import workdays
from .models import CutiBersama


@dataclass(frozen=True)
class WorkCalendar:
    """The days an instansi's calendar adds to weekends and national holidays (see `workdays`)."""

    off: frozenset[dt.date]
    on: frozenset[dt.date]

    def is_working_day(self, day: dt.date) -> bool:
        return workdays.is_working_day(day, extra_off=self.off, extra_on=self.on)

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        return workdays.add_working_days(start, n, extra_off=self.off, extra_on=self.on)

    def working_days_between(self, a: dt.date, b: dt.date) -> int:
        return workdays.working_days_between(a, b, extra_off=self.off, extra_on=self.on)


def entries_for(instansi: Instansi | None) -> QuerySet[CutiBersama]:
    """The national entries and (with an instansi) its own, in date order."""
    q = Q(instansi__isnull=True)
    if instansi is not None:
        q |= Q(instansi=instansi)
    return CutiBersama.objects.filter(q).order_by("date", "pk")


def calendar_for(instansi: Instansi | None) -> WorkCalendar:
    """The calendar of `instansi` (national only for None), one query, cached on the instansi object.

    The instansi object lives for one request, so is the cache; `forget` drops it after a change. An
    instansi's own entry wins over a national one on the same date (a day the regency declares working).
    """
    cached: WorkCalendar | None = getattr(instansi, "_zona_calendar", None)
    if cached is not None:
        return cached
    by_date: dict[dt.date, str] = {}
    for date, kind, own in entries_for(instansi).values_list("date", "kind", "instansi_id"):
        if own is not None or date not in by_date:
            by_date[date] = kind
    calendar = WorkCalendar(
        off=frozenset(d for d, kind in by_date.items() if kind == CutiBersama.Kind.OFF),
        on=frozenset(d for d, kind in by_date.items() if kind == CutiBersama.Kind.ON),
    )
    if instansi is not None:
        instansi._zona_calendar = calendar  # type: ignore[attr-defined]
    return calendar


def forget(instansi: Any) -> None:
    if hasattr(instansi, "_zona_calendar"):
        del instansi._zona_calendar


@dataclass(frozen=True)
class YearRow:
    date: dt.date
    name: str
    source: str  # "nasional" (holidays package), "cuti_nasional" (national entry), "instansi"
    entry: CutiBersama | None


def year_overview(instansi: Instansi, year: int) -> dict[str, Any]:
    """The year's national holidays (read-only, from the package) and the calendar entries that apply."""
    entries = list(entries_for(instansi).filter(date__year=year).select_related("instansi"))
    calendar = calendar_for(instansi)
    return {
        "holidays": [
            {"date": date, "name": name, "working": date in calendar.on}
            for date, name in workdays.national_holidays(year).items()
        ],
        "national_entries": [entry for entry in entries if entry.instansi_id is None],
        "own_entries": [entry for entry in entries if entry.instansi_id is not None],
        "working_days": sum(
            1
            for offset in range((dt.date(year + 1, 1, 1) - dt.date(year, 1, 1)).days)
            if calendar.is_working_day(dt.date(year, 1, 1) + dt.timedelta(days=offset))
        ),
    }
