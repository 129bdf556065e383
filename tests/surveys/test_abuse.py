"""Ballot-stuffing protection on the public form, and the promise that nothing stores the client address."""

from __future__ import annotations

import datetime as dt
import pickle
import time
import zlib
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.surveys.test_public_support import URLCONF, campaign, payload
from zona.surveys import services_entry, services_public
from zona.surveys.models import Campaign, OneTimeCode, Response

pytestmark = [pytest.mark.django_db, pytest.mark.urls(URLCONF)]

IP = "203.0.113.77"


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def skm(regency):
    return campaign(regency)


def url(c: Campaign, suffix: str = "") -> str:
    return reverse("survey_public:form", kwargs={"short_code": c.short_code}) + suffix


def test_filled_honeypot_is_dropped_silently(client, skm):
    page = client.post(url(skm), payload(skm, website="https://murah.example"), REMOTE_ADDR=IP)
    assert page.status_code == 302
    assert "terima-kasih" in page["Location"]
    assert Response.objects.count() == 0


def test_too_fast_submission_is_dropped_silently(client, skm):
    page = client.post(url(skm), payload(skm, started=services_public.form_token()), REMOTE_ADDR=IP)
    assert page.status_code == 302
    assert Response.objects.count() == 0


def test_empty_form_sent_quickly_is_handed_back_with_the_required_field_errors(client, skm):
    """A person who pressed send on an empty form learns what is missing; the bot check is not for them."""
    token = services_public.form_token()
    page = client.post(url(skm), {"started": token, "website": ""}, REMOTE_ADDR=IP)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Pilih salah satu jawaban untuk pertanyaan ini." in body
    assert 'href="#id_q_U4"' in body
    assert Response.objects.count() == 0


def test_incomplete_form_sent_quickly_is_handed_back_not_thanked(client, skm):
    data = payload(skm, started=services_public.form_token())
    del data["q_U4"]
    page = client.post(url(skm), data, REMOTE_ADDR=IP)
    assert page.status_code == 200
    assert 'href="#id_q_U4"' in page.content.decode()
    assert Response.objects.count() == 0


def test_empty_form_with_a_filled_honeypot_is_still_dropped_silently(client, skm):
    page = client.post(url(skm), {"started": services_public.form_token(), "website": "x"}, REMOTE_ADDR=IP)
    assert page.status_code == 302
    assert Response.objects.count() == 0


def test_submission_after_the_minimum_time_is_kept(client, skm, settings):
    settings.ZONA_SURVEY_MIN_SECONDS = 5
    token = services_public.form_token(now=time.time() - 6)
    client.post(url(skm), payload(skm, started=token), REMOTE_ADDR=IP)
    assert Response.objects.count() == 1


def test_timing_check_boundaries(settings):
    settings.ZONA_SURVEY_MIN_SECONDS = 5
    start = 1_000_000.0
    token = services_public.form_token(now=start)
    assert services_public.timing_check(token, now=start + 4.9) == services_public.Timing.TOO_FAST
    assert services_public.timing_check(token, now=start + 5) == services_public.Timing.OK
    assert services_public.timing_check(token, now=start + 7200) == services_public.Timing.OK
    assert services_public.timing_check(token, now=start + 7201) == services_public.Timing.EXPIRED
    assert services_public.timing_check(token + "x", now=start + 10) == services_public.Timing.INVALID
    assert services_public.timing_check("", now=start + 10) == services_public.Timing.INVALID


def test_fifty_rapid_submissions_from_one_client_are_throttled(client, skm):
    statuses = [client.post(url(skm), payload(skm), REMOTE_ADDR=IP).status_code for _ in range(50)]
    assert statuses.count(302) == 10
    assert statuses.count(429) == 40
    assert Response.objects.count() == 10
    blocked = client.post(url(skm), payload(skm), REMOTE_ADDR=IP)
    assert blocked.status_code == 429
    assert "Terlalu banyak kiriman" in blocked.content.decode()
    assert blocked["Retry-After"] == "3600"


