"""Writing the lifecycle: the one stage transition service, and the prerequisites checklist.

Both check who may act (`zona.accounts.permissions`), check every rule before writing anything, and
write the audit record in the same transaction as the change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zona.accounts import permissions
from zona.audit.services import audit_record, diff
from zona.documents.models import Document
from zona.documents.services import PDF_ONLY, check_upload, document_store
from zona.units.models import Instansi, Stage, Unit

from . import prerequisites as prereq_defs
from .models import EvaluasiMandiri, InstansiPencanangan, KknOffence, LifecycleEvent, Prerequisite
from .policy import policy
from .rules import TRANSITIONS, Move, errors_of_pakta, move_errors, state_refusal

# The kind of document a move's uploads are stored as (all moves accept PDF only).
UPLOAD_KINDS: dict[str, str] = {
    Stage.PENCANANGAN: Document.Kind.PAKTA_INTEGRITAS,
    Stage.WBK: Document.Kind.SK_PREDIKAT,
    Stage.WBBM: Document.Kind.SK_PREDIKAT,
    Stage.DICABUT: Document.Kind.SK_PREDIKAT,
}


def early_exemption(unit: Unit) -> str:
    """The unit's 5/2024 early-proposal type label (a listed type, in a Pemda), else ""."""
    return policy().early_exemption(
        service_type=unit.stranas_type,
        instansi_kind=prereq_defs.instansi_kind(is_pemda=unit.instansi.is_pemda),
    )


def void_years(instansi_id: int) -> set[int]:
    """Years whose proposals a recorded KKN offence voided, for the instansi."""
    return set(KknOffence.objects.filter(instansi_id=instansi_id).values_list("year", flat=True))


def instansi_pencanangan_date(instansi_id: int) -> dt.date | None:
    """The first recorded pencanangan of the instansi (Tahap I), None when none is recorded."""
    first = InstansiPencanangan.objects.filter(instansi_id=instansi_id).order_by("date", "id").first()
    return first.date if first else None


def history(unit: Unit) -> list[Move]:
    """The unit's moves, oldest first (the order the rules read them in)."""
    return [
        Move(from_stage, to_stage, date)
        for from_stage, to_stage, date in LifecycleEvent.objects.filter(unit=unit)
        .order_by("date", "id")
        .values_list("from_stage", "to_stage", "date")
    ]


def _floor(unit: Unit, moves: Sequence[Move]) -> dt.date | None:
    """A move may not be dated before the unit's previous move (or its recorded stage date)."""
    if moves:
        return max(move.date for move in moves)
    return unit.stage_since


def allowed_next_stages(
    *, unit: Unit, user: Any, moves: Sequence[Move] | None = None, voided: Collection[int] | None = None
) -> list[str]:
    """The stages this user may move this unit to today (role and the unit's state; not form input)."""
    moves = history(unit) if moves is None else moves
    today = timezone.localdate()
    voided = void_years(unit.instansi_id) if voided is None else voided
    return [
        stage
        for stage in TRANSITIONS.get(unit.stage, ())
        if permissions.can_transition(user, unit, stage)
        and state_refusal(current=unit.stage, to_stage=stage, history=moves, today=today, void_years=voided)
        is None
    ]


