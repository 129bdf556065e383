"""The official LKE worksheet ("LKE resmi", PermenPANRB 90/2021 Lampiran III): reading the sheets agencies
fill, in their variants, and writing that shape back."""

from __future__ import annotations

import io
from fractions import Fraction
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from tests.conftest import LKE_2021
from zona.lke.answers import parse_answers
from zona.lke.excel import write_workbook
from zona.lke.framework import Framework, load_framework_file
from zona.lke.official import (
    AmbiguousPercent,
    LayerData,
    layout_for,
    percent_cell_value,
    read_official,
    sheet_is_official,
    write_official,
)
from zona.lke.scoring import score


@pytest.fixture(scope="module")
def fw() -> Framework:
    return load_framework_file(LKE_2021)


def best(fw: Framework) -> dict[str, Any]:
    """Every item at its best (a % given as 100 %)."""
    answers: dict[str, Any] = {}
    for code, item in fw.items.items():
        kind = fw.answer_type(item)
        if kind.kind == "choice":
            answers[code] = kind.best_option
        elif kind.kind == "index":
            answers[code] = Fraction(4)
        else:
            answers[code] = {"percent": Fraction(100)}
    return answers


def mixed(fw: Framework) -> dict[str, Any]:
    answers = best(fw)
    answers.update(
        {
            "A.II.1.i.b": {"inputs": {"perubahan": Fraction(4), "terintegrasi": Fraction(3)}},
            "A.II.5.iii.ii": {
                "inputs": {
                    "administrator": Fraction(5),
                    "pengawas": Fraction(9),
                    "fungsional": Fraction(15),
                    "sudah": Fraction(20),
                }
            },
            "A.II.6.i.b": {"inputs": {"terdata": Fraction(40), "dipermudah": Fraction(31)}},
            "A.I.1.i.b": "B",
            "A.II.1.i.a": {"inputs": {"agen": Fraction(9), "perubahan": Fraction(7)}},
            "A.II.4.i": {"percent": Fraction(875, 10)},
            "A.II.5.iii.i": {
                "inputs": {
                    "kepala": Fraction(1),
                    "wajib": Fraction(12),
                    "lainnya": Fraction(4),
                    "sudah": Fraction(13),
                }
            },
            "B.I.a": Fraction(321, 100),
        }
    )
    del answers["A.I.6.v.c"]
    return answers


def written(fw: Framework, unit: dict[str, Any], tpi: dict[str, Any] | None = None, **kwargs: Any) -> bytes:
    stream = io.BytesIO()
    write_official(
        fw,
        layout_for(fw),
        stream,
        unit=LayerData(unit, kwargs.pop("notes", {}), score(fw, unit)),
        tpi=None if tpi is None else LayerData(tpi, kwargs.pop("tpi_notes", {}), score(fw, tpi)),
        **kwargs,
    )
    return stream.getvalue()


def parsed(fw: Framework, raw: dict[str, Any], cells: dict[str, str]) -> dict[str, Any]:
    answers, problems = parse_answers(fw, raw, where=cells)
    assert problems == []
    return answers


def test_export_reads_back_with_the_same_unit_and_tpi_answers_notes_and_links(fw):
    unit = mixed(fw)
    tpi = dict(unit, **{"A.I.1.i.b": "C", "B.I.a": Fraction(3)})
    content = written(
        fw,
        unit,
        tpi,
        notes={"A.I.1.i.a": "=SK ditetapkan 2 Januari"},
        tpi_notes={"A.I.1.i.b": "Notulen tidak ada"},
        evidence_urls={"A.I.1.i.a": ["https://zi.example.go.id/sk-tim.pdf"]},
    )
    sheet = read_official(io.BytesIO(content), fw, layout_for(fw))
    assert sheet.problems == []
    assert sheet.framework_code == "permenpanrb-90-2021"
    assert parsed(fw, sheet.unit.answers, sheet.unit.cells) == unit
    assert sheet.tpi is not None and parsed(fw, sheet.tpi.answers, sheet.tpi.cells) == tpi
    assert sheet.unit.notes == {"A.I.1.i.a": "=SK ditetapkan 2 Januari"}
    assert sheet.tpi.notes == {"A.I.1.i.b": "Notulen tidak ada"}
    assert sheet.evidence_urls == {"A.I.1.i.a": ["https://zi.example.go.id/sk-tim.pdf"]}
    meanings = {meaning for _letter, _heading, meaning in sheet.columns}
    assert {"jawaban unit", "jawaban TPI", "catatan reviu TPI", "tautan bukti dukung"} <= meanings


