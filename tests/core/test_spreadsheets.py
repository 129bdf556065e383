"""zona/core/spreadsheets.py: every import refuses a bomb before openpyxl opens it, names a malformed
cell, bounds CSV fields; every workbook Zona writes holds no live formula."""

from __future__ import annotations

import io

import openpyxl
import pytest
from openpyxl import Workbook, load_workbook

from tests.xlsx_craft import lke_sheet, sheet_xml, with_sheet, zip_bomb
from zona.core import spreadsheets
from zona.core.spreadsheets import (
    SpreadsheetInvalid,
    check_xlsx_archive,
    decode_text,
    defuse_workbook,
    read_csv_rows,
    save_workbook,
)
from zona.lke.excel import read_workbook

MALFORMED = {
    "missing-shared-string": ('<c r="F5" t="s"><v>99</v></c>', "sel F5: teks bersama"),
    "number-holding-text": ('<c r="F5" t="n"><v>abc</v></c>', "sel F5: isi sel tidak sesuai jenisnya"),
    "bad-date": ('<c r="F5" t="d"><v>bukan-tanggal</v></c>', "sel F5: isi sel tidak sesuai jenisnya"),
    "bad-boolean": ('<c r="F5" t="b"><v>x</v></c>', "sel F5: isi sel tidak sesuai jenisnya"),
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_a_malformed_lke_cell_gives_one_message_naming_sheet_and_cell(name):
    cell, expected = MALFORMED[name]
    result = read_workbook(io.BytesIO(with_sheet(lke_sheet([cell]))))
    assert result.answers == {}
    assert len(result.problems) == 1
    assert result.problems[0].startswith("lembar LKE, ") and expected in result.problems[0]


def test_a_cell_at_xfd1048576_reads_nothing_past_the_limits_and_does_not_fail():
    huge = with_sheet(lke_sheet(['<c r="XFD1048576"><v>1</v></c>']))
    result = read_workbook(io.BytesIO(huge))
    assert result.problems == [] and result.answers == {}


def test_a_zip_bomb_is_refused_before_openpyxl_opens_it(monkeypatch):
    bomb = zip_bomb(80)
    assert len(bomb) < 1024 * 1024  # small on the wire, 80 MB unpacked

    def never(*args, **kwargs):
        raise AssertionError("openpyxl must not open a bomb")

    monkeypatch.setattr(openpyxl, "load_workbook", never)
    result = read_workbook(io.BytesIO(bomb))
    assert result.problems == [
        "berkas terlalu besar setelah dibuka (80 MB; paling besar 50 MB); "
        "lembar kerja yang wajar jauh lebih kecil"
    ]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"bukan zip sama sekali", "isinya bukan lembar kerja Excel (.xlsx)"),
        (b"PK\x03\x04 rusak", "isinya bukan lembar kerja Excel (.xlsx)"),
        (with_sheet(sheet_xml([]), drop=("xl/workbook.xml",)), "tidak ada buku kerja"),
    ],
)
def test_not_an_xlsx_is_one_message(content, expected):
    with pytest.raises(SpreadsheetInvalid) as info:
        check_xlsx_archive(content)
    assert len(info.value.problems) == 1 and expected in info.value.problems[0]
    assert expected in read_workbook(io.BytesIO(content)).problems[0]


def test_overlong_text_and_nul_in_a_cell_name_the_cell():
    rows = lke_sheet(['<c r="F5" t="inlineStr"><is><t>Ya\x01</t></is></c>'])  # not even valid XML
    assert read_workbook(io.BytesIO(with_sheet(rows))).problems == [
        "lembar LKE, sel I4: isi lembar kerja rusak (XML tidak sah)"
    ]
    long_note = "x" * 25_000
    wb = Workbook()
    ws = wb.active
    ws.title = "LKE"
    ws.append(
        ["No/Kode", "Komponen", "Bobot", "Penjelasan", "Pilihan Jawaban", "Jawaban", "Nilai", "%", "Catatan"]
    )
    ws.append(["A.I.1.i.a", "", "", "", "", "Ya", "", "", long_note])
    stream = io.BytesIO()
    wb.save(stream)
    problems = read_workbook(io.BytesIO(stream.getvalue())).problems
    assert problems == ["LKE!I2: teks terlalu panjang (25.000 karakter; paling banyak 20.000)"]


