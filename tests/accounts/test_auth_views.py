from __future__ import annotations

import re

import pytest
from django.core import mail
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from zona.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

PASSWORD = "rahasia-uji-123"


def _login(client, username, password=PASSWORD, **extra):
    return client.post("/akun/masuk/", {"username": username, "password": password, **extra})


def _token(device: TOTPDevice) -> str:
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
    return f"{value:0{device.digits}d}"


def _wrong_token(device: TOTPDevice) -> str:
    near = {
        totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=d)
        for d in (-1, 0, 1)
    }
    return f"{next(n for n in range(10**6) if n not in near):06d}"


def test_login_page_is_indonesian(client):
    body = client.get("/akun/masuk/").content.decode()
    assert "Masuk ke Zona" in body and 'for="id_username"' in body and 'for="id_password"' in body


def test_login_works_and_is_audited(client, regency):
    response = _login(client, "operator-a")
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(regency.operator_a.pk)
    event = AuditEvent.objects.filter(event="auth.login").latest("seq")
    assert event.actor_id == regency.operator_a.pk


def test_failed_login_is_audited_and_shows_an_error(client, regency):
    response = _login(client, "operator-a", "salah-sekali")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.filter(event="auth.login_failed").latest("seq")
    assert event.actor_id is None and event.actor_repr == "operator-a"
    assert event.changes == {"username": "operator-a", "denial_tally": event.changes["denial_tally"]}


def test_failed_login_message_names_the_fields_once(client, regency):
    body = _login(client, "operator-a", "salah-sekali").content.decode()
    text = " ".join(re.sub(r"<[^>]+>", " ", body).split()).lower()
    assert "nama pengguna nama pengguna" not in text
    assert "nama pengguna atau kata sandi salah" in text


def test_five_failures_lock_the_account_even_for_the_right_password(client, regency):
    for _ in range(5):
        _login(client, "operator-a", "salah-sekali")
    response = _login(client, "operator-a")
    assert response.status_code == 429
    body = response.content.decode()
    assert "Akun dikunci sementara" in body
    assert "coba lagi setelah 30 menit" in body
    assert "koordinator" in body
    assert "_auth_user_id" not in client.session


def test_four_failures_do_not_lock(client, regency):
    for _ in range(4):
        _login(client, "operator-a", "salah-sekali")
    assert _login(client, "operator-a").status_code == 302


def test_logout_is_post_only_and_audited(client, regency):
    client.force_login(regency.operator_a)
    assert client.get("/akun/keluar/").status_code == 405
    response = client.post("/akun/keluar/")
    assert response.status_code == 302 and response["Location"] == "/akun/masuk/"
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(event="auth.logout", actor_id=regency.operator_a.pk).exists()


def test_password_reset_sends_a_link_that_sets_a_new_password(client, regency):
    response = client.post("/akun/sandi/lupa/", {"email": "operator-a@example.go.id"})
    assert response.status_code == 302 and response["Location"] == "/akun/sandi/lupa/terkirim/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["operator-a@example.go.id"]
    assert "kata sandi" in message.body.lower()
    link = re.search(r"https?://[^/\s]+(/akun/sandi/atur/\S+/)", message.body)
    assert link is not None
    response = client.get(link.group(1), follow=True)
    assert response.status_code == 200 and "Buat kata sandi baru" in response.content.decode()
    form_url = response.redirect_chain[-1][0]
    new = "Kata-Sandi-Baru-2026!"
    response = client.post(form_url, {"new_password1": new, "new_password2": new})
    assert response.status_code == 302 and response["Location"] == "/akun/sandi/atur/selesai/"
    regency.operator_a.refresh_from_db()
    assert regency.operator_a.check_password(new)
    assert AuditEvent.objects.filter(event="auth.password_reset", actor_id=regency.operator_a.pk).exists()


def test_password_reset_for_an_unknown_address_sends_nothing_but_looks_the_same(client, regency):
    response = client.post("/akun/sandi/lupa/", {"email": "tidak-ada@example.go.id"})
    assert response.status_code == 302 and response["Location"] == "/akun/sandi/lupa/terkirim/"
    assert mail.outbox == []


