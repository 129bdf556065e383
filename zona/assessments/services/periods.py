"""Opening an assessment period: pinned to a framework version, with its review stages as rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zona.accounts import permissions
from zona.accounts.permissions import Action
from zona.audit.services import audit_record
from zona.frameworks.models import Framework
from zona.units.models import Instansi, Unit

from ..models import Answer, AnswerRevision, Assessment, Evidence, Period, ReviewStage

DEFAULT_STAGES = ("Anggota tim", "Ketua tim", "Pengendali teknis")


def _check_dates(
    *,
    self_start: dt.date,
    self_end: dt.date,
    review_start: dt.date,
    review_end: dt.date,
    revision_end: dt.date,
) -> None:
    errors = {}
    if self_end < self_start:
        errors["self_end"] = _("Akhir penilaian mandiri tidak boleh sebelum awalnya.")
    if review_start < self_start:
        errors["review_start"] = _("Reviu TPI tidak boleh dimulai sebelum penilaian mandiri.")
    if review_end < review_start:
        errors["review_end"] = _("Akhir reviu TPI tidak boleh sebelum awalnya.")
    if revision_end < review_end:
        errors["revision_end"] = _("Batas perbaikan tidak boleh sebelum akhir reviu TPI.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def period_open(
    *,
    instansi: Instansi,
    framework: Framework,
    year: int,
    self_start: dt.date,
    self_end: dt.date,
    review_start: dt.date,
    review_end: dt.date,
    revision_end: dt.date,
    units: Sequence[Unit],
    actor: Any,
    semester: int | None = None,
    name: str = "",
    stage_names: Sequence[str] = DEFAULT_STAGES,
    copy_previous: bool = False,
) -> Period:
    """Open a period and create one assessment per chosen unit (optionally starting from their last one)."""
    if not permissions.can(actor, Action.MANAGE, instansi):
        raise PermissionDenied(_("Hanya koordinator yang dapat membuka periode penilaian."))
    _check_dates(
        self_start=self_start,
        self_end=self_end,
        review_start=review_start,
        review_end=review_end,
        revision_end=revision_end,
    )
    if semester not in (None, 1, 2):
        raise ValidationError({"semester": _("Semester harus 1 atau 2.")})
    if not framework.complete:
        raise ValidationError(
            {
                "framework": _("Kerangka %(code)s belum lengkap dan tidak dapat dipakai menilai.")
                % {"code": framework.code}
            }
        )
    names = [n.strip() for n in stage_names if n.strip()]
    if not names:
        raise ValidationError({"stage_names": _("Sedikitnya satu tahap reviu TPI.")})
    if len({n.casefold() for n in names}) != len(names):
        raise ValidationError({"stage_names": _("Nama tahap reviu tidak boleh berulang.")})
    if not units:
        raise ValidationError({"units": _("Pilih sedikitnya satu unit kerja.")})
    if any(unit.instansi_id != instansi.pk for unit in units):
        raise ValidationError({"units": _("Semua unit harus berada pada instansi ini.")})
    if Period.objects.filter(instansi=instansi, year=year, semester=semester).exists():
        raise ValidationError({"year": _("Periode %(year)s sudah ada.") % {"year": year}})
    period = Period.objects.create(
        instansi=instansi,
        framework=framework,
        year=year,
        semester=semester,
        name=name.strip() or (f"Penilaian ZI {year}" + (f" semester {semester}" if semester else "")),
        self_start=self_start,
        self_end=self_end,
        review_start=review_start,
        review_end=review_end,
        revision_end=revision_end,
        created_by=actor,
    )
    ReviewStage.objects.bulk_create(
        ReviewStage(period=period, order=index, name=stage_name)
        for index, stage_name in enumerate(names, start=1)
    )
    audit_record(
        event="period.opened",
        actor=actor,
        obj=period,
        changes={
            "framework": f"{framework.code} v{framework.version}",
            "year": year,
            "semester": semester,
            "stages": names,
            "units": sorted(u.pk for u in units),
        },
    )
    for unit in units:
        assessment = Assessment.objects.create(period=period, unit=unit)
        if copy_previous:
            _copy_previous(assessment, actor)
    return period


def _copy_previous(assessment: Assessment, actor: Any) -> None:
    """Copy the unit's answers and evidence links of its latest earlier assessment, as a draft."""
    previous = (
        Assessment.objects.filter(unit=assessment.unit, period__instansi_id=assessment.period.instansi_id)
        .exclude(pk=assessment.pk)
        .order_by("-period__year", "-period__semester", "-pk")
        .first()
    )
    if previous is None:
        return
    same_framework = previous.period.framework.code == assessment.period.framework.code
    item_codes = set(assessment.period.framework.items.values_list("code", flat=True))
    copied = 0
    for row in Answer.objects.filter(assessment=previous, stage__isnull=True, item_code__in=item_codes):
        answer = Answer.objects.create(
            assessment=assessment,
            item_code=row.item_code,
            value=row.value,
            narrative=row.narrative,
            updated_by=actor,
            version=1,
        )
        AnswerRevision.objects.create(
            answer=answer, version=1, value=row.value, narrative=row.narrative, by=actor
        )
        copied += 1
    evidence = [
        Evidence(
            assessment=assessment,
            item_code=e.item_code,
            document_id=e.document_id,
            url=e.url,
            title=e.title,
            added_by=actor,
        )
        for e in Evidence.objects.filter(
            assessment=previous, removed_at__isnull=True, item_code__in=item_codes
        )
    ]
    Evidence.objects.bulk_create(evidence)
    assessment.copied_from = previous
    assessment.save(update_fields=["copied_from"])
    audit_record(
        event="assessment.copied",
        actor=actor,
        obj=assessment,
        changes={
            "from": previous.pk,
            "answers": copied,
            "evidence": len(evidence),
            "same_framework": same_framework,
        },
    )


@transaction.atomic
def stage_evaluators_set(*, stage: ReviewStage, users: Sequence[Any], actor: Any) -> ReviewStage:
    """Name who acts at a review stage (empty: every evaluator of the unit's TPI team may)."""
    period = stage.period
    if not permissions.can(actor, Action.MANAGE, period.instansi):
        raise PermissionDenied(_("Hanya koordinator yang dapat menugaskan evaluator."))
    from zona.accounts.models import Role, RoleAssignment

    evaluators = set(
        RoleAssignment.objects.filter(
            role=Role.EVALUATOR, instansi=period.instansi, revoked_at__isnull=True
        ).values_list("user_id", flat=True)
    )
    outsiders = [u.get_username() for u in users if u.pk not in evaluators]
    if outsiders:
        raise ValidationError(
            {
                "evaluators": _("Bukan evaluator TPI instansi ini: %(names)s.")
                % {"names": ", ".join(outsiders)}
            }
        )
    before = sorted(stage.evaluators.values_list("pk", flat=True))
    stage.evaluators.set(users)
    after = sorted(u.pk for u in users)
    if before != after:
        audit_record(
            event="period.stage_evaluators",
            actor=actor,
            obj=period,
            changes={"stage": stage.name, "evaluators": [before, after]},
        )
    return stage
