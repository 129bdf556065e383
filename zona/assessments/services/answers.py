"""Saving an answer: the rules of who may write which layer when, and no silently lost update."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zona.accounts import permissions
from zona.accounts.permissions import Action
from zona.audit.services import audit_record
from zona.lke.answers import InvalidAnswer, answer_to_json, parse_answer

from ..models import Answer, AnswerRevision, Assessment, Period, ReturnedItem, ReviewStage
from ..selectors.core import engine_for, may_act_at_stage


class AnswerConflict(Exception):
    """Someone saved this item since the version the saver started from."""

    def __init__(self, answer: Answer):
        super().__init__(answer.item_code)
        self.answer = answer


@dataclass(frozen=True)
class SaveResult:
    answer: Answer
    changed: bool


def unit_may_edit_item(assessment: Assessment, item_code: str) -> bool:
    """The unit may edit every item of a draft, and only the returned (unresolved) items once returned."""
    if assessment.period.status != Period.Status.OPEN:
        return False
    if assessment.status == Assessment.Status.DRAFT:
        return True
    if assessment.status == Assessment.Status.RETURNED:
        return ReturnedItem.objects.filter(
            assessment=assessment, item_code=item_code, resolved_at__isnull=True
        ).exists()
    return False


def _check_may_write(
    *, assessment: Assessment, item_code: str, stage: ReviewStage | None, actor: Any
) -> None:
    if stage is None:
        if not permissions.can(actor, Action.CHANGE, assessment):
            raise PermissionDenied(_("Anda tidak dapat mengubah jawaban unit ini."))
        if not unit_may_edit_item(assessment, item_code):
            raise ValidationError(
                _("Butir %(code)s terkunci: penilaian berstatus %(status)s.")
                % {"code": item_code, "status": assessment.get_status_display()}
            )
        return
    if not permissions.can(actor, Action.REVIEW, assessment):
        raise PermissionDenied(_("Hanya evaluator TPI unit ini yang dapat mengisi jawaban reviu."))
    if not may_act_at_stage(actor, assessment, stage):
        raise PermissionDenied(_("Tahap %(stage)s ditugaskan kepada evaluator lain.") % {"stage": stage.name})
    if assessment.status != Assessment.Status.IN_REVIEW or assessment.current_stage_id != stage.pk:
        raise ValidationError(
            _("Butir %(code)s tidak dapat direviu pada tahap %(stage)s sekarang.")
            % {"code": item_code, "stage": stage.name}
        )


MAX_TEXT_CHARS = 20_000


def _text_refusal(text: str | None, label: str) -> str | None:
    """Why a narrative or review note cannot be stored (too long, a NUL byte PostgreSQL refuses), or None."""
    if text is None:
        return None
    if not isinstance(text, str):
        return _("%(label)s harus berupa teks") % {"label": label}
    if len(text) > MAX_TEXT_CHARS:
        return _("%(label)s terlalu panjang (paling banyak %(n)s karakter)") % {
            "label": label,
            "n": f"{MAX_TEXT_CHARS:,}".replace(",", "."),
        }
    if "\x00" in text:
        return _("%(label)s berisi karakter NUL yang tidak dapat disimpan") % {"label": label}
    return None


@transaction.atomic
def answer_save(
    *,
    assessment: Assessment,
    item_code: str,
    value: Any,
    actor: Any,
    stage: ReviewStage | None = None,
    narrative: str | None = None,
    note: str | None = None,
    expected_version: int | None = None,
) -> SaveResult:
    """Save one answer (the unit's when `stage` is None, else that review stage's).

    `value` is what the person gave (validated by the engine, never trusted); `expected_version` is the
    version the form was loaded with: if someone saved in between, AnswerConflict carries the newer one.
    """
    # Parse (bounded, see zona.lke.numbers) BEFORE the row lock: no input can hold the assessment locked.
    # The framework is pinned to the period, so reading it unlocked is safe.
    framework = engine_for(assessment)
    item = framework.items.get(item_code)
    if item is None:
        raise ValidationError(
            _("Kode butir %(code)s tidak ada dalam LKE ini.") % {"code": str(item_code)[:60]}
        )
    refusal: str | None = None
    parsed = None
    try:
        parsed = parse_answer(framework, item, value)
    except InvalidAnswer as exc:
        refusal = f"{item_code}: {exc}"
    refusal = refusal or _text_refusal(narrative, _("penjelasan")) or _text_refusal(note, _("catatan reviu"))
    assessment = Assessment.objects.select_for_update().select_related("period").get(pk=assessment.pk)
    _check_may_write(assessment=assessment, item_code=item_code, stage=stage, actor=actor)
    if refusal:
        raise ValidationError(refusal)
    stored = None if parsed is None else answer_to_json(parsed)

    answer = (
        Answer.objects.select_for_update()
        .filter(assessment=assessment, item_code=item_code, stage=stage)
        .first()
    )
    if answer is not None and expected_version is not None and answer.version != expected_version:
        raise AnswerConflict(answer)
    if answer is None and expected_version not in (None, 0):
        # the form was loaded with an answer that has since been removed: treat as a conflict too
        raise AnswerConflict(Answer(assessment=assessment, item_code=item_code, stage=stage, version=0))

    old = (
        None
        if answer is None
        else {"value": answer.value, "narrative": answer.narrative, "note": answer.note}
    )
    if answer is None:
        answer = Answer(assessment=assessment, item_code=item_code, stage=stage, updated_by=actor, version=0)
    new_narrative = answer.narrative if narrative is None else narrative.strip()
    new_note = answer.note if note is None else note.strip()
    if old is not None and (old["value"], old["narrative"], old["note"]) == (stored, new_narrative, new_note):
        return SaveResult(answer, changed=False)
    answer.value = stored
    answer.narrative = new_narrative
    answer.note = new_note
    answer.version += 1
    answer.updated_by = actor
    answer.save()
    AnswerRevision.objects.create(
        answer=answer, version=answer.version, value=stored, narrative=new_narrative, note=new_note, by=actor
    )
    new = {"value": stored, "narrative": new_narrative, "note": new_note}
    audit_record(
        event="answer.saved",
        actor=actor,
        obj=answer,
        changes={
            "item": item_code,
            "stage": stage.name if stage else None,
            **{
                key: [None if old is None else old[key], new[key]]
                for key in new
                if old is None or old[key] != new[key]
            },
        },
    )
    return SaveResult(answer, changed=True)
