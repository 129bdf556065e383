from __future__ import annotations

import base64

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.assessments.helpers import assessment_of, open_period
from zona.assessments.models import Assessment, Evidence
from zona.assessments.services.evidence import (
    evidence_attach_document,
    evidence_link,
    evidence_remove,
    evidence_upload,
)
from zona.audit.models import AuditEvent
from zona.demo.regency import minimal_pdf
from zona.documents.models import Blob, Document
from zona.documents.services import document_store

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
PNG_BYTES = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


@pytest.fixture
def assessment(regency):
    return assessment_of(open_period(regency), regency.unit_a)


def pdf(name="SK Tim.pdf", title="SK Tim ZI Dinas Dukcapil"):
    return SimpleUploadedFile(name, minimal_pdf(title), content_type="application/pdf")


def upload_url(assessment, code):
    return reverse("assessments:evidence_upload", kwargs={"pk": assessment.pk, "code": code})


def download_url(evidence):
    return reverse(
        "assessments:evidence_download", kwargs={"pk": evidence.assessment_id, "evidence_pk": evidence.pk}
    )


def test_upload_over_htmx_stores_a_data_dukung_document_and_updates_progress(client, regency, assessment):
    client.force_login(regency.operator_a)
    response = client.post(upload_url(assessment, "A.I.1.i.a"), {"uploads": [pdf()]}, headers=HTMX)
    assert response.status_code == 200
    evidence = Evidence.objects.get()
    assert (
        evidence.item_code == "A.I.1.i.a"
        and evidence.title == "SK Tim"
        and evidence.added_by == regency.operator_a
    )
    assert evidence.document.kind == Document.Kind.DATA_DUKUNG and evidence.document.unit == regency.unit_a
    html = response.content.decode()
    assert 'id="bukti-A-I-1-i-a"' in html and "SK Tim" in html and "Pratinjau" in html
    assert 'id="progres-area-1" class="ws-area-stats small mb-3" hx-swap-oob="true"' in html
    assert "Dengan data dukung <strong>1</strong>/" in html
    event = AuditEvent.objects.get(event="evidence.uploaded")
    assert event.changes["item"] == "A.I.1.i.a" and event.unit_id == regency.unit_a.pk
    assert event.changes["sha256"] == evidence.document.blob.sha256


def test_png_renamed_pdf_is_refused_naming_the_item(client, regency, assessment):
    client.force_login(regency.operator_a)
    fake = SimpleUploadedFile("SK Tim.pdf", PNG_BYTES, content_type="application/pdf")
    response = client.post(upload_url(assessment, "A.I.1.i.a"), {"uploads": [fake]}, headers=HTMX)
    html = response.content.decode()
    assert "A.I.1.i.a: Isi berkas SK Tim.pdf bukan PDF yang sebenarnya" in html
    assert not Evidence.objects.exists() and not Document.objects.exists() and not Blob.objects.exists()


def test_the_same_bytes_twice_keep_one_blob(regency, assessment):
    content = minimal_pdf("Rencana kerja ZI")
    evidence_upload(
        assessment=assessment,
        item_code="A.I.1.ii.a",
        actor=regency.operator_a,
        files=[SimpleUploadedFile("Rencana kerja.pdf", content)],
    )
    evidence_upload(
        assessment=assessment,
        item_code="A.I.1.ii.b",
        actor=regency.ketua_a,
        files=[SimpleUploadedFile("Rencana kerja (salinan).pdf", content)],
    )
    assert Blob.objects.count() == 1
    assert Document.objects.count() == 2 and Evidence.objects.count() == 2
    assert len({e.document.blob_id for e in Evidence.objects.all()}) == 1


def test_attach_an_existing_pakta_integritas_without_uploading_again(client, regency, assessment):
    pakta = document_store(
        instansi=regency.instansi,
        unit=regency.unit_a,
        kind=Document.Kind.PAKTA_INTEGRITAS,
        uploaded=pdf("Pakta.pdf", "Pakta Integritas"),
        actor=regency.operator_a,
        title="Pakta Integritas 2025",
    )
    other = document_store(
        instansi=regency.instansi,
        unit=regency.unit_b,
        kind=Document.Kind.PAKTA_INTEGRITAS,
        uploaded=pdf("Pakta B.pdf", "Pakta B"),
        actor=regency.operator_b,
        title="Pakta Kecamatan",
    )
    blobs = Blob.objects.count()
    client.force_login(regency.operator_a)
    url = reverse("assessments:evidence_attach", kwargs={"pk": assessment.pk, "code": "A.I.1.iv.a"})
    listing = client.get(url, headers=HTMX).content.decode()
    assert "Pakta Integritas 2025" in listing and "Pakta Kecamatan" not in listing
    response = client.post(url, {"document": pakta.pk}, headers=HTMX)
    assert response.status_code == 200 and "Pakta Integritas 2025" in response.content.decode()
    evidence = Evidence.objects.get()
    assert evidence.document == pakta and evidence.item_code == "A.I.1.iv.a"
    assert Blob.objects.count() == blobs
    assert AuditEvent.objects.filter(event="evidence.attached").exists()
    # another unit's document cannot be attached, through the view or the service
    client.post(url, {"document": other.pk}, headers=HTMX)
    with pytest.raises(ValidationError, match="bukan milik unit ini"):
        evidence_attach_document(
            assessment=assessment, item_code="A.I.1.iv.a", document=other, actor=regency.operator_a
        )
    with pytest.raises(ValidationError, match="sudah dilampirkan"):
        evidence_attach_document(
            assessment=assessment, item_code="A.I.1.iv.a", document=pakta, actor=regency.operator_a
        )
    assert Evidence.objects.count() == 1


