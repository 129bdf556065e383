"""`zona lke template|score` for PermenPANRB 52/2014: the hand-computed answer set through JSON and Excel."""

from __future__ import annotations

import json

from openpyxl import load_workbook

from tests.conftest import DATA_DIR
from tests.frameworks.test_commands import fill_template, run, run_failing, write_json
from tests.lke.test_lke_2014 import MIXED
from zona.lke.excel import COL, HEADER_ROW, SHEET_TITLE

FRAMEWORK = "permenpanrb-52-2014"


def test_score_json_of_the_hand_computed_set(tmp_path):
    data = json.loads(run("lke", "score", str(write_json(tmp_path, MIXED, FRAMEWORK)), "--json")[0])
    # tests/lke/test_lke_2014.py HAND: proses 41.82, hasil 34.18, total 75.99; bersih 17.18 < 18
    assert data["framework"] == FRAMEWORK
    assert (data["pengungkit"], data["hasil"], data["total"]) == (41.82, 34.18, 75.99)
    assert data["pemenuhan"] is None and data["reform"] is None
    percents = [data["areas"][str(n)]["percent"] for n in range(1, 7)]
    assert percents == [68.35, 53.4, 66.01, 64.58, 77.23, 77.84]
    assert data["hasil_detail"] == {"B.I": 17.18, "B.I.1": 13.58, "B.I.2": 3.6, "B.II": 17.0, "B.II.1": 17.0}
    assert data["predicates"]["wbk"]["eligible"] is False
    assert data["completeness"] == {"answered": 83, "total": 84, "percent": 98.81, "missing": ["A.III.6.a"]}


def test_template_round_trip_scores_the_same_as_json(tmp_path):
    template = tmp_path / "lke2014.xlsx"
    out, _ = run("lke", "template", "--framework", FRAMEWORK, str(template))
    assert "permenpanrb-52-2014 (84 butir)" in out
    ws = load_workbook(template)[SHEET_TITLE]
    codes = [ws.cell(row=r, column=COL["No/Kode"]).value for r in range(HEADER_ROW + 1, ws.max_row + 1)]
    assert codes[:4] == ["A", "A.I", "A.I.1", "A.I.1.a"] and "B.II.1" in codes
    fill_template(template, MIXED)
    from_excel = json.loads(run("lke", "score", str(template), "--json")[0])
    from_json = json.loads(run("lke", "score", str(write_json(tmp_path, MIXED, FRAMEWORK)), "--json")[0])
    assert from_excel == from_json
    assert from_excel["total"] == 75.99


def test_score_text_has_no_pemenuhan_reform_columns_and_names_proses(tmp_path):
    out, _ = run("lke", "score", str(write_json(tmp_path, MIXED, FRAMEWORK)))
    assert "Pemenuhan" not in out and "Reform" not in out
    lines = [line.split() for line in out.splitlines()]
    assert ["Proses", "41,82"] in lines and ["TOTAL", "75,99"] in lines
    assert ["1.", "Manajemen", "Perubahan", "3,42", "5,00", "68,35"] in lines
    assert "Menuju WBK: BELUM MEMENUHI syarat nilai" in out
    assert "Nilai pemerintah yang bersih dan bebas KKN 17,18 di bawah minimal 18,00" in out


def test_validate_mapping_reports_counts_and_exits_2_naming_each_problem(tmp_path):
    out, _ = run("frameworks", "validate-mapping")
    assert "52-2014_to_90-2021.yaml: OK — permenpanrb-52-2014 → permenpanrb-90-2021: 113 butir" in out
    assert "(30 pertanyaan sama, 51 hanya data dukung, 32 tanpa padanan)" in out
    shipped = DATA_DIR / "mappings" / "52-2014_to_90-2021.yaml"
    bad = tmp_path / "bad.yaml"
    text = shipped.read_text(encoding="utf-8")
    bad.write_text(text.replace("from: [A.I.1.a]\n", "from: [A.I.1.z]\n", 1), encoding="utf-8")
    code, err = run_failing("frameworks", "validate-mapping", str(bad))
    assert code == 2
    assert err.strip().splitlines() == [f"{bad}: A.I.1.i.a: A.I.1.z not item(s) of permenpanrb-52-2014"]
