"""A respondent fills the public survey on a phone; the operator sees n go up (issue 5)."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from tests.browser.fixtures import axe_violations, login
from tests.surveys.test_public_support import URLCONF, campaign
from zona.surveys.models import Response

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser, pytest.mark.urls(URLCONF)]


def test_respondent_fills_the_form_on_a_phone_and_operator_sees_n(
    live_server, phone_page, page, regency, settings
):
    settings.ZONA_SURVEY_MIN_SECONDS = 1
    cache.clear()
    c = campaign(regency)
    base = live_server.url

    # The operator's view before: no respondent yet.
    login(page, base, "operator-a")
    page.goto(f"{base}/survei/{c.pk}/")
    expect(page.get_by_text(re.compile(r"\b0 responden"))).to_be_visible()

    # The respondent, on a phone, without logging in.
    phone = phone_page
    requests: list[str] = []
    phone.on("request", lambda request: requests.append(request.url))
    phone.goto(f"{base}/s/{c.short_code}/")
    expect(phone.get_by_role("heading", level=1)).to_have_text(c.title)
    assert not any("bootstrap" in url or "chart" in url or "htmx" in url for url in requests), requests
    assert axe_violations(phone) == []

    # Touch targets: every answer option is at least 44 px high.
    heights = phone.locator("label.opt").evaluate_all("els => els.map(e => e.getBoundingClientRect().height)")
    assert heights and min(heights) >= 44

    phone.get_by_role("group", name=re.compile("Jenis layanan")).get_by_text("Kartu Tanda Penduduk").click()
    for index, group in enumerate(phone.locator("fieldset:has(legend .num)").all()):
        group.locator("label.opt").nth(3 if index % 2 else 2).click()
    phone.get_by_role("group", name="Jenis kelamin").get_by_text("Perempuan").click()
    phone.get_by_label("Usia (tahun)").fill("29")
    phone.get_by_label(re.compile("Saran untuk perbaikan")).fill("Tambah kursi di ruang tunggu")
    phone.wait_for_timeout(1100)  # a person takes longer than the timing check's minimum
    phone.get_by_role("button", name="Kirim jawaban").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Terima kasih!")
    assert axe_violations(phone) == []

    response = Response.objects.get()
    assert response.channel == Response.Channel.WEB
    assert (response.gender, response.age, response.service_type.name) == ("P", 29, "Kartu Tanda Penduduk")
    assert response.suggestion == "Tambah kursi di ruang tunggu"

    # The operator reloads the campaign page: n went up.
    page.goto(f"{base}/survei/{c.pk}/")
    expect(page.get_by_text(re.compile(r"\b1 responden"))).to_be_visible()
    page.goto(f"{base}/survei/isi/{c.pk}/kertas/")
    expect(page.get_by_test_id("campaign-n")).to_have_text("1")

    # A paper questionnaire typed from the keyboard only: Enter saves, the cursor is back on a fresh row.
    expect(page.get_by_label("Layanan")).to_be_focused()
    page.keyboard.type("2")
    for _ in range(5):
        page.keyboard.press("Tab")
    page.keyboard.type("344324434")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("campaign-n")).to_have_text("2")
    expect(page.get_by_label("Layanan")).to_be_focused()
    expect(page.get_by_label("Layanan")).to_have_value("")
    assert Response.objects.filter(channel=Response.Channel.PAPER).count() == 1
    assert axe_violations(page) == []


def test_public_form_errors_are_accessible_on_a_phone(live_server, phone_page, regency, settings):
    settings.ZONA_SURVEY_MIN_SECONDS = 0
    cache.clear()
    c = campaign(regency)
    phone_page.goto(f"{live_server.url}/s/{c.short_code}/")
    phone_page.get_by_role("button", name="Kirim jawaban").click()
    expect(phone_page.get_by_role("heading", name="Ada isian yang perlu diperbaiki")).to_be_visible()
    assert axe_violations(phone_page) == []
    assert Response.objects.count() == 0