def test_throttle_holds_when_the_cookie_is_thrown_away(skm):
    statuses = [Client().post(url(skm), payload(skm), REMOTE_ADDR=IP).status_code for _ in range(15)]
    assert statuses.count(302) == 10 and statuses.count(429) == 5
    assert Response.objects.count() == 10


def test_throttle_holds_when_the_address_changes_but_the_cookie_stays(client, skm):
    statuses = [
        client.post(url(skm), payload(skm), REMOTE_ADDR=f"198.51.100.{i}").status_code for i in range(15)
    ]
    assert statuses.count(302) == 10 and statuses.count(429) == 5


def test_another_device_is_not_affected(client, skm):
    for _ in range(12):
        client.post(url(skm), payload(skm), REMOTE_ADDR=IP)
    other = Client().post(url(skm), payload(skm), REMOTE_ADDR="198.51.100.9")
    assert other.status_code == 302
    assert Response.objects.count() == 11


def test_honeypot_and_too_fast_posts_count_against_the_device(client, skm):
    for _ in range(10):
        client.post(url(skm), payload(skm, website="spam"), REMOTE_ADDR=IP)
    assert client.post(url(skm), payload(skm), REMOTE_ADDR=IP).status_code == 429
    assert Response.objects.count() == 0


def test_throttle_limit_is_a_setting(client, skm, settings):
    settings.ZONA_SURVEY_PER_DEVICE_PER_HOUR = 3
    statuses = [client.post(url(skm), payload(skm), REMOTE_ADDR=IP).status_code for _ in range(5)]
    assert statuses == [302, 302, 302, 429, 429]


def test_staff_enabled_kiosk_gets_the_kiosk_limit(client, regency, skm, settings):
    settings.ZONA_SURVEY_KIOSK_PER_HOUR = 30
    client.force_login(regency.operator_a)
    page = client.get(url(skm, "?kiosk=1"))
    assert "Mode kiosk diaktifkan" in page.content.decode()
    kiosk_cookie = client.cookies[services_public.KIOSK_COOKIE].value
    client.logout()  # as the page asks; the test client also forgets its cookies here
    client.cookies[services_public.KIOSK_COOKIE] = kiosk_cookie
    statuses = [
        client.post(url(skm, "?kiosk=1"), payload(skm), REMOTE_ADDR=IP).status_code for _ in range(20)
    ]
    assert statuses.count(302) == 20
    assert Response.objects.filter(channel=Response.Channel.KIOSK).count() == 20


def test_kiosk_parameter_alone_does_not_raise_the_limit(client, skm):
    statuses = [
        client.post(url(skm, "?kiosk=1"), payload(skm), REMOTE_ADDR=IP).status_code for _ in range(12)
    ]
    assert statuses.count(302) == 10


def test_anonymous_visitor_cannot_enable_kiosk(client, skm):
    page = client.get(url(skm, "?kiosk=1"))
    assert "Mode kiosk diaktifkan" not in page.content.decode()
    assert services_public.KIOSK_COOKIE not in page.cookies


def test_one_time_code_is_accepted_once(client, regency):
    c = campaign(regency, require_code=True)
    [code] = services_entry.one_time_codes_generate(campaign=c, count=1, actor=regency.operator_a)
    assert len(code) == 8
    page = client.get(url(c))
    assert 'name="code"' in page.content.decode()

    first = client.post(url(c), payload(c, code=code.lower()), REMOTE_ADDR=IP)
    assert first.status_code == 302
    assert Response.objects.count() == 1
    used = OneTimeCode.objects.get()
    assert used.used_at is not None
    # Kept to the day only, so the moment a code was spent cannot be matched to a response's time.
    assert timezone.localtime(used.used_at).time() == dt.time(0, 0)

    second = Client().post(url(c), payload(c, code=code), REMOTE_ADDR="198.51.100.5")
    assert second.status_code == 200
    assert "sudah dipakai" in second.content.decode()
    assert Response.objects.count() == 1


