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


def test_lhe_states_prerequisites_area_notes_and_the_conclusion(regency, client):
    """F6 (90/2021 Lampiran II Bab I A.3): best answers meet every score requirement, yet with the SAKIP of
    the unit at C and the other prerequisites not filled the conclusion is BELUM MEMENUHI, naming why."""
    from tests.assessments.test_review_support import fill_everything
    from zona.assessments.models import AreaReviewNote
    from zona.lifecycle.services import prerequisite_save

    period = open_period(regency)
    assessment = assessment_of(period, regency.unit_a)
    fill_everything(assessment, regency.operator_a)
    prerequisite_save(
        instansi=regency.instansi,
        unit=regency.unit_a,
        year=period.year,
        code="sakip_unit",
        value="C",
        actor=regency.koordinator,
    )
    prerequisite_save(
        instansi=regency.instansi,
        year=period.year,
        code="opini_bpk",
        value="WTP",
        actor=regency.koordinator,
    )
    AreaReviewNote.objects.create(
        assessment=assessment,
        area=3,
        findings="Pola mutasi belum ditetapkan.",
        recommendations="Tetapkan SK pola mutasi.",
        updated_by=regency.evaluator,
    )
    client.force_login(regency.evaluator)
    text = pdf_text(_download(client, assessment))
    assert "Menuju WBK: MEMENUHI syarat nilai" in text
    assert "2. Prasyarat pengusulan" in text
    assert "Tindak lanjut temuan pemeriksaan APIP dan BPK" in text and "Predikat SAKIP instansi" in text
    assert "Opini BPK atas laporan keuangan instansi instansi WTP terpenuhi" in text
    assert "4. Temuan dan rekomendasi per area" in text
    assert "Pola mutasi belum ditetapkan." in text and "Tetapkan SK pola mutasi." in text
    assert "7. Simpulan" in text
    assert (
        f"Berdasarkan hasil evaluasi internal, {regency.unit_a.name} BELUM MEMENUHI kriteria untuk "
        "diusulkan kepada Tim Penilai Nasional (TPN) sebagai unit kerja Menuju WBK." in text
    )
    assert "Syarat nilai: terpenuhi" in text and "Prasyarat: belum terpenuhi" in text
    conclusion = text.split("7. Simpulan")[1]
    assert "prasyarat belum terpenuhi:" in conclusion and "SAKIP unit C di bawah minimal B" in conclusion
    assert "Opini BPK" not in conclusion.split("Menuju WBBM")[0]  # met, so not a reason
    assert "Menuju WBK: BELUM MEMENUHI kriteria untuk diusulkan ke TPN" in text  # the cover


def test_conclusion_needs_scores_prerequisites_and_the_predicate_held_first():
    from types import SimpleNamespace

    from zona.assessments.services.lhe import _conclusions

    met = SimpleNamespace(met=True, message="ok")

    def row(wbk, wbbm):
        return SimpleNamespace(wbk=wbk, wbbm=wbbm)

    short = SimpleNamespace(met=False, message="Lama pembangunan 6 bulan di bawah minimal 12 bulan")
    checklist = SimpleNamespace(rows=[row(met, met), row(met, short)])
    predicates = {
        "wbk": {"name": "Menuju WBK", "eligible": True, "failed": [], "requires": []},
        "wbbm": {"name": "Menuju WBBM", "eligible": True, "failed": [], "requires": ["wbk"]},
    }
    wbk, wbbm = _conclusions(predicates, checklist, held=set())
    assert wbk["meets"] and wbk["reasons"] == []
    assert not wbbm["meets"]
    assert wbbm["reasons"] == [
        "prasyarat belum terpenuhi: Lama pembangunan 6 bulan di bawah minimal 12 bulan",
        "belum memiliki predikat Menuju WBK",
    ]
    predicates["wbk"]["eligible"] = False
    predicates["wbk"]["failed"] = ["Nilai total 74,99 di bawah minimal 75,00"]
    wbk, _wbbm = _conclusions(predicates, checklist, held={"wbk"})
    assert not wbk["meets"] and wbk["reasons"] == [
        "nilai belum memenuhi syarat (1 syarat nilai tidak terpenuhi)"
    ]


