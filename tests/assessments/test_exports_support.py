"""Shared set-up for the export/import/LHE tests (no tests here): answers of every kind, evidence, finals."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from zona.assessments.models import Assessment, Evidence, Period
from zona.assessments.selectors.core import assessment_score
from zona.assessments.services.answers import answer_save
from zona.documents.models import Document
from zona.documents.services import document_store

PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PASSWORD = "rahasia-uji-123"

# one answer of every kind: choices, a % from its inputs, a % given directly, an index, odd decimals
UNIT_ANSWERS: dict[str, Any] = {
    "A.I.1.i.a": "Ya",
    "A.I.1.i.b": "B",
    "A.I.1.ii.a": "Ya",
    "A.I.1.ii.b": "C",
    "A.I.2.i.a": "A",
    "A.I.3.i.a": "Tidak",
    "A.II.1.i.a": {"inputs": {"perubahan": 7, "agen": 9}},
    "A.II.4.i": {"percent": 87.5},
    "A.II.5.iii.i": {"inputs": {"kepala": 1, "wajib": 12, "lainnya": 4, "sudah": 13}},
    "B.I.a": 3.21,
    "B.II.a": "3,675",
}


def fill(assessment: Assessment, actor: Any, answers: dict[str, Any] | None = None) -> None:
    for code, value in (answers or UNIT_ANSWERS).items():
        answer_save(
            assessment=assessment, item_code=code, value=value, actor=actor, narrative=f"Penjelasan {code}"
        )


def add_evidence(
    assessment: Assessment,
    code: str,
    title: str,
    actor: Any,
    *,
    content: bytes = PDF_BYTES,
    name: str = "bukti.pdf",
) -> Evidence:
    document = document_store(
        instansi=assessment.unit.instansi,
        unit=assessment.unit,
        uploaded=SimpleUploadedFile(name, content, content_type="application/pdf"),
        kind=Document.Kind.DATA_DUKUNG,
        actor=actor,
        title=title,
    )
    return Evidence.objects.create(
        assessment=assessment, item_code=code, document=document, title=title, added_by=actor
    )


def review(assessment: Assessment, period: Period, evaluator: Any) -> None:
    """Stage 1 changes two answers with notes; the last stage changes one more."""
    stages = list(period.stages.order_by("order"))
    Assessment.objects.filter(pk=assessment.pk).update(
        status=Assessment.Status.IN_REVIEW, current_stage=stages[0]
    )
    assessment.refresh_from_db()
    answer_save(
        assessment=assessment,
        item_code="A.I.1.i.b",
        value="C",
        actor=evaluator,
        stage=stages[0],
        note="SK tim belum memuat mekanisme seleksi anggota",
    )
    answer_save(
        assessment=assessment,
        item_code="A.I.2.i.a",
        value="B",
        actor=evaluator,
        stage=stages[0],
        note="SOP belum seluruhnya ditetapkan",
    )
    Assessment.objects.filter(pk=assessment.pk).update(current_stage=stages[-1])
    assessment.refresh_from_db()
    answer_save(
        assessment=assessment,
        item_code="A.I.1.ii.b",
        value="B",
        actor=evaluator,
        stage=stages[-1],
        note="Rencana kerja sudah dimonitor",
    )


def finalise(assessment: Assessment, period: Period) -> dict[str, Any]:
    """What the review part does at finalisation: freeze both results on the assessment."""
    last = period.stages.order_by("-order").first()
    result = {
        "tpi": assessment_score(assessment, last).to_dict(),
        "unit": assessment_score(assessment).to_dict(),
        "framework": f"{period.framework.code} v{period.framework.version}",
        "stage": last.name if last else "",
    }
    Assessment.objects.filter(pk=assessment.pk).update(
        status=Assessment.Status.FINAL, final_result=result, finalised_at=timezone.now(), current_stage=None
    )
    assessment.refresh_from_db()
    return result
