from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from tests.assessments.helpers import assessment_of, open_period
from tests.assessments.test_exports_support import fill
from zona.assessments.models import Answer, Assessment, ReturnedItem
from zona.assessments.services.answers import answer_save
from zona.audit.models import AuditEvent
from zona.lke.excel import write_workbook

pytestmark = pytest.mark.django_db


def _export(client, assessment) -> bytes:
    response = client.get(reverse("assessments:export_xlsx", kwargs={"pk": assessment.pk}))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def _edit(content: bytes, edits: dict[str, object], notes: dict[str, str] | None = None) -> bytes:
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook["LKE"]
    rows = {row[0].value: row[0].row for row in sheet.iter_rows(min_row=5) if row[0].value}
    for code, value in edits.items():
        sheet.cell(row=rows[code], column=6, value=value)
    for code, text in (notes or {}).items():
        sheet.cell(row=rows[code], column=9, value=text)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _row_of(content: bytes, code: str) -> int:
    sheet = load_workbook(io.BytesIO(content))["LKE"]
    return next(row[0].row for row in sheet.iter_rows(min_row=5) if row[0].value == code)


def _upload(client, assessment, content: bytes, name: str = "lke-terisi.xlsx"):
    return client.post(
        reverse("assessments:import_xlsx", kwargs={"pk": assessment.pk}),
        {"sheet": SimpleUploadedFile(name, content)},
    )


def _token(response) -> str:
    match = re.search(r'name="token" value="([^"]+)"', response.content.decode())
    assert match, "no apply button"
    return match.group(1)


def _values(assessment) -> dict[str, object]:
    return dict(
        Answer.objects.filter(assessment=assessment, stage__isnull=True).values_list("item_code", "value")
    )


def test_preview_lists_changes_and_problems_by_cell_and_applies_nothing(regency, client):
    assessment = assessment_of(open_period(regency), regency.unit_a)
    fill(assessment, regency.operator_a)
    before = _values(assessment)
    client.force_login(regency.operator_a)
    exported = _export(client, assessment)
    bad = _edit(exported, {"A.I.1.i.b": "A", "A.I.2.i.a": "F", "B.I.a": 3.5})
    response = _upload(client, assessment, bad)
    page = response.content.decode()
    assert response.status_code == 200
    row = _row_of(exported, "A.I.2.i.a")
    assert f"LKE!F{row} (A.I.2.i.a): pilihan &#x27;F&#x27; tidak ada" in page
    assert "A.I.1.i.b" in page and "B.I.a" in page
    assert 'name="token"' not in page  # nothing can be applied while there are problems
    assert _values(assessment) == before

    good = _edit(
        exported,
        {"A.I.1.i.b": "A", "B.I.a": 3.5, "A.I.1.iii.a": "D"},
        notes={"A.I.1.iii.a": "Monev triwulanan"},
    )
    response = _upload(client, assessment, good)
    page = response.content.decode()
    assert "3 butir akan berubah" in page
    assert re.search(r"A\.I\.1\.i\.b</th>.*?<td>B</td>.*?<strong>A</strong>", page, re.S)
    assert re.search(r"A\.I\.1\.iii\.a</th>.*?<td>\(kosong\)</td>.*?<strong>D</strong>", page, re.S)
    assert _values(assessment) == before  # still nothing until confirmed
    assert not AuditEvent.objects.filter(event="assessment.imported").exists()

    token = _token(response)
    response = client.post(reverse("assessments:import_xlsx", kwargs={"pk": assessment.pk}), {"token": token})
    assert response.status_code == 302
    after = _values(assessment)
    assert after["A.I.1.i.b"] == "A" and after["B.I.a"] == 3.5 and after["A.I.1.iii.a"] == "D"
    assert after["A.I.1.i.a"] == "Ya" and after["A.II.1.i.a"] == before["A.II.1.i.a"]  # blanks and equal kept
    narrative = Answer.objects.get(
        assessment=assessment, item_code="A.I.1.iii.a", stage__isnull=True
    ).narrative
    assert narrative == "Monev triwulanan"
    event = AuditEvent.objects.get(event="assessment.imported")
    assert event.actor == regency.operator_a and sorted(event.changes["items"]) == [
        "A.I.1.i.b",
        "A.I.1.iii.a",
        "B.I.a",
    ]
    saved = AuditEvent.objects.filter(event="answer.saved", changes__item="A.I.1.i.b").latest("seq")
    assert saved.changes["value"] == ["B", "A"]
    # the same token cannot be applied twice
    response = client.post(
        reverse("assessments:import_xlsx", kwargs={"pk": assessment.pk}), {"token": token}, follow=True
    )
    assert "Pratinjau impor tidak ditemukan" in response.content.decode() and _values(assessment) == after
    assert AuditEvent.objects.filter(event="assessment.imported").count() == 1


