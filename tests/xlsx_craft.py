"""Hand-made .xlsx files for the malformed-file tests: a real workbook whose first sheet's XML is replaced.

openpyxl never writes a broken sheet, so the broken cells are written as XML here: a shared string that
does not exist, `t="n"` holding text, a date that is not one, a cell at XFD1048576.
"""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

from openpyxl import Workbook

SHEET_PATH = "xl/worksheets/sheet1.xml"
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
LKE_HEADERS = (
    "No/Kode",
    "Komponen",
    "Bobot",
    "Penjelasan",
    "Pilihan Jawaban",
    "Jawaban",
    "Nilai",
    "%",
    "Catatan",
)


def _base(title: str = "LKE") -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title
    ws["A1"] = "x"
    stream = io.BytesIO()
    wb.save(stream)
    return stream.getvalue()


def text_cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(text)}</t></is></c>'


def row_xml(number: int, cells: list[str]) -> str:
    return f'<row r="{number}">{"".join(cells)}</row>'


def sheet_xml(rows: list[str], dimension: str = "A1:I10") -> str:
    data = "".join(rows)
    return f'<worksheet xmlns="{NS}"><dimension ref="{dimension}"/><sheetData>{data}</sheetData></worksheet>'


def lke_sheet(bad_cells: list[str], *, row: int = 5, code: str = "A.I.1.i.a") -> str:
    """An LKE sheet (header on row 4) whose row `row` holds `code` and the given raw cell XML."""
    header = row_xml(4, [text_cell(f"{chr(65 + i)}4", text) for i, text in enumerate(LKE_HEADERS)])
    return sheet_xml([header, row_xml(row, [text_cell(f"A{row}", code), *bad_cells])])


def with_sheet(xml: str, *, drop: tuple[str, ...] = (), title: str = "LKE") -> bytes:
    """A workbook whose first sheet is `xml` (members in `drop` left out)."""
    source = zipfile.ZipFile(io.BytesIO(_base(title)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename in drop:
                continue
            data = xml.encode() if info.filename == SHEET_PATH else source.read(info.filename)
            target.writestr(info.filename, data)
    return out.getvalue()


def zip_bomb(unpacked_mb: int = 80) -> bytes:
    """A small file whose sheet unpacks to `unpacked_mb` MB of blank rows (deflate shrinks it ~1000×)."""
    filler = "<row/>" * (unpacked_mb * 1024 * 1024 // 6)
    return with_sheet(sheet_xml([filler]))