def test_password_change_rejects_a_weak_password_and_accepts_a_good_one(client, regency):
    client.force_login(regency.operator_a)
    response = client.post(
        "/akun/sandi/ubah/",
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()
    regency.operator_a.refresh_from_db()
    assert regency.operator_a.check_password(PASSWORD)
    new = "Kata-Sandi-Baru-2026!"
    response = client.post(
        "/akun/sandi/ubah/", {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302 and response["Location"] == "/akun/sandi/ubah/selesai/"
    regency.operator_a.refresh_from_db()
    assert regency.operator_a.check_password(new)
    assert AuditEvent.objects.filter(event="auth.password_changed", actor_id=regency.operator_a.pk).exists()


def test_user_with_confirmed_totp_device_must_pass_the_otp_step(client, regency):
    device = TOTPDevice.objects.create(user=regency.koordinator, name="Zona", confirmed=True)
    response = _login(client, "koordinator", next="/akun/pengguna/")
    assert response.status_code == 302
    assert response["Location"] == "/akun/otp/?next=%2Fakun%2Fpengguna%2F"
    # Until the code is given, logged-in pages send the user back to the OTP step.
    response = client.get("/akun/pengguna/")
    assert response.status_code == 302 and response["Location"].startswith("/akun/otp/")
    response = client.post("/akun/otp/", {"token": _wrong_token(device), "next": "/akun/pengguna/"})
    assert response.status_code == 200 and "Kode salah" in response.content.decode()
    assert AuditEvent.objects.filter(event="auth.otp_failed", actor_id=regency.koordinator.pk).exists()
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    response = client.post("/akun/otp/", {"token": _token(device), "next": "/akun/pengguna/"})
    assert response.status_code == 302 and response["Location"] == "/akun/pengguna/"
    assert client.get("/akun/pengguna/").status_code == 200


def test_otp_step_refuses_an_outside_next(client, regency):
    device = TOTPDevice.objects.create(user=regency.koordinator, name="Zona", confirmed=True)
    client.force_login(regency.koordinator)
    response = client.post("/akun/otp/", {"token": _token(device), "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/"


def test_user_without_device_logs_in_without_otp(client, regency):
    response = _login(client, "koordinator", next="/akun/pengguna/")
    assert response["Location"] == "/akun/pengguna/"


def test_otp_setup_shows_qr_and_secret_then_confirms_with_a_code(client, regency):
    client.force_login(regency.koordinator)
    response = client.get("/akun/otp/atur/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<svg" in body and 'id="otp-secret"' in body
    device = TOTPDevice.objects.get(user=regency.koordinator)
    assert device.confirmed is False
    # The page is stable: a reload shows the same pending device.
    client.get("/akun/otp/atur/")
    assert TOTPDevice.objects.filter(user=regency.koordinator).count() == 1
    response = client.post("/akun/otp/atur/", {"token": "12ab56"})
    assert response.status_code == 200 and "hanya berisi angka" in response.content.decode()
    response = client.post("/akun/otp/atur/", {"token": _token(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed is True
    event = AuditEvent.objects.filter(event="auth.otp_enabled").latest("seq")
    assert event.actor_id == regency.koordinator.pk and event.changes["confirmed"] == [False, True]
    # The session that enrolled the device counts as verified.
    assert client.get("/akun/pengguna/").status_code == 200
    assert "sudah aktif" in client.get("/akun/otp/atur/").content.decode()


def test_otp_setup_is_for_koordinator_and_evaluator_only(client, regency):
    client.force_login(regency.operator_a)
    assert client.get("/akun/otp/atur/").status_code == 403
    client.force_login(regency.evaluator)
    assert client.get("/akun/otp/atur/").status_code == 200


def test_anonymous_is_sent_to_login(client, regency):
    response = client.get("/akun/pengguna/")
    assert response.status_code == 302 and response["Location"].startswith("/akun/masuk/?next=")
