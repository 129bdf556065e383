from __future__ import annotations

import io

import pytest
from django.urls import reverse

from tests.assessments.helpers import assessment_of, open_period
from tests.assessments.test_exports_support import fill, finalise, review
from zona.assessments.models import Assessment
from zona.assessments.services.lhe import lhe_generate
from zona.audit.models import AuditEvent
from zona.documents.models import Document

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    text = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.split())


def _download(client, assessment) -> bytes:
    response = client.get(reverse("assessments:lhe_pdf", kwargs={"pk": assessment.pk}))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return b"".join(response.streaming_content)


def test_final_lhe_shows_the_frozen_total_and_is_stored_once(regency, client):
    period = open_period(regency)
    assessment = assessment_of(period, regency.unit_a)
    fill(assessment, regency.operator_a)
    review(assessment, period, regency.evaluator)
    result = finalise(assessment, period)
    result["tpi"]["total"] = 87.45  # the frozen figure wins over a recomputation
    Assessment.objects.filter(pk=assessment.pk).update(final_result=result)
    # finalised without an LHE (as before the LHE was written at finalisation): the evaluator's first
    # download writes the official record, nobody else's does.
    client.force_login(regency.ketua_a)
    assert pdf_text(_download(client, assessment)) != ""
    assert not Document.objects.filter(kind=Document.Kind.LHE).exists()
    client.force_login(regency.evaluator)
    first = _download(client, assessment)
    text = pdf_text(first)
    assert "Laporan Hasil Evaluasi Zona Integritas" in text
    assert regency.unit_a.name in text and regency.instansi.name in text
    assert "87,45" in text
    assert "DRAF" not in text
    assert "SK tim belum memuat mekanisme seleksi anggota" in text  # stage note among the findings
    assert "A.I.1.i.b" in text and "Rekomendasi" in text
    assert "Ketua Tim Penilai Internal" in text and "Pengendali teknis" in text
    assessment.refresh_from_db()
    document = assessment.lhe_document
    assert document is not None and document.kind == Document.Kind.LHE and document.unit == regency.unit_a

    client.force_login(regency.pimpinan)
    assert _download(client, assessment) == first
    assert Document.objects.filter(kind=Document.Kind.LHE).count() == 1
    assert AuditEvent.objects.filter(event="assessment.lhe_generated").count() == 1
    assert lhe_generate(assessment=assessment, actor=regency.koordinator).pk == document.pk


def test_lhe_of_an_unfinished_assessment_is_a_draft_and_not_stored(regency, client):
    period = open_period(regency)
    assessment = assessment_of(period, regency.unit_a)
    fill(assessment, regency.operator_a)
    review(assessment, period, regency.evaluator)
    client.force_login(regency.evaluator)
    text = pdf_text(_download(client, assessment))
    assert "DRAF" in text
    assert "Laporan Hasil Evaluasi Zona Integritas" in text
    assert "SOP belum seluruhnya ditetapkan" in text
    assert not Document.objects.filter(kind=Document.Kind.LHE).exists()
    assessment.refresh_from_db()
    assert assessment.lhe_document is None


def test_lhe_generate_refuses_an_unfinished_assessment(regency):
    assessment = assessment_of(open_period(regency), regency.unit_a)
    with pytest.raises(ValueError):
        lhe_generate(assessment=assessment, actor=regency.koordinator)
    assert not Document.objects.exists()
