"""Evidence (data dukung) of an assessment's items: uploads, links, documents reused, removals kept.

Files go through `zona.documents.services.document_store` (checked by content, size-limited, stored once
by SHA-256), so a file uploaded twice, or reused on another item or in a later period, keeps one blob.
The unit edits evidence under the same rules as its answers (`unit_may_edit_item` and the CHANGE
permission); every change is audited; a removal keeps the row (removed_at/removed_by) as history.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePath
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zona.accounts import permissions
from zona.accounts.permissions import Action
from zona.audit.services import audit_record
from zona.documents.models import Document
from zona.documents.services import document_store

from ..models import Assessment, Evidence
from ..selectors.core import engine_for
from .answers import unit_may_edit_item

MAX_FILES = 20
TITLE_MAX = 255


def _locked_assessment(assessment: Assessment) -> Assessment:
    return (
        Assessment.objects.select_for_update()
        .select_related("period", "unit__instansi")
        .get(pk=assessment.pk)
    )


def _check_may_change(*, assessment: Assessment, item_code: str, actor: Any) -> None:
    if item_code not in engine_for(assessment).items:
        raise ValidationError(_("Kode butir %(code)s tidak ada dalam LKE ini.") % {"code": item_code})
    if not permissions.can(actor, Action.CHANGE, assessment):
        raise PermissionDenied(_("Anda tidak dapat mengubah data dukung unit ini."))
    if not unit_may_edit_item(assessment, item_code):
        raise ValidationError(
            _("Butir %(code)s terkunci: penilaian berstatus %(status)s.")
            % {"code": item_code, "status": assessment.get_status_display()}
        )


def _title(raw: str, fallback: str) -> str:
    title = " ".join((raw or "").split()) or " ".join(fallback.split())
    return title[:TITLE_MAX]


def _audit(event: str, evidence: Evidence, actor: Any, **changes: Any) -> None:
    audit_record(
        event=event,
        actor=actor,
        obj=evidence,
        instansi_id=evidence.assessment.unit.instansi_id,
        unit_id=evidence.assessment.unit_id,
        changes={"item": evidence.item_code, **changes},
    )


@transaction.atomic
def evidence_upload(
    *, assessment: Assessment, item_code: str, files: Sequence[UploadedFile], actor: Any, title: str = ""
) -> list[Evidence]:
    """Store each file as a data-dukung Document of the unit and attach it to the item (all or nothing)."""
    assessment = _locked_assessment(assessment)
    _check_may_change(assessment=assessment, item_code=item_code, actor=actor)
    if not files:
        raise ValidationError(_("%(code)s: pilih sedikitnya satu berkas.") % {"code": item_code})
    if len(files) > MAX_FILES:
        raise ValidationError(
            _("%(code)s: paling banyak %(n)s berkas sekaligus.") % {"code": item_code, "n": MAX_FILES}
        )
    created = []
    for uploaded in files:
        stem = PurePath(uploaded.name or "").stem or _("Data dukung")
        name = _title(title, stem) if len(files) == 1 else _title(f"{title} {stem}" if title else "", stem)
        try:
            document = document_store(
                instansi=assessment.unit.instansi,
                unit=assessment.unit,
                uploaded=uploaded,
                kind=Document.Kind.DATA_DUKUNG,
                actor=actor,
                title=name,
            )
        except ValidationError as exc:
            raise ValidationError(f"{item_code}: {' '.join(exc.messages)}") from exc
        evidence = Evidence.objects.create(
            assessment=assessment, item_code=item_code, document=document, title=name, added_by=actor
        )
        _audit(
            "evidence.uploaded",
            evidence,
            actor,
            title=[None, name],
            document=[None, document.pk],
            sha256=document.blob.sha256,
        )
        created.append(evidence)
    return created


@transaction.atomic
def evidence_link(*, assessment: Assessment, item_code: str, url: str, title: str, actor: Any) -> Evidence:
    """Attach a link (an online document, a web page of the unit) as evidence of the item."""
    assessment = _locked_assessment(assessment)
    _check_may_change(assessment=assessment, item_code=item_code, actor=actor)
    url = (url or "").strip()
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise ValidationError(
            {"url": _("%(code)s: tautan harus alamat web lengkap (https://…).") % {"code": item_code}}
        ) from None
    if len(url) > 500:
        raise ValidationError({"url": _("%(code)s: tautan terlalu panjang.") % {"code": item_code}})
    evidence = Evidence.objects.create(
        assessment=assessment, item_code=item_code, url=url, title=_title(title, url), added_by=actor
    )
    _audit("evidence.linked", evidence, actor, title=[None, evidence.title], url=[None, url])
    return evidence


@transaction.atomic
def evidence_attach_document(
    *, assessment: Assessment, item_code: str, document: Document, actor: Any
) -> Evidence:
    """Reuse a Document the unit (or its instansi) already has, without uploading it again."""
    assessment = _locked_assessment(assessment)
    _check_may_change(assessment=assessment, item_code=item_code, actor=actor)
    unit = assessment.unit
    if document.instansi_id != unit.instansi_id or document.unit_id not in (None, unit.pk):
        raise ValidationError(
            {"document": _("%(code)s: dokumen ini bukan milik unit ini.") % {"code": item_code}}
        )
    if Evidence.objects.filter(
        assessment=assessment, item_code=item_code, document=document, removed_at__isnull=True
    ).exists():
        raise ValidationError(
            {"document": _("%(code)s: dokumen ini sudah dilampirkan pada butir ini.") % {"code": item_code}}
        )
    evidence = Evidence.objects.create(
        assessment=assessment,
        item_code=item_code,
        document=document,
        title=_title(document.title, document.original_name),
        added_by=actor,
    )
    _audit(
        "evidence.attached",
        evidence,
        actor,
        title=[None, evidence.title],
        document=[None, document.pk],
        kind=document.kind,
    )
    return evidence


@transaction.atomic
def evidence_remove(*, evidence: Evidence, actor: Any) -> Evidence:
    """Take the evidence off the item; the row stays (removed_at/removed_by) and is shown as history."""
    evidence = Evidence.objects.select_for_update().get(pk=evidence.pk)
    assessment = _locked_assessment(evidence.assessment)
    evidence.assessment = assessment
    _check_may_change(assessment=assessment, item_code=evidence.item_code, actor=actor)
    if evidence.removed_at is not None:
        raise ValidationError(_("%(code)s: data dukung ini sudah dihapus.") % {"code": evidence.item_code})
    evidence.removed_at = timezone.now()
    evidence.removed_by = actor
    evidence.save(update_fields=["removed_at", "removed_by"])
    _audit("evidence.removed", evidence, actor, title=evidence.title, removed_at=[None, evidence.removed_at])
    return evidence