def test_lhe_prints_the_reading_note_of_a_verdict_that_passes_only_when_rounded(regency, client):
    """Findings §5 set 3 (total 74.995, AK 59.995 %): the LHE says WBK is met only when rounded (F3)."""
    from tests.lke.test_readings import set3
    from zona.assessments.selectors.core import engine_for
    from zona.assessments.services.answers import answer_save

    period = open_period(regency)
    assessment = assessment_of(period, regency.unit_a)
    for code, value in set3(engine_for(assessment)).items():
        answer_save(assessment=assessment, item_code=code, value=value, actor=regency.operator_a)
    client.force_login(regency.evaluator)
    text = pdf_text(_download(client, assessment))
    assert "Menuju WBK: MEMENUHI syarat nilai" in text
    assert (
        "Catatan tafsiran: Memenuhi bila dibulatkan; nilai mentah: Nilai total 74,995 di bawah minimal 75,00"
        in text
    )


# --- the external overseer (pengawas) -----------------------------------------------------------------


def _lhe_url(assessment) -> str:
    return reverse("assessments:lhe_pdf", kwargs={"pk": assessment.pk})


def _published_pengawas(regency):
    """The fixture's pengawas, with unit A (the one the TPI team reviews) published to them."""
    from zona.accounts import services as account_services

    account_services.overseer_publish(user=regency.pengawas, unit=regency.unit_a, actor=regency.koordinator)
    return regency.pengawas


def _reviewed(regency, *, final: bool = True) -> Assessment:
    period = open_period(regency)
    assessment = assessment_of(period, regency.unit_a)
    fill(assessment, regency.operator_a)
    review(assessment, period, regency.evaluator)
    if final:
        finalise(assessment, period)
    return assessment


@pytest.mark.parametrize("stored", [True, False])
def test_pengawas_reads_the_final_lhe_of_a_unit_published_to_them(regency, client, stored):
    assessment = _reviewed(regency)
    if stored:
        lhe_generate(assessment=assessment, actor=regency.koordinator)
    client.force_login(_published_pengawas(regency))
    text = pdf_text(_download(client, assessment))
    assert "Laporan Hasil Evaluasi Zona Integritas" in text and "DRAF" not in text
    # the overseer's read never writes the official record
    assert Document.objects.filter(kind=Document.Kind.LHE).count() == (1 if stored else 0)


def test_pengawas_gets_no_draft_lhe(regency, client):
    assessment = _reviewed(regency, final=False)
    client.force_login(_published_pengawas(regency))
    assert client.get(_lhe_url(assessment)).status_code == 403  # a draft, even of a published unit


def test_pengawas_gets_no_lhe_of_a_unit_not_published_to_them(regency, client):
    assessment = _reviewed(regency)
    client.force_login(regency.pengawas)  # only unit B is published to them
    assert client.get(_lhe_url(assessment)).status_code == 404


def test_pengawas_gets_no_evidence_files_of_a_unit_published_to_them(regency, client):
    from tests.assessments.test_exports_support import add_evidence

    period = open_period(regency)
    assessment = assessment_of(period, regency.unit_a)
    fill(assessment, regency.operator_a)
    evidence = add_evidence(assessment, "A.I.1.i.a", "SK Tim", regency.operator_a)
    review(assessment, period, regency.evaluator)
    finalise(assessment, period)
    client.force_login(_published_pengawas(regency))
    assert evidence.document is not None
    urls = [
        reverse("assessments:evidence_download", kwargs={"pk": assessment.pk, "evidence_pk": evidence.pk}),
        reverse("documents:download", kwargs={"pk": evidence.document.pk}),
        reverse("assessments:evidence_zip", kwargs={"pk": assessment.pk}),
    ]
    for url in urls:
        assert client.get(url).status_code in (403, 404), url
    assert client.get(_lhe_url(assessment)).status_code == 200  # the final LHE itself stays readable


def test_exports_page_offers_the_pengawas_no_draft_lhe_and_no_evidence_zip(regency, client):
    from tests.assessments.test_exports_support import add_evidence

    assessment = _reviewed(regency, final=False)
    add_evidence(assessment, "A.I.1.i.a", "SK Tim", regency.operator_a)
    client.force_login(_published_pengawas(regency))
    page = client.get(reverse("assessments:exports", kwargs={"pk": assessment.pk})).content.decode()
    assert _lhe_url(assessment) not in page
    assert reverse("assessments:evidence_zip", kwargs={"pk": assessment.pk}) not in page
    client.force_login(regency.evaluator)
    page = client.get(reverse("assessments:exports", kwargs={"pk": assessment.pk})).content.decode()
    assert _lhe_url(assessment) in page
    assert reverse("assessments:evidence_zip", kwargs={"pk": assessment.pk}) in page
