from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.assessments.helpers import assessment_of, open_period
from tests.assessments.test_exports_support import PDF_BYTES, add_evidence, fill, finalise, review
from zona.assessments.models import Evidence
from zona.assessments.selectors.core import assessment_score

pytestmark = pytest.mark.django_db


def _cli_score(tmp_path, content: bytes) -> dict:
    path = tmp_path / "lke.xlsx"
    path.write_bytes(content)
    out = io.StringIO()
    call_command("lke", "score", str(path), "--json", stdout=out)
    return json.loads(out.getvalue())


def test_web_score_equals_lke_score_on_the_exported_excel(regency, client, tmp_path):
    period = open_period(regency)
    assessment = assessment_of(period, regency.unit_a)
    fill(assessment, regency.operator_a)
    client.force_login(regency.operator_a)
    response = client.get(reverse("assessments:export_xlsx", kwargs={"pk": assessment.pk}))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="LKE ')
    assert f"{regency.unit_a.slug} {period.year}.xlsx" in response["Content-Disposition"]
    web = assessment_score(assessment).to_dict(gains_limit=10)
    cli = _cli_score(tmp_path, b"".join(response.streaming_content))
    assert cli == web
    assert web["total"] > 0 and web["completeness"]["answered"] == 11


def test_tpi_layer_export_scores_the_furthest_stage(regency, client, tmp_path):
    period = open_period(regency)
    assessment = assessment_of(period, regency.unit_a)
    fill(assessment, regency.operator_a)
    review(assessment, period, regency.evaluator)
    client.force_login(regency.koordinator)
    response = client.get(reverse("assessments:export_xlsx", kwargs={"pk": assessment.pk}) + "?lapis=tpi")
    content = b"".join(response.streaming_content)
    last = period.stages.order_by("-order").first()
    tpi = assessment_score(assessment, last).to_dict(gains_limit=10)
    assert _cli_score(tmp_path, content) == tpi
    assert tpi["total"] != assessment_score(assessment).to_dict()["total"]
    sheet = load_workbook(io.BytesIO(content))["LKE"]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=5)}
    assert rows["A.I.1.i.b"][5].value == "C"  # the stage's answer, not the unit's B
    assert rows["A.I.1.i.b"][8].value == "Penjelasan A.I.1.i.b"  # narratives as notes


def test_other_unit_operator_gets_404_on_every_download(regency, client):
    period = open_period(regency)
    assessment = assessment_of(period, regency.unit_a)
    client.force_login(regency.operator_b)
    for name in ("exports", "export_xlsx", "lhe_pdf", "evidence_zip", "import_xlsx"):
        url = reverse(f"assessments:{name}", kwargs={"pk": assessment.pk})
        assert client.get(url).status_code == 404, name
    response = client.post(reverse("assessments:import_xlsx", kwargs={"pk": assessment.pk}), {})
    assert response.status_code == 404
    client.force_login(regency.other_koordinator)
    assert client.get(reverse("assessments:period_recap_xlsx", kwargs={"pk": period.pk})).status_code == 404


def test_exports_page_lists_downloads_and_import_form_only_for_the_unit_team(regency, client):
    period = open_period(regency)
    assessment = assessment_of(period, regency.unit_a)
    url = reverse("assessments:exports", kwargs={"pk": assessment.pk})
    client.force_login(regency.operator_a)
    page = client.get(url).content.decode()
    assert reverse("assessments:export_xlsx", kwargs={"pk": assessment.pk}) in page
    assert reverse("assessments:lhe_pdf", kwargs={"pk": assessment.pk}) in page
    assert reverse("assessments:import_xlsx", kwargs={"pk": assessment.pk}) in page
    assert "Belum ada data dukung" in page
    client.force_login(regency.pimpinan)
    page = client.get(url).content.decode()
    assert 'enctype="multipart/form-data"' not in page
    assert reverse("assessments:period_recap_xlsx", kwargs={"pk": period.pk}) in page


