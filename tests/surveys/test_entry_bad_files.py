"""Survey import of malformed and oversized files: one Indonesian message naming the row or cell, a 200
page, nothing stored; never a 500 (issue 8 item 4)."""

from __future__ import annotations

import openpyxl
import pytest

from tests.surveys.test_entry import HEADER, _upload, import_url
from tests.surveys.test_public_support import URLCONF, campaign
from tests.xlsx_craft import row_xml, sheet_xml, text_cell, with_sheet, zip_bomb
from zona.surveys.models import Response

pytestmark = [pytest.mark.django_db, pytest.mark.urls(URLCONF)]

CSV_HEADER = ",".join([*HEADER, "usia", "saran"]).encode()


@pytest.fixture
def skm(regency):
    return campaign(regency)


def _survey_sheet(bad_cell: str) -> bytes:
    header = row_xml(1, [text_cell(f"{chr(65 + i)}1", code) for i, code in enumerate(HEADER)])
    return with_sheet(sheet_xml([header, row_xml(2, [bad_cell])]), title="Data")


BAD_FILES = [
    (
        "field-over-csv-limit",
        "skm.csv",
        CSV_HEADER + b"\n4,4,4,4,4,4,4,4,4,30," + b"x" * 140_000 + b"\n",
        "Baris 2: isian terlalu panjang (lebih dari 131.072 karakter)",
    ),
    (
        "long-suggestion",
        "skm.csv",
        CSV_HEADER + b"\n4,4,4,4,4,4,4,4,4,30," + b"x" * 5_000 + b"\n",
        "Baris 2, kolom 11: teks terlalu panjang (5.000 karakter; paling banyak 2.000)",
    ),
    (
        "age-5000-digits",
        "skm.csv",
        CSV_HEADER + b"\n4,4,4,4,4,4,4,4,4," + b"9" * 5000 + b",\n",
        "Baris 2, kolom 10: teks terlalu panjang",
    ),
    (
        "age-300-digits",
        "skm.csv",
        CSV_HEADER + b"\n4,4,4,4,4,4,4,4,4," + b"9" * 300 + b",\n",
        "baris 2, kolom usia: usia 9999999999999999999… bukan angka",
    ),
    (
        "answer-5000-digits",
        "skm.csv",
        CSV_HEADER + b"\n" + b"4" * 1500 + b",4,4,4,4,4,4,4,4,30,\n",
        "baris 2, kolom U1: nilai 4444444444444444444… di luar 1–4",
    ),
    (
        "superscript-digit",
        "skm.csv",
        CSV_HEADER + "\n\u00b2,4,4,4,4,4,4,4,4,30,\n".encode(),
        "baris 2, kolom U1: nilai \u00b2 di luar 1–4",
    ),
    (
        "nul-byte",
        "skm.csv",
        CSV_HEADER + b"\n4,4,4,4,4,4,4,4,4,30,ba\x00ik\n",
        "Baris 2, kolom 11: teks berisi karakter NUL",
    ),
    ("undecodable", "skm.csv", CSV_HEADER + b"\n\x81\x8d\x8f\x90\x9d\n", "pengodean teks tidak dikenal"),
    ("broken-utf16", "skm.csv", b"\xff\xfe" + b"U\x00" * 3 + b"\x00", "pengodean UTF-16 rusak"),
    ("not-a-zip", "skm.xlsx", b"PK\x03\x04 rusak", "Berkas Excel tidak dapat dibuka"),
    (
        "zip-without-workbook",
        "skm.xlsx",
        with_sheet(sheet_xml([]), drop=("xl/workbook.xml",)),
        "tidak ada buku kerja",
    ),
    (
        "missing-shared-string",
        "skm.xlsx",
        _survey_sheet('<c r="C2" t="s"><v>7</v></c>'),
        "Lembar Data, sel C2: teks bersama (shared string) yang dirujuk tidak ada",
    ),
    (
        "number-holding-text",
        "skm.xlsx",
        _survey_sheet('<c r="D2" t="n"><v>empat</v></c>'),
        "Lembar Data, sel D2: isi sel tidak sesuai jenisnya",
    ),
    (
        "bad-date",
        "skm.xlsx",
        _survey_sheet('<c r="B2" t="d"><v>2026-13-45</v></c>'),
        "Lembar Data, sel B2: isi sel tidak sesuai jenisnya",
    ),
    (
        "huge-reference",
        "skm.xlsx",
        _survey_sheet('<c r="XFD1048576" t="n"><v>4</v></c>'),
        "Berkas tidak berisi baris data",
    ),
]


@pytest.mark.parametrize(
    ("name", "file_name", "content", "expected"), BAD_FILES, ids=[case[0] for case in BAD_FILES]
)
def test_a_bad_file_gets_a_named_message_never_a_500(
    client, regency, skm, name, file_name, content, expected
):
    client.force_login(regency.operator_a)
    page = client.post(import_url(skm), {"file": _upload(file_name, content)})
    assert page.status_code == 200
    assert expected in page.content.decode().replace("&#x27;", "'")
    assert Response.objects.count() == 0


def test_a_zip_bomb_is_refused_before_openpyxl_opens_it(client, regency, skm, monkeypatch):
    bomb = zip_bomb(80)

    def never(*args, **kwargs):
        raise AssertionError("openpyxl must not open a bomb")

    monkeypatch.setattr(openpyxl, "load_workbook", never)
    client.force_login(regency.operator_a)
    page = client.post(import_url(skm), {"file": _upload("skm.xlsx", bomb)})
    assert page.status_code == 200
    assert "Berkas terlalu besar setelah dibuka (80 MB; paling besar 50 MB)" in page.content.decode()


def test_windows_1252_and_utf16_files_are_read(client, regency, skm):
    client.force_login(regency.operator_a)
    for encoding in ("cp1252", "utf-16"):
        content = (",".join([*HEADER, "saran"]) + "\n" + "4," * 9 + "pelayanan café €\n").encode(encoding)
        page = client.post(import_url(skm), {"file": _upload("skm.csv", content)})
        assert page.status_code == 200, encoding
    assert list(Response.objects.values_list("suggestion", flat=True)) == ["pelayanan café €"] * 2
