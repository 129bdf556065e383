"""`zona_login_required` for scripts: an expired session is a 401 with where to log in, never a login page."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.assessments.helpers import assessment_of, open_period
from zona.assessments.models import Answer

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true", "HX-Current-URL": "http://testserver/penilaian/1/lembar-kerja/?area=1"}


def _save_url(assessment, code="A.I.1.i.a"):
    return reverse("assessments:answer_save", kwargs={"pk": assessment.pk, "code": code})


def test_htmx_save_after_the_session_ended_gets_401_json_and_saves_nothing(client, regency):
    assessment = assessment_of(open_period(regency), regency.unit_a)
    client.force_login(regency.operator_a)
    Session.objects.all().delete()  # the session ends on the server (expiry, logout elsewhere)
    response = client.post(_save_url(assessment), {"value": "Ya", "version": "0"}, headers=HTMX)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["error"] == "login_required" and body["otp"] is False
    assert "Sesi Anda telah berakhir" in body["message"]
    # back to the page the script runs on, not to the fragment it asked for
    assert body["login_url"] == response["X-Zona-Login"]
    assert body["login_url"].startswith("/akun/masuk/?next=http%3A%2F%2Ftestserver%2Fpenilaian%2F1%2F")
    assert "Masuk ke Zona" not in response.content.decode()
    assert not Answer.objects.exists()


def test_fetch_asking_for_json_gets_401_and_a_page_request_still_gets_the_login_page(client, regency):
    assessment = assessment_of(open_period(regency), regency.unit_a)
    url = reverse("assessments:worksheet", kwargs={"pk": assessment.pk})
    response = client.get(url, headers={"Accept": "application/json"})
    assert (
        response.status_code == 401
        and response.json()["login_url"] == f"/akun/masuk/?next={url.replace('/', '%2F')}"
    )
    assert client.get(url, headers={"X-Requested-With": "XMLHttpRequest"}).status_code == 401
    response = client.get(url, headers={"Accept": "text/html,application/json;q=0.9"})
    assert response.status_code == 302 and response["Location"].startswith("/akun/masuk/?next=")


def test_script_of_a_user_still_owing_the_otp_step_gets_401_pointing_to_it(client, regency):
    TOTPDevice.objects.create(user=regency.koordinator, name="Zona", confirmed=True)
    client.force_login(regency.koordinator)  # password done, TOTP not yet
    response = client.get(reverse("accounts:session"), headers={"Accept": "application/json"})
    assert response.status_code == 401
    assert response.json()["otp"] is True and response.json()["login_url"].startswith("/akun/otp/?next=")


def test_session_endpoint_gives_the_csrf_token_to_use_after_a_login(client, regency):
    assert client.get(reverse("accounts:session"), headers={"Accept": "application/json"}).status_code == 401
    response = client.post(
        "/akun/masuk/",
        {"username": "operator-a", "password": "rahasia-uji-123", "next": reverse("accounts:session")},
        follow=True,
    )
    assert response.status_code == 200
    body = response.json()
    assert body["authenticated"] is True and body["username"] == "operator-a"
    assert len(body["csrf_token"]) == 64
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
