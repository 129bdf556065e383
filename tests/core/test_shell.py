"""The UI shell: role-based navigation, user menu, 403/404 pages, the landing page and the logged-in home."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from zona.core.context_processors import navigation
from zona.core.nav import build_nav

pytestmark = pytest.mark.django_db


def page(client, url: str = "/") -> str:
    return client.get(url).content.decode()


def test_coordinator_nav_has_users_and_audit(client, regency):
    client.force_login(regency.koordinator)
    body = page(client)
    assert f'href="{reverse("accounts:users")}">Pengguna</a>' in body
    assert f'href="{reverse("audit:list")}">Jejak audit</a>' in body
    assert f'href="{reverse("units:list")}">Unit kerja</a>' in body
    assert reverse("accounts:otp_setup") in body


@pytest.mark.parametrize("who", ["operator_a", "ketua_a", "pimpinan", "pengawas"])
def test_other_roles_nav_has_no_users_nor_audit(client, regency, who):
    client.force_login(getattr(regency, who))
    body = page(client)
    assert ">Pengguna</a>" not in body and reverse("accounts:users") not in body
    assert reverse("audit:list") not in body
    assert reverse("accounts:otp_setup") not in body
    assert reverse("accounts:password_change") in body


def test_evaluator_may_set_up_otp(client, regency):
    client.force_login(regency.evaluator)
    assert reverse("accounts:otp_setup") in page(client)


def test_logout_is_a_post_form_button_with_csrf(client, regency):
    client.force_login(regency.operator_a)
    body = page(client)
    form = body[body.index(f'action="{reverse("accounts:logout")}"') - 60 :]
    assert 'method="post"' in form[:200]
    assert 'name="csrfmiddlewaretoken"' in form[:400]
    assert '<button type="submit" class="dropdown-item">Keluar</button>' in form


def test_current_section_is_marked_for_screen_readers(client, regency):
    client.force_login(regency.koordinator)
    body = page(client, "/unit/")
    assert f'class="nav-link active" href="{reverse("units:list")}" aria-current="page"' in body
    assert f'class="nav-link" href="{reverse("core:home")}">Beranda' in body


def test_shell_has_skip_link_language_switcher_and_footer(client, regency):
    client.force_login(regency.koordinator)
    body = page(client)
    assert '<html lang="id">' in body
    assert 'href="#main">Lewati ke konten utama</a>' in body and 'id="main"' in body
    assert reverse("set_language") in body and 'for="lang-select"' in body
    assert "<footer" in body


def test_anonymous_home_is_a_landing_page_with_a_login_button(client, regency):
    body = page(client)
    assert f'href="{reverse("accounts:login")}">Masuk</a>' in body
    assert "Kerangka LKE yang dimuat" in body
    assert regency.unit_a.name not in body
    assert reverse("accounts:users") not in body and reverse("units:list") not in body


def test_logged_in_home_is_the_units_dashboard(client, regency):
    client.force_login(regency.koordinator)
    body = page(client)
    assert "Kerangka LKE yang dimuat" not in body
    assert regency.unit_a.name in body and "Tambah unit kerja" in body


def test_home_asks_for_the_otp_code_when_a_device_is_enrolled(client, regency):
    TOTPDevice.objects.create(user=regency.koordinator, name="ponsel", confirmed=True)
    client.force_login(regency.koordinator)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/akun/otp/")


def test_404_page_is_friendly_indonesian(client, regency):
    response = client.get("/tidak-ada-halaman-ini/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Halaman tidak ditemukan" in body and reverse("core:home") in body


def test_403_page_is_friendly_indonesian(client, regency):
    client.force_login(regency.operator_a)
    response = client.get(reverse("units:create"))
    assert response.status_code == 403
    body = response.content.decode()
    assert "Anda tidak berwenang" in body and "hubungi koordinator" in body.lower()
    assert "Kembali ke beranda" in body


def test_nav_builder_and_context_processor_agree(regency):
    request = RequestFactory().get("/")
    request.user = regency.koordinator
    nav = navigation(request)["zona_nav"]
    assert nav.is_koordinator
    assert [link.label for link in nav.main] == [
        link.label for link in build_nav(request, regency.koordinator).main
    ]
    assert "Pengguna" in [link.label for link in nav.main]
