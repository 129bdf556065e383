"""`zona survey ikm` on 19 bad CSV files: exit 2 naming the row, never a traceback (before: 1 of 19)."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from tests.bad_inputs import SURVEY_CSV_BAD

READABLE = {"cp1252"}  # a valid file in Windows-1252: read, not refused
EXPECTED = {
    "field-over-csv-limit": "baris 2: isian terlalu panjang (lebih dari 131.072 karakter)",
    "nul-byte": "baris 2, kolom 1: teks berisi karakter NUL",
    "undecodable": "pengodean teks tidak dikenal",
    "utf16-bom": "baris 2, kolom U1: nilai '5' di luar 1–4",
    "digits-5000": "baris 2, kolom 1: teks terlalu panjang",
    "duplicate-header": "kolom U1 muncul lebih dari sekali",
    "many-columns": "baris 1: terlalu banyak kolom",
}


@pytest.mark.parametrize(("name", "content"), SURVEY_CSV_BAD, ids=[name for name, _ in SURVEY_CSV_BAD])
def test_bad_survey_csv_exits_2_naming_the_row(tmp_path, name, content):
    path = tmp_path / "skm.csv"
    path.write_bytes(content)
    err, out = io.StringIO(), io.StringIO()
    if name in READABLE:
        call_command("survey", "ikm", str(path), stdout=out, stderr=err)
        assert "Responden (n): 1" in out.getvalue()
        return
    with pytest.raises(CommandError) as info:
        call_command("survey", "ikm", str(path), stdout=out, stderr=err)
    assert info.value.returncode == 2
    lines = err.getvalue().splitlines()
    assert 1 <= len(lines) <= 21 and all(len(line) < 400 for line in lines)
    if name in EXPECTED:
        assert EXPECTED[name] in err.getvalue()
