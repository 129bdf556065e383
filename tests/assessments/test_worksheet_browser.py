"""The worksheet in Chromium: autosave moves the live score, evidence uploads and previews, conflicts."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.assessments.helpers import assessment_of, open_period
from tests.browser.fixtures import axe_violations, login
from zona.assessments.models import Answer, Evidence
from zona.assessments.services.answers import answer_save
from zona.demo.regency import minimal_pdf

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_operator_fills_items_with_evidence_and_meets_a_conflict(live_server, page, regency, tmp_path):
    assessment = assessment_of(open_period(regency), regency.unit_a)
    sk = tmp_path / "SK Tim.pdf"
    sk.write_bytes(minimal_pdf("SK Tim ZI Dinas Dukcapil"))
    base = live_server.url
    login(page, base, "operator-a")
    page.goto(f"{base}/penilaian/{assessment.pk}/lembar-kerja/?area=1")
    expect(page.get_by_role("heading", level=1)).to_have_text("Lembar kerja penilaian mandiri")
    assert axe_violations(page) == []

    item = page.locator('[id="item-A.I.1.i.a"]')
    item.get_by_label("Ya, jika tim telah dibentuk di dalam unit kerja").check()
    expect(item.get_by_role("status")).to_contain_text("Tersimpan")
    expect(page.locator("#ws-total [data-figure=total]")).to_have_text("0,25")
    expect(page.locator("#skor-ind-A-I-1-i [data-figure=indicator]")).to_have_text("0,25")
    item.get_by_label("Penjelasan").fill("SK Kepala Dinas Nomor 12 Tahun 2025")
    item.get_by_label("Penjelasan").blur()
    expect(item.locator("#versi-A-I-1-i-a")).to_have_value("2")
    answer = Answer.objects.get(item_code="A.I.1.i.a")
    assert answer.value == "Ya" and answer.narrative == "SK Kepala Dinas Nomor 12 Tahun 2025"

    # evidence: upload, then preview the PDF in the page
    item.get_by_text("Tambah data dukung").click()
    item.get_by_label("Unggah berkas (PDF, gambar, dokumen kantor; maks. 20 MB per berkas)").set_input_files(
        str(sk)
    )
    item.get_by_role("button", name="Unggah", exact=True).click()
    expect(item.get_by_role("link", name="SK Tim")).to_be_visible()
    expect(page.locator("#progres-area-1")).to_contain_text("Dengan data dukung 1/")
    item.get_by_text("Pratinjau").click()
    expect(item.locator("iframe")).to_be_visible()
    assert Evidence.objects.get().item_code == "A.I.1.i.a"

    # someone else saves A.I.1.i.b meanwhile: the operator's change meets a clear conflict
    other = page.locator('[id="item-A.I.1.i.b"]')
    answer_save(assessment=assessment, item_code="A.I.1.i.b", value="B", actor=regency.ketua_a)
    other.get_by_label(
        "a. Jika dengan prosedur/mekanisme yang jelas dan mewakili seluruh unsur dalam unit kerja"
    ).check()
    expect(other.get_by_role("alert")).to_contain_text("baru saja diubah orang lain")
    other.get_by_role("button", name="Timpa dengan jawaban saya").click()
    expect(other.get_by_role("status")).to_contain_text("Tersimpan")
    expect(other.get_by_role("alert")).to_have_count(0)
    assert Answer.objects.get(item_code="A.I.1.i.b").value == "A"
    assert axe_violations(page) == []
