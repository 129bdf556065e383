"""The assessment as an LKE Excel sheet, and a filled sheet back into the assessment.

Export writes the engine's own layout (`zona.lke.excel.write_workbook`), so that the file reads back with
`zona lke score` and with the import here. The import is in two steps: `import_preview` reads the sheet
and lists every change (current → new) and every problem by cell, writing nothing; `import_apply` then
saves all changes through `answer_save` in one transaction, each with the version seen in the preview,
so that one refusal or conflict writes nothing at all. A blank cell never clears an answer.
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
from zona.lke.answers import Answer as EngineAnswer
from zona.lke.answers import answer_display, answer_to_json, parse_answers
from zona.lke.excel import read_workbook, write_workbook
from zona.lke.scoring import ScoreResult, score

from ..models import Answer, Assessment, Period, ReviewStage
from ..selectors.core import canonical, effective_answers, engine_for
from .answers import answer_save, unit_may_edit_item

LAYER_UNIT = "unit"
LAYER_TPI = "tpi"
LAYERS = (LAYER_UNIT, LAYER_TPI)
MAX_IMPORT_BYTES = 10 * 1024 * 1024


def furthest_stage(assessment: Assessment) -> ReviewStage | None:
    """The last review stage of the period: overlaying up to it gives the furthest TPI answers so far."""
    return ReviewStage.objects.filter(period_id=assessment.period_id).order_by("-order").first()


def unit_narratives(assessment: Assessment) -> dict[str, str]:
    return {
        code: text
        for code, text in Answer.objects.filter(assessment=assessment, stage__isnull=True)
        .exclude(narrative="")
        .values_list("item_code", "narrative")
    }


@dataclass(frozen=True)
class ExportLayer:
    stage: ReviewStage | None
    answers: dict[str, EngineAnswer]
    result: ScoreResult


def export_layer(assessment: Assessment, layer: str = LAYER_UNIT) -> ExportLayer:
    """The answers (and their score) of one layer: the unit's, or the furthest TPI stage's."""
    stage = furthest_stage(assessment) if layer == LAYER_TPI else None
    answers = effective_answers(assessment, stage)
    return ExportLayer(stage, answers, score(engine_for(assessment), answers))


def export_filename(assessment: Assessment, suffix: str = "") -> str:
    return f"LKE {assessment.unit.slug} {assessment.period.year}{suffix}.xlsx"


def assessment_workbook(*, assessment: Assessment, layer: str = LAYER_UNIT) -> bytes:
    """The assessment in the LKE layout: effective answers, unit narratives as notes, the layer's scores."""
    chosen = export_layer(assessment, layer)
    title = _("%(unit)s — %(period)s — %(layer)s") % {
        "unit": assessment.unit.name,
        "period": assessment.period.name,
        "layer": _("jawaban TPI (%(stage)s)") % {"stage": chosen.stage.name}
        if chosen.stage is not None
        else _("jawaban unit"),
    }
    stream = io.BytesIO()
    write_workbook(
        engine_for(assessment),
        stream,
        answers=chosen.answers,
        notes=unit_narratives(assessment),
        title=title,
        result=chosen.result,
    )
    return stream.getvalue()


@dataclass(frozen=True)
class ImportChange:
    code: str
    question: str
    old: str
    new: str
    value: Any  # the canonical answer as JSON (what answer_save receives), None when unchanged
    value_changed: bool
    narrative: str | None  # the new narrative, None when unchanged
    old_narrative: str
    expected_version: int


@dataclass
class ImportPreview:
    assessment_id: int
    file_name: str
    sha256: str
    framework_code: str | None
    changes: list[ImportChange] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def applicable(self) -> bool:
        return bool(self.changes) and not self.problems

    def to_payload(self) -> dict[str, Any]:
        """A JSON-safe form to keep server-side between the preview and the confirmation."""
        data = asdict(self)
        data["changes"] = [asdict(change) for change in self.changes]
        return data

    @classmethod
    def from_payload(cls, data: dict[str, Any]) -> ImportPreview:
        changes = [ImportChange(**change) for change in data.get("changes", [])]
        return cls(
            assessment_id=int(data["assessment_id"]),
            file_name=str(data.get("file_name", "")),
            sha256=str(data.get("sha256", "")),
            framework_code=data.get("framework_code"),
            changes=changes,
            problems=list(data.get("problems", [])),
            unchanged=int(data.get("unchanged", 0)),
        )


def _check_may_import(assessment: Assessment, actor: Any) -> None:
    if not permissions.can(actor, Action.CHANGE, assessment):
        raise PermissionDenied(_("Anda tidak dapat mengubah jawaban unit ini."))
    if assessment.period.status != Period.Status.OPEN:
        raise ValidationError(
            _("Periode %(period)s sudah ditutup: impor tidak dapat dilakukan.")
            % {"period": assessment.period.name}
        )
    if assessment.status not in (Assessment.Status.DRAFT, Assessment.Status.RETURNED):
        raise ValidationError(
            _("Penilaian berstatus %(status)s: jawaban unit terkunci, impor tidak dapat dilakukan.")
            % {"status": assessment.get_status_display()}
        )


