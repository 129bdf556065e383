"""Set-up for the core survey tests: shipped instruments loaded, campaigns, generated responses."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from zona.surveys import services
from zona.surveys.instruments import instrument_def
from zona.surveys.models import Campaign, Instrument, Response


def instruments() -> dict[str, Instrument]:
    return {result.instrument.code: result.instrument for result in services.instruments_load_shipped()}


def make_campaign(regency: Any, code: str = "skm-permenpanrb-14-2017", **overrides: Any) -> Campaign:
    today = timezone.localdate()
    kwargs: dict[str, Any] = dict(
        unit=regency.unit_a,
        instrument=instruments()[code],
        title=f"Survei {code}",
        year=today.year,
        starts_on=today - dt.timedelta(days=10),
        ends_on=today + dt.timedelta(days=10),
        population=500,
        actor=regency.operator_a,
    )
    kwargs.update(overrides)
    return services.campaign_create(**kwargs)


def add_responses(campaign: Campaign, rows: list[dict[str, Any]]) -> list[Response]:
    """Responses from rows of {question code: value, and optional profile fields}."""
    definition = instrument_def(campaign.instrument)
    by_code = {q.code: q.column for q in definition.questions}
    now = timezone.now()
    objs = []
    for row in rows:
        fields = {by_code[k]: v for k, v in row.items() if k in by_code}
        profile = {k: v for k, v in row.items() if k not in by_code}
        objs.append(
            Response(campaign=campaign, submitted_at=now, channel=Response.Channel.PAPER, **fields, **profile)
        )
    return Response.objects.bulk_create(objs)


def random_rows(
    campaign: Campaign, n: int, seed: int = 1, service_types: list[Any] | None = None
) -> list[dict]:
    definition = instrument_def(campaign.instrument)
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        row: dict[str, Any] = {q.code: rng.randint(1, definition.scale) for q in definition.questions}
        row["gender"] = rng.choice(["L", "P", ""])
        row["age"] = rng.choice([None, 19, 30, 41, 50, 66])
        row["education"] = rng.choice(["sma", "s1", "s2", ""])
        row["occupation"] = rng.choice(["pns", "swasta", "lainnya"])
        if service_types:
            row["service_type"] = rng.choice([*service_types, None])
        rows.append(row)
    return rows
