"""Autosave in Chromium that cannot lose an answer: network failures, reloads, an expired session, numbers
typed in a browser set to English, out-of-range values (issue 8, item 2)."""

from __future__ import annotations

import re
from fractions import Fraction
from importlib import import_module

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.assessments.helpers import assessment_of, open_period
from tests.browser.fixtures import CHROMIUM, axe_violations, login
from zona.assessments.models import Answer
from zona.assessments.selectors.core import canonical, engine_for
from zona.assessments.services.answers import answer_save

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

SAVES = re.compile(r"/penilaian/\d+/butir/")


def _abort_saves(route):
    if route.request.method == "POST":
        route.abort("internetdisconnected")
    else:
        route.continue_()


def _stored(code):
    answer = Answer.objects.filter(item_code=code, stage__isnull=True).first()
    return answer.value if answer is not None else None


def _pending_keys(page):
    return page.evaluate("() => Object.keys(localStorage).filter((k) => k.startsWith('zona:autosave:'))")


def _open(page, base, assessment, query="area=1"):
    page.goto(f"{base}/penilaian/{assessment.pk}/lembar-kerja/?{query}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Lembar kerja penilaian mandiri")


def test_network_failure_shows_gagal_and_the_answer_is_stored_when_it_returns_also_after_a_reload(
    live_server, page, regency
):
    assessment = assessment_of(open_period(regency), regency.unit_a)
    base = live_server.url
    login(page, base, "operator-a")
    _open(page, base, assessment)

    # the network fails during the autosave: the item says so, nothing is stored, the answer is kept
    page.route(SAVES, _abort_saves)
    item = page.locator('[id="item-A.I.1.i.a"]')
    item.get_by_label("Ya, jika tim telah dibentuk di dalam unit kerja").check()
    expect(item.get_by_role("status")).to_contain_text("Gagal menyimpan")
    expect(item.get_by_role("button", name="Coba lagi")).to_be_visible()
    assert _stored("A.I.1.i.a") is None
    user = regency.operator_a.pk
    assert _pending_keys(page) == [f"zona:autosave:{assessment.pk}:A.I.1.i.a:{user}"]
    assert axe_violations(page) == []

    # the network returns: the retry stores it
    page.unroute(SAVES)
    expect(item.get_by_role("status")).to_contain_text("Tersimpan", timeout=10000)
    assert _stored("A.I.1.i.a") == "Ya"
    assert _pending_keys(page) == []

    # a 500 is a failure too, retried until the server answers
    page.route(SAVES, lambda route: route.fulfill(status=500, body="Server Error"))
    broken = page.locator('[id="item-A.I.1.iii.a"]')
    broken.locator('input[name="value"][value="D"]').check()
    expect(broken.get_by_role("status")).to_contain_text("server menjawab 500")
    assert _stored("A.I.1.iii.a") is None
    page.unroute(SAVES)
    expect(broken.get_by_role("status")).to_contain_text("Tersimpan", timeout=10000)
    assert _stored("A.I.1.iii.a") == "D"

    # offline again, two items changed; someone else saves one of them meanwhile; then a reload
    page.route(SAVES, _abort_saves)
    second = page.locator('[id="item-A.I.1.i.b"]')
    second.locator('input[name="value"][value="B"]').check()
    expect(second.get_by_role("status")).to_contain_text("Gagal menyimpan")
    third = page.locator('[id="item-A.I.1.ii.b"]')
    third.locator('input[name="value"][value="C"]').check()
    expect(third.get_by_role("status")).to_contain_text("Gagal menyimpan")
    answer_save(assessment=assessment, item_code="A.I.1.ii.b", value="A", actor=regency.ketua_a)
    warned = []

    def on_dialog(dialog):
        warned.append(dialog.type)
        dialog.accept()

    page.on("dialog", on_dialog)
    page.reload()
    assert warned == ["beforeunload"]  # leaving with unsaved answers warns
    # another area, whose filter hides them: the page says which answers this browser still holds
    _open(page, base, assessment, "area=2")
    expect(page.get_by_text("2 jawaban belum terkirim")).to_contain_text("A.I.1.i.b, A.I.1.ii.b")
    _open(page, base, assessment)
    second = page.locator('[id="item-A.I.1.i.b"]')
    expect(second.locator('input[name="value"][value="B"]')).to_be_checked()  # put back from localStorage
    expect(second.get_by_role("status")).to_contain_text("Gagal menyimpan")
    assert _stored("A.I.1.i.b") is None

    page.unroute(SAVES)
    expect(second.get_by_role("status")).to_contain_text("Tersimpan", timeout=10000)
    expect(second.get_by_role("status")).to_contain_text("dipulihkan dari peramban ini")
    assert _stored("A.I.1.i.b") == "B"
    # the restored save carried the version it was edited from: the newer answer is not overwritten
    third = page.locator('[id="item-A.I.1.ii.b"]')
    expect(third.get_by_role("alert")).to_contain_text("baru saja diubah orang lain", timeout=10000)
    assert _stored("A.I.1.ii.b") == "A"
    expect(third.locator('input[name="value"][value="C"]')).to_be_checked()
    third.get_by_role("button", name="Timpa dengan jawaban saya").click()
    expect(third.get_by_role("status")).to_contain_text("Tersimpan")
    assert _stored("A.I.1.ii.b") == "C"
    assert _pending_keys(page) == []


