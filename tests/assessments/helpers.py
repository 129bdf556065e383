"""Shared set-up for assessment tests: a period on the 90/2021 LKE with assessments for units A and B."""

from __future__ import annotations

import datetime as dt
from typing import Any

from zona.assessments.models import Assessment, Period
from zona.assessments.services.periods import period_open
from zona.frameworks import services as framework_services
from zona.frameworks.models import Framework


def lke_2021() -> Framework:
    for result in framework_services.frameworks_load_shipped():
        if result.framework.code == "permenpanrb-90-2021":
            return result.framework
    raise AssertionError("90/2021 not shipped")


def open_period(regency: Any, *, units: list | None = None, **kwargs: Any) -> Period:
    today = dt.date.today()
    defaults = dict(
        instansi=regency.instansi,
        framework=lke_2021(),
        year=today.year,
        self_start=today - dt.timedelta(days=30),
        self_end=today + dt.timedelta(days=30),
        review_start=today + dt.timedelta(days=31),
        review_end=today + dt.timedelta(days=60),
        revision_end=today + dt.timedelta(days=75),
        units=units if units is not None else [regency.unit_a, regency.unit_b],
        actor=regency.koordinator,
    )
    defaults.update(kwargs)
    return period_open(**defaults)


def assessment_of(period: Period, unit: Any) -> Assessment:
    return Assessment.objects.get(period=period, unit=unit)
