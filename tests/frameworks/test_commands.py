"""The CLI: `zona frameworks ...` and `zona lke template|score`, as a unit with an Excel sheet uses it."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from tests.conftest import DATA_DIR, LKE_2021, best_raw
from zona.lke.excel import COL, HEADER_ROW, SHEET_TITLE


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing(*args: str) -> tuple[int, str]:
    err = io.StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command(*args, stdout=io.StringIO(), stderr=err)
    return excinfo.value.returncode, err.getvalue()


def write_json(tmp_path: Path, answers: dict, framework: str = "permenpanrb-90-2021") -> Path:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({"framework": framework, "answers": answers}), encoding="utf-8")
    return path


def test_validate_shipped_files_ok():
    out, _ = run("frameworks", "validate", *map(str, sorted(DATA_DIR.glob("*.yaml"))))
    assert "permenpanrb-90-2021, 113 butir, 6 area" in out
    assert "permenpanrb-52-2014, 84 butir, 6 area" in out
    assert "(tidak lengkap)" not in out and "warning" not in out


def test_validate_names_node_and_problem_and_exits_2(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        LKE_2021.read_text(encoding="utf-8").replace("weight: 0.5\n", "weight: 0.75\n", 1), encoding="utf-8"
    )
    code, err = run_failing("frameworks", "validate", str(bad))
    assert code == 2
    assert "A.I.1 (Manajemen Perubahan): children weights add up to 4.25" in err


@pytest.mark.django_db
def test_load_list_and_show():
    out, _ = run("frameworks", "load")
    assert "permenpanrb-90-2021 v1 (permenpanrb-90-2021.yaml): loaded" in out
    out, _ = run("frameworks", "load")
    assert "unchanged" in out and "loaded" not in out
    out, _ = run("frameworks", "list")
    assert "permenpanrb-90-2021" in out and "113 items" in out
    out, _ = run("frameworks", "show", "permenpanrb-90-2021")
    assert "A.I.1.i.a" in out and "Penyusunan Tim Kerja" in out
    code, _ = run_failing("frameworks", "show", "no-such-framework")
    assert code == 2


def test_score_json_has_the_documented_shape(tmp_path):
    path = write_json(tmp_path, {"A.I.1.i.a": "ya", "A.I.1.i.b": "B", "A.II.1.i.a": 80, "B.I.a": 3.65})
    out, _ = run("lke", "score", str(path), "--json")
    data = json.loads(out)
    assert {
        "framework",
        "total",
        "pengungkit",
        "pemenuhan",
        "reform",
        "hasil",
        "areas",
        "predicates",
        "completeness",
        "gains",
    } <= set(data)
    assert set(data["areas"]) == {"1", "2", "3", "4", "5", "6"}
    assert set(data["areas"]["1"]) >= {"pemenuhan", "reform", "score", "percent"}
    # A.I.1.i = 0.5 x (1 + 0.5)/2 = 0.375; A.II.1.i = 2 x (0.8 + 0)/2 = 0.8; IPAK 3.65 -> 15.96875
    assert data["areas"]["1"] == {
        "name": "Manajemen Perubahan",
        "weight": 8.0,
        "pemenuhan": 0.38,
        "reform": 0.8,
        "score": 1.18,
        "percent": 14.69,
    }
    assert data["total"] == 17.14
    assert data["predicates"]["wbk"]["eligible"] is False
    assert data["completeness"]["answered"] == 4
    assert len(data["gains"]) == 10 and data["gains"][0]["code"] == "B.II.a"


def test_score_text_shows_areas_verdicts_and_gains(tmp_path):
    path = write_json(tmp_path, {"B.I.a": 3.45})
    out, _ = run("lke", "score", str(path))
    assert "Manajemen Perubahan" in out and "TOTAL" in out
    assert "Menuju WBK: BELUM MEMENUHI" in out
    assert "10 butir yang paling menaikkan nilai:" in out


def test_bad_answers_exit_2_with_one_line_per_problem(tmp_path):
    path = write_json(tmp_path, {"X.9": "A", "A.I.1.i.b": "D", "A.II.1.i.a": -1, "B.I.a": 4.5})
    code, err = run_failing("lke", "score", str(path))
    assert code == 2
    lines = err.strip().splitlines()
    assert lines == [
        "X.9: kode butir tidak dikenal dalam permenpanrb-90-2021",
        "A.I.1.i.b: pilihan 'D' tidak ada pada butir ini (pilihan: A, B, C)",
        "A.II.1.i.a: persentase -1,00 tidak boleh di bawah 0",
        "B.I.a: nilai indeks 4,50 di luar rentang 0–4",
    ]


def test_a_sheet_that_is_not_an_lke_exits_2(tmp_path):
    path = tmp_path / "other.xlsx"
    wb = Workbook()
    wb.active["A1"] = "Daftar hadir"
    wb.save(path)
    code, err = run_failing("lke", "score", str(path))
    assert code == 2 and "bukan LKE Zona" in err
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not a zip at all")
    code, err = run_failing("lke", "score", str(junk))
    assert code == 2 and "bukan lembar kerja Excel" in err


def test_unknown_framework_exits_2(tmp_path):
    code, err = run_failing("lke", "score", str(write_json(tmp_path, {}, framework="permenpanrb-1-1999")))
    assert code == 2 and "kerangka 'permenpanrb-1-1999' tidak dikenal" in err


def fill_template(path: Path, answers: dict) -> None:
    """Fill the template as a person would: the Jawaban cell of each item, or its Jumlah rows."""
    wb = load_workbook(path)
    ws = wb[SHEET_TITLE]
    for row in range(HEADER_ROW + 1, ws.max_row + 1):
        code = ws.cell(row=row, column=COL["No/Kode"]).value
        if code is None:
            continue
        if "[" in code:
            item, key = code[:-1].split("[")
            value = answers.get(item)
            if isinstance(value, dict):
                ws.cell(row=row, column=COL["Jawaban"], value=value[key])
        elif code in answers and not isinstance(answers[code], dict):
            cell = ws.cell(row=row, column=COL["Jawaban"])
            value = answers[code]
            if "%" in cell.number_format and isinstance(value, int | float):
                value = value / 100  # typing 62.5 into a %-formatted cell, Excel stores 0.625
            cell.value = value
    wb.save(path)


def test_excel_round_trip_scores_the_same_as_json(tmp_path, lke2021):
    template = tmp_path / "lke.xlsx"
    out, _ = run("lke", "template", "--framework", "permenpanrb-90-2021", str(template))
    assert "113 butir" in out
    answers = best_raw(lke2021)
    answers.update(
        {
            "A.I.1.i.b": "b",
            "A.I.2.i.b": "C",
            "A.I.3.iii.c": "D",
            "A.I.5.iv.a": "B",
            "A.II.1.i.a": {"perubahan": 3, "agen": 4},
            "A.II.5.iii.ii": {"administrator": 5, "pengawas": 15, "fungsional": 30, "sudah": 45},
            "A.II.4.i": 62.5,
            "B.I.a": 3.61,
            "B.I.b": "B",
            "B.II.a": 3.3,
        }
    )
    del answers["A.I.6.v.c"]
    fill_template(template, answers)
    from_excel = json.loads(run("lke", "score", str(template), "--json")[0])
    from_json = json.loads(run("lke", "score", str(write_json(tmp_path, answers)), "--json")[0])
    assert from_excel == from_json
    assert from_excel["completeness"]["missing"] == ["A.I.6.v.c"]
    assert 80 < from_excel["total"] < 100


def test_template_has_answer_drop_downs(tmp_path):
    template = tmp_path / "lke.xlsx"
    run("lke", "template", str(template))
    ws = load_workbook(template)[SHEET_TITLE]
    lists = [dv.formula1 for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert '"Ya,Tidak"' in lists and '"A,B,C,D,E"' in lists
    headers = [ws.cell(row=HEADER_ROW, column=c).value for c in range(1, 10)]
    assert headers == [
        "No/Kode",
        "Komponen",
        "Bobot",
        "Penjelasan",
        "Pilihan Jawaban",
        "Jawaban",
        "Nilai",
        "%",
        "Catatan",
    ]


def test_console_script_exit_code_is_2_on_bad_input(tmp_path):
    path = write_json(tmp_path, {"A.I.1.i.a": "mungkin"})
    zona = Path(sys.executable).parent / "zona"
    proc = subprocess.run(
        [str(zona), "lke", "score", str(path)],
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "zona.settings.test"},
    )
    assert proc.returncode == 2
    assert "A.I.1.i.a: pilihan 'mungkin' tidak ada pada butir ini (pilihan: Ya, Tidak)" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_score_prints_reading_notes_and_zero_denominators(tmp_path, lke2021):
    """§5 set 3: 74.995 passes only when rounded (F3), per aspect it fails (F4); LHKASN entered as 0 of 0
    (still 100 %, as set 3 has it) prints the zero-denominator rule that gave the 100 % (F2)."""
    from tests.lke.test_readings import set3

    raw = set3(lke2021)
    raw["A.II.5.iii.ii"] = {"administrator": 0, "pengawas": 0, "fungsional": 0, "sudah": 0}
    path = write_json(tmp_path, raw)
    out, _ = run("lke", "score", str(path))
    assert "TOTAL         75,00" in out
    assert "Menuju WBK: MEMENUHI syarat nilai" in out
    assert (
        "  ! Catatan tafsiran: Memenuhi bila dibulatkan; nilai mentah: "
        "Nilai total 74,995 di bawah minimal 75,00" in out
    )
    assert "Tafsiran: ambang diuji pada nilai dibulatkan; minimal per area atas Pemenuhan + Reform" in out
    assert (
        "A.II.5.iii.ii: pembilang dan pembagi 0 → 100,00 % (aturan kerangka: 0/0 = 100 %, n/0 = 0 %)" in out
    )
    data = json.loads(run("lke", "score", str(path), "--json")[0])
    readings = data["predicates"]["wbk"]["readings"]
    assert readings[0]["setting"] == "threshold_rounding" and readings[0]["eligible"] is False
    assert data["zero_denominators"][0]["code"] == "A.II.5.iii.ii"
    assert data["settings"]["threshold_rounding"] == "rounded"


def test_official_template_filled_with_percent_cells_scores_like_json(tmp_path, lke2021):
    # `zona lke template --bentuk resmi` writes the official sheet; an agency fills Jawaban (% cells as
    # Excel stores "100,00 %": the fraction 1, percent-formatted) and `zona lke score` reads it (F11, F1).
    template = tmp_path / "lke-resmi.xlsx"
    out, _ = run("lke", "template", "--bentuk", "resmi", str(template))
    assert "113 butir" in out
    workbook = load_workbook(template)
    sheet = workbook["LKE"]
    header = [cell.value for cell in sheet[4]]
    answer_column = header.index("Jawaban") + 1
    type_column = header.index("Pilihan Jawaban") + 1
    answers = best_raw(lke2021)
    answers["A.I.1.i.b"] = "B"
    questions = {item.question: code for code, item in lke2021.items.items()}
    seen = set()
    for row in sheet.iter_rows(min_row=5):
        code = questions.get(row[5].value)
        kind = row[type_column - 1].value
        if code is None or code in seen or kind in (None, "Jumlah"):
            continue
        seen.add(code)
        cell = row[answer_column - 1]
        if kind == "%":
            cell.value, cell.number_format = answers[code] / 100, "0.00%"
        else:
            cell.value = answers[code]
    workbook.save(template)
    assert len(seen) == 113
    from_sheet = json.loads(run("lke", "score", str(template), "--json")[0])
    from_json = json.loads(run("lke", "score", str(write_json(tmp_path, answers)), "--json")[0])
    assert from_sheet == from_json
    assert 99 < from_sheet["total"] < 100