def test_export_has_the_official_columns_codes_in_narrow_columns_and_the_official_input_rows(fw):
    content = written(fw, mixed(fw))
    ws = load_workbook(io.BytesIO(content))["LKE"]
    header = [cell.value for cell in ws[4]]
    assert header[5:13] == [
        "Penilaian",
        "Bobot",
        "Penjelasan",
        "Pilihan Jawaban",
        "Jawaban",
        "Nilai",
        "%",
        "Catatan/Keterangan/Penjelasan",
    ]
    rows = list(ws.iter_rows(min_row=5, values_only=True))
    first = [row for row in rows if any(row[:5])][:5]
    assert [tuple(row[:6]) for row in first] == [
        ("A.", None, None, None, None, "Komponen Pengungkit"),
        (None, "I.", None, None, None, "Pemenuhan"),
        (None, None, "1.", None, None, "Manajemen Perubahan"),
        (None, None, None, "i.", None, "Penyusunan Tim Kerja"),
        (None, None, None, None, "a.", fw.items["A.I.1.i.a"].question),
    ]
    assert first[4][8] == "Ya/Tidak"  # Pilihan Jawaban is the answer type; the option texts are Penjelasan
    texts = [row[5] for row in rows]
    agen = texts.index("- Jumlah Agen Perubahan")
    assert texts[agen + 1] == "- Jumlah Perubahan yang dibuat"  # official order: agen, then perubahan
    assert rows[agen][9] == 9 and rows[agen + 1][9] == 7
    total = texts.index("- Jumlah yang harus melaporkan")
    assert texts[total + 1 : total + 5] == [
        "- Kepala satuan kerja",
        "- Pejabat yang diwajibkan menyampaikan LHKPN",
        "- Lainnya",
        "- Jumlah yang sudah melaporkan",
    ]
    assert rows[total][9] == 17  # the sum row: 1 + 12 + 4
    percent_row = next(
        row for row in ws.iter_rows(min_row=5) if row[5].value == fw.items["A.II.4.i"].question
    )
    assert percent_row[9].value == pytest.approx(0.875) and "%" in percent_row[9].number_format


def as_agency_sheet(content: bytes, *, snake_case: bool = False) -> bytes:
    """Reshape Zona's export as agencies' own files look: the text right after its code (not in one column),
    "Penilaian" heading over the code columns, LHKASN printed without a code; or (snake_case) the criteria
    table of agency apps: one penilaian column with the code leading the text, snake_case headings."""
    source = load_workbook(io.BytesIO(content))["LKE"]
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "LKE 2025"
    header = [cell.value for cell in source[4]]
    if snake_case:
        names = {
            "Penilaian": "penilaian",
            "Penjelasan": "kriteria_nilai",
            "Pilihan Jawaban": "pilihan_jawaban",
        }
        names.update(
            {"Jawaban Unit": "jawaban_unit", "Nilai Unit": "nilai_unit", "Catatan Unit": "catatan_unit"}
        )
        names.update({"Bukti Dukung Unit": "bukti_dukung_unit", "URL Bukti Dukung": "url_bukti_dukung"})
        names.update(
            {"Jawaban TPI": "jawaban_tpi", "Nilai TPI": "nilai_tpi", "Catatan Reviu TPI": "catatan_reviu_tpi"}
        )
        ws.append(["LKE ZI unit kerja"])
        ws.append([names.get(value, value) for value in header[5:]])
    else:
        ws.append(["LEMBAR KERJA EVALUASI ZONA INTEGRITAS"])
        ws.append([])
        ws.append(["Penilaian", None, None, None, None, None, *header[6:]])
    for row in source.iter_rows(min_row=5):
        values = [cell.value for cell in row]
        formats = [cell.number_format for cell in row]
        token_at = next((index for index in range(5) if values[index]), None)
        text = values[5]
        if snake_case:
            lead = "" if token_at is None else f"{values[token_at]} ".replace("- ", "")
            out = [f"{lead}{text}" if not str(text).startswith("- ") else text, *values[6:]]
            ws.append(out)
            for index, fmt in enumerate(formats[5:], start=1):
                ws.cell(row=ws.max_row, column=index).number_format = fmt
            continue
        cells: list[Any] = [None] * len(values)
        cells[6:] = values[6:]
        if token_at is not None:
            cells[token_at] = values[token_at]
            cells[min(token_at + 1, 5)] = text
        if text == "Penyampaian Laporan Harta Kekayaan Non LHKPN (LHKASN)" and values[4] == "ii.":
            cells[4] = None
            cells[5] = "Penyampaian Laporan Harta Kekayaan Aparatur Sipil Negara (LHKASN)"
        ws.append(cells)
        for index, fmt in enumerate(formats, start=1):
            ws.cell(row=ws.max_row, column=index).number_format = fmt
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_a_fully_best_answered_official_sheet_with_percent_formatted_cells_scores_100(fw):
    # Lampiran III prints every % answer as "100,00%": the cell holds 1, formatted as a percentage (F1).
    answers = best(fw)
    content = as_agency_sheet(written(fw, answers))
    sheet = read_official(io.BytesIO(content), fw, layout_for(fw))
    assert sheet.problems == []
    result = score(fw, parsed(fw, sheet.unit.answers, sheet.unit.cells))
    assert result.total == 100
    assert result.completeness.answered == 113
    lhkasn = next(
        row for row in sheet.rows if row.text.startswith("Penyampaian Laporan Harta Kekayaan Aparatur")
    )
    assert (lhkasn.kind, lhkasn.code) == ("item", "A.II.5.iii.ii")  # found by its text: it has no code