def test_evidence_zip_arranges_files_and_links_by_lke_code(regency, client):
    period = open_period(regency)
    assessment = assessment_of(period, regency.unit_a)
    add_evidence(assessment, "A.I.1.i.a", "SK Tim", regency.operator_a)
    add_evidence(
        assessment, "A.I.1.i.a", "Notulen rapat.pdf", regency.operator_a, content=PDF_BYTES + b"%2\n"
    )
    add_evidence(assessment, "A.II.4.i", "Laporan kinerja", regency.operator_a, content=PDF_BYTES + b"%3\n")
    Evidence.objects.create(
        assessment=assessment,
        item_code="A.I.2.ii.a",
        url="https://beltim.go.id/spbe",
        title="Portal SPBE",
        added_by=regency.operator_a,
    )
    removed = add_evidence(
        assessment, "A.I.3.i.a", "Dihapus", regency.operator_a, content=PDF_BYTES + b"%4\n"
    )
    removed.removed_at, removed.removed_by = timezone.now(), regency.operator_a
    removed.save()
    client.force_login(regency.pimpinan)
    response = client.get(reverse("assessments:evidence_zip", kwargs={"pk": assessment.pk}))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = archive.namelist()
    assert "A.I.1.i.a/01 - SK Tim.pdf" in names
    assert "A.I.1.i.a/02 - Notulen rapat.pdf" in names
    assert "A.II.4.i/01 - Laporan kinerja.pdf" in names
    assert "A.I.2.ii.a/01 - Portal SPBE.url" in names
    assert not any(name.startswith("A.I.3.i.a") for name in names)
    assert archive.read("A.I.1.i.a/01 - SK Tim.pdf") == PDF_BYTES
    assert "URL=https://beltim.go.id/spbe" in archive.read("A.I.2.ii.a/01 - Portal SPBE.url").decode()
    index = list(csv.reader(io.StringIO(archive.read("indeks.csv").decode("utf-8-sig"))))
    assert len(index) == 1 + 4
    assert [row[0] for row in index[1:]] == ["A.I.1.i.a", "A.I.1.i.a", "A.I.2.ii.a", "A.II.4.i"]


def test_period_recap_has_a_row_per_visible_assessment(regency, client):
    period = open_period(regency, units=[regency.unit_a, regency.unit_a1, regency.unit_b])
    assessment = assessment_of(period, regency.unit_a)
    fill(assessment, regency.operator_a)
    review(assessment, period, regency.evaluator)
    finalise(assessment, period)
    url = reverse("assessments:period_recap_xlsx", kwargs={"pk": period.pk})
    client.force_login(regency.koordinator)
    response = client.get(url)
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook["Rekap"]
    header = [cell.value for cell in sheet[1]]
    rows = {
        row[0]: dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2, values_only=True)
    }
    assert set(rows) == {regency.unit_a.name, regency.unit_a1.name, regency.unit_b.name}
    row_a = rows[regency.unit_a.name]
    assert row_a["Status"] == "Final"
    assert row_a["Nilai TPI"] == assessment.final_result["tpi"]["total"]
    assert row_a["Nilai unit"] == assessment.final_result["unit"]["total"]
    assert row_a["Area 1 MP (%)"] == assessment.final_result["tpi"]["areas"]["1"]["percent"]
    assert row_a["Layak WBK"] == "Tidak" and row_a["Syarat WBK belum terpenuhi"] > 0
    assert rows[regency.unit_b.name]["Nilai unit"] == 0
    matrix = workbook["Jawaban TPI"]
    codes = [cell.value for cell in matrix[1]]
    answers = {
        row[0]: dict(zip(codes, row, strict=True)) for row in matrix.iter_rows(min_row=2, values_only=True)
    }
    assert answers[regency.unit_a.name]["A.I.1.i.b"] == "C"
    assert answers[regency.unit_a.name]["A.II.1.i.a"] == pytest.approx(77.78)
    assert workbook["Jawaban unit"].max_row == 4
    # a unit-scoped reader: ketua tim of A is not a koordinator/pimpinan, so no recap
    client.force_login(regency.ketua_a)
    assert client.get(url).status_code == 403
