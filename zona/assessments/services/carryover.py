"""Carrying a unit's earlier LKE (e.g. under 52/2014) over to its new draft (e.g. under 90/2021).

`carryover_apply` writes exactly the preview the person confirmed (`selectors.carryover`): the earlier
answers of items whose question is the same, into items the new draft leaves blank, and the earlier data
dukung links of the same or related items, onto items with none yet. One transaction, one audit record
naming every item written; nothing is overwritten.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zona.accounts import permissions
from zona.accounts.permissions import Action
from zona.audit.services import audit_record

from ..models import Answer, AnswerRevision, Assessment, Evidence, Period
from ..selectors.carryover import CarryoverPreview, CarryoverUnavailable, carryover_preview


@dataclass(frozen=True)
class CarryoverResult:
    answers: int
    evidence: int
    preview: CarryoverPreview


def carryover_check(*, target: Assessment, actor: Any) -> None:
    """Who may carry answers over, and when: as for answering (the unit's team or the koordinator, on a
    draft of an open period), the same rule as the answers themselves."""
    if not permissions.can(actor, Action.CHANGE, target):
        raise PermissionDenied(_("Anda tidak dapat mengubah jawaban unit ini."))
    if target.status != Assessment.Status.DRAFT or target.period.status != Period.Status.OPEN:
        raise ValidationError(
            _("Jawaban hanya dapat dibawa ke penilaian berstatus draf pada periode yang berjalan.")
        )


@transaction.atomic
def carryover_apply(*, source: Assessment, target: Assessment, actor: Any, token: str) -> CarryoverResult:
    """Apply the preview whose fingerprint is `token`; refused when anything changed since it was shown."""
    target = (
        Assessment.objects.select_for_update().select_related("period__framework", "unit").get(pk=target.pk)
    )
    source = Assessment.objects.select_related("period__framework", "unit").get(pk=source.pk)
    carryover_check(target=target, actor=actor)
    if source.unit_id != target.unit_id or source.period.instansi_id != target.period.instansi_id:
        raise ValidationError(_("Penilaian asal harus milik unit yang sama."))
    try:
        preview = carryover_preview(source=source, target=target)
    except CarryoverUnavailable as exc:
        raise ValidationError(str(exc)) from exc
    if preview.token != token:
        raise ValidationError(
            _("Lembar kerja berubah sejak pratinjau ditampilkan. Periksa pratinjau baru, lalu setujui lagi.")
        )
    written: dict[str, Any] = {}
    for row in preview.answers:
        answer = (
            Answer.objects.select_for_update()
            .filter(assessment=target, item_code=row.code, stage=None)
            .first()
        )
        if answer is not None and answer.value is not None:
            continue  # answered meanwhile under the same lock: never overwritten (the token would differ)
        if answer is None:
            answer = Answer(assessment=target, item_code=row.code, stage=None, version=0, updated_by=actor)
        answer.value = row.source_answer
        if not answer.narrative:
            answer.narrative = _("Dibawa dari penilaian %(year)s (%(framework)s), butir %(codes)s.") % {
                "year": source.period.year,
                "framework": source.period.framework.code,
                "codes": ", ".join(row.sources),
            }
        answer.version += 1
        answer.updated_by = actor
        answer.save()
        AnswerRevision.objects.create(
            answer=answer, version=answer.version, value=answer.value, narrative=answer.narrative, by=actor
        )
        written[row.code] = {"from": list(row.sources), "value": row.source_answer}
    links = [
        Evidence(
            assessment=target,
            item_code=row.code,
            document_id=plan.document_id,
            url=plan.url,
            title=plan.title,
            added_by=actor,
        )
        for row in preview.rows
        for plan in row.evidence
    ]
    Evidence.objects.bulk_create(links)
    if written or links:
        if target.copied_from_id is None:
            target.copied_from = source
            target.save(update_fields=["copied_from", "updated_at"])
        audit_record(
            event="assessment.carried_over",
            actor=actor,
            obj=target,
            changes={
                "from": source.pk,
                "mapping": f"{preview.mapping.source} → {preview.mapping.target}",
                "source_layer": preview.source_layer,
                "answers": written,
                "evidence": [
                    [row.code, [plan.source_id for plan in row.evidence]]
                    for row in preview.rows
                    if row.evidence
                ],
            },
        )
    return CarryoverResult(answers=len(written), evidence=len(links), preview=preview)