def test_expired_session_opens_the_relogin_dialog_and_then_stores_the_pending_answer(
    live_server, page, regency
):
    assessment = assessment_of(open_period(regency), regency.unit_a)
    base = live_server.url
    login(page, base, "operator-a")
    _open(page, base, assessment)

    # the session ends on the server (expiry, logout elsewhere) while the page is open: 401
    session_key = next(
        c["value"] for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME
    )
    import_module(settings.SESSION_ENGINE).SessionStore(session_key).delete()
    first = page.locator('[id="item-A.I.1.ii.a"]')
    first.locator('input[name="value"][value="Ya"]').check()
    dialog = page.get_by_role("dialog", name="Sesi berakhir — masuk lagi")
    expect(dialog).to_be_visible()
    assert _stored("A.I.1.ii.a") is None
    dialog.get_by_label("Kata sandi").fill("rahasia-uji-123")
    dialog.get_by_role("button", name="Masuk dan kirim").click()
    expect(dialog).to_be_hidden()
    expect(first.get_by_role("status")).to_contain_text("Tersimpan")
    assert _stored("A.I.1.ii.a") == "Ya"

    # the browser lost its cookies (the session's and the CSRF one): the CSRF check refuses first
    page.context.clear_cookies()
    item = page.locator('[id="item-A.I.1.i.a"]')
    item.get_by_label("Ya, jika tim telah dibentuk di dalam unit kerja").check()
    expect(dialog).to_be_visible()
    expect(item.get_by_role("status")).to_contain_text("sesi Anda berakhir")
    expect(item).not_to_contain_text("Masuk ke Zona")  # no login page inside the item card
    assert _stored("A.I.1.i.a") is None
    assert axe_violations(page) == []

    expect(dialog.get_by_label("Nama pengguna")).to_have_value("operator-a")
    dialog.get_by_label("Kata sandi").fill("salah-sekali-123")
    dialog.get_by_role("button", name="Masuk dan kirim").click()
    expect(dialog.get_by_role("alert")).to_contain_text("salah")
    dialog.get_by_label("Kata sandi").fill("rahasia-uji-123")
    dialog.get_by_role("button", name="Masuk dan kirim").click()
    expect(dialog).to_be_hidden()
    expect(item.get_by_role("status")).to_contain_text("Tersimpan")
    assert _stored("A.I.1.i.a") == "Ya"

    # the next save uses the new session's CSRF token
    other = page.locator('[id="item-A.I.1.i.b"]')
    other.locator('input[name="value"][value="A"]').check()
    expect(other.get_by_role("status")).to_contain_text("Tersimpan")
    assert _stored("A.I.1.i.b") == "A"
    assert _pending_keys(page) == []


@pytest.fixture
def english_page(browser):
    """Chromium as many office PCs run it: in English (`--lang=en-US`, locale en-US)."""
    instance = browser.browser_type.launch(
        executable_path=CHROMIUM,
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--lang=en-US",
        ],
    )
    context = instance.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()
    instance.close()


