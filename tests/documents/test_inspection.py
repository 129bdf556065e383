"""Office packages and PDFs are looked into before they are kept (zona/documents/inspection.py)."""

from __future__ import annotations

import io
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from tests.assessments.helpers import assessment_of, open_period
from zona.assessments.services.evidence import evidence_upload
from zona.demo.regency import minimal_pdf
from zona.documents.inspection import DOS_STUB, pdf_active_content
from zona.documents.models import Blob, Document
from zona.documents.services import document_store

pytestmark = pytest.mark.django_db

CONTENT_TYPES = (
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'wordprocessingml.document.main+xml"/></Types>'
)


def docx(*extra: tuple[str, bytes | str], body: bytes | str = "<w:document/>") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr("word/document.xml", body)
        for name, data in extra:
            archive.writestr(name, data)
    return buffer.getvalue()


def store(regency, content: bytes, name: str = "Laporan.docx") -> Document:
    return document_store(
        instansi=regency.instansi,
        unit=regency.unit_a,
        uploaded=SimpleUploadedFile(name, content),
        kind="lainnya",
        actor=regency.operator_a,
    )


def refused(regency, content: bytes, name: str = "Laporan.docx") -> str:
    with pytest.raises(ValidationError) as excinfo:
        store(regency, content, name)
    assert not Blob.objects.exists() and not Document.objects.exists()
    return " ".join(excinfo.value.messages)


def test_a_plain_docx_with_an_svg_icon_and_an_embedded_sheet_is_kept(regency):
    icon = '<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>'
    sheet = docx()  # nested package, as Word embeds a chart's workbook
    document = store(regency, docx(("word/media/image1.svg", icon), ("word/embeddings/Sheet1.xlsx", sheet)))
    assert document.blob.size > 0


@override_settings(ZONA_UPLOAD_UNPACKED_MAX_MB=8)
def test_a_docx_that_unpacks_past_the_limit_is_refused_as_a_bomb(regency):
    message = refused(regency, docx(body=b"\0" * (9 * 1024 * 1024)))
    assert "Laporan.docx ditolak" in message and "lebih dari 8 MB" in message and "bom kompresi" in message


def test_a_nested_bomb_counts_too(regency, settings):
    settings.ZONA_UPLOAD_UNPACKED_MAX_MB = 8
    inner = docx(body=b"\0" * (5 * 1024 * 1024))
    message = refused(regency, docx(("word/embeddings/a.docx", inner), ("word/embeddings/b.docx", inner)))
    assert "lebih dari 8 MB" in message


def test_a_docx_that_grows_a_thousandfold_is_refused_by_ratio(regency):
    message = refused(regency, docx(body=b"\0" * (12 * 1024 * 1024)))
    assert "memuai" in message and "paling banyak 100 kali" in message


@pytest.mark.parametrize(
    ("entry", "data", "words"),
    [
        ("word/embeddings/setup.exe", b"anything", "program atau skrip tertanam (word/embeddings/setup.exe)"),
        ("word/media/run.js", b"alert(1)", "program atau skrip tertanam"),
        (
            "word/embeddings/oleObject1.bin",
            b"\0" * 600 + b"MZ\x90\0" + DOS_STUB,
            "program",
        ),
        ("word/media/blob", b"MZ\x90\x00\x03", "program atau skrip tertanam (word/media/blob)"),
        ("word/afchunk.htm", b"<p>hi</p>", "halaman HTML tertanam (word/afchunk.htm)"),
        ("word/media/page.dat", b"  <!DOCTYPE html><script>x</script>", "halaman HTML tertanam"),
        ("word/vbaProject.bin", b"\xd0\xcf\x11\xe0", "berisi makro (word/vbaProject.bin)"),
        ("word/media/a.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>', "SVG"),
        ("word/media/b.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="x()"/>', "berisi skrip"),
    ],
)
def test_active_content_inside_an_office_file_is_refused_naming_it(regency, entry, data, words):
    assert words in refused(regency, docx((entry, data)))


def test_a_macro_enabled_content_type_is_refused(regency):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml", CONTENT_TYPES.replace("document.main", "document.macroEnabled.main")
        )
        archive.writestr("word/document.xml", "<w:document/>")
    assert "berisi makro" in refused(regency, buffer.getvalue())


def test_an_xls_with_vba_is_refused(regency):
    ole = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 504
        + "_VBA_PROJECT_CUR".encode("utf-16-le")
        + b"\0" * 512
    )
    assert "berisi makro (VBA)" in refused(regency, ole, "Rekap.xls")


def test_a_truncated_docx_is_refused_as_broken(regency):
    content = docx(("word/media/x.png", b"\x89PNG" + b"1" * 4000))
    assert "rusak" in refused(regency, content[: len(content) - 200])


# --- PDF --------------------------------------------------------------------------------------------------


def pdf_with_js() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    action = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Action"),
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('Zona');"),
        }
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_pdf_scan_finds_javascript_escaped_names_and_compressed_streams():
    assert pdf_active_content(minimal_pdf("Pakta")) == []
    assert "/javascript" in pdf_active_content(pdf_with_js())
    assert pdf_active_content(b"%PDF-1.4\n1 0 obj << /S /J#61vaScript /JS (x) >> endobj") == [
        "/javascript",
        "/js",
    ]
    hidden = zlib.compress(b"<< /Type /Action /S /Launch /F (cmd.exe) >>")
    packed = b"%PDF-1.5\n1 0 obj << /Type /ObjStm /Filter /FlateDecode >>\nstream\n" + hidden + b"\nendstream"
    assert pdf_active_content(packed) == ["/launch"]
    assert pdf_active_content(b"%PDF-1.4\n<< /OpenAction [3 0 R /Fit] >>") == []  # the common harmless kind


def test_a_pdf_with_javascript_is_kept_but_only_ever_downloaded(client, regency):
    assessment = assessment_of(open_period(regency), regency.unit_a)
    (evidence,) = evidence_upload(
        assessment=assessment,
        item_code="A.I.1.i.a",
        files=[SimpleUploadedFile("Formulir.pdf", pdf_with_js())],
        actor=regency.operator_a,
    )
    (plain,) = evidence_upload(
        assessment=assessment,
        item_code="A.I.1.i.a",
        files=[SimpleUploadedFile("SK.pdf", minimal_pdf("SK"))],
        actor=regency.operator_a,
    )
    assert evidence.document.blob.active_content and not plain.document.blob.active_content
    client.force_login(regency.operator_a)
    url = f"/penilaian/{assessment.pk}/data-dukung/"
    risky = client.get(f"{url}{evidence.pk}/")
    assert risky["Content-Disposition"].startswith("attachment;")
    assert client.get(f"{url}{plain.pk}/")["Content-Disposition"].startswith("inline;")
    assert client.get(f"/dokumen/{evidence.document.pk}/")["Content-Disposition"].startswith("attachment;")
    page = client.get(f"/penilaian/{assessment.pk}/butir/A.I.1.i.a/").content.decode()
    assert page.count("<iframe") == 1  # the plain PDF keeps its preview, the one with a script has none
