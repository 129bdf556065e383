"""Shared helpers for lifecycle tests: real minimal files, walking a unit along its stages, counting rows."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from zona.audit.models import AuditEvent
from zona.lifecycle.models import LifecycleEvent
from zona.lifecycle.services import stage_transition
from zona.units.models import Stage, Unit

PDF_BYTES = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)

# belum -> wbk, in the order a unit walks it.
PATH_TO_WBK = [
    Stage.DITETAPKAN,
    Stage.PENCANANGAN,
    Stage.PEMBANGUNAN,
    Stage.PENILAIAN_MANDIRI,
    Stage.EVALUASI_TPI,
    Stage.DIUSULKAN,
    Stage.WBK,
]


def pdf(name: str = "pakta.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def png_named_pdf(name: str = "pakta.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG_BYTES, content_type="application/pdf")


def today() -> dt.date:
    return timezone.localdate()


def days_ago(n: int) -> dt.date:
    return today() - dt.timedelta(days=n)


def needs(stage: str) -> dict[str, Any]:
    """What a move needs beyond a date, filled in validly."""
    if stage == Stage.PENCANANGAN:
        return {"files": [pdf()], "signatory_count": 42}
    if stage in (Stage.WBK, Stage.WBBM):
        return {"sk_number": f"SK-{stage}-001", "sk_date": None}
    return {}


def move(unit: Unit, stage: str, actor: Any, date: dt.date, **extra: Any) -> LifecycleEvent:
    kwargs = needs(stage)
    if "sk_date" in kwargs:
        kwargs["sk_date"] = date
    kwargs.update(extra)
    return stage_transition(unit=unit, to_stage=stage, actor=actor, date=date, **kwargs)


def walk(unit: Unit, actor: Any, stages: list[str], dates: list[dt.date]) -> None:
    for stage, date in zip(stages, dates, strict=True):
        move(unit, stage, actor, date)


def walk_to_wbk(unit: Unit, actor: Any, *, start_days_ago: int = 800) -> None:
    """belum -> wbk with a building period of more than a year, all dated in the past."""
    n = start_days_ago
    dates = [
        days_ago(n),
        days_ago(n - 10),
        days_ago(n - 20),
        days_ago(n - 400),
        days_ago(n - 410),
        days_ago(n - 420),
        days_ago(n - 430),
    ]
    walk(unit, actor, PATH_TO_WBK, dates)


def counts(unit: Unit) -> tuple[str, int, int]:
    """Stage, lifecycle events and audit records of changes (a refusal's own `access.denied` aside)."""
    unit.refresh_from_db()
    changes = AuditEvent.objects.exclude(event="access.denied").count()
    return unit.stage, LifecycleEvent.objects.count(), changes
