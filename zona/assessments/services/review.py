"""Submission and the staged TPI review: the one place that moves an assessment's status and stage.

draft ──submit──▶ in_review (stage 1) ──advance──▶ in_review (stage 2) … ──finalise (last stage)──▶ final
                      │  ▲
               return │  │ resubmit (the returned items resolved; back to the stage that returned them)
                      ▼  │
                    returned

Stage answers are written with `answers.answer_save(..., stage=assessment.current_stage)`. Each service here
locks the assessment row, checks who may act, and writes one audit record with the old and new status.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zona.accounts import permissions
from zona.accounts.permissions import Action
from zona.audit.services import audit_record
from zona.lke.answers import answer_to_json

from ..models import AreaReviewNote, Assessment, Period, ReturnedItem, ReviewStage
from ..selectors.core import assessment_score, effective_answers, engine_for, may_act_at_stage
from ..selectors.review import Completeness, assessment_completeness

logger = logging.getLogger(__name__)

__all__ = [
    "Completeness",
    "IncompleteAssessment",
    "assessment_completeness",
    "assessment_submit",
    "review_advance",
    "review_finalise",
    "review_return",
]


class IncompleteAssessment(ValidationError):
    """Submission refused because items are unanswered or lack evidence and that was not acknowledged."""

    def __init__(self, completeness: Completeness):
        super().__init__(
            _(
                "Penilaian belum lengkap: %(unanswered)s butir belum dijawab dan %(evidence)s butir belum "
                "memiliki data dukung. Centang \u201cajukan walau belum lengkap\u201d untuk tetap mengajukan."
            )
            % {"unanswered": len(completeness.unanswered), "evidence": len(completeness.without_evidence)},
            code="incomplete",
        )
        self.completeness = completeness


def _locked(assessment: Assessment) -> Assessment:
    return (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("period", "unit", "current_stage")
        .get(pk=assessment.pk)
    )


def _refresh(target: Assessment, source: Assessment) -> None:
    """Let the caller's instance see the new state."""
    for name in ("status", "current_stage", "submitted_at", "finalised_at", "final_result", "updated_at"):
        setattr(target, name, getattr(source, name))


def _stages(assessment: Assessment) -> list[ReviewStage]:
    return list(ReviewStage.objects.filter(period_id=assessment.period_id).order_by("order"))


def _check_current_stage(assessment: Assessment, stage: ReviewStage, actor: Any) -> None:
    if not permissions.can(actor, Action.REVIEW, assessment):
        raise PermissionDenied(_("Hanya evaluator TPI unit ini yang dapat mereviu penilaian ini."))
    if not may_act_at_stage(actor, assessment, stage):
        raise PermissionDenied(_("Tahap %(stage)s ditugaskan kepada evaluator lain.") % {"stage": stage.name})
    if assessment.status != Assessment.Status.IN_REVIEW or assessment.current_stage_id != stage.pk:
        raise ValidationError(
            _("Penilaian tidak sedang direviu pada tahap %(stage)s (status: %(status)s).")
            % {"stage": stage.name, "status": assessment.get_status_display()}
        )


