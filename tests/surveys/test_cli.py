"""`zona survey ikm FILE.csv [--json] [--legacy-weight]` and `zona surveys load|validate`."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from zona.surveys.models import Instrument

HEADER = "responden,U1,U2,U3,U4,U5,U6,U7,U8,U9,catatan\n"


def gaspul_csv(tmp_path):
    """29 respondents whose unsur totals are 105,101,100,116,102,105,106,105,115 (the GASPUL vector)."""
    totals = [105, 101, 100, 116, 102, 105, 106, 105, 115]
    columns = []
    for total in totals:
        fours = total - 3 * 29  # 3s everywhere, then raise to 4 as needed
        columns.append([4] * fours + [3] * (29 - fours))
    lines = [HEADER]
    for r in range(29):
        lines.append(f"r{r}," + ",".join(str(col[r]) for col in columns) + ",ok\n")
    path = tmp_path / "skm.csv"
    path.write_text("".join(lines), encoding="utf-8")
    return path


def run(*args):
    from io import StringIO

    out = StringIO()
    call_command("survey", *args, stdout=out)
    return out.getvalue()


def test_json_shape_and_gaspul_values(tmp_path):
    data = json.loads(run("ikm", str(gaspul_csv(tmp_path)), "--json"))
    assert data["n"] == 29 and data["ikm"] == 91.48 and data["grade"] == "A"
    assert list(data["unsur"]) == [f"U{i}" for i in range(1, 10)]
    assert data["unsur"]["U4"] == 4.0 and data["unsur"]["U1"] == round(105 / 29, 4)


def test_legacy_weight(tmp_path):
    data = json.loads(run("ikm", str(gaspul_csv(tmp_path)), "--json", "--legacy-weight"))
    assert data["ikm"] == 91.38


def test_text_output(tmp_path):
    assert "IKM: 91.48 — mutu A (Sangat Baik)" in run("ikm", str(gaspul_csv(tmp_path)))


def test_value_outside_1_4_exits_2_naming_row_and_column(tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + "a,4,4,4,4,4,4,4,4,4,x\nb,4,4,5,4,4,4,4,4,,x\n", encoding="utf-8")
    with pytest.raises(CommandError) as exc:
        run("ikm", str(path))
    assert exc.value.returncode == 2
    err = capsys.readouterr().err
    assert "baris 3, kolom U3: nilai '5' di luar 1–4" in err
    assert "baris 3, kolom U9: nilai kosong di luar 1–4" in err


def test_missing_column_exits_2(tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text("U1,U2,U3,U4,U5,U6,U7,U9\n4,4,4,4,4,4,4,4\n", encoding="utf-8")
    with pytest.raises(CommandError) as exc:
        run("ikm", str(path))
    assert exc.value.returncode == 2
    assert "baris 1: kolom U8 tidak ada" in capsys.readouterr().err


def test_semicolon_csv_from_excel(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_text("U1;U2;U3;U4;U5;U6;U7;U8;U9\n4;4;4;4;4;4;4;4;4\n3;3;3;3;3;3;3;3;3\n", encoding="utf-8")
    data = json.loads(run("ikm", str(path), "--json"))
    assert (data["n"], data["ikm"], data["grade"]) == (2, 87.5, "B")


@pytest.mark.django_db
def test_surveys_load_is_idempotent(capsys):
    call_command("surveys", "load")
    call_command("surveys", "load")
    out = capsys.readouterr().out
    assert out.count(": loaded") == 5 and out.count(": unchanged") == 5
    assert Instrument.objects.count() == 5


def test_surveys_validate_names_problems(tmp_path, capsys):
    path = tmp_path / "bad.yaml"
    path.write_text("code: x\nkind: skm\nname: X\nscale: 4\nquestions: []\n", encoding="utf-8")
    with pytest.raises(CommandError) as exc:
        call_command("surveys", "validate", str(path))
    assert exc.value.returncode == 2
    assert "daftar pertanyaan (questions) kosong" in capsys.readouterr().err


def test_numbering_u8_sarana_swaps_the_two_unsur_and_not_the_ikm(tmp_path):
    """F19: a sheet numbered U8 = Sarana, U9 = Pengaduan (GASPUL's own numbering) read with
    --numbering sarana_u8: its U8 column (total 105) is the instrument's U9 and its U9 (115) is U8.
    The IKM (25 x 955/261 = 91.48) does not change; the per-unsur figures do."""
    path = gaspul_csv(tmp_path)
    plain = json.loads(run("ikm", str(path), "--json"))
    swapped = json.loads(run("ikm", str(path), "--json", "--numbering", "sarana_u8"))
    assert swapped["ikm"] == plain["ikm"] == 91.48
    assert swapped["unsur"]["U8"] == plain["unsur"]["U9"] == round(115 / 29, 4)
    assert swapped["unsur"]["U9"] == plain["unsur"]["U8"] == round(105 / 29, 4)
    assert swapped["numbering"] == "sarana_u8" and plain["numbering"] == "permen"
    assert "Penomoran berkas: U8 = Sarana" in run("ikm", str(path), "--numbering", "sarana_u8")


def test_unknown_numbering_exits_2(tmp_path):
    with pytest.raises(CommandError) as caught:
        run("ikm", str(gaspul_csv(tmp_path)), "--numbering", "lain")
    assert caught.value.returncode == 2


def test_fewer_than_30_respondents_warn(tmp_path):
    """F12: 29 respondents (the GASPUL vector) is below the 30 of 90/2021 Lampiran II Bab III C.2.d."""
    data = json.loads(run("ikm", str(gaspul_csv(tmp_path)), "--json"))
    assert data["warning"].startswith("n = 29: di bawah minimal 30 responden")
    assert "Peringatan: n = 29" in run("ikm", str(gaspul_csv(tmp_path)))