def test_code_required_and_unknown_code_refused(client, regency):
    c = campaign(regency, require_code=True)
    assert client.post(url(c), payload(c), REMOTE_ADDR=IP).status_code == 200
    assert client.post(url(c), payload(c, code="ZZZZZZZZ"), REMOTE_ADDR=IP).status_code == 200
    assert Response.objects.count() == 0


def test_code_of_another_campaign_is_refused(client, regency):
    c = campaign(regency, require_code=True)
    other = campaign(regency, short_code="lain", require_code=True)
    [code] = services_entry.one_time_codes_generate(campaign=other, count=1, actor=regency.koordinator)
    assert client.post(url(c), payload(c, code=code), REMOTE_ADDR=IP).status_code == 200
    assert Response.objects.count() == 0


def _text_values_everywhere() -> list[tuple[str, str, str]]:
    """(table, column, value) for every text-like column of every row of every model."""
    found: list[tuple[str, str, str]] = []
    for model in apps.get_models(include_auto_created=True):
        names = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(
                f, models.CharField | models.TextField | models.JSONField | models.GenericIPAddressField
            )
        ]
        if not names:
            continue
        for row in model._default_manager.values_list(*names):
            for name, value in zip(names, row, strict=True):
                if value is not None:
                    found.append((model._meta.db_table, name, str(value)))
    return found


def test_nothing_stores_the_client_address(client, regency):
    c = campaign(regency, require_code=True)
    codes = services_entry.one_time_codes_generate(campaign=c, count=3, actor=regency.operator_a)
    agent = "Mozilla/5.0 (Linux; Android 14) PelacakUji/1.0"
    headers = {"REMOTE_ADDR": IP, "HTTP_USER_AGENT": agent, "HTTP_X_FORWARDED_FOR": IP}
    client.get(url(c), **headers)
    client.post(url(c), payload(c, code=codes[0], suggestion="Pelayanan ramah"), **headers)
    client.post(url(c, "?kiosk=1"), payload(c, code=codes[1]), **headers)
    client.post(url(c), payload(c, code=codes[0]), **headers)  # reused code
    client.post(url(c), payload(c, website="spam"), **headers)  # honeypot
    client.post(
        url(c), payload(c, code=codes[2], started=services_public.form_token()), **headers
    )  # too fast
    for _ in range(12):
        client.post(url(c), payload(c, code="ZZZZZZZZ"), **headers)  # until throttled
    assert client.post(url(c), payload(c, code=codes[2]), **headers).status_code == 429
    client.get(reverse("survey_public:thanks", kwargs={"short_code": c.short_code}), **headers)
    # Staff pages from the same address (entry, poster, a denied look-up) write audit rows.
    staff = Client()
    staff.force_login(regency.operator_a)
    staff.post(
        reverse("survey_entry:paper", kwargs={"campaign_pk": c.pk}),
        {"service_type": "1", "answers": "344324423"},
        **headers,
    )
    outsider = Client()
    outsider.force_login(regency.operator_b)
    outsider.get(reverse("survey_entry:paper", kwargs={"campaign_pk": c.pk}), **headers)
    assert Response.objects.count() == 3

    values = _text_values_everywhere()
    assert any(table == "audit_auditevent" for table, _col, _v in values)  # the scan sees the audit trail
    leaks = [(table, column) for table, column, value in values if IP in value or "PelacakUji" in value]
    assert leaks == []
    for session in Session.objects.all():
        decoded = str(session.get_decoded())
        assert IP not in decoded and "PelacakUji" not in decoded
    # The cache keeps only an HMAC of the address, never the address itself.
    # (the shared file cache: file names are hashes of the keys, each file an expiry and the value)
    files = list(Path(cache._dir).glob("*.djcache"))
    assert files
    for path in files:
        with path.open("rb") as handle:
            pickle.load(handle)  # noqa: S301 - our own cache file (the expiry)
            value = pickle.loads(zlib.decompress(handle.read()))  # noqa: S301 - our own cache file
        assert IP not in str(value)
