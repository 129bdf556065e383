"""The Laporan Hasil Evaluasi (LHE) of an assessment as a PDF (WeasyPrint from an HTML template).

A final assessment's LHE takes its figures from the frozen `final_result` and is stored once as a
Document (kind LHE) on `Assessment.lhe_document`; any other assessment gets a draft marked "DRAF",
computed live by the engine and never stored.

As PermenPANRB 90/2021 Lampiran II Bab I A describes it (finding F6), the LHE states the prerequisites
the TPI verifies (the lifecycle checklist, read through its selector), the TPI's findings and
recommendations per area, and a conclusion whether the unit meets the criteria to be proposed to the
TPN: the score verdict AND the prerequisites AND any predicate required first.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from zona.audit.services import audit_record
from zona.documents.models import Document
from zona.documents.services import document_store
from zona.lifecycle.selectors import Checklist, prerequisite_checklist
from zona.lifecycle.services import history as unit_history
from zona.lke.answers import answer_display
from zona.lke.framework import Framework
from zona.lke.numbers import NotANumber, format_id, to_fraction
from zona.lke.scoring import ScoreResult

from ..models import Answer, Assessment, ReturnedItem, ReviewStage
from ..selectors.core import canonical, engine_for
from ..selectors.review import area_notes
from ..selectors.scores import held_predicates
from .excel_io import LAYER_TPI, LAYER_UNIT, export_layer

RECOMMENDATIONS = 10
MONTHS = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)


def date_id(day: dt.date) -> str:
    """An Indonesian long date: 5 Maret 2025."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _fmt(value: Any, decimals: int = 2) -> str:
    if value is None:
        return "–"
    try:
        return format_id(to_fraction(value), decimals)
    except NotANumber:
        return str(value)


def lhe_place(assessment: Assessment) -> str:
    """Where the report is signed: settings.ZONA_LHE_PLACE, else the instansi's region name."""
    configured = getattr(settings, "ZONA_LHE_PLACE", "")
    if configured:
        return str(configured)
    instansi = assessment.unit.instansi
    name = re.sub(r"^(Pemerintah\s+)?(Kabupaten|Kota|Provinsi)\s+", "", instansi.name, flags=re.IGNORECASE)
    return instansi.short_name or name


def lhe_filename(assessment: Assessment, *, draft: bool) -> str:
    return f"LHE {assessment.unit.slug} {assessment.period.year}{' DRAF' if draft else ''}.pdf"


@dataclass(frozen=True)
class Figures:
    """The unit's and the TPI's scores as `ScoreResult.to_dict()` (frozen for a final assessment)."""

    unit: dict[str, Any]
    tpi: dict[str, Any]
    stage_name: str


def _figures(
    assessment: Assessment, unit: ScoreResult, tpi: ScoreResult, stage: ReviewStage | None
) -> Figures:
    frozen = assessment.final_result or {}
    if assessment.status == Assessment.Status.FINAL and frozen.get("tpi") and frozen.get("unit"):
        return Figures(
            frozen["unit"], frozen["tpi"], str(frozen.get("stage") or (stage.name if stage else ""))
        )
    return Figures(unit.to_dict(), tpi.to_dict(), stage.name if stage else "")


def _node_row(framework: Framework, code: str, unit: ScoreResult, tpi: ScoreResult, d: int) -> dict[str, Any]:
    node = framework.nodes[code]
    value = tpi.node(code)
    percent = None if value is None or not node.weight else value / node.weight * 100
    return {
        "code": code,
        "name": node.name,
        "depth": node.depth,
        "is_indicator": node.is_indicator,
        "weight": _fmt(node.weight, d),
        "unit": _fmt(unit.node(code), d),
        "tpi": _fmt(value, d),
        "percent": _fmt(percent, d),
    }


