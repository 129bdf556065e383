"""The official LKE workbook ("LKE resmi"): export in that shape, and import with a mapping preview.

The sheet is read by `zona.lke.official` with the framework's layout file. The preview lists which columns
were recognised, which rows map to which items, and every change per layer (current → new), writing
nothing; the apply step writes all of it or none of it (one transaction, each answer with the version seen
in the preview). Layers: the unit's answers are written only by who may change them now (the unit team in
draft/returned); the TPI columns only by an evaluator who may act at the current review stage. A sheet's
columns for a layer the importer may not write are left out, with a note saying so.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import asdict, dataclass, field
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zona.accounts import permissions
from zona.accounts.permissions import Action
from zona.audit.services import audit_record
from zona.lke.answers import answer_display, answer_to_json, parse_answers
from zona.lke.official import (
    LayerData,
    LayoutInvalid,
    has_layout,
    layout_for,
    read_official,
    sheet_is_official,
    write_official,
)
from zona.lke.scoring import score

from ..models import Answer, Assessment, Evidence, Period
from ..selectors.core import canonical, effective_answers, engine_for, may_act_at_stage, tpi_visible
from .answers import answer_save, unit_may_edit_item
from .evidence import evidence_link
from .excel_io import MAX_IMPORT_BYTES, furthest_stage, unit_narratives

LAYER_UNIT = "unit"
LAYER_TPI = "tpi"
KIND = "resmi"


def official_available(assessment: Assessment) -> bool:
    return has_layout(assessment.period.framework.code)


def official_filename(assessment: Assessment) -> str:
    return f"LKE resmi {assessment.unit.slug} {assessment.period.year}.xlsx"


def _evidence_of(assessment: Assessment) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    titles: dict[str, list[str]] = {}
    urls: dict[str, list[str]] = {}
    for row in Evidence.objects.filter(assessment=assessment, removed_at__isnull=True).order_by(
        "added_at", "pk"
    ):
        if row.url:
            urls.setdefault(row.item_code, []).append(row.url)
        else:
            titles.setdefault(row.item_code, []).append(row.title)
    return titles, urls


def stage_notes(assessment: Assessment, stage: Any) -> dict[str, str]:
    if stage is None:
        return {}
    return {
        code: text
        for code, text in Answer.objects.filter(assessment=assessment, stage=stage)
        .exclude(note="")
        .values_list("item_code", "note")
    }


def official_workbook(*, assessment: Assessment, user: Any) -> bytes:
    """The assessment as the official LKE: unit answers, and beside them the furthest TPI answers when the
    user may see the TPI layer. Raises ValidationError when the framework has no official layout."""
    framework = engine_for(assessment)
    try:
        layout = layout_for(framework)
    except LayoutInvalid as exc:
        raise ValidationError(str(exc)) from exc
    unit_answers = effective_answers(assessment)
    unit = LayerData(unit_answers, unit_narratives(assessment), score(framework, unit_answers))
    tpi = None
    stage = furthest_stage(assessment)
    if stage is not None and tpi_visible(user, assessment):
        tpi_answers = effective_answers(assessment, stage)
        tpi = LayerData(tpi_answers, stage_notes(assessment, stage), score(framework, tpi_answers))
    titles, urls = _evidence_of(assessment)
    stream = io.BytesIO()
    write_official(
        framework,
        layout,
        stream,
        unit=unit,
        tpi=tpi,
        evidence=titles,
        evidence_urls=urls,
        title=f"{assessment.unit.name} — {assessment.period.name}",
    )
    return stream.getvalue()


@dataclass(frozen=True)
class OfficialChange:
    layer: str  # unit | tpi | link
    code: str
    question: str
    old: str
    new: str
    value: Any  # canonical answer as JSON when the value changes, else None
    value_changed: bool
    text: str | None  # new narrative (unit) / review note (tpi) / the URL (link); None when unchanged
    old_text: str
    expected_version: int


@dataclass
class OfficialPreview:
    assessment_id: int
    file_name: str
    sha256: str
    framework_code: str | None
    kind: str = KIND
    layers: list[str] = field(default_factory=list)
    stage_id: int | None = None
    columns: list[list[str]] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)  # [row, kind, code, text, detail]
    changes: list[OfficialChange] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def applicable(self) -> bool:
        return bool(self.changes) and not self.problems

    @property
    def mapped_items(self) -> int:
        return len({row[2] for row in self.rows if row[1] == "item"})

    def to_payload(self) -> dict[str, Any]:
        data = asdict(self)
        data["changes"] = [asdict(change) for change in self.changes]
        return data

    @classmethod
    def from_payload(cls, data: dict[str, Any]) -> OfficialPreview:
        values = dict(data)
        values["changes"] = [OfficialChange(**change) for change in data.get("changes", [])]
        return cls(**values)


def _unit_writable(assessment: Assessment, actor: Any) -> bool:
    return (
        permissions.can(actor, Action.CHANGE, assessment)
        and assessment.period.status == Period.Status.OPEN
        and assessment.status in (Assessment.Status.DRAFT, Assessment.Status.RETURNED)
    )


def _tpi_writable(assessment: Assessment, actor: Any) -> bool:
    stage = assessment.current_stage
    return (
        stage is not None
        and assessment.status == Assessment.Status.IN_REVIEW
        and may_act_at_stage(actor, assessment, stage)
    )


def official_may_import(assessment: Assessment, actor: Any) -> bool:
    return _unit_writable(assessment, actor) or _tpi_writable(assessment, actor)


def _check_may_import(assessment: Assessment, actor: Any) -> None:
    if official_may_import(assessment, actor):
        return
    if not (
        permissions.can(actor, Action.CHANGE, assessment) or permissions.can(actor, Action.REVIEW, assessment)
    ):
        raise PermissionDenied(_("Anda tidak dapat mengubah jawaban unit ini maupun jawaban TPI-nya."))
    raise ValidationError(
        _("Penilaian berstatus %(status)s: tidak ada lapisan jawaban yang dapat Anda isi sekarang.")
        % {"status": assessment.get_status_display()}
    )


def official_sheet_detect(*, assessment: Assessment, content: bytes) -> bool:
    """Whether an uploaded workbook has the official shape (for the one import form of the exports page)."""
    if not official_available(assessment):
        return False
    return sheet_is_official(io.BytesIO(content), layout_for(engine_for(assessment)))


def official_import_preview(
    *, assessment: Assessment, source: IO[bytes], file_name: str, actor: Any
) -> OfficialPreview:
    """Read an official-shape sheet and list what importing it would change; writes nothing."""
    assessment = Assessment.objects.select_related("period__framework", "unit", "current_stage").get(
        pk=assessment.pk
    )
    _check_may_import(assessment, actor)
    content = source.read(MAX_IMPORT_BYTES + 1)
    if len(content) > MAX_IMPORT_BYTES:
        raise ValidationError(
            _("Berkas terlalu besar (maksimal %(mb)s MB).") % {"mb": MAX_IMPORT_BYTES // 2**20}
        )
    framework = engine_for(assessment)
    try:
        layout = layout_for(framework)
    except LayoutInvalid as exc:
        raise ValidationError(str(exc)) from exc
    sheet = read_official(io.BytesIO(content), framework, layout)
    if sheet.framework_code and sheet.framework_code != framework.code:
        raise ValidationError(
            _("Lembar kerja ini untuk kerangka %(sheet)s, sedangkan penilaian ini memakai %(own)s.")
            % {"sheet": sheet.framework_code, "own": framework.code}
        )
    preview = OfficialPreview(
        assessment_id=assessment.pk,
        file_name=file_name,
        sha256=hashlib.sha256(content).hexdigest(),
        framework_code=framework.code,
        columns=[list(column) for column in sheet.columns],
        rows=[[r.row, r.kind, r.code, r.text[:120], r.detail] for r in sheet.rows],
        problems=list(sheet.problems),
        notes=list(sheet.notes),
    )
    if not sheet.columns:
        return preview
    unit_ok = _unit_writable(assessment, actor)
    tpi_ok = _tpi_writable(assessment, actor)
    unit_rows = {
        row.item_code: row for row in Answer.objects.filter(assessment=assessment, stage__isnull=True)
    }
    if unit_ok:
        preview.layers.append(LAYER_UNIT)
        _unit_changes(preview, assessment, framework, sheet, unit_rows)
        _link_changes(preview, assessment, sheet)
    else:
        differing = _differing(framework, sheet.unit.answers, effective_answers(assessment))
        if differing:
            preview.notes.append(
                _(
                    "Kolom jawaban unit berbeda pada %(n)s butir (%(codes)s) tetapi tidak diimpor: "
                    "jawaban unit "
                    "hanya dapat diubah tim unit selama penilaian berstatus draf atau dikembalikan."
                )
                % {
                    "n": len(differing),
                    "codes": ", ".join(differing[:8]) + ("…" if len(differing) > 8 else ""),
                }
            )
    if sheet.tpi is not None:
        if tpi_ok:
            preview.layers.append(LAYER_TPI)
            preview.stage_id = assessment.current_stage_id
            _tpi_changes(preview, assessment, framework, sheet)
        else:
            preview.notes.append(
                _(
                    "Kolom TPI (jawaban, catatan reviu) tidak diimpor: hanya evaluator TPI pada tahap reviu "
                    "yang sedang berjalan yang dapat mengisi lapisan TPI. Yang diimpor hanya kolom unit."
                )
            )
    return preview


def _differing(framework: Any, raw: dict[str, Any], current: dict[str, Any]) -> list[str]:
    parsed, _problems = parse_answers(framework, raw)
    return [code for code in framework.items if code in parsed and parsed[code] != current.get(code)]


def _unit_changes(
    preview: OfficialPreview, assessment: Assessment, framework: Any, sheet: Any, rows: dict[str, Answer]
) -> None:
    parsed, problems = parse_answers(framework, sheet.unit.answers, where=sheet.unit.cells)
    preview.problems.extend(str(problem) for problem in problems)
    notes = {code: text.strip() for code, text in sheet.unit.notes.items() if code in framework.items}
    for code in framework.items:
        new = parsed.get(code)
        new_note = notes.get(code) or None
        if new is None and new_note is None:
            continue
        row = rows.get(code)
        current = canonical(framework, code, row.value) if row is not None else None
        value_changed = new is not None and new != current
        old_note = row.narrative if row is not None else ""
        note_changed = new_note is not None and new_note != old_note
        if not value_changed and not note_changed:
            preview.unchanged += 1
            continue
        if not unit_may_edit_item(assessment, code):
            preview.problems.append(
                _("%(code)s: butir ini terkunci (tidak dikembalikan untuk perbaikan), tidak dapat diubah")
                % {"code": code}
            )
            continue
        preview.changes.append(
            _change(
                LAYER_UNIT,
                framework.items[code],
                current,
                new if value_changed else None,
                new_note if note_changed else None,
                old_note,
                row,
            )
        )


def _link_changes(preview: OfficialPreview, assessment: Assessment, sheet: Any) -> None:
    existing = set(
        Evidence.objects.filter(assessment=assessment, removed_at__isnull=True)
        .exclude(url="")
        .values_list("item_code", "url")
    )
    framework = engine_for(assessment)
    for code, urls in sheet.evidence_urls.items():
        for url in urls:
            if (code, url) in existing:
                continue
            if len(url) > 500:
                preview.problems.append(_("%(code)s: tautan bukti dukung terlalu panjang.") % {"code": code})
                continue
            preview.changes.append(
                OfficialChange(
                    layer="link",
                    code=code,
                    question=framework.items[code].question,
                    old="",
                    new=url,
                    value=None,
                    value_changed=False,
                    text=url,
                    old_text="",
                    expected_version=0,
                )
            )


def _tpi_changes(preview: OfficialPreview, assessment: Assessment, framework: Any, sheet: Any) -> None:
    stage = assessment.current_stage
    assert stage is not None and sheet.tpi is not None
    parsed, problems = parse_answers(framework, sheet.tpi.answers, where=sheet.tpi.cells)
    preview.problems.extend(str(problem) for problem in problems)
    seen = effective_answers(assessment, stage)
    rows = {row.item_code: row for row in Answer.objects.filter(assessment=assessment, stage=stage)}
    notes = {code: text.strip() for code, text in sheet.tpi.notes.items() if code in framework.items}
    for code in framework.items:
        new = parsed.get(code)
        new_note = notes.get(code) or None
        if new is None and new_note is None:
            continue
        row = rows.get(code)
        current = seen.get(code)
        value_changed = new is not None and new != current
        old_note = row.note if row is not None else ""
        note_changed = new_note is not None and new_note != old_note
        if not value_changed and not note_changed:
            preview.unchanged += 1
            continue
        preview.changes.append(
            _change(
                LAYER_TPI,
                framework.items[code],
                current,
                new if value_changed else None,
                new_note if note_changed else None,
                old_note,
                row,
            )
        )


def _change(
    layer: str, item: Any, current: Any, new: Any, new_note: str | None, old_note: str, row: Any
) -> OfficialChange:
    """One previewed change of a layer: `new` is the changed value (None: only the note changes)."""
    return OfficialChange(
        layer=layer,
        code=item.code,
        question=item.question,
        old=answer_display(current, item),
        new=answer_display(new if new is not None else current, item),
        value=answer_to_json(new) if new is not None else None,
        value_changed=new is not None,
        text=new_note,
        old_text=old_note,
        expected_version=row.version if row is not None else 0,
    )


@transaction.atomic
def official_import_apply(*, assessment: Assessment, preview: OfficialPreview, actor: Any) -> int:
    """Apply every change of the preview, or none (a conflict or a refusal rolls all of it back)."""
    if preview.assessment_id != assessment.pk:
        raise ValidationError(_("Pratinjau ini bukan untuk penilaian ini."))
    if preview.problems:
        raise ValidationError(_("Perbaiki dahulu masalah pada lembar kerja; tidak ada yang diterapkan."))
    locked = (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("period__framework", "unit", "current_stage")
        .get(pk=assessment.pk)
    )
    _check_may_import(locked, actor)
    if LAYER_UNIT in preview.layers and not _unit_writable(locked, actor):
        raise ValidationError(_("Jawaban unit tidak dapat diubah lagi; unggah ulang untuk pratinjau baru."))
    if LAYER_TPI in preview.layers and (
        not _tpi_writable(locked, actor) or locked.current_stage_id != preview.stage_id
    ):
        raise ValidationError(
            _("Tahap reviu sudah berganti sejak pratinjau; unggah ulang untuk pratinjau baru.")
        )
    unit_rows = {row.item_code: row for row in Answer.objects.filter(assessment=locked, stage__isnull=True)}
    stage_rows = (
        {row.item_code: row for row in Answer.objects.filter(assessment=locked, stage=locked.current_stage)}
        if LAYER_TPI in preview.layers
        else {}
    )
    applied = 0
    for change in preview.changes:
        if change.layer == "link":
            evidence_link(
                assessment=locked,
                item_code=change.code,
                url=change.text or "",
                title=change.text or "",
                actor=actor,
            )
            applied += 1
            continue
        if change.layer == LAYER_UNIT:
            row = unit_rows.get(change.code)
            result = answer_save(
                assessment=locked,
                item_code=change.code,
                value=change.value if change.value_changed else (row.value if row is not None else None),
                narrative=change.text,
                actor=actor,
                expected_version=change.expected_version,
            )
        else:
            row = stage_rows.get(change.code)
            result = answer_save(
                assessment=locked,
                item_code=change.code,
                value=change.value if change.value_changed else (row.value if row is not None else None),
                note=change.text,
                stage=locked.current_stage,
                actor=actor,
                expected_version=change.expected_version,
            )
        applied += int(result.changed)
    audit_record(
        event="assessment.imported",
        actor=actor,
        obj=locked,
        changes={
            "file": preview.file_name,
            "sha256": preview.sha256,
            "layout": KIND,
            "layers": preview.layers,
            "items": {
                layer: [c.code for c in preview.changes if c.layer == layer]
                for layer in ("unit", "tpi", "link")
            },
            "applied": applied,
        },
    )
    return applied