@transaction.atomic
def assessment_submit(
    *, assessment: Assessment, actor: Any, acknowledge_incomplete: bool = False
) -> Assessment:
    """The unit head submits the self-assessment (or resubmits it after a return) to the TPI.

    From draft it goes to the first review stage; from returned, the returned items are marked resolved
    and it goes back to the stage that returned them. Incomplete work is refused unless acknowledged;
    a late submission is allowed and recorded as late in the audit record.
    """
    locked = _locked(assessment)
    if not permissions.can(actor, Action.SUBMIT, locked):
        raise PermissionDenied(_("Hanya ketua tim atau koordinator yang dapat mengajukan penilaian."))
    if locked.status not in (Assessment.Status.DRAFT, Assessment.Status.RETURNED):
        raise ValidationError(
            _("Penilaian berstatus %(status)s dan tidak dapat diajukan.")
            % {"status": locked.get_status_display()}
        )
    if locked.period.status != Period.Status.OPEN:
        raise ValidationError(_("Periode %(period)s sudah ditutup.") % {"period": locked.period.name})
    completeness = assessment_completeness(locked)
    if not completeness.complete and not acknowledge_incomplete:
        raise IncompleteAssessment(completeness)

    now = timezone.now()
    today = timezone.localdate()
    old_status = locked.status
    old_stage = locked.current_stage
    changes: dict[str, Any] = {}
    if old_status == Assessment.Status.DRAFT:
        stages = _stages(locked)
        if not stages:
            raise ValidationError(_("Periode ini belum memiliki tahap reviu TPI."))
        new_stage = stages[0]
        deadline = locked.period.self_end
        event = "assessment.submitted"
        locked.submitted_at = now
    else:
        if old_stage is None:
            raise ValidationError(_("Tahap reviu yang mengembalikan penilaian ini tidak diketahui."))
        new_stage = old_stage
        deadline = locked.period.revision_end
        event = "assessment.resubmitted"
        resolved = list(
            ReturnedItem.objects.filter(assessment=locked, resolved_at__isnull=True).values_list(
                "item_code", flat=True
            )
        )
        ReturnedItem.objects.filter(assessment=locked, resolved_at__isnull=True).update(resolved_at=now)
        changes["resolved"] = sorted(resolved)
    locked.status = Assessment.Status.IN_REVIEW
    locked.current_stage = new_stage
    locked.save(update_fields=["status", "current_stage", "submitted_at", "updated_at"])
    changes["status"] = [old_status, locked.status]
    changes["stage"] = [old_stage.name if old_stage else None, new_stage.name]
    changes["deadline"] = deadline
    if today > deadline:
        changes["late_days"] = (today - deadline).days
    if not completeness.complete:
        changes["incomplete_acknowledged"] = completeness.summary()
    audit_record(event=event, actor=actor, obj=locked, changes=changes)
    _refresh(assessment, locked)
    return locked


@transaction.atomic
def review_return(
    *, assessment: Assessment, stage: ReviewStage, items: Mapping[str, str], actor: Any
) -> list[ReturnedItem]:
    """The current stage sends selected items back to the unit, each with a comment saying what to fix."""
    locked = _locked(assessment)
    _check_current_stage(locked, stage, actor)
    if not items:
        raise ValidationError(_("Pilih sedikitnya satu butir yang dikembalikan."))
    framework = engine_for(locked)
    unknown = sorted(code for code in items if code not in framework.items)
    if unknown:
        raise ValidationError(
            _("Kode butir tidak ada dalam LKE ini: %(codes)s.") % {"codes": ", ".join(unknown)}
        )
    comments = {code: (comment or "").strip() for code, comment in items.items()}
    without = [code for code in framework.items if code in comments and not comments[code]]
    if without:
        raise ValidationError(
            _("Tuliskan catatan perbaikan untuk butir %(codes)s.") % {"codes": ", ".join(without)},
            code="comment_required",
        )
    ordered = [code for code in framework.items if code in comments]
    rows = ReturnedItem.objects.bulk_create(
        ReturnedItem(
            assessment=locked, stage=stage, item_code=code, comment=comments[code], returned_by=actor
        )
        for code in ordered
    )
    old_status = locked.status
    locked.status = Assessment.Status.RETURNED
    locked.save(update_fields=["status", "updated_at"])
    audit_record(
        event="assessment.returned",
        actor=actor,
        obj=locked,
        changes={
            "status": [old_status, locked.status],
            "stage": stage.name,
            "items": {code: comments[code] for code in ordered},
        },
    )
    _refresh(assessment, locked)
    return rows


@transaction.atomic
def review_advance(*, assessment: Assessment, stage: ReviewStage, actor: Any) -> Assessment:
    """The current stage is done: the next stage takes over (the last stage finalises instead)."""
    locked = _locked(assessment)
    _check_current_stage(locked, stage, actor)
    following = [s for s in _stages(locked) if s.order > stage.order]
    if not following:
        raise ValidationError(
            _("%(stage)s adalah tahap terakhir: finalkan penilaian.") % {"stage": stage.name}
        )
    locked.current_stage = following[0]
    locked.save(update_fields=["current_stage", "updated_at"])
    audit_record(
        event="assessment.advanced",
        actor=actor,
        obj=locked,
        changes={"stage": [stage.name, following[0].name], "status": [locked.status, locked.status]},
    )
    _refresh(assessment, locked)
    return locked


