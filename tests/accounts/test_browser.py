"""The coordinator's journey through login, users & roles and the audit trail, with axe-core on each page."""

from __future__ import annotations

import pytest

from tests.browser.fixtures import axe_violations, login

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_koordinator_creates_a_user_and_finds_it_in_the_audit_trail(live_server, page, regency):
    page.goto(live_server.url + "/akun/masuk/")
    assert axe_violations(page) == []
    login(page, live_server.url, "koordinator")

    page.goto(live_server.url + "/akun/pengguna/")
    assert page.get_by_role("heading", level=1).inner_text() == "Pengguna dan peran"
    assert axe_violations(page) == []

    page.get_by_role("link", name="Tambah pengguna").click()
    assert axe_violations(page) == []
    page.get_by_label("Nama lengkap").fill("Siti Aminah")
    page.get_by_label("Nama pengguna").fill("siti")
    page.get_by_label("Alamat e-mail").fill("siti@example.go.id")
    page.locator("#id_password1").fill("Pelangi-Manggar-2026")
    page.locator("#id_password2").fill("Pelangi-Manggar-2026")
    page.get_by_label("Peran").select_option("operator")
    page.get_by_label("Unit", exact=True).select_option(label="Kecamatan Gantung")
    page.get_by_role("button", name="Simpan pengguna").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", level=1).inner_text() == "Siti Aminah"
    assert page.get_by_text("Operator unit — Kecamatan Gantung").is_visible()
    assert axe_violations(page) == []

    page.goto(live_server.url + "/audit/?event=role.assigned&actor=koordinator")
    assert page.get_by_role("cell", name="Peran diberikan").count() >= 1
    assert axe_violations(page) == []


def test_lockout_page_has_no_serious_axe_violations(live_server, page, regency):
    for _ in range(5):
        login(page, live_server.url, "operator-a", "salah-sekali")
    login(page, live_server.url, "operator-a")
    assert page.get_by_role("heading", level=1).inner_text() == "Akun dikunci sementara"
    assert axe_violations(page) == []


def test_otp_setup_page_on_a_phone_has_no_serious_axe_violations(live_server, phone_page, regency):
    login(phone_page, live_server.url, "tpi1")
    phone_page.goto(live_server.url + "/akun/otp/atur/")
    assert phone_page.locator("svg").first.is_visible()
    assert phone_page.get_by_label("Kode 6 angka").is_visible()
    assert axe_violations(phone_page) == []
