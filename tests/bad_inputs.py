"""Bad input sets shared by the CLI, import and fuzz tests: each entry is (name, file bytes).

They are the kinds of file a probe sent to `zona lke score` and `zona survey ikm` (issue 8, item 4): deep
nesting, 5,001-digit numbers, a "framework" that is an object, huge exponents, NUL bytes, fields past
the csv module's 131,072-character limit, foreign encodings.
"""

from __future__ import annotations

import json


def _answers(answers: object, **extra: object) -> bytes:
    return json.dumps({"framework": "permenpanrb-90-2021", "answers": answers, **extra}).encode()


def _raw(text: str) -> bytes:
    return text.encode()


DEEP = 100_000

LKE_JSON_BAD: list[tuple[str, bytes]] = [
    ("empty", b""),
    ("not-json", b"not json"),
    ("top-level-list", b"[]"),
    ("answers-list", b'{"answers": []}'),
    ("framework-object", b'{"framework": {"code": "x"}, "answers": {}}'),
    ("framework-list", b'{"framework": ["permenpanrb-90-2021"], "answers": {}}'),
    ("framework-number", b'{"framework": 5, "answers": {"A.I.1.i.a": "Ya"}}'),
    ("framework-traversal", _answers({}, framework="../../../../etc/passwd")),
    ("framework-long", _answers({}, framework="x" * 10_000)),
    ("framework-nul", _answers({}, framework="permen\x00panrb")),
    ("deep-nesting-top", b'{"answers": ' + b"[" * DEEP + b"]" * DEEP + b"}"),
    ("deep-nesting-answer", b'{"answers": {"A.I.1.i.a": ' + b'{"a": ' * DEEP + b"1" + b"}" * DEEP + b"}}"),
    ("digits-5001", _raw('{"answers": {"A.II.4.i": ' + "9" * 5001 + "}}")),
    ("digits-4000", _raw('{"answers": {"A.II.4.i": ' + "9" * 4000 + "}}")),
    ("exponent-string", _answers({"A.II.4.i": "1e100000000"})),
    ("exponent-inputs", _answers({"A.II.1.i.a": {"perubahan": "1e100000000", "agen": 1}})),
    ("overflow-1e309", _raw('{"answers": {"A.II.4.i": 1e309}}')),
    ("nan", _raw('{"answers": {"A.II.4.i": NaN}}')),
    ("infinity", _raw('{"answers": {"B.I.a": Infinity}}')),
    ("minus-infinity", _raw('{"answers": {"A.II.4.i": -Infinity}}')),
    ("string-inf", _answers({"A.II.4.i": "inf"})),
    ("string-nan", _answers({"B.I.a": "nan"})),
    ("not-utf8", b'{"answers": {"A.I.1.i.a": "\xff\xfe"}}'),
    ("choice-object", _answers({"A.I.1.i.a": {"x": 1}})),
    ("choice-list", _answers({"A.I.1.i.a": ["Ya"]})),
    ("index-object", _answers({"B.I.a": {"percent": 1}})),
    ("inputs-nested", _answers({"A.II.1.i.a": {"inputs": {"perubahan": {"a": 1}}}})),
    ("inputs-list", _answers({"A.II.1.i.a": {"inputs": [1, 2]}})),
    ("many-answers", _answers({f"X.{i}": "Ya" for i in range(50_000)})),
    ("long-choice", _answers({"A.I.1.i.a": "Y" * 1_500_000})),
    ("boolean", _answers({"A.II.4.i": True})),
    ("division-by-zero", _answers({"A.II.4.i": "1/0"})),
    ("ambiguous-fraction", _answers({"A.II.4.i": 0.5})),
]

SURVEY_CSV_BAD: list[tuple[str, bytes]] = [
    ("empty", b""),
    ("header-only", b"U1,U2,U3,U4,U5,U6,U7,U8,U9\n"),
    ("missing-column", b"U1,U2,U3\n4,4,4\n"),
    ("value-5", b"U1,U2,U3,U4,U5,U6,U7,U8,U9\n5,4,4,4,4,4,4,4,4\n"),
    ("value-text", b"U1,U2,U3,U4,U5,U6,U7,U8,U9\nabc,4,4,4,4,4,4,4,4\n"),
    ("field-over-csv-limit", b"U1,U2,U3,U4,U5,U6,U7,U8,U9\n" + b"4" * 140_000 + b",4,4,4,4,4,4,4,4\n"),
    ("nul-byte", b"U1,U2,U3,U4,U5,U6,U7,U8,U9\n4\x00,4,4,4,4,4,4,4,4\n"),
    ("cp1252", "U1,U2,U3,U4,U5,U6,U7,U8,U9,saran\n4,4,4,4,4,4,4,4,4,caf\xe9 \u20ac\n".encode("cp1252")),
    ("undecodable", b"U1,U2\n\x81\x8d\x8f\x90\x9d\n"),
    ("utf16-bom", "U1,U2,U3,U4,U5,U6,U7,U8,U9\n5,4,4,4,4,4,4,4,4\n".encode("utf-16")),
    ("broken-quote", b'U1,U2,U3,U4,U5,U6,U7,U8,U9\n"4,4,4,4,4,4,4,4,4\n'),
    ("digits-5000", b"U1,U2,U3,U4,U5,U6,U7,U8,U9\n" + b"4" * 5000 + b",4,4,4,4,4,4,4,4\n"),
    ("exponent", b"U1,U2,U3,U4,U5,U6,U7,U8,U9\n1e100000000,4,4,4,4,4,4,4,4\n"),
    ("negative", b"U1,U2,U3,U4,U5,U6,U7,U8,U9\n-1,4,4,4,4,4,4,4,4\n"),
    ("short-row", b"U1,U2,U3,U4,U5,U6,U7,U8,U9\n4,4\n"),
    ("many-columns", b"U1,U2,U3,U4,U5,U6,U7,U8,U9," + b",".join(b"x%d" % i for i in range(100_000)) + b"\n"),
    ("zip-file", b"PK\x03\x04" + b"\x00" * 200),
    ("blank-rows", b"U1,U2,U3,U4,U5,U6,U7,U8,U9\n\n,,,\n"),
    ("duplicate-header", b"U1,U1,U2,U3,U4,U5,U6,U7,U8,U9\n4,4,4,4,4,4,4,4,4,4\n"),
]
