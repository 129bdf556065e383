"""The official LKE workbook on the web: import with a mapping preview (per layer, all or nothing) and the
"LKE resmi" export; the web score equals `zona lke score` on the same file."""

from __future__ import annotations

import io
import json
import re
from fractions import Fraction
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from tests.assessments.helpers import assessment_of, open_period
from tests.lke.test_official import as_agency_sheet, mixed
from zona.assessments.models import Answer, Assessment, Evidence
from zona.assessments.selectors.core import assessment_score, effective_answers, engine_for
from zona.assessments.services.answers import answer_save
from zona.assessments.services.review import assessment_submit
from zona.audit.models import AuditEvent
from zona.lke.official import LayerData, layout_for, read_official, write_official
from zona.lke.scoring import score

pytestmark = pytest.mark.django_db


def agency_workbook(framework, unit, tpi, *, scored: bool = True) -> bytes:
    stream = io.BytesIO()
    write_official(
        framework,
        layout_for(framework),
        stream,
        unit=LayerData(
            unit, {"A.I.1.i.a": "SK Kepala Dinas 2 Januari"}, score(framework, unit) if scored else None
        ),
        tpi=LayerData(
            tpi, {"A.I.1.i.b": "Notulen pemilihan tidak ada"}, score(framework, tpi) if scored else None
        ),
        evidence_urls={"A.I.1.i.a": ["https://zi.example.go.id/sk-tim.pdf"]},
    )
    return as_agency_sheet(stream.getvalue())


def _upload(client, assessment, content: bytes):
    return client.post(
        reverse("assessments:import_official", kwargs={"pk": assessment.pk}),
        {"resmi-sheet": SimpleUploadedFile("LKE Dinas 2025.xlsx", content)},
    )


def _apply(client, assessment, response):
    match = re.search(r'name="token" value="([^"]+)"', response.content.decode())
    assert match, "no apply button"
    return client.post(
        reverse("assessments:import_official", kwargs={"pk": assessment.pk}), {"token": match.group(1)}
    )


def _cli_total(path: Path, layer: str) -> float:
    out = io.StringIO()
    call_command("lke", "score", str(path), "--json", "--lapis", layer, stdout=out)
    return json.loads(out.getvalue())["total"]


def test_official_workbook_imports_per_layer_with_a_preview_and_exports_back_the_same(
    regency, client, tmp_path
):
    period = open_period(regency)
    assessment = assessment_of(period, regency.unit_a)
    framework = engine_for(assessment)
    unit = mixed(framework)
    tpi = dict(unit, **{"A.I.1.i.b": "C", "B.I.a": Fraction(3)})
    content = agency_workbook(framework, unit, tpi)
    path = tmp_path / "lke.xlsx"
    path.write_bytes(content)

    # 1. the unit operator: unit columns only; the TPI columns are left out with a note
    client.force_login(regency.operator_a)
    response = _upload(client, assessment, content)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Kolom yang dikenali" in page and "jawaban TPI" in page
    assert "113 butir LKE ditemukan" in page
    assert "Kolom TPI (jawaban, catatan reviu) tidak diimpor" in page
    assert not Answer.objects.filter(assessment=assessment).exists()  # the preview wrote nothing
    response = _apply(client, assessment, response)
    assert response.status_code == 302
    assert effective_answers(assessment) == unit
    assert not Answer.objects.filter(assessment=assessment, stage__isnull=False).exists()
    assert Answer.objects.get(assessment=assessment, item_code="A.I.1.i.a", stage=None).narrative == (
        "SK Kepala Dinas 2 Januari"
    )
    assert Evidence.objects.get(assessment=assessment, item_code="A.I.1.i.a").url == (
        "https://zi.example.go.id/sk-tim.pdf"
    )
    event = AuditEvent.objects.filter(event="assessment.imported").latest("pk")
    assert event.changes["layout"] == "resmi" and event.changes["layers"] == ["unit"]
    # the web score equals the CLI's on the same file
    assert float(assessment_score(assessment).to_dict()["total"]) == _cli_total(path, "unit")

    # 2. the TPI evaluator, at the review stage: TPI columns go to the current stage
    assessment_submit(assessment=assessment, actor=regency.ketua_a, acknowledge_incomplete=True)
    assessment.refresh_from_db()
    stage = assessment.current_stage
    client.force_login(regency.evaluator)
    response = _upload(client, assessment, content)
    page = response.content.decode()
    assert "TPI (tahap berjalan)" in page
    response = _apply(client, assessment, response)
    assert response.status_code == 302
    assert effective_answers(assessment, stage) == tpi
    assert {row.item_code for row in Answer.objects.filter(assessment=assessment, stage=stage)} == {
        "A.I.1.i.b",
        "B.I.a",
    }
    assert Answer.objects.get(assessment=assessment, stage=stage, item_code="A.I.1.i.b").note == (
        "Notulen pemilihan tidak ada"
    )
    assert float(assessment_score(assessment, stage).to_dict()["total"]) == _cli_total(path, "tpi")

    # 3. the export of that shape reads back with the same values, both layers
    response = client.get(reverse("assessments:export_official", kwargs={"pk": assessment.pk}))
    assert response.status_code == 200
    exported = b"".join(response.streaming_content)
    sheet = read_official(io.BytesIO(exported), framework, layout_for(framework))
    assert sheet.problems == []
    from zona.lke.answers import parse_answers

    assert parse_answers(framework, sheet.unit.answers)[0] == unit
    assert sheet.tpi is not None and parse_answers(framework, sheet.tpi.answers)[0] == tpi
    assert sheet.evidence_urls == {"A.I.1.i.a": ["https://zi.example.go.id/sk-tim.pdf"]}


def test_a_problem_in_the_sheet_means_nothing_can_be_applied(regency, client):
    assessment = assessment_of(open_period(regency), regency.unit_a)
    framework = engine_for(assessment)
    unit = mixed(framework)
    unit["A.I.2.i.a"] = "F"
    content = agency_workbook(framework, unit, unit, scored=False)
    client.force_login(regency.operator_a)
    response = _upload(client, assessment, content)
    page = response.content.decode()
    assert "(A.I.2.i.a): pilihan &#x27;F&#x27; tidak ada" in page
    assert 'name="token"' not in page
    assert not Answer.objects.filter(assessment=assessment).exists()


def test_a_conflict_after_the_preview_rolls_the_whole_import_back(regency, client):
    assessment = assessment_of(open_period(regency), regency.unit_a)
    framework = engine_for(assessment)
    unit = mixed(framework)
    client.force_login(regency.operator_a)
    response = _upload(client, assessment, agency_workbook(framework, unit, unit))
    answer_save(assessment=assessment, item_code="B.II.a", value=2, actor=regency.ketua_a)
    response = _apply(client, assessment, response)
    assert response.status_code == 302
    assert dict(Answer.objects.filter(assessment=assessment).values_list("item_code", "value")) == {
        "B.II.a": 2
    }
    assert not Evidence.objects.filter(assessment=assessment).exists()


def test_who_may_not_write_any_layer_is_refused(regency, client):
    assessment = assessment_of(open_period(regency), regency.unit_a)
    framework = engine_for(assessment)
    content = agency_workbook(framework, mixed(framework), mixed(framework))
    client.force_login(regency.evaluator)  # draft: the TPI has nothing to write yet
    response = _upload(client, assessment, content)
    assert response.status_code == 200
    assert "tidak ada lapisan jawaban yang dapat Anda isi sekarang" in response.content.decode()
    assert Assessment.objects.get(pk=assessment.pk).status == Assessment.Status.DRAFT
    assert not Answer.objects.filter(assessment=assessment).exists()