def test_agency_sheet_with_codes_after_the_text_columns_maps_every_row_and_keeps_the_values(fw):
    unit = mixed(fw)
    tpi = dict(unit, **{"A.II.3.i": "C"})
    content = as_agency_sheet(written(fw, unit, tpi))
    sheet = read_official(io.BytesIO(content), fw, layout_for(fw))
    assert sheet.problems == []
    assert parsed(fw, sheet.unit.answers, sheet.unit.cells) == unit
    assert sheet.tpi is not None and parsed(fw, sheet.tpi.answers, sheet.tpi.cells) == tpi
    assert not [row for row in sheet.rows if row.kind == "skipped"]


def test_snake_case_criteria_table_with_the_code_leading_the_text_is_read(fw):
    unit = mixed(fw)
    tpi = dict(unit, **{"B.I.b": "B"})
    content = as_agency_sheet(written(fw, unit, tpi), snake_case=True)
    sheet = read_official(io.BytesIO(content), fw, layout_for(fw))
    assert sheet.problems == []
    assert parsed(fw, sheet.unit.answers, sheet.unit.cells) == unit
    assert sheet.tpi is not None and parsed(fw, sheet.tpi.answers, sheet.tpi.cells) == tpi
    headings = [heading for _letter, heading, _meaning in sheet.columns]
    assert "jawaban_unit" in headings and "catatan_reviu_tpi" in headings


def _cell_of(content: bytes, text: str, column: int = 10) -> tuple[int, Any]:
    ws = load_workbook(io.BytesIO(content))["LKE"]
    row = next(row for row in ws.iter_rows(min_row=5) if row[5].value == text)
    return row[0].row, row[column - 1]


def _edited(content: bytes, edits: dict[str, tuple[Any, str | None]]) -> bytes:
    wb = load_workbook(io.BytesIO(content))
    ws = wb["LKE"]
    for text, (value, fmt) in edits.items():
        row = next(row for row in ws.iter_rows(min_row=5) if row[5].value == text)
        row[9].value = value
        if fmt is not None:
            row[9].number_format = fmt
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_an_unformatted_fraction_in_a_percent_cell_is_refused_naming_the_cell(fw):
    content = written(fw, best(fw))
    question = fw.items["A.II.4.i"].question
    bad = _edited(content, {question: (0.5, "General")})
    row, _cell = _cell_of(bad, question)
    sheet = read_official(io.BytesIO(bad), fw, layout_for(fw))
    assert len(sheet.problems) == 1
    assert sheet.problems[0].startswith(f"LKE!J{row} (A.II.4.i): nilai 0,5 ambigu")


def test_a_sum_row_that_disagrees_with_its_parts_is_refused_naming_the_cell(fw):
    content = written(fw, mixed(fw))
    bad = _edited(content, {"- Jumlah yang harus melaporkan": (20, None)})
    row, _cell = _cell_of(bad, "- Jumlah yang harus melaporkan")
    sheet = read_official(io.BytesIO(bad), fw, layout_for(fw))
    assert sheet.problems == [
        f"LKE!J{row} (A.II.5.iii.i): jumlah 20 tidak sama dengan jumlah rinciannya (17); "
        "perbaiki salah satunya"
    ]


def test_zona_own_layout_is_not_taken_for_the_official_one(fw, tmp_path):
    path = tmp_path / "zona.xlsx"
    write_workbook(fw, path)
    assert not sheet_is_official(path, layout_for(fw))
    assert sheet_is_official(io.BytesIO(written(fw, best(fw))), layout_for(fw))


@pytest.mark.parametrize(
    ("value", "number_format", "expected"),
    [
        ("100%", None, 100),
        ("100,00 %", None, 100),
        (1, "0.00%", 100),
        (0.875, "0%", Fraction(175, 2)),
        (100, "General", 100),
        (87.5, "General", Fraction(175, 2)),
        (0, "General", 0),
        (None, "0.00%", None),
    ],
)
def test_percent_cells_read_as_agencies_enter_them(value, number_format, expected):
    assert percent_cell_value(value, number_format) == expected


@pytest.mark.parametrize("value", [1, 0.5, "0,5", "1"])
def test_an_ambiguous_percent_is_refused(value):
    with pytest.raises(AmbiguousPercent):
        percent_cell_value(value, "General")


def test_percent_text_that_is_not_a_number_is_refused_with_the_engine_message():
    with pytest.raises(AmbiguousPercent, match="bukan angka"):
        percent_cell_value("seratus", None)