def test_the_time_budget_stops_a_slow_read(monkeypatch):
    wb = Workbook()
    ws = wb.active
    ws.append(
        ["No/Kode", "Komponen", "Bobot", "Penjelasan", "Pilihan Jawaban", "Jawaban", "Nilai", "%", "Catatan"]
    )
    for row in range(1000):
        ws.append([f"X.{row}", "y"])
    stream = io.BytesIO()
    wb.save(stream)
    deadline = spreadsheets.Deadline(0)
    result = read_workbook(io.BytesIO(stream.getvalue()), deadline=deadline)
    assert len(result.problems) == 1 and "terlalu lama dibaca" in result.problems[0]


# --- CSV ---------------------------------------------------------------------------------------------


def test_a_field_past_the_csv_limit_names_its_row():
    text = "U1,U2\n4,4\n" + "4" * 140_000 + ",4\n"
    with pytest.raises(SpreadsheetInvalid) as info:
        read_csv_rows(text, max_rows=100)
    assert info.value.problems == ["baris 3: isian terlalu panjang (lebih dari 131.072 karakter)"]


def test_field_length_nul_columns_and_rows_are_named():
    with pytest.raises(SpreadsheetInvalid) as info:
        read_csv_rows("a,b\nxxxxxx,ok\nn\x00l,ok\n", max_rows=10, max_field_chars=5)
    assert info.value.problems == [
        "baris 2, kolom 1: teks terlalu panjang (6 karakter; paling banyak 5)",
        "baris 3, kolom 1: teks berisi karakter NUL (\\x00) yang tidak dapat disimpan",
    ]
    with pytest.raises(SpreadsheetInvalid, match="baris 1: terlalu banyak kolom"):
        read_csv_rows(",".join("x" * 300), max_rows=10)
    with pytest.raises(SpreadsheetInvalid, match="terlalu banyak baris"):
        read_csv_rows("a\n" * 20, max_rows=5)


def test_encodings_utf8_utf16_and_windows_1252_are_read_others_refused():
    assert decode_text("usia,saran\n35,café\n".encode()) == "usia,saran\n35,café\n"
    assert decode_text("\ufeffU1\n4\n".encode()) == "U1\n4\n"
    assert decode_text("U1,saran\n4,café\n".encode("utf-16")) == "U1,saran\n4,café\n"
    assert decode_text("U1,saran\n4,café €\n".encode("cp1252")) == "U1,saran\n4,café €\n"
    with pytest.raises(SpreadsheetInvalid, match="pengodean teks tidak dikenal"):
        decode_text(b"U1\n\x81\x8d\x8f\x90\x9d\n")


# --- writing -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1+2", "@SUM(A1)", "\t=1", "\r=1", '=HYPERLINK("x")'])
def test_save_workbook_writes_formula_like_text_as_text(text):
    wb = Workbook()
    ws = wb.active
    ws["A1"] = text
    ws["B1"] = "Notulen rapat"
    ws["C1"] = -5
    stream = io.BytesIO()
    save_workbook(wb, stream)
    cell = load_workbook(io.BytesIO(stream.getvalue())).active["A1"]
    assert cell.data_type == "s" and cell.value.strip() == text.strip()  # XML reads a CR back as LF


def test_defuse_counts_only_text_cells_that_would_run():
    wb = Workbook()
    ws = wb.active
    ws.append(["=A2", "aman", 3, "-", "@"])
    assert defuse_workbook(wb) == 3


def test_no_module_saves_a_workbook_except_through_save_workbook():
    from pathlib import Path

    root = Path(spreadsheets.__file__).resolve().parent.parent
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if path.name != "spreadsheets.py"
        and ("wb.save(" in path.read_text() or "workbook.save(" in path.read_text())
    ]
    assert offenders == []
