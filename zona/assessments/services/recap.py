"""The regency recap of a period as Excel: one row per assessment the user may see, plus answer matrices.

Figures come from the engine (or, for a final assessment, from its frozen `final_result`); the TPI
columns use the furthest review stage so far, which equals the unit's answers before any review.
"""

from __future__ import annotations

import io
from collections import defaultdict
from fractions import Fraction
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from zona.accounts import permissions
from zona.core.spreadsheets import save_workbook
from zona.lke.answers import Answer as EngineAnswer
from zona.lke.answers import percent_from_inputs
from zona.lke.framework import Framework
from zona.lke.numbers import to_float
from zona.lke.scoring import score

from ..models import Answer, Assessment, Period, ReviewStage
from ..selectors.core import effective_answers

_HEAD_FONT = Font(bold=True, color="FFFFFF")
_HEAD_FILL = PatternFill("solid", fgColor="1F4E78")


def recap_filename(period: Period) -> str:
    return f"Rekap LKE {period.year}{f' semester {period.semester}' if period.semester else ''}.xlsx"


def recap_assessments(*, period: Period, user: Any) -> list[Assessment]:
    return list(
        permissions.scope_filter(user, Assessment.objects.filter(period=period))
        .select_related("unit", "current_stage", "period")
        .order_by("unit__path")
    )


def _header(ws: Any, headers: list[str], widths: dict[int, int] | None = None) -> None:
    for index, header in enumerate(headers, start=1):
        cell = ws.cell(row=1, column=index, value=header)
        cell.font, cell.fill = _HEAD_FONT, _HEAD_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[get_column_letter(index)].width = (widths or {}).get(index, 12)
    ws.freeze_panes = "B2"


def period_recap_workbook(*, period: Period, user: Any) -> bytes:
    """Sheet "Rekap" (scores and verdicts per unit), "Jawaban unit" and "Jawaban TPI" (units × items)."""
    assessments = recap_assessments(period=period, user=user)
    framework = period.framework.engine()
    decimals = framework.settings.display_decimals
    last_stage = ReviewStage.objects.filter(period=period).order_by("-order").first()
    rows_by_assessment: dict[int, list[Answer]] = defaultdict(list)
    for row in Answer.objects.filter(assessment__in=[a.pk for a in assessments]).only(
        "assessment_id", "item_code", "value", "stage_id"
    ):
        rows_by_assessment[row.assessment_id].append(row)

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Rekap"
    area_headers = [f"Area {area.number} {area.short} (%)" for area in framework.areas]
    predicate_headers: list[str] = []
    for predicate in framework.predicates:
        predicate_headers += [
            f"Layak {predicate.code.upper()}",
            f"Syarat {predicate.code.upper()} belum terpenuhi",
        ]
    headers = [
        "Unit kerja",
        "Status",
        "Tahap reviu",
        "Nilai unit",
        "Nilai TPI",
        "Pengungkit (TPI)",
        "Hasil (TPI)",
        *area_headers,
        *predicate_headers,
    ]
    _header(ws, headers, {1: 40, 2: 18, 3: 18})
    unit_sheet = wb.create_sheet("Jawaban unit")
    tpi_sheet = wb.create_sheet("Jawaban TPI")
    codes = list(framework.items)
    for sheet in (unit_sheet, tpi_sheet):
        _header(sheet, ["Unit kerja", *codes], {1: 40})

    for line, assessment in enumerate(assessments, start=2):
        rows = rows_by_assessment.get(assessment.pk, [])
        unit_answers = effective_answers(assessment, None, rows=rows)
        tpi_answers = effective_answers(assessment, last_stage, rows=rows) if last_stage else unit_answers
        frozen = assessment.final_result or {}
        if assessment.status == Assessment.Status.FINAL and frozen.get("tpi") and frozen.get("unit"):
            unit_result, tpi_result = frozen["unit"], frozen["tpi"]
        else:
            unit_result = score(framework, unit_answers).to_dict(gains_limit=0)
            tpi_result = score(framework, tpi_answers).to_dict(gains_limit=0)
        values: list[Any] = [
            assessment.unit.name,
            assessment.get_status_display(),
            assessment.current_stage.name if assessment.current_stage else "",
            unit_result["total"],
            tpi_result["total"],
            tpi_result["pengungkit"],
            tpi_result["hasil"],
        ]
        values += [tpi_result["areas"].get(str(area.number), {}).get("percent") for area in framework.areas]
        for predicate in framework.predicates:
            verdict = tpi_result["predicates"].get(predicate.code, {})
            values += ["Ya" if verdict.get("eligible") else "Tidak", len(verdict.get("failed", []))]
        for column, value in enumerate(values, start=1):
            cell = ws.cell(row=line, column=column, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # names typed by people stay text, never a formula
            if isinstance(value, float):
                cell.number_format = "0." + "0" * decimals if decimals else "0"
        for sheet, answers in ((unit_sheet, unit_answers), (tpi_sheet, tpi_answers)):
            sheet.cell(row=line, column=1, value=assessment.unit.name).data_type = "s"
            for column, code in enumerate(codes, start=2):
                answer = answers.get(code)
                if answer is None:
                    continue
                number = _number(framework, code, answer)
                sheet.cell(row=line, column=column, value=answer if isinstance(answer, str) else number)
    if not assessments:
        ws.cell(row=2, column=1, value="Tidak ada penilaian yang dapat Anda lihat pada periode ini.")
    stream = io.BytesIO()
    save_workbook(wb, stream)  # no unit name or answer becomes a live formula
    return stream.getvalue()


def _number(framework: Framework, code: str, answer: EngineAnswer) -> float | None:
    """A % answer as its percentage (computed from its inputs when given so), an index as its value."""
    if isinstance(answer, Fraction):
        return to_float(answer, 2)
    if isinstance(answer, dict) and "percent" in answer:
        return to_float(answer["percent"], 2)
    if isinstance(answer, dict) and "inputs" in answer:
        value = percent_from_inputs(framework.items[code], answer["inputs"])
        return None if value is None else to_float(value * 100, 2)
    return None