def import_preview(*, assessment: Assessment, source: IO[bytes], file_name: str, actor: Any) -> ImportPreview:
    """Read a filled LKE sheet and list what importing it would change; writes nothing.

    Raises PermissionDenied/ValidationError when the assessment may not be imported into at all (another
    unit, a locked status, a sheet of another framework); problems of single cells are listed instead.
    """
    _check_may_import(assessment, actor)
    content = source.read(MAX_IMPORT_BYTES + 1)
    if len(content) > MAX_IMPORT_BYTES:
        raise ValidationError(
            _("Berkas terlalu besar (maksimal %(mb)s MB).") % {"mb": MAX_IMPORT_BYTES // 2**20}
        )
    framework = engine_for(assessment)
    sheet = read_workbook(io.BytesIO(content))
    preview = ImportPreview(
        assessment_id=assessment.pk,
        file_name=file_name,
        sha256=hashlib.sha256(content).hexdigest(),
        framework_code=sheet.framework_code,
    )
    if sheet.framework_code and sheet.framework_code != framework.code:
        raise ValidationError(
            _(
                "Lembar kerja ini untuk kerangka %(sheet)s, sedangkan penilaian ini memakai %(own)s. "
                "Unduh lembar kerja penilaian ini lalu isi ulang."
            )
            % {"sheet": sheet.framework_code, "own": framework.code}
        )
    preview.problems.extend(sheet.problems)
    parsed, problems = parse_answers(framework, sheet.answers, where=sheet.cells)
    preview.problems.extend(str(problem) for problem in problems)

    rows = {row.item_code: row for row in Answer.objects.filter(assessment=assessment, stage__isnull=True)}
    notes = {
        code: str(text).strip()
        for code, text in sheet.notes.items()
        if code in framework.items and str(text).strip()
    }
    for code in framework.items:
        new = parsed.get(code)
        new_note = notes.get(code)
        if new is None and new_note is None:
            continue
        row = rows.get(code)
        current = canonical(framework, code, row.value) if row is not None else None
        value_changed = new is not None and new != current
        old_narrative = row.narrative if row is not None else ""
        narrative_changed = new_note is not None and new_note != old_narrative
        if not value_changed and not narrative_changed:
            preview.unchanged += 1
            continue
        if not unit_may_edit_item(assessment, code):
            where = sheet.cells.get(code, "")
            prefix = f"{where} ({code})" if where else code
            preview.problems.append(
                _("%(where)s: butir ini terkunci (tidak dikembalikan untuk perbaikan), tidak dapat diubah")
                % {"where": prefix}
            )
            continue
        preview.changes.append(
            ImportChange(
                code=code,
                question=framework.items[code].question,
                old=answer_display(current, framework.items[code]),
                new=answer_display(new if value_changed else current, framework.items[code]),
                value=answer_to_json(new) if value_changed and new is not None else None,
                value_changed=value_changed,
                narrative=new_note if narrative_changed else None,
                old_narrative=old_narrative,
                expected_version=row.version if row is not None else 0,
            )
        )
    return preview


@transaction.atomic
def import_apply(*, assessment: Assessment, preview: ImportPreview, actor: Any) -> int:
    """Apply every change of a preview, or none: a conflict or a refusal rolls the whole import back.

    Raises AnswerConflict (someone saved an item since the preview), ValidationError or PermissionDenied.
    """
    if preview.assessment_id != assessment.pk:
        raise ValidationError(_("Pratinjau ini bukan untuk penilaian ini."))
    if preview.problems:
        raise ValidationError(_("Perbaiki dahulu masalah pada lembar kerja; tidak ada yang diterapkan."))
    assessment = Assessment.objects.select_for_update().select_related("period", "unit").get(pk=assessment.pk)
    _check_may_import(assessment, actor)
    current = {row.item_code: row for row in Answer.objects.filter(assessment=assessment, stage__isnull=True)}
    applied = 0
    for change in preview.changes:
        row = current.get(change.code)
        result = answer_save(
            assessment=assessment,
            item_code=change.code,
            value=change.value if change.value_changed else (row.value if row is not None else None),
            narrative=change.narrative,
            actor=actor,
            expected_version=change.expected_version,
        )
        applied += int(result.changed)
    audit_record(
        event="assessment.imported",
        actor=actor,
        obj=assessment,
        changes={
            "file": preview.file_name,
            "sha256": preview.sha256,
            "items": [change.code for change in preview.changes],
            "applied": applied,
        },
    )
    return applied
