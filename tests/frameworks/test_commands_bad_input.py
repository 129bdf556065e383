"""`zona lke score` on 33 bad JSON answers files: exit 2 and one Indonesian line per problem, never a
traceback, never a hang (before this branch: 7 tracebacks and 2 inputs that ran for minutes)."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from tests.bad_inputs import LKE_JSON_BAD

EXPECTED = {
    "framework-object": '"framework" harus berupa kode kerangka',
    "framework-long": '"framework" harus berupa kode kerangka',
    "framework-traversal": '"framework" harus berupa kode kerangka',
    "deep-nesting-top": "bersarang terlalu dalam",
    "deep-nesting-answer": "bersarang terlalu dalam",
    "digits-5001": "angka terlalu panjang",
    "digits-4000": "angka terlalu besar",
    "exponent-string": "pangkat 100000000 di luar batas",
    "exponent-inputs": "pangkat 100000000 di luar batas",
    "overflow-1e309": "bukan bilangan hingga",
    "nan": "NaN bukan angka JSON yang sah",
    "many-answers": "paling banyak 2000",
    "ambiguous-fraction": "nilai 0,5 ambigu",
}


@pytest.mark.parametrize(("name", "content"), LKE_JSON_BAD, ids=[name for name, _ in LKE_JSON_BAD])
def test_bad_answers_file_exits_2_with_one_line_per_problem(tmp_path, name, content):
    path = tmp_path / "answers.json"
    path.write_bytes(content)
    err = io.StringIO()
    with pytest.raises(CommandError) as info:
        call_command("lke", "score", str(path), stdout=io.StringIO(), stderr=err)
    assert info.value.returncode == 2
    lines = err.getvalue().splitlines()
    assert 1 <= len(lines) <= 21 and all(line.strip() for line in lines)
    assert all(len(line) < 400 for line in lines)  # no line echoes a megabyte of input
    assert "Traceback" not in err.getvalue()
    if name in EXPECTED:
        assert EXPECTED[name] in err.getvalue()