def lhe_context(assessment: Assessment, *, draft: bool) -> dict[str, Any]:
    """Everything the LHE template shows, as display-ready values (Indonesian number format)."""
    framework = engine_for(assessment)
    d = framework.settings.display_decimals
    unit_layer = export_layer(assessment, LAYER_UNIT)
    tpi_layer = export_layer(assessment, LAYER_TPI)
    unit, tpi = unit_layer.result, tpi_layer.result
    figures = _figures(assessment, unit, tpi, tpi_layer.stage)

    summary = [
        {"label": label, "unit": _fmt(figures.unit.get(key), d), "tpi": _fmt(figures.tpi.get(key), d)}
        for key, label in (
            ("pemenuhan", "Pemenuhan"),
            ("reform", "Reform"),
            ("pengungkit", "Komponen Pengungkit"),
            ("hasil", "Komponen Hasil"),
            ("total", "Nilai Total"),
        )
        if figures.tpi.get(key) is not None or key in ("pengungkit", "hasil", "total")
    ]
    predicates = [
        {
            "name": verdict["name"],
            "eligible": verdict["eligible"],
            "failed": verdict["failed"],
            "requires": [code.upper() for code in verdict.get("requires", [])],
            "readings": [str(note.get("message", "")) for note in verdict.get("readings") or ()],
        }
        for verdict in figures.tpi.get("predicates", {}).values()
    ]
    moves = unit_history(assessment.unit)
    checklist = prerequisite_checklist(
        unit=assessment.unit, user=None, year=assessment.period.year, moves=moves
    )
    conclusions = _conclusions(
        figures.tpi.get("predicates", {}), checklist, held_predicates(assessment.unit, moves)
    )
    areas = []
    for area in framework.areas:
        frozen = figures.tpi.get("areas", {}).get(str(area.number), {})
        frozen_unit = figures.unit.get("areas", {}).get(str(area.number), {})
        rows = [
            _node_row(framework, code, unit, tpi, d)
            for root in area.nodes
            for code in framework.subtree_nodes(root)
            if framework.nodes[code].is_indicator
        ]
        areas.append(
            {
                "number": area.number,
                "name": area.name,
                "weight": _fmt(frozen.get("weight"), d),
                "unit": _fmt(frozen_unit.get("score"), d),
                "tpi": _fmt(frozen.get("score"), d),
                "percent": _fmt(frozen.get("percent"), d),
                "rows": rows,
            }
        )
    hasil_root = framework.components["hasil"]
    hasil_rows = [_node_row(framework, code, unit, tpi, d) for code in framework.subtree_nodes(hasil_root)]

    findings = _findings(assessment, framework, unit_layer.answers, tpi_layer.answers)
    percent_by_area = {str(area["number"]): area["percent"] for area in areas}
    notes = [
        {
            "number": note.number,
            "name": note.name,
            "percent": percent_by_area.get(str(note.number), "–"),
            "findings": note.findings,
            "recommendations": note.recommendations,
        }
        for note in area_notes(assessment=assessment, framework=framework)
    ]
    recommendations = [
        {
            "code": gain["code"],
            "question": gain["question"],
            "current": gain["current"],
            "best": gain["best"],
            "gain": _fmt(gain["gain"], d),
        }
        for gain in figures.tpi.get("gains", [])[:RECOMMENDATIONS]
    ]
    when = assessment.finalised_at if (assessment.finalised_at and not draft) else timezone.now()
    day = timezone.localtime(when).date()
    return {
        "assessment": assessment,
        "unit": assessment.unit,
        "instansi": assessment.unit.instansi,
        "period": assessment.period,
        "framework_name": framework.name,
        "draft": draft,
        "date": date_id(day),
        "place": lhe_place(assessment),
        "stage_name": figures.stage_name,
        "total": _fmt(figures.tpi.get("total"), d),
        "unit_total": _fmt(figures.unit.get("total"), d),
        "summary": summary,
        "predicates": predicates,
        "prerequisites": _prerequisite_rows(checklist),
        "prerequisite_year": checklist.year,
        "conclusions": conclusions,
        "zero_denominators": [str(e.get("message", "")) for e in figures.tpi.get("zero_denominators") or ()],
        "area_notes": notes,
        "areas": areas,
        "hasil_rows": hasil_rows,
        "findings": findings,
        "recommendations": recommendations,
        "signatures": _signatures(assessment),
    }


PREREQUISITE_TARGETS = ("wbk", "wbbm")  # the checklist judges each prerequisite for these predicates


def _prerequisite_rows(checklist: Checklist) -> list[dict[str, Any]]:
    def state(verdict: Any) -> str:
        return "met" if verdict.met else str(verdict.status)

    return [
        {
            "label": row.definition.label,
            "level": row.definition.level,
            "value": row.display_value,
            "wbk": state(row.wbk),
            "wbbm": state(row.wbbm),
            "wbk_message": row.wbk.message,
            "wbbm_message": row.wbbm.message,
        }
        for row in checklist.rows
    ]


def _conclusions(predicates: dict[str, Any], checklist: Checklist, held: set[str]) -> list[dict[str, Any]]:
    """Per predicate: does the unit meet the criteria to be proposed to the TPN (Bab I A.3)?

    Three conditions, each stated: the score requirements (the engine's verdict), every prerequisite of
    the checklist for that predicate, and the predicates it requires first (WBBM needs WBK held).
    """
    names = {code: str(verdict.get("name", code)) for code, verdict in predicates.items()}
    conclusions = []
    for code, verdict in predicates.items():
        reasons = []
        scores_met = bool(verdict.get("eligible"))
        if not scores_met:
            failed = list(verdict.get("failed") or ())
            reasons.append(f"nilai belum memenuhi syarat ({len(failed)} syarat nilai tidak terpenuhi)")
        if code in PREREQUISITE_TARGETS:
            unmet = [getattr(row, code).message for row in checklist.rows if not getattr(row, code).met]
            prerequisites_met = not unmet
            if unmet:
                reasons.append("prasyarat belum terpenuhi: " + "; ".join(unmet))
        else:
            prerequisites_met = True
        missing = [
            names.get(other, other.upper()) for other in verdict.get("requires") or () if other not in held
        ]
        if missing:
            reasons.append("belum memiliki predikat " + ", ".join(missing))
        conclusions.append(
            {
                "code": code,
                "name": names[code],
                "meets": scores_met and prerequisites_met and not missing,
                "scores_met": scores_met,
                "prerequisites_met": prerequisites_met,
                "reasons": reasons,
                "readings": [str(note.get("message", "")) for note in verdict.get("readings") or ()],
            }
        )
    return conclusions


