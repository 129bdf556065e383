"""Property tests over every parser of outside input (issue 8): whatever comes in, the answer is a parsed
value or the parser's own error with a message, never another exception, within a bounded time."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from decimal import Decimal
from fractions import Fraction
from xml.sax.saxutils import escape, quoteattr

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import framework_data
from tests.xlsx_craft import LKE_HEADERS, row_xml, sheet_xml, text_cell, with_sheet
from zona.core.spreadsheets import SpreadsheetInvalid, decode_text, read_csv_rows
from zona.lke.answers import CellValue, InvalidAnswer, parse_answer, parse_answers
from zona.lke.answers_file import read_answers_json
from zona.lke.excel import WorkbookAnswers, read_workbook
from zona.lke.framework import build_framework
from zona.lke.numbers import MAX_MAGNITUDE, NotANumber, to_fraction

FRAMEWORK = build_framework(framework_data())
CODES = sorted(FRAMEWORK.items)
FAST = settings(max_examples=200, deadline=timedelta(seconds=2), suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=60, deadline=timedelta(seconds=5), suppress_health_check=[HealthCheck.too_slow])

number_text = st.from_regex(
    r"\A[ +-]?[0-9]{0,45}([.,][0-9]{0,45})?([eE][+-]?[0-9]{1,12})?[ %]?\Z", fullmatch=True
) | st.sampled_from(["1e100000000", "1e309", "-1e-400", "inf", "nan", "Infinity", "1/0", "2/3", "9" * 5001])
scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**60), max_value=10**60)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.decimals(allow_nan=True, allow_infinity=True)
    | st.text(max_size=60)
    | number_text
)
json_like = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)
cells = st.builds(CellValue, scalars, st.sampled_from(["General", "0.00%", "0%", '0"%"', "@", "dd/mm/yyyy"]))


@FAST
@given(scalars)
def test_to_fraction_returns_a_bounded_fraction_or_not_a_number(value):
    try:
        result = to_fraction(value)
    except NotANumber as exc:
        assert 0 < len(str(exc)) < 200
        return
    assert isinstance(result, Fraction) and abs(result) <= MAX_MAGNITUDE


@FAST
@given(st.sampled_from(CODES), json_like | cells)
def test_parse_answer_returns_an_answer_or_invalid_answer(code, raw):
    try:
        answer = parse_answer(FRAMEWORK, FRAMEWORK.items[code], raw)
    except InvalidAnswer as exc:
        assert 0 < len(str(exc)) < 600
        return
    assert answer is None or isinstance(answer, str | Fraction | dict)


@FAST
@given(st.dictionaries(st.sampled_from(CODES) | st.text(max_size=10), json_like | cells, max_size=8))
def test_parse_answers_never_raises(raw):
    answers, problems = parse_answers(FRAMEWORK, raw)
    assert set(answers) <= set(FRAMEWORK.items)
    assert all(str(problem) for problem in problems)


def _mutated_json(data, cut: int, junk: bytes) -> bytes:
    text = json.dumps(data, default=str).encode()
    return text[: cut % (len(text) + 1)] + junk + text[cut % (len(text) + 1) :]


@FAST
@given(
    st.one_of(
        st.binary(max_size=300),
        st.builds(
            _mutated_json,
            st.fixed_dictionaries(
                {
                    "framework": json_like,
                    "answers": st.dictionaries(st.sampled_from(CODES), json_like, max_size=6),
                }
            ),
            st.integers(0, 400),
            st.sampled_from([b"", b"[", b"}", b"\xff", b"NaN", b"1e999", b'"', b"9" * 5000]),
        ),
    )
)
def test_the_json_answers_reader_returns_answers_or_problems(content):
    parsed = read_answers_json(content)
    assert all(isinstance(problem, str) and problem for problem in parsed.problems)
    answers, _problems = parse_answers(FRAMEWORK, parsed.answers)
    assert set(answers) <= set(FRAMEWORK.items)


refs = st.sampled_from(["F5", "A5", "I5", "XFD1048576", "F0", "ZZZZZ9", "5F", "", "F99999999999"])
types = st.sampled_from(["n", "s", "str", "b", "d", "e", "inlineStr", "x", ""])
values = st.text(max_size=20) | number_text


@st.composite
def lke_sheets(draw) -> bytes:
    header = row_xml(4, [text_cell(f"{chr(65 + i)}4", text) for i, text in enumerate(LKE_HEADERS)])
    rows = [header]
    for number in range(5, 5 + draw(st.integers(0, 4))):
        items = [text_cell(f"A{number}", draw(st.sampled_from(CODES[:5]) | st.text(max_size=8)))]
        for _ in range(draw(st.integers(0, 3))):
            ref, kind, value = draw(refs), draw(types), draw(values)
            attrs = (f" r={quoteattr(ref)}" if ref else "") + (f" t={quoteattr(kind)}" if kind else "")
            style = draw(st.sampled_from(["", ' s="0"', ' s="7"', ' s="-1"']))
            items.append(f"<c{attrs}{style}><v>{escape(value)}</v></c>")
        rows.append(row_xml(number, items))
    return with_sheet(sheet_xml(rows, dimension=draw(st.sampled_from(["A1:I10", "A1:XFD1048576", "bogus"]))))


def assert_workbook_read(result: WorkbookAnswers) -> None:
    """The reader gave answers and named problems, never another exception; what it read parses to
    canonical answers or to problems that name an item."""
    assert isinstance(result, WorkbookAnswers)
    assert all(isinstance(problem, str) and problem for problem in result.problems)
    answers, problems = parse_answers(FRAMEWORK, result.answers, where=result.cells)
    assert set(answers) <= set(FRAMEWORK.items)
    assert all(problem.code and problem.message for problem in problems)


@SLOW
@given(lke_sheets())
def test_the_xlsx_reader_returns_answers_or_problems_for_any_sheet(content):
    assert_workbook_read(read_workbook(io.BytesIO(content)))


@SLOW
@given(st.binary(max_size=400), st.integers(0, 3000))
def test_the_xlsx_reader_survives_random_and_truncated_bytes(junk, cut):
    base = with_sheet(sheet_xml([row_xml(1, [text_cell("A1", "x")])]))
    for content in (junk, base[:cut], b"PK\x03\x04" + junk, base[:cut] + junk):
        assert_workbook_read(read_workbook(io.BytesIO(content)))


@FAST
@given(st.binary(max_size=600) | st.text(max_size=300).map(lambda t: t.encode("utf-8")))
def test_the_csv_reader_returns_rows_or_a_named_refusal(content):
    try:
        rows = read_csv_rows(decode_text(content), max_rows=50, max_columns=20, max_field_chars=100)
    except SpreadsheetInvalid as exc:
        assert exc.problems and all(problem for problem in exc.problems)
        return
    assert all(len(row) <= 20 and all(len(field) <= 100 for field in row) for row in rows)


@pytest.mark.django_db(databases=[])
@SLOW
@given(
    st.sampled_from(["skm.csv", "skm.xlsx", "skm.txt"]),
    st.binary(max_size=400)
    | st.builds(
        lambda cut, tail: with_sheet(sheet_xml([]))[:cut] + tail, st.integers(0, 3000), st.binary(max_size=20)
    ),
)
def test_the_survey_import_reader_returns_rows_or_import_file_invalid(name, content):
    from zona.surveys.services_entry import ImportFileInvalid, import_file_rows

    try:
        rows = import_file_rows(name=name, content=content)
    except ImportFileInvalid as exc:
        assert exc.problems and all(problem for problem in exc.problems)
        return
    assert isinstance(rows, list)


def test_decimal_and_float_edges_are_refused_fast():
    for value in (Decimal("1e-100000000"), Decimal("1e100000000"), float("inf"), 1e300, 10**5000):
        with pytest.raises(NotANumber):
            to_fraction(value)