def test_a_conflict_aborts_the_whole_import(regency, client):
    assessment = assessment_of(open_period(regency), regency.unit_a)
    fill(assessment, regency.operator_a)
    client.force_login(regency.operator_a)
    sheet = _edit(_export(client, assessment), {"A.I.1.i.a": "Tidak", "A.I.1.i.b": "A", "A.I.2.i.a": "D"})
    token = _token(_upload(client, assessment, sheet))
    answer_save(assessment=assessment, item_code="A.I.2.i.a", value="B", actor=regency.ketua_a)  # meanwhile
    before = _values(assessment)
    response = client.post(
        reverse("assessments:import_xlsx", kwargs={"pk": assessment.pk}), {"token": token}, follow=True
    )
    assert "A.I.2.i.a sudah diubah orang lain" in response.content.decode()
    assert _values(assessment) == before
    assert before["A.I.1.i.a"] == "Ya" and before["A.I.2.i.a"] == "B"
    assert not AuditEvent.objects.filter(event="assessment.imported").exists()


def test_import_refused_for_a_submitted_assessment_other_unit_and_evaluator(regency, client):
    assessment = assessment_of(open_period(regency), regency.unit_a)
    fill(assessment, regency.operator_a)
    client.force_login(regency.operator_a)
    sheet = _edit(_export(client, assessment), {"A.I.1.i.b": "A"})
    Assessment.objects.filter(pk=assessment.pk).update(status=Assessment.Status.SUBMITTED)
    before = _values(assessment)
    response = _upload(client, assessment, sheet)
    assert "impor tidak dapat dilakukan" in response.content.decode()
    assert 'name="token"' not in response.content.decode()
    client.force_login(regency.operator_b)
    assert _upload(client, assessment, sheet).status_code == 404
    client.force_login(regency.evaluator)
    assert _upload(client, assessment, sheet).status_code == 403
    assert _values(assessment) == before
    assert AuditEvent.objects.filter(event="access.denied", actor=regency.operator_b).exists()


def test_a_sheet_of_another_framework_is_refused(regency, client, lke2014):
    assessment = assessment_of(open_period(regency), regency.unit_a)
    stream = io.BytesIO()
    write_workbook(lke2014, stream)
    client.force_login(regency.operator_a)
    response = _upload(client, assessment, stream.getvalue())
    page = response.content.decode()
    assert "kerangka permenpanrb-52-2014" in page and "permenpanrb-90-2021" in page
    assert 'name="token"' not in page
    response = _upload(client, assessment, b"bukan excel", name="lke.xlsx")
    assert "bukan lembar kerja Excel" in response.content.decode()
    response = _upload(client, assessment, b"x", name="lke.csv")
    assert "Unggah berkas Excel .xlsx" in response.content.decode()
    assert not Answer.objects.filter(assessment=assessment).exists()


def test_returned_assessment_imports_only_the_returned_items(regency, client):
    period = open_period(regency)
    assessment = assessment_of(period, regency.unit_a)
    fill(assessment, regency.operator_a)
    client.force_login(regency.operator_a)
    exported = _export(client, assessment)
    Assessment.objects.filter(pk=assessment.pk).update(status=Assessment.Status.RETURNED)
    ReturnedItem.objects.create(
        assessment=assessment,
        stage=period.stages.first(),
        item_code="A.I.1.i.b",
        comment="Lengkapi SK",
        returned_by=regency.evaluator,
    )
    response = _upload(client, assessment, _edit(exported, {"A.I.1.i.b": "A", "A.I.2.i.a": "D"}))
    page = response.content.decode()
    assert f"LKE!F{_row_of(exported, 'A.I.2.i.a')} (A.I.2.i.a): butir ini terkunci" in page
    assert 'name="token"' not in page
    response = _upload(client, assessment, _edit(exported, {"A.I.1.i.b": "A"}))
    client.post(reverse("assessments:import_xlsx", kwargs={"pk": assessment.pk}), {"token": _token(response)})
    assert _values(assessment)["A.I.1.i.b"] == "A"
