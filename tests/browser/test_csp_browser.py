"""In Chromium, the strict Content-Security-Policy blocks nothing Zona itself needs (issue 8, item 8):
the worksheet with an htmx autosave, the scores page with its Chart.js radar, and the public survey form,
filled and sent. Any CSP violation (reported by the browser as an event or a console error) fails."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.assessments.helpers import assessment_of
from tests.assessments.test_review_support import in_review
from tests.browser.fixtures import login
from tests.surveys.test_public_support import campaign
from zona.assessments.models import Answer

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

# Runs before any page script (Playwright's init scripts are not subject to the page's CSP).
LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  const where = `${e.sourceFile}:${e.lineNumber}`;
  window.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${where}`);
});
"""


def watch(page: Any) -> list[str]:
    """Console errors that speak of the CSP; the page's own listener is read by `violations`."""
    errors: list[str] = []
    page.add_init_script(LISTEN)
    page.on(
        "console",
        lambda msg: (
            errors.append(msg.text) if msg.type == "error" and "Content Security Policy" in msg.text else None
        ),
    )
    return errors


def violations(page: Any, console: list[str]) -> list[str]:
    return [*page.evaluate("window.__csp || []"), *console]


def test_worksheet_autosave_and_charts_run_under_the_csp(live_server, page, regency):
    reviewed = in_review(regency)
    draft = assessment_of(reviewed.period, regency.unit_b)
    console = watch(page)
    base = live_server.url

    login(page, base, "operator-b")
    response = page.goto(f"{base}/penilaian/{draft.pk}/lembar-kerja/")
    assert response is not None and "script-src 'self'" in response.headers["content-security-policy"]
    card = page.locator('[id="item-A.I.1.i.a"]')
    card.get_by_label("Ya, jika tim telah dibentuk di dalam unit kerja").check()  # htmx saves it
    expect(page.locator("#status-A-I-1-i-a")).to_contain_text("Tersimpan")
    assert Answer.objects.filter(assessment=draft, item_code="A.I.1.i.a").exists()
    # htmx was told not to inject its indicator <style>: no <style> element in the document.
    assert page.evaluate("document.querySelectorAll('style').length") == 0
    assert violations(page, console) == []

    page.goto(f"{base}/penilaian/{draft.pk}/nilai/")
    drawn = page.evaluate(
        "() => Array.from(document.querySelectorAll('canvas[data-zona-chart]'))"
        ".map((c) => Boolean(window.Chart && window.Chart.getChart(c)))"
    )
    assert drawn and all(drawn)
    assert violations(page, console) == []

    # The language switcher submits on change through zona.js (no inline onchange).
    with page.expect_navigation():  # the POST to set_language, then the redirect back
        page.get_by_label("Bahasa").select_option("en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert violations(page, console) == []


def test_public_survey_form_is_sent_under_the_csp(live_server, page, regency, settings):
    from django.core.cache import cache

    settings.ZONA_SURVEY_MIN_SECONDS = 1
    cache.clear()
    c = campaign(regency)
    console = watch(page)
    base = live_server.url
    response = page.goto(f"{base}/s/{c.short_code}/")
    assert response is not None and "style-src 'self'" in response.headers["content-security-policy"]
    page.get_by_role("group", name=re.compile("Jenis layanan")).get_by_text("Kartu Tanda Penduduk").click()
    for group in page.locator("fieldset:has(legend .num)").all():
        group.locator("label.opt").nth(2).click()
    page.wait_for_timeout(1100)
    page.get_by_role("button", name="Kirim jawaban").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Terima kasih!")
    assert violations(page, console) == []


def test_public_survey_form_works_without_javascript(live_server, browser, regency, settings):
    from django.core.cache import cache

    from zona.surveys.models import Response

    settings.ZONA_SURVEY_MIN_SECONDS = 1
    cache.clear()
    c = campaign(regency)
    context = browser.new_context(java_script_enabled=False, locale="id-ID")
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/s/{c.short_code}/")
        services = page.get_by_role("group", name=re.compile("Jenis layanan"))
        services.get_by_text("Kartu Tanda Penduduk").click()
        for group in page.locator("fieldset:has(legend .num)").all():
            group.locator("label.opt").nth(3).click()
        page.wait_for_timeout(1100)
        page.get_by_role("button", name="Kirim jawaban").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Terima kasih!")
    finally:
        context.close()
    assert Response.objects.filter(campaign=c).count() == 1
