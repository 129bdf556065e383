from __future__ import annotations

import pytest

from tests.browser.fixtures import axe_violations, login
from zona.calendar.models import CutiBersama

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_koordinator_adds_and_removes_a_day_in_the_browser_without_axe_violations(live_server, page, regency):
    login(page, live_server.url, "koordinator")
    page.get_by_role("link", name="Kalender").first.click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Kalender hari kerja")
    page.goto(f"{live_server.url}/kalender/?tahun=2026")
    assert page.get_by_role("cell", name="Hari Raya Idul Fitri", exact=True).count() == 1
    assert axe_violations(page) == []
    page.get_by_label("Tanggal").fill("2026-10-13")
    page.get_by_label("Keterangan").fill("Hari jadi kabupaten")
    page.get_by_label("Dasar penetapan").fill("Keputusan Bupati Nomor 100 Tahun 2026")
    page.get_by_role("button", name="Tambah ke kalender").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Hari jadi kabupaten ditambahkan ke kalender.").is_visible()
    assert CutiBersama.objects.filter(instansi=regency.instansi, name="Hari jadi kabupaten").exists()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Hapus Hari jadi kabupaten 13-10-2026").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Hari jadi kabupaten dihapus dari kalender.").is_visible()
    assert not CutiBersama.objects.filter(instansi=regency.instansi).exists()