@transaction.atomic
def review_finalise(*, assessment: Assessment, actor: Any) -> Assessment:
    """The last stage finalises: the scores of the unit and of the TPI are frozen in `final_result`.

    After this no answer changes (answer_save refuses anything but draft/returned/in_review), so the
    frozen record and the stored answers stay in agreement; the LHE is generated from `final_result`.
    """
    locked = _locked(assessment)
    stages = _stages(locked)
    if not stages or locked.current_stage_id is None:
        raise ValidationError(_("Penilaian tidak sedang direviu."))
    last = stages[-1]
    if locked.current_stage_id != last.pk:
        if not permissions.can(actor, Action.REVIEW, locked):
            raise PermissionDenied(_("Hanya evaluator TPI unit ini yang dapat memfinalkan penilaian."))
        raise ValidationError(
            _("Penilaian hanya dapat difinalkan pada tahap terakhir (%(stage)s).") % {"stage": last.name}
        )
    _check_current_stage(locked, last, actor)
    framework = engine_for(locked)
    now = timezone.now()
    tpi = assessment_score(locked, last)
    unit = assessment_score(locked)
    period_framework = locked.period.framework
    locked.final_result = {
        "framework": f"{period_framework.code} v{period_framework.version}",
        "stage": last.name,
        "finalised_at": now.isoformat(),
        "tpi": tpi.to_dict(),
        "unit": unit.to_dict(),
        "answers": {
            "unit": {code: answer_to_json(value) for code, value in effective_answers(locked).items()},
            "tpi": {code: answer_to_json(value) for code, value in effective_answers(locked, last).items()},
        },
        "items": len(framework.items),
    }
    old_status = locked.status
    locked.status = Assessment.Status.FINAL
    locked.finalised_at = now
    locked.save(update_fields=["status", "finalised_at", "final_result", "updated_at"])
    audit_record(
        event="assessment.finalised",
        actor=actor,
        obj=locked,
        changes={
            "status": [old_status, locked.status],
            "stage": last.name,
            "total_tpi": locked.final_result["tpi"]["total"],
            "total_unit": locked.final_result["unit"]["total"],
        },
    )
    # The official LHE is written once, by the evaluator who finalised, after this transaction commits:
    # rendering the PDF takes seconds and must not hold the assessment's lock (nor, on SQLite, the
    # database's). A failure does not undo the finalisation: it is recorded and the LHE is written on the
    # next download by a reviewer or the coordinator (or by `lhe_generate_after_commit` again).
    transaction.on_commit(partial(lhe_generate_after_commit, locked.pk, actor))
    _refresh(assessment, locked)
    return locked


AREA_NOTE_MAX = 5000


@transaction.atomic
def area_note_save(
    *, assessment: Assessment, area: int, findings: str, recommendations: str, actor: Any
) -> AreaReviewNote:
    """The last review stage writes the TPI's findings and recommendations for one area (for the LHE)."""
    locked = _locked(assessment)
    stages = _stages(locked)
    if not stages:
        raise ValidationError(_("Periode ini tidak memiliki tahap reviu."))
    last = stages[-1]
    _check_current_stage(locked, last, actor)
    framework = engine_for(locked)
    if area not in {a.number for a in framework.areas}:
        raise ValidationError(_("Area %(area)s tidak ada dalam LKE ini.") % {"area": area})
    findings, recommendations = findings.strip(), recommendations.strip()
    for label, text in ((_("Temuan"), findings), (_("Rekomendasi"), recommendations)):
        if len(text) > AREA_NOTE_MAX:
            raise ValidationError(
                _("%(field)s area %(area)s terlalu panjang (%(n)s karakter; paling banyak %(max)s).")
                % {"field": label, "area": area, "n": len(text), "max": AREA_NOTE_MAX}
            )
    note = AreaReviewNote.objects.filter(assessment=locked, area=area).first()
    before = (
        {"findings": "", "recommendations": ""}
        if note is None
        else {
            "findings": note.findings,
            "recommendations": note.recommendations,
        }
    )
    if note is None:
        note = AreaReviewNote(assessment=locked, area=area)
    note.findings, note.recommendations, note.updated_by = findings, recommendations, actor
    note.save()
    changes = {
        key: [before[key], value]
        for key, value in (("findings", findings), ("recommendations", recommendations))
        if before[key] != value
    }
    if changes:
        audit_record(
            event="assessment.area_note_saved",
            actor=actor,
            obj=locked,
            changes={"area": area, "stage": last.name, **changes},
        )
    return note


def lhe_generate_after_commit(assessment_pk: int, actor: Any) -> None:
    from .lhe import lhe_generate

    assessment = Assessment.objects.get(pk=assessment_pk)
    try:
        lhe_generate(assessment=assessment, actor=actor)
    except Exception as exc:
        logger.exception("LHE of assessment %s could not be generated", assessment_pk)
        audit_record(
            event="assessment.lhe_failed",
            actor=actor,
            obj=assessment,
            changes={"error": f"{type(exc).__name__}: {exc}"[:500]},
        )