def test_download_is_named_after_the_lke_code_and_previewable(client, regency, assessment):
    (evidence,) = evidence_upload(
        assessment=assessment, item_code="A.I.1.i.a", files=[pdf()], actor=regency.operator_a
    )
    client.force_login(regency.evaluator)
    response = client.get(download_url(evidence))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="A.I.1.i.a - SK Tim.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    client.force_login(regency.operator_b)
    assert client.get(download_url(evidence)).status_code == 404


def test_download_of_an_office_file_is_an_attachment_with_safe_name(client, regency, assessment):
    document = document_store(
        instansi=regency.instansi,
        unit=regency.unit_a,
        kind=Document.Kind.LAINNYA,
        uploaded=SimpleUploadedFile("gambar.png", PNG_BYTES),
        actor=regency.operator_a,
    )
    evidence = evidence_attach_document(
        assessment=assessment, item_code="A.I.1.i.b", document=document, actor=regency.operator_a
    )
    Evidence.objects.filter(pk=evidence.pk).update(title='Notulen "rapat"/seleksi')
    client.force_login(regency.operator_a)
    response = client.get(download_url(evidence))
    assert response["Content-Disposition"] == 'inline; filename="A.I.1.i.b - Notulen _rapat_seleksi.png"'
    assert response["Content-Security-Policy"] == "sandbox"


def test_remove_keeps_the_row_as_history(client, regency, assessment):
    (evidence,) = evidence_upload(
        assessment=assessment, item_code="A.I.1.i.a", files=[pdf()], actor=regency.operator_a
    )
    client.force_login(regency.ketua_a)
    url = reverse("assessments:evidence_remove", kwargs={"pk": assessment.pk, "evidence_pk": evidence.pk})
    response = client.post(url, headers=HTMX)
    assert response.status_code == 200
    evidence.refresh_from_db()
    assert evidence.removed_at is not None and evidence.removed_by == regency.ketua_a
    html = response.content.decode()
    assert "Riwayat: 1 data dukung dihapus" in html and "Belum ada data dukung" in html
    assert AuditEvent.objects.filter(event="evidence.removed").exists()
    with pytest.raises(ValidationError, match="sudah dihapus"):
        evidence_remove(evidence=evidence, actor=regency.ketua_a)


def test_links_are_checked(regency, assessment):
    with pytest.raises(ValidationError, match=r"A\.I\.1\.i\.a: tautan harus alamat web lengkap"):
        evidence_link(
            assessment=assessment,
            item_code="A.I.1.i.a",
            url="javascript:alert(1)",
            title="x",
            actor=regency.operator_a,
        )
    evidence = evidence_link(
        assessment=assessment,
        item_code="A.I.1.i.a",
        url="https://dukcapil.example/sk",
        title="",
        actor=regency.operator_a,
    )
    assert evidence.title == "https://dukcapil.example/sk" and evidence.document is None
    assert AuditEvent.objects.filter(event="evidence.linked").exists()


def test_evidence_follows_the_answer_lock_and_permission_rules(client, regency, assessment):
    with pytest.raises(PermissionDenied):
        evidence_upload(assessment=assessment, item_code="A.I.1.i.a", files=[pdf()], actor=regency.anggota_a)
    with pytest.raises(PermissionDenied):
        evidence_link(
            assessment=assessment,
            item_code="A.I.1.i.a",
            url="https://x.example",
            title="x",
            actor=regency.evaluator,
        )
    client.force_login(regency.anggota_a)
    assert client.post(upload_url(assessment, "A.I.1.i.a"), {"uploads": [pdf()]}).status_code == 403
    client.force_login(regency.operator_b)
    assert client.post(upload_url(assessment, "A.I.1.i.a"), {"uploads": [pdf()]}).status_code == 404
    Assessment.objects.filter(pk=assessment.pk).update(status=Assessment.Status.SUBMITTED)
    with pytest.raises(ValidationError, match="terkunci"):
        evidence_upload(assessment=assessment, item_code="A.I.1.i.a", files=[pdf()], actor=regency.operator_a)
    client.force_login(regency.operator_a)
    response = client.post(upload_url(assessment, "A.I.1.i.a"), {"uploads": [pdf()]})
    assert response.status_code == 302
    assert not Evidence.objects.exists() and not Document.objects.exists()


def test_no_javascript_upload_redirects_back_to_the_item(client, regency, assessment):
    client.force_login(regency.operator_a)
    response = client.post(
        upload_url(assessment, "B.I.a"), {"uploads": [pdf("IPAK.pdf")], "title": "Laporan IPAK"}
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#item-B.I.a")
    assert Evidence.objects.get().title == "Laporan IPAK"
    page = client.get(reverse("assessments:worksheet", kwargs={"pk": assessment.pk}))
    assert "Laporan IPAK" in page.content.decode()
