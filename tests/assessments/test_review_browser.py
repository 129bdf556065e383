"""The review and submit pages in Chromium: HTMX save of a stage answer, and axe-core."""

from __future__ import annotations

import pytest

from tests.assessments.test_review_support import draft_with_answers, in_review, stages
from tests.browser.fixtures import axe_violations, login
from zona.assessments.models import Answer

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_evaluator_saves_a_stage_answer_in_place_and_the_page_has_no_serious_axe_violation(
    live_server, page, regency
):
    assessment = in_review(regency)
    login(page, live_server.url, "tpi1")
    page.goto(f"{live_server.url}/penilaian/{assessment.pk}/reviu/")
    assert axe_violations(page) == []
    item = page.locator('[id="item-A.I.1.i.b"]')
    item.get_by_label("Jawaban tahap ini").select_option("C")
    item.get_by_text("Tersimpan").wait_for()
    saved = Answer.objects.get(item_code="A.I.1.i.b", stage=stages(assessment)[0])
    assert saved.value == "C" and saved.version == 1
    assert item.locator('input[name="version"]').get_attribute("value") == "1"


def test_submit_page_has_no_serious_axe_violation(live_server, page, regency):
    assessment = draft_with_answers(regency)
    login(page, live_server.url, "ketua-a")
    page.goto(f"{live_server.url}/penilaian/{assessment.pk}/ajukan/")
    assert axe_violations(page) == []
    page.get_by_label("Ajukan walau belum lengkap").check()
    page.get_by_role("button", name="Ajukan ke TPI").click()
    page.wait_for_load_state("networkidle")
    assert "/reviu/" in page.url


def test_returning_items_asks_with_the_ticked_count_and_cancel_returns_nothing(live_server, page, regency):
    from zona.assessments.models import ReturnedItem

    assessment = in_review(regency)
    login(page, live_server.url, "tpi1")
    page.goto(f"{live_server.url}/penilaian/{assessment.pk}/reviu/")
    for code in ("A.I.1.i.a", "A.I.1.i.b", "A.I.1.ii.a"):
        page.locator(f'[id="rv-ret-{code}"]').check()
    asked: list[str] = []

    def dismiss(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.locator("#rv-return button[type=submit]").click()
    page.wait_for_timeout(300)
    assert asked and asked[0].startswith("Kembalikan 3 butir ke unit?")
    assert not ReturnedItem.objects.filter(assessment=assessment).exists()
