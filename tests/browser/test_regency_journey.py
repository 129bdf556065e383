"""A coordinator sets up a unit end to end; an operator of another unit cannot reach it (issue 3)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tests.browser.fixtures import axe_violations, login
from zona.demo.regency import minimal_pdf
from zona.units.models import Stage, Unit

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def check_axe(page, visited: dict[str, list[str]]) -> None:
    visited[page.url] = axe_violations(page)


def test_coordinator_creates_unit_team_and_pencanangan(live_server, page, regency, tmp_path):
    base = live_server.url
    visited: dict[str, list[str]] = {}
    pakta = tmp_path / "Pakta Integritas.pdf"
    pakta.write_bytes(minimal_pdf("Pakta Integritas Dinas Perhubungan"))
    sk = tmp_path / "SK Tim ZI.pdf"
    sk.write_bytes(minimal_pdf("SK Tim ZI"))

    login(page, base, "koordinator")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    check_axe(page, visited)

    # Create the unit.
    page.goto(f"{base}/unit/baru/")
    check_axe(page, visited)
    page.get_by_label("Nama unit").fill("Dinas Perhubungan")
    page.get_by_label("Jenis unit").select_option(label="Dinas")
    page.get_by_label("Unit ini melayani publik secara langsung").check()
    page.get_by_label("Jenis layanan").fill("Uji kendaraan bermotor\nIzin trayek")
    page.get_by_role("button", name="Tambah unit kerja").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dinas Perhubungan")
    unit = Unit.objects.get(name="Dinas Perhubungan")
    check_axe(page, visited)

    # Appoint its team: the SK, then a ketua covering all six areas.
    page.goto(f"{base}/unit/{unit.pk}/tim/")
    page.get_by_role("link", name=re.compile("Bentuk tim tahun")).click()
    page.get_by_label("Nomor SK tim").fill("800/12/DISHUB/2026")
    page.get_by_label("Tanggal SK").fill((dt.date.today() - dt.timedelta(days=3)).isoformat())
    page.get_by_label("Dokumen SK (PDF)").set_input_files(str(sk))
    page.get_by_role("button", name="Simpan").click()
    page.get_by_role("link", name="Tambah anggota").click()
    check_axe(page, visited)
    page.get_by_label("Nama", exact=True).fill("Hendra Gunawan")
    page.get_by_label("NIP").fill("198001012005011001")
    page.get_by_label("Peran dalam tim").select_option(label="Ketua")
    for area in page.locator("input[name='areas']").all():
        area.check()
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_text("Hendra Gunawan").first).to_be_visible()
    expect(page.get_by_text("Lengkap").first).to_be_visible()
    check_axe(page, visited)

    # Lifecycle: ditetapkan, then pencanangan with the Pakta Integritas PDF.
    page.goto(f"{base}/unit/{unit.pk}/tahapan/")
    check_axe(page, visited)
    form = page.locator("form[data-stage='ditetapkan']")
    form.get_by_label(re.compile(r"^Tanggal( \*)?$")).fill(
        (dt.date.today() - dt.timedelta(days=2)).isoformat()
    )
    form.get_by_role("button", name="Simpan: pindah ke Ditetapkan").click()
    form = page.locator("form[data-stage='pencanangan']")
    form.get_by_label(re.compile(r"^Tanggal( \*)?$")).fill(
        (dt.date.today() - dt.timedelta(days=1)).isoformat()
    )
    form.get_by_label("Jumlah penanda tangan Pakta Integritas").fill("42")
    form.get_by_label("Jumlah pegawai unit").fill("48")
    form.get_by_label("Pimpinan unit ikut menandatangani Pakta Integritas").check()
    form.locator("input[type=file]").set_input_files(str(pakta))
    form.get_by_role("button", name="Simpan: pindah ke Pencanangan").click()
    expect(page.locator("[data-stage='pencanangan'].badge").first).to_be_visible()
    unit.refresh_from_db()
    assert unit.stage == Stage.PENCANANGAN
    check_axe(page, visited)

    # The home page shows it at its stage.
    page.goto(f"{base}/?q=Perhubungan")
    row = page.get_by_role("row", name=re.compile("Dinas Perhubungan"))
    expect(row).to_contain_text("Pencanangan")
    expect(row).to_contain_text("Lengkap")
    check_axe(page, visited)

    # An operator of another unit cannot reach it.
    page.context.clear_cookies()
    login(page, base, "operator-b")
    expect(page.get_by_text("Dinas Perhubungan")).to_have_count(0)
    for path in (f"/unit/{unit.pk}/", f"/unit/{unit.pk}/tim/", f"/unit/{unit.pk}/tahapan/"):
        response = page.goto(base + path)
        assert response is not None and response.status == 404, path
        expect(page.get_by_text("Dinas Perhubungan")).to_have_count(0)

    assert {url: v for url, v in visited.items() if v} == {}
    assert len(visited) >= 8
