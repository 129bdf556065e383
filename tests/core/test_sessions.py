"""The session's 8-hour idle expiry is renewed at most once per SESSION_REFRESH_SECONDS, not per request."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from tests.factories import make_user
from zona.core.sessions import RENEWED_KEY

pytestmark = pytest.mark.django_db


def _row(client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def test_requests_do_not_rewrite_the_session_until_the_interval_has_passed(client, settings):
    settings.SESSION_REFRESH_SECONDS = 300
    client.force_login(make_user("sesi"))
    assert client.get("/").status_code == 200
    first = _row(client).expire_date
    Session.objects.filter(pk=_row(client).pk).update(expire_date=first - dt.timedelta(minutes=1))
    for _ in range(3):
        assert client.get("/").status_code == 200
    assert _row(client).expire_date == first - dt.timedelta(minutes=1)  # not written again

    session = client.session
    session[RENEWED_KEY] = session[RENEWED_KEY] - 301  # five minutes later
    session.save()
    Session.objects.filter(pk=_row(client).pk).update(expire_date=first - dt.timedelta(hours=1))
    assert client.get("/").status_code == 200
    renewed = _row(client).expire_date
    assert renewed > timezone.now() + dt.timedelta(hours=7, minutes=59)  # idle expiry starts again


def test_an_idle_session_still_ends_after_the_cookie_age(client, settings):
    client.force_login(make_user("sesi"))
    Session.objects.filter(pk=_row(client).pk).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    response = client.get("/penilaian/1/lembar-kerja/")
    assert response.status_code == 302 and "/akun/masuk/" in response["Location"]


def test_anonymous_requests_create_no_session(client):
    assert client.get("/akun/masuk/").status_code == 200
    assert not Session.objects.exists()