@transaction.atomic
def stage_transition(
    *,
    unit: Unit,
    to_stage: str,
    actor: Any,
    date: dt.date | None,
    note: str = "",
    sk_number: str = "",
    sk_date: dt.date | None = None,
    signatory_count: int | None = None,
    staff_count: int | None = None,
    leader_signed: bool | None = None,
    exception_reason: str = "",
    documents: Iterable[Document] = (),
    files: Iterable[UploadedFile] = (),
) -> LifecycleEvent:
    """Move `unit` to `to_stage`, with its evidence; refuse with an Indonesian ValidationError."""
    locked = Unit.objects.select_for_update().get(pk=unit.pk)
    if not permissions.can_transition(actor, locked, to_stage):
        raise PermissionDenied(_("Anda tidak berwenang memindahkan unit ini ke tahap tersebut."))
    documents = list(documents)
    files = list(files)
    note, sk_number, exception_reason = note.strip(), sk_number.strip(), exception_reason.strip()
    moves = history(locked)
    kind = UPLOAD_KINDS.get(to_stage, Document.Kind.LAINNYA)
    exemption = early_exemption(locked)
    errors = move_errors(
        current=locked.stage,
        to_stage=to_stage,
        history=moves,
        today=timezone.localdate(),
        floor=_floor(locked, moves),
        date=date,
        sk_number=sk_number,
        sk_date=sk_date,
        signatory_count=signatory_count,
        exception_reason=exception_reason,
        pakta_count=len(files) + sum(1 for d in documents if d.kind == Document.Kind.PAKTA_INTEGRITAS),
        early_exemption=exemption,
        staff_count=staff_count,
        leader_signed=leader_signed,
        instansi_pencanangan=instansi_pencanangan_date(locked.instansi_id),
        void_years=void_years(locked.instansi_id),
    )
    if any(d.unit_id != locked.pk for d in documents):
        errors.setdefault("__all__", _("Dokumen yang dilampirkan bukan milik unit ini."))
    for uploaded in files:
        try:
            check_upload(uploaded, allowed=PDF_ONLY)
        except ValidationError as exc:
            errors.setdefault("files", " ".join(exc.messages))
    if errors:
        raise ValidationError({field: [message] for field, message in errors.items()})
    assert date is not None  # move_errors refuses a missing date

    stored = [
        document_store(
            instansi=locked.instansi,
            unit=locked,
            uploaded=uploaded,
            kind=kind,
            actor=actor,
            allowed=PDF_ONLY,
        )
        for uploaded in files
    ]
    old_stage = locked.stage
    event = LifecycleEvent.objects.create(
        unit=locked,
        from_stage=old_stage,
        to_stage=to_stage,
        date=date,
        note=note,
        sk_number=sk_number,
        sk_date=sk_date,
        signatory_count=signatory_count,
        staff_count=staff_count if to_stage == Stage.PENCANANGAN else None,
        leader_signed=leader_signed if to_stage == Stage.PENCANANGAN else None,
        exception_reason=exception_reason if to_stage == Stage.DIUSULKAN else "",
        actor=actor,
    )
    attached = [*documents, *stored]
    if attached:
        event.documents.add(*attached)
    old_since = locked.stage_since
    locked.stage, locked.stage_since = to_stage, date
    locked.save(update_fields=["stage", "stage_since", "updated_at"])
    unit.stage, unit.stage_since = locked.stage, locked.stage_since
    changes: dict[str, Any] = {"stage": [old_stage, to_stage], "stage_since": [old_since, date]}
    details = {
        "date": date,
        "note": note,
        "sk_number": sk_number,
        "sk_date": sk_date,
        "signatory_count": signatory_count,
        "staff_count": event.staff_count,
        "leader_signed": event.leader_signed,
        "exception_reason": event.exception_reason,
        "early_exemption": exemption if to_stage == Stage.DIUSULKAN else "",
        "documents": [d.pk for d in attached],
    }
    changes.update({key: value for key, value in details.items() if value not in ("", None, [])})
    if to_stage == Stage.WBK:
        mandiri = EvaluasiMandiri.objects.filter(instansi_id=locked.instansi_id, year=date.year).first()
        if mandiri is not None:  # 5/2024 Bab II B: the instansi's own evaluation, equivalent to the TPN's
            changes["evaluasi_mandiri"] = mandiri.basis
    audit_record(event="lifecycle.transition", actor=actor, obj=event, changes=changes)
    return event


def can_edit_prerequisite(user: Any, *, instansi: Instansi, unit: Unit | None) -> bool:
    """Instansi lines: the instansi's coordinator; unit lines: whoever may change the unit's data."""
    if unit is None:
        return permissions.can(user, permissions.Action.MANAGE, instansi)
    return permissions.can(user, permissions.Action.CHANGE, Prerequisite(instansi=instansi, unit=unit))


