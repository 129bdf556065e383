"""Finding F1: a % answer as agencies enter it. The official LKE stores "100,00 %" as the fraction 1 in a
percent-formatted cell; Zona must read it as 100 %, and never read 100 % as 1 % silently."""

from __future__ import annotations

import io
import json
from fractions import Fraction

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from tests.conftest import best_raw
from zona.lke.answers import CellValue, InvalidAnswer, is_percent_format, parse_answer, percent_value
from zona.lke.excel import COL, HEADER_ROW, SHEET_TITLE, read_workbook, write_workbook
from zona.lke.scoring import score

PERCENT_ITEM = "A.II.4.i"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("100%", 100),
        ("100,00 %", 100),
        ("87,5%", Fraction(175, 2)),
        ("0,5 %", Fraction(1, 2)),
        (100, 100),
        (62.5, Fraction(125, 2)),
        ("80", 80),
        (0, 0),
        ("0%", 0),
        (CellValue(1.0, "0.00%"), 100),
        (CellValue(1, "0%"), 100),
        (CellValue(0.875, "0.0%"), Fraction(175, 2)),
        (CellValue(0.29, "0.00%"), 29),  # 0.29 × 100 is 28.999… in floats, exactly 29 here
        (CellValue(0, "0.00%"), 0),
        (CellValue(80, "General"), 80),
        ({"percent": 1}, 1),  # explicit: what the web form's % field and the database hold
        ({"percent": "0,5"}, Fraction(1, 2)),
        ({"percent": "100%"}, 100),
    ],
)
def test_percent_written_every_way_an_agency_writes_it(lke2021, raw, expected):
    assert parse_answer(lke2021, lke2021.items[PERCENT_ITEM], raw) == {"percent": Fraction(expected)}
    if not isinstance(raw, dict):
        assert percent_value(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            1,
            "nilai 1 ambigu: pecahan 1 berarti 100 %, tetapi sebagai persentase berarti 1 %. "
            'Tulis "100%" atau "1%"',
        ),
        (
            0.5,
            "nilai 0,5 ambigu: pecahan 0,5 berarti 50 %, tetapi sebagai persentase berarti 0,5 %. "
            'Tulis "50%"',
        ),
        ("1", "nilai 1 ambigu"),
        (CellValue(1, "General"), "nilai 1 ambigu"),
        (CellValue(0.5, '0.00"%"'), "nilai 0,5 ambigu"),  # a quoted % only prints a sign: not a fraction
        (CellValue(80, "0.00%"), "sel berformat persentase berisi 8.000 %, di atas 100 %"),
        (CellValue(-0.5, "0%"), "tidak boleh di bawah 0"),
        ("-5%", "tidak boleh di bawah 0"),
        ("1e100000000", "pangkat 100000000 di luar batas"),
        ("abc%", "bukan angka"),
    ],
)
def test_ambiguous_or_impossible_percentages_are_refused_never_guessed(lke2021, raw, expected):
    with pytest.raises(InvalidAnswer) as info:
        parse_answer(lke2021, lke2021.items[PERCENT_ITEM], raw)
    assert expected in str(info.value)


def test_percent_format_detection():
    assert is_percent_format("0.00%") and is_percent_format("0%") and is_percent_format("#,##0.0 %")
    assert not is_percent_format('0.00"%"') and not is_percent_format("0.00\\%")
    assert not is_percent_format("General") and not is_percent_format(None)


def _best_workbook_with_fraction_cells(framework, path, *, number_format="0.00%", value=1.0):
    write_workbook(framework, path)
    wb = load_workbook(path)
    ws = wb[SHEET_TITLE]
    best = best_raw(framework)
    percent_cells = 0
    for row in range(HEADER_ROW + 1, ws.max_row + 1):
        code = ws.cell(row=row, column=COL["No/Kode"]).value
        if code not in framework.items:
            continue
        cell = ws.cell(row=row, column=COL["Jawaban"])
        if framework.answer_type(framework.items[code]).kind == "percent":
            cell.value = value
            cell.number_format = number_format
            percent_cells += 1
        else:
            cell.value = best[code]
    wb.save(path)
    return percent_cells


def test_a_best_answered_workbook_with_percent_cells_as_fractions_scores_100_in_the_cli(tmp_path, lke2021):
    path = tmp_path / "lke-resmi.xlsx"
    assert _best_workbook_with_fraction_cells(lke2021, path) >= 8
    out = io.StringIO()
    call_command("lke", "score", str(path), "--json", stdout=out)
    result = json.loads(out.getvalue())
    assert result["total"] == 100 and result["completeness"]["answered"] == len(lke2021.items)


def test_an_unformatted_fraction_is_refused_naming_the_cell(tmp_path, lke2021):
    path = tmp_path / "lke.xlsx"
    _best_workbook_with_fraction_cells(lke2021, path, number_format="General")
    err = io.StringIO()
    with pytest.raises(CommandError) as info:
        call_command("lke", "score", str(path), stdout=io.StringIO(), stderr=err)
    assert info.value.returncode == 2
    sheet = read_workbook(path)
    where = sheet.cells[PERCENT_ITEM]
    assert f"{where} ({PERCENT_ITEM}): nilai 1 ambigu" in err.getvalue()


def test_the_export_writes_percent_answers_as_the_official_lke_does_and_reads_them_back(tmp_path, lke2021):
    answers = {PERCENT_ITEM: {"percent": Fraction(875, 10)}, "A.II.1.i.a": {"percent": Fraction(1)}}
    path = tmp_path / "ekspor.xlsx"
    write_workbook(lke2021, path, answers=answers)
    ws = load_workbook(path)[SHEET_TITLE]
    cells = {
        ws.cell(row=row, column=1).value: ws.cell(row=row, column=COL["Jawaban"])
        for row in range(1, ws.max_row + 1)
    }
    assert cells[PERCENT_ITEM].value == 0.875 and cells[PERCENT_ITEM].number_format == "0.00%"
    assert cells["A.II.1.i.a"].value == 0.01  # 1 % written as the fraction, never ambiguous
    sheet = read_workbook(path)
    from zona.lke.answers import parse_answers

    parsed, problems = parse_answers(lke2021, sheet.answers, where=sheet.cells)
    assert problems == []
    assert parsed[PERCENT_ITEM] == {"percent": Fraction(175, 2)} and parsed["A.II.1.i.a"] == {"percent": 1}
    assert score(lke2021, parsed).total == score(lke2021, answers).total


def test_json_numbers_follow_the_documented_rule(tmp_path):
    path = tmp_path / "a.json"
    path.write_text(
        json.dumps({"answers": {PERCENT_ITEM: "50%", "A.II.1.i.a": {"percent": 1}, "A.II.6.i.b": 0.5}}),
        encoding="utf-8",
    )
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("lke", "score", str(path), stdout=io.StringIO(), stderr=err)
    lines = err.getvalue().strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("A.II.6.i.b: nilai 0,5 ambigu")
