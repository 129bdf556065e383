"""Helpers shared by the public-form, entry and abuse tests (no tests here): instruments and campaigns
created straight from the shipped data files, and a valid submission payload."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from pathlib import Path
from typing import Any

from zona.surveys import services_public
from zona.surveys.instruments import read_instrument_data
from zona.surveys.models import Campaign, Instrument
from zona.units.models import ServiceType

DATA = Path(__file__).resolve().parents[2] / "zona" / "surveys" / "data"
SKM_FILE = DATA / "skm-permenpanrb-14-2017.yaml"
# A respondent's answers by code; U8 (pengaduan) and U9 (sarana) differ so that a swap would show.
SKM_ANSWERS = {"U1": 3, "U2": 4, "U3": 4, "U4": 3, "U5": 2, "U6": 4, "U7": 4, "U8": 1, "U9": 2}


def instrument(path: Path = SKM_FILE) -> Instrument:
    data = read_instrument_data(path)
    digest = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()
    row, _created = Instrument.objects.get_or_create(
        code=data["code"],
        version=1,
        defaults={
            "kind": data["kind"],
            "name": data["name"],
            "scale_max": data["scale"],
            "definition": data,
            "content_hash": digest,
        },
    )
    return row


def campaign(
    regency: Any,
    *,
    unit: Any = None,
    short_code: str = "dukcapil-skm",
    status: str = Campaign.Status.OPEN,
    require_code: bool = False,
    path: Path = SKM_FILE,
    service_types: tuple[str, ...] = ("Kartu Tanda Penduduk", "Akta Kelahiran"),
) -> Campaign:
    unit = unit or regency.unit_a
    created = Campaign.objects.create(
        unit=unit,
        instrument=instrument(path),
        title="SKM Dukcapil Semester I 2026",
        year=2026,
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 6, 30),
        status=status,
        short_code=short_code,
        require_code=require_code,
        created_by=regency.koordinator,
    )
    for name in service_types:
        created.service_types.add(ServiceType.objects.get_or_create(unit=unit, name=name)[0])
    return created


def payload(c: Campaign, answers: dict[str, int] | None = None, **extra: Any) -> dict[str, Any]:
    """A complete valid POST for the public form, with a timing token old enough to pass."""
    data: dict[str, Any] = {f"q_{code}": str(value) for code, value in (answers or SKM_ANSWERS).items()}
    first = c.service_types.order_by("name").first()
    if first is not None:
        data["service_type"] = str(first.pk)
    data["started"] = services_public.form_token(now=time.time() - 60)
    data["website"] = ""
    data.update(extra)
    return data


def _urlpatterns() -> list[Any]:
    """The project's URLs, plus the entry pages at /survei/isi/ until the project mounts them itself."""
    from django.urls import include, path

    from zona import urls

    mounted = any(getattr(p, "namespace", None) == "survey_entry" for p in urls.urlpatterns)
    extra = [] if mounted else [path("survei/isi/", include("zona.surveys.urls_entry"))]
    return [*extra, *urls.urlpatterns]


# Use with `pytest.mark.urls(URLCONF)`.
URLCONF = __name__
urlpatterns = _urlpatterns()
