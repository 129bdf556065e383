"""Demo survey campaigns: a few thousand generated responses, so results, charts and the LKE feed show.

Responses are bulk-inserted (as an import would) from a seeded generator whose answer distribution
depends on the unit, so the units differ believably; one SKM campaign stays open for the public form.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from zona.accounts.models import User
from zona.surveys import services as survey_services
from zona.surveys.instruments import instrument_def
from zona.surveys.models import Campaign, Instrument, Response
from zona.units.models import Instansi, Unit

# slug -> (quality 0..1, campaigns); a campaign is (instrument code, responses, state)
PLANS: dict[str, tuple[float, list[tuple[str, int, str]]]] = {
    "dukcapil": (
        0.9,
        [
            ("skm-permenpanrb-14-2017", 420, "published"),
            ("spak-4", 310, "published"),
            ("spkp-4", 310, "published"),
            ("skm-permenpanrb-14-2017", 60, "open"),
        ],
    ),
    "dpmptsp": (
        0.85,
        [("skm-permenpanrb-14-2017", 380, "published"), ("spak-4", 280, "closed"), ("spkp-4", 280, "closed")],
    ),
    "rsud": (
        0.75,
        [("skm-permenpanrb-14-2017", 520, "published"), ("spak-4", 300, "closed"), ("spkp-4", 300, "closed")],
    ),
    "kec-manggar": (
        0.6,
        [("skm-permenpanrb-14-2017", 200, "closed"), ("spak-4", 150, "closed"), ("spkp-4", 150, "closed")],
    ),
    "pkm-manggar": (0.7, [("skm-permenpanrb-14-2017", 240, "closed")]),
}
EDUCATION = ["SD", "SMP", "SMA", "D3", "S1", "S2"]
OCCUPATION = ["PNS", "TNI", "POLRI", "SWASTA", "WIRAUSAHA", "LAINNYA"]


def _value(rng: random.Random, quality: float, scale: int) -> int:
    """A 1..scale answer leaning to the top for a good unit."""
    centre = 1 + quality * (scale - 1)
    return max(1, min(scale, round(rng.gauss(centre, 0.7))))


def load_surveys(*, instansi: Instansi, koordinator: User, today: dt.date) -> list[Campaign]:
    survey_services.instruments_load_shipped()
    instruments = {i.code: i for i in Instrument.objects.order_by("code", "-version")}
    campaigns = []
    for slug, (quality, plans) in PLANS.items():
        unit = Unit.objects.get(instansi=instansi, slug=slug)
        operator = User.objects.get(username=f"operator-{slug}")
        service_types = list(unit.service_types.all())
        rng = random.Random(f"zona-demo-survey-{slug}")  # noqa: S311 - demo data
        for index, (code, count, state) in enumerate(plans):
            instrument = instruments[code]
            definition = instrument_def(instrument)
            open_now = state == "open"
            starts = today - dt.timedelta(days=20 if open_now else 150 - 30 * index)
            ends = today + dt.timedelta(days=40) if open_now else starts + dt.timedelta(days=25)
            campaign = survey_services.campaign_create(
                unit=unit,
                instrument=instrument,
                actor=operator,
                year=today.year if open_now else starts.year,
                title=f"{definition.name} — {unit.name}" + (" (berjalan)" if open_now else ""),
                starts_on=starts,
                ends_on=ends,
                service_types=service_types,
                population=rng.randint(800, 6000),
            )
            survey_services.campaign_open(campaign=campaign, actor=operator)
            _responses(campaign, definition, count, rng, quality, service_types, starts, ends)
            if not open_now:
                survey_services.campaign_close(campaign=campaign, actor=operator)
            if state == "published":
                survey_services.campaign_publish(campaign=campaign, actor=koordinator)
            campaigns.append(campaign)
    _feed_draft_assessments(campaigns, today)
    return campaigns


def _feed_draft_assessments(campaigns: list[Campaign], today: dt.date) -> None:
    """Closed SPAK/SPKP/SKM campaigns fill the LKE of units whose assessment is still a draft."""
    from zona.assessments.models import Assessment

    for campaign in campaigns:
        campaign.refresh_from_db()
        if campaign.status != Campaign.Status.CLOSED and campaign.published_at is None:
            continue
        assessment = Assessment.objects.filter(
            unit=campaign.unit, period__year=campaign.year, status=Assessment.Status.DRAFT
        ).first()
        if assessment is None:
            continue
        operator = User.objects.get(username=f"operator-{campaign.unit.slug}")
        survey_services.campaign_feed_lke(
            campaign=campaign, assessment=assessment, actor=operator, confirm=True
        )


def _responses(
    campaign: Campaign,
    definition: Any,
    count: int,
    rng: random.Random,
    quality: float,
    service_types: list[Any],
    starts: dt.date,
    ends: dt.date,
) -> None:
    scale = definition.scale
    days = max(1, min((ends - starts).days, (timezone.localdate() - starts).days))
    rows = []
    for _ in range(count):
        moment = dt.datetime.combine(
            starts + dt.timedelta(days=rng.randrange(days)), dt.time(rng.randint(8, 15))
        )
        row = Response(
            campaign=campaign,
            service_type=rng.choice(service_types) if service_types else None,
            submitted_at=timezone.make_aware(moment),
            channel=rng.choice(
                [Response.Channel.WEB, Response.Channel.WEB, Response.Channel.PAPER, Response.Channel.KIOSK]
            ),
            gender=rng.choice(["L", "P"]),
            age=rng.randint(18, 70),
            education=rng.choice(EDUCATION),
            occupation=rng.choice(OCCUPATION),
        )
        weak = rng.random() < 0.15  # a few unhappy respondents
        for question in definition.questions:
            setattr(row, question.column, _value(rng, quality - (0.35 if weak else 0), scale))
        rows.append(row)
    Response.objects.bulk_create(rows, batch_size=500)