def _findings(
    assessment: Assessment, framework: Framework, unit: dict[str, Any], tpi: dict[str, Any]
) -> list[dict[str, Any]]:
    """Items where the TPI's answer differs from the unit's or that were returned, with the stage notes."""
    notes: dict[str, list[dict[str, str]]] = {}
    stage_answers: dict[str, list[tuple[int, str, Any]]] = {}
    for row in (
        Answer.objects.filter(assessment=assessment, stage__isnull=False)
        .select_related("stage")
        .order_by("stage__order")
    ):
        assert row.stage is not None
        stage_answers.setdefault(row.item_code, []).append((row.stage.order, row.stage.name, row.value))
        if row.note:
            notes.setdefault(row.item_code, []).append({"stage": row.stage.name, "text": row.note})
    returned: dict[str, list[dict[str, str]]] = {}
    for back in (
        ReturnedItem.objects.filter(assessment=assessment).select_related("stage").order_by("returned_at")
    ):
        returned.setdefault(back.item_code, []).append({"stage": back.stage.name, "text": back.comment})
    findings = []
    for code, item in framework.items.items():
        differs = unit.get(code) != tpi.get(code)
        if not (differs or code in returned or code in notes):
            continue
        findings.append(
            {
                "code": code,
                "question": item.question,
                "unit": answer_display(unit.get(code), item) or "(kosong)",
                "tpi": answer_display(tpi.get(code), item) or "(kosong)",
                "differs": differs,
                "stages": [
                    {"stage": name, "answer": answer_display(canonical(framework, code, value), item) or "–"}
                    for _order, name, value in stage_answers.get(code, [])
                ],
                "notes": notes.get(code, []),
                "returned": returned.get(code, []),
            }
        )
    return findings


def _signatures(assessment: Assessment) -> list[dict[str, str]]:
    """The last two review stages (by default ketua tim and pengendali teknis) with who answered in them."""
    stages = list(ReviewStage.objects.filter(period_id=assessment.period_id).order_by("order"))[-2:]
    signatures = []
    for stage in stages:
        last = (
            Answer.objects.filter(assessment=assessment, stage=stage)
            .select_related("updated_by")
            .order_by("-updated_at")
            .first()
        )
        person = last.updated_by if last is not None else None
        label = "Ketua Tim Penilai Internal" if stage.name.casefold() == "ketua tim" else stage.name
        signatures.append(
            {
                "role": label,
                "name": str(person) if person is not None else "",
                "nip": getattr(person, "nip", "") if person is not None else "",
            }
        )
    return signatures


def lhe_render(assessment: Assessment, *, draft: bool) -> bytes:
    """The LHE as PDF bytes."""
    from weasyprint import HTML

    html = render_to_string("assessments/lhe/lhe.html", lhe_context(assessment, draft=draft))
    return bytes(HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf())


def lhe_generate(*, assessment: Assessment, actor: Any) -> Document:
    """The stored LHE of a final assessment, generated once (later calls return the same Document).

    The PDF is rendered before any lock is taken (a final assessment's `final_result` no longer changes);
    only storing it runs in a (short) transaction, which keeps the first LHE if two were rendered at once.
    """
    current = Assessment.objects.select_related("period", "unit__instansi").get(pk=assessment.pk)
    if current.status != Assessment.Status.FINAL:
        raise ValueError("only a final assessment has a stored LHE")
    if current.lhe_document_id is not None:
        return Document.objects.select_related("blob").get(pk=current.lhe_document_id)
    content = lhe_render(current, draft=False)
    name = lhe_filename(current, draft=False)
    with transaction.atomic():
        assessment = (
            Assessment.objects.select_for_update()
            .select_related("period", "unit__instansi")
            .get(pk=assessment.pk)
        )
        if assessment.lhe_document_id is not None:
            return Document.objects.select_related("blob").get(pk=assessment.lhe_document_id)
        document = document_store(
            instansi=assessment.unit.instansi,
            unit=assessment.unit,
            uploaded=SimpleUploadedFile(name, content, content_type="application/pdf"),
            kind=Document.Kind.LHE,
            actor=actor,
            title=f"Laporan Hasil Evaluasi ZI {assessment.unit.name} {assessment.period.name}",
            allowed={"pdf"},
        )
        Assessment.objects.filter(pk=assessment.pk).update(lhe_document=document)
        assessment.lhe_document = document
        audit_record(
            event="assessment.lhe_generated",
            actor=actor,
            obj=assessment,
            changes={"lhe_document": [None, document.pk], "total": lhe_total(assessment)},
        )
    return document


def lhe_total(assessment: Assessment) -> str | None:
    tpi = (assessment.final_result or {}).get("tpi") or {}
    total = tpi.get("total")
    return None if total is None else _fmt(total)