@transaction.atomic
def prerequisite_save(
    *,
    instansi: Instansi,
    unit: Unit | None = None,
    year: int,
    code: str,
    value: Any,
    note: str = "",
    files: Iterable[UploadedFile] = (),
    actor: Any,
) -> Prerequisite:
    """Record what an instansi or unit achieved for one prerequisite in one year, with evidence."""
    definition = prereq_defs.get(code)
    if definition is None:
        raise ValidationError({"code": [_("Prasyarat tidak dikenal.")]})
    if unit is not None and unit.instansi_id != instansi.pk:
        raise ValidationError({"__all__": [_("Unit tidak berada pada instansi ini.")]})
    if not can_edit_prerequisite(actor, instansi=instansi, unit=unit):
        raise PermissionDenied(_("Anda tidak berwenang mengubah prasyarat ini."))
    errors: dict[str, list[str]] = {}
    if (definition.level == "unit") != (unit is not None):
        errors["__all__"] = [
            _("Prasyarat ini diisi per unit.")
            if definition.level == "unit"
            else _("Prasyarat ini diisi untuk instansi.")
        ]
    if not definition.editable:
        errors["__all__"] = [_("Prasyarat ini dihitung otomatis dari riwayat tahapan unit.")]
    this_year = timezone.localdate().year
    if not 2000 <= int(year) <= this_year + 1:
        errors["year"] = [_("Tahun harus antara 2000 dan %(max)s.") % {"max": this_year + 1}]
    try:
        normalised = definition.normalize(value)
    except ValueError as exc:
        errors["value"] = [str(exc)]
        normalised = ""
    files = list(files)
    for uploaded in files:
        try:
            check_upload(uploaded)
        except ValidationError as exc:
            errors.setdefault("files", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)

    lookup: dict[str, Any] = {"instansi": instansi, "unit": unit, "year": int(year), "code": code}
    record = Prerequisite.objects.select_for_update().filter(**lookup).first()
    before = {"value": record.value, "note": record.note} if record else None
    if record is None:
        record = Prerequisite(**lookup, updated_by=actor)
    record.value, record.note, record.updated_by = normalised, note.strip(), actor
    record.save()
    stored = [
        document_store(
            instansi=instansi,
            unit=unit,
            uploaded=uploaded,
            kind=Document.Kind.PRASYARAT,
            actor=actor,
            title=f"{definition.short} {year} — {uploaded.name}",
        )
        for uploaded in files
    ]
    if stored:
        record.documents.add(*stored)
    changes: dict[str, Any] = diff(before, {"value": record.value, "note": record.note})
    changes.update({"code": code, "year": int(year)})
    if stored:
        changes["documents_added"] = [d.pk for d in stored]
    audit_record(
        event="prerequisite.saved",
        actor=actor,
        obj=record,
        instansi_id=instansi.pk,
        unit_id=unit.pk if unit else None,
        changes=changes,
    )
    return record


def _check_manages(actor: Any, instansi: Instansi) -> None:
    if not permissions.can(actor, permissions.Action.MANAGE, instansi):
        raise PermissionDenied(_("Hanya koordinator ZI instansi yang dapat mencatat ini."))


