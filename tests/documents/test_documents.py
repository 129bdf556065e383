from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from zona.audit.models import AuditEvent
from zona.demo.regency import minimal_pdf
from zona.documents.models import Blob, Document
from zona.documents.services import document_store

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def pdf(name="Pakta.pdf"):
    return SimpleUploadedFile(name, minimal_pdf("Pakta Integritas"), content_type="application/pdf")


def test_same_bytes_are_stored_once(regency):
    first = document_store(
        instansi=regency.instansi,
        unit=regency.unit_a,
        uploaded=pdf(),
        kind="lainnya",
        actor=regency.operator_a,
    )
    second = document_store(
        instansi=regency.instansi,
        unit=regency.unit_b,
        uploaded=pdf("lagi.pdf"),
        kind="lainnya",
        actor=regency.operator_b,
    )
    assert first.blob_id == second.blob_id and Blob.objects.count() == 1
    assert Document.objects.count() == 2
    assert AuditEvent.objects.filter(event="document.uploaded").count() == 2


def test_a_png_renamed_pdf_is_refused_and_nothing_is_written(regency):
    with pytest.raises(ValidationError) as excinfo:
        document_store(
            instansi=regency.instansi,
            uploaded=SimpleUploadedFile("pakta.pdf", PNG),
            kind="lainnya",
            actor=regency.koordinator,
        )
    assert "bukan PDF yang sebenarnya" in str(excinfo.value)
    assert Blob.objects.count() == 0 and Document.objects.count() == 0


def test_extension_outside_the_allowed_list_is_refused(regency):
    with pytest.raises(ValidationError, match="hanya pdf"):
        document_store(
            instansi=regency.instansi,
            uploaded=SimpleUploadedFile("x.png", PNG),
            kind="lainnya",
            actor=regency.koordinator,
            allowed={"pdf"},
        )


@override_settings(ZONA_UPLOAD_MAX_MB=0)
def test_size_limit_is_a_setting(regency):
    with pytest.raises(ValidationError, match="terlalu besar"):
        document_store(instansi=regency.instansi, uploaded=pdf(), kind="lainnya", actor=regency.koordinator)


def test_download_checks_access(regency, client):
    doc = document_store(
        instansi=regency.instansi,
        unit=regency.unit_a,
        uploaded=pdf('Pakta "A"/x.pdf'),
        kind="lainnya",
        actor=regency.operator_a,
    )
    client.force_login(regency.operator_a)
    response = client.get(f"/dokumen/{doc.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert response["Content-Type"] == "application/pdf"
    client.force_login(regency.operator_b)
    assert client.get(f"/dokumen/{doc.pk}/").status_code == 404
    client.force_login(regency.other_koordinator)
    assert client.get(f"/dokumen/{doc.pk}/").status_code == 404
    assert AuditEvent.objects.filter(event="access.denied").count() == 2