def test_english_browser_reads_3_comma_12_as_three_point_twelve(live_server, english_page, regency):
    page = english_page
    assessment = assessment_of(open_period(regency), regency.unit_a)
    base = live_server.url
    login(page, base, "operator-a")
    _open(page, base, assessment, "area=hasil")
    assert page.evaluate("() => navigator.language") == "en-US"

    item = page.locator('[id="item-B.I.a"]')
    field = item.get_by_label("Nilai indeks (0–4)")
    field.fill("3,12")
    field.press("Tab")
    expect(item.get_by_role("status")).to_contain_text("Tersimpan")
    framework = engine_for(assessment)
    assert canonical(framework, "B.I.a", _stored("B.I.a")) == Fraction(78, 25)

    # typed but not yet left (no change event) when the page is reloaded: kept, put back and sent
    survey = page.locator('[id="item-B.II.a"]')
    survey.get_by_label("Nilai indeks (0–4)").fill("2,75")
    page.wait_for_function(
        "() => Object.keys(localStorage).some((k) => k.includes(':B.II.a:'))"
    )  # kept half a second after the last keystroke
    page.on("dialog", lambda dialog: dialog.accept())  # the beforeunload warning
    page.reload()
    survey = page.locator('[id="item-B.II.a"]')
    expect(survey.get_by_label("Nilai indeks (0–4)")).to_have_value("2,75")
    expect(survey.get_by_role("status")).to_contain_text("Tersimpan")
    assert canonical(framework, "B.II.a", _stored("B.II.a")) == Fraction(11, 4)

    # the rule for reading numbers, whatever the browser's language (documented in autosave.js)
    readings = page.evaluate(
        """() => Object.fromEntries(["3,12", "3.12", "1.234,5", "1,234.5", "1.234.567", "0.125", "-2",
            "1.234", "12.500", "1,2,3", "1e5", "3,1,2", "12 %"].map((raw) => {
              const r = window.zonaAutosave.parseNumber(raw, {percentSign: true});
              return [raw, r.error || r.text];
            }))"""
    )
    assert readings == {
        "3,12": "3.12",
        "3.12": "3.12",
        "1.234,5": "1234.5",
        "1,234.5": "1234.5",
        "1.234.567": "1234567",
        "0.125": "0.125",
        "-2": "-2",
        "1.234": "ambiguous",  # Indonesian thousands or a decimal point: asked, never guessed
        "12.500": "ambiguous",
        "1,2,3": "nan",
        "1e5": "nan",
        "3,1,2": "nan",
        "12 %": "12",
    }
    # an index cannot be 1234, so there the point is a decimal point
    assert page.evaluate("() => window.zonaAutosave.parseNumber('1.234', {max: 4}).text") == "1.234"


def test_out_of_range_values_get_a_message_beside_the_field_and_are_not_sent(live_server, page, regency):
    assessment = assessment_of(open_period(regency), regency.unit_a)
    base = live_server.url
    login(page, base, "operator-a")
    answer_save(assessment=assessment, item_code="B.I.a", value="3.5", actor=regency.operator_a)
    _open(page, base, assessment, "area=hasil")
    posts = []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)

    item = page.locator('[id="item-B.I.a"]')
    field = item.get_by_label("Nilai indeks (0–4)")
    field.fill("5")
    field.press("Tab")
    expect(item.locator("#galat-nilai-B-I-a")).to_have_text("Nilai indeks: paling besar 4.")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(item.get_by_role("status")).to_contain_text("Belum disimpan: perbaiki isian")
    expect(item.get_by_role("status")).not_to_contain_text("Tersimpan")
    field.fill("-1")
    field.press("Tab")
    expect(item.locator("#galat-nilai-B-I-a")).to_have_text("Nilai indeks: tidak boleh negatif.")
    assert axe_violations(page) == []
    assert posts == []
    assert _stored("B.I.a") == 3.5
    field.fill("3,9")
    field.press("Tab")
    expect(item.get_by_role("status")).to_contain_text("Tersimpan")
    expect(item.locator("#galat-nilai-B-I-a")).to_be_hidden()
    assert canonical(engine_for(assessment), "B.I.a", _stored("B.I.a")) == Fraction(39, 10)

    # a negative % input, then one the server refuses: its own message is shown in the item
    _open(page, base, assessment, "area=1")
    posts.clear()
    pct = page.locator('[id="item-A.II.1.i.a"]')
    agents = pct.get_by_label("Jumlah agen perubahan")
    agents.fill("-3")
    agents.press("Tab")
    expect(pct.locator("#galat-isi-A-II-1-i-a-agen")).to_have_text(
        "Jumlah agen perubahan: tidak boleh negatif."
    )
    assert posts == []
    agents.fill("4")
    agents.press("Tab")
    expect(pct.get_by_role("alert")).to_contain_text("isian belum lengkap")
    status = pct.locator("#status-A-II-1-i-a")  # (the computed percentage is an <output>, a status too)
    expect(status).to_contain_text("server menolak")
    assert _stored("A.II.1.i.a") is None
    pct.get_by_label("Jumlah perubahan yang dibuat").fill("3")
    pct.get_by_label("Jumlah perubahan yang dibuat").press("Tab")
    expect(status).to_contain_text("Tersimpan")
    assert _stored("A.II.1.i.a") == {"inputs": {"perubahan": 3, "agen": 4}}