@transaction.atomic
def instansi_pencanangan_record(
    *,
    instansi: Instansi,
    date: dt.date | None,
    leader_signed: bool,
    signatory_count: int | None,
    staff_count: int | None,
    files: Iterable[UploadedFile] = (),
    note: str = "",
    actor: Any,
) -> InstansiPencanangan:
    """Record the instansi's pencanangan (Tahap I): the leader and all or most staff sign the Pakta."""
    _check_manages(actor, instansi)
    files = list(files)
    errors: dict[str, list[str]] = {}
    if date is None:
        errors["date"] = [_("Tanggal wajib diisi.")]
    elif date > timezone.localdate():
        errors["date"] = [_("Tanggal tidak boleh di masa depan.")]
    if not leader_signed:
        errors["leader_signed"] = [
            _(
                "Pimpinan instansi harus menandatangani Pakta Integritas (PermenPANRB 90/2021 "
                "Lampiran I Bab II B)."
            )
        ]
    if staff_count is None or staff_count < 1:
        errors["staff_count"] = [_("Jumlah pegawai sekurang-kurangnya 1.")]
    if signatory_count is None or signatory_count < 1:
        errors["signatory_count"] = [_("Jumlah penanda tangan Pakta Integritas sekurang-kurangnya 1.")]
    elif staff_count:
        problem = errors_of_pakta(signatory_count, staff_count)
        if problem:
            errors["signatory_count"] = [problem]
    if not files:
        errors["files"] = [_("Unggah sekurang-kurangnya satu berkas Pakta Integritas (PDF).")]
    for uploaded in files:
        try:
            check_upload(uploaded, allowed=PDF_ONLY)
        except ValidationError as exc:
            errors.setdefault("files", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    assert date is not None and signatory_count is not None and staff_count is not None
    record = InstansiPencanangan.objects.create(
        instansi=instansi,
        date=date,
        leader_signed=True,
        signatory_count=signatory_count,
        staff_count=staff_count,
        note=note.strip(),
        actor=actor,
    )
    stored = [
        document_store(
            instansi=instansi,
            unit=None,
            uploaded=f,
            kind=Document.Kind.PAKTA_INTEGRITAS,
            actor=actor,
            allowed=PDF_ONLY,
        )
        for f in files
    ]
    record.documents.add(*stored)
    audit_record(
        event="lifecycle.instansi_pencanangan",
        actor=actor,
        obj=record,
        instansi_id=instansi.pk,
        changes={
            "date": date,
            "signatory_count": signatory_count,
            "staff_count": staff_count,
            "leader_signed": True,
            "documents": [d.pk for d in stored],
        },
    )
    return record


@transaction.atomic
def kkn_offence_record(
    *, instansi: Instansi, year: int, date: dt.date | None, description: str, by_top_leader: bool, actor: Any
) -> KknOffence:
    """Record a KKN offence in a proposal year: every proposal of the instansi for that year is void."""
    _check_manages(actor, instansi)
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    if not 2000 <= int(year) <= today.year:
        errors["year"] = [_("Tahun harus antara 2000 dan %(max)s.") % {"max": today.year}]
    if date is None:
        errors["date"] = [_("Tanggal wajib diisi.")]
    elif date > today:
        errors["date"] = [_("Tanggal tidak boleh di masa depan.")]
    if not description.strip():
        errors["description"] = [_("Uraikan tindak pidana KKN dan sumbernya.")]
    if errors:
        raise ValidationError(errors)
    assert date is not None
    record = KknOffence.objects.create(
        instansi=instansi,
        year=int(year),
        date=date,
        description=description.strip(),
        by_top_leader=by_top_leader,
        actor=actor,
    )
    voided = list(
        LifecycleEvent.objects.filter(
            unit__instansi=instansi, to_stage=Stage.DIUSULKAN, date__year=int(year)
        ).values_list("unit_id", flat=True)
    )
    audit_record(
        event="lifecycle.kkn_recorded",
        actor=actor,
        obj=record,
        instansi_id=instansi.pk,
        changes={
            "year": int(year),
            "date": date,
            "by_top_leader": by_top_leader,
            "description": record.description,
            "proposals_voided": sorted(set(voided)),
        },
    )
    return record


@transaction.atomic
def evaluasi_mandiri_set(*, instansi: Instansi, year: int, basis: str, enabled: bool, actor: Any) -> bool:
    """Record (or withdraw) that the instansi runs the Menuju WBK evaluation itself in `year` (5/2024
    Bab II B). Returns whether it is now recorded."""
    _check_manages(actor, instansi)
    existing = EvaluasiMandiri.objects.select_for_update().filter(instansi=instansi, year=int(year)).first()
    if enabled:
        if not basis.strip():
            raise ValidationError({"basis": [_("Sebutkan dasar penyelenggaraan evaluasi mandiri.")]})
        before = existing.basis if existing else None
        if existing is None:
            existing = EvaluasiMandiri.objects.create(
                instansi=instansi, year=int(year), basis=basis.strip(), actor=actor
            )
        else:
            existing.basis, existing.actor = basis.strip(), actor
            existing.save(update_fields=["basis", "actor"])
        audit_record(
            event="lifecycle.evaluasi_mandiri",
            actor=actor,
            obj=existing,
            instansi_id=instansi.pk,
            changes={
                "year": int(year),
                "enabled": [before is not None, True],
                "basis": [before, existing.basis],
            },
        )
        return True
    if existing is not None:
        audit_record(
            event="lifecycle.evaluasi_mandiri",
            actor=actor,
            obj=existing,
            instansi_id=instansi.pk,
            changes={"year": int(year), "enabled": [True, False], "basis": [existing.basis, None]},
        )
        existing.delete()
    return False
