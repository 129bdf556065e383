"""Refusals are recorded folded: one audit record per person (or anonymous), kind and minute, with a count."""

from __future__ import annotations

import datetime as dt

import pytest

from zona.audit.models import AuditEvent, DenialTally
from zona.audit.services import audit_denial, audit_verify

pytestmark = pytest.mark.django_db


def test_a_prober_makes_one_record_per_minute_however_many_403s(client, regency):
    client.force_login(regency.operator_a)
    for _ in range(30):
        assert client.get("/audit/").status_code == 403
    assert client.get("/unit/baru/").status_code == 403
    denied = AuditEvent.objects.filter(event="access.denied")
    assert denied.count() == 1
    record = denied.get()
    assert record.actor == regency.operator_a and record.changes["path"] == "/audit/"
    tally = DenialTally.objects.get(pk=record.changes["denial_tally"])
    assert (tally.kind, tally.actor_key, tally.count) == (
        "access.denied",
        f"user:{regency.operator_a.pk}",
        31,
    )
    client.force_login(regency.operator_b)  # another person has a record of their own
    assert client.get("/audit/").status_code == 403
    assert AuditEvent.objects.filter(event="access.denied").count() == 2
    assert audit_verify().ok


def test_the_next_minute_starts_a_new_record(regency, monkeypatch):
    from django.utils import timezone

    start = timezone.now().replace(second=30, microsecond=0)
    monkeypatch.setattr(timezone, "now", lambda: start)
    assert audit_denial(event="access.denied", actor=regency.operator_a) is not None
    assert audit_denial(event="access.denied", actor=regency.operator_a) is None
    monkeypatch.setattr(timezone, "now", lambda: start + dt.timedelta(minutes=1))
    assert audit_denial(event="access.denied", actor=regency.operator_a) is not None
    assert sorted(DenialTally.objects.values_list("count", flat=True)) == [1, 2]


def test_failed_logins_for_unknown_usernames_share_one_record_a_minute(client, regency):
    # 15 guesses: under the per-address lock-out across usernames (ZONA_LOGIN_FAILURES_PER_ADDRESS, 20)
    for n in range(15):
        response = client.post("/akun/masuk/", {"username": f"tebakan-{n}", "password": "salah-sekali-1"})
        assert response.status_code == 200
    client.post("/akun/masuk/", {"username": "operator-a", "password": "salah-sekali-1"})
    failed = AuditEvent.objects.filter(event="auth.login_failed").order_by("seq")
    assert [(e.actor_repr, e.changes["username"]) for e in failed] == [
        ("", "tebakan-0"),
        ("operator-a", "operator-a"),
    ]
    unknown = DenialTally.objects.get(actor_key="unknown-username")
    assert unknown.count == 15 and unknown.kind == "auth.login_failed"
    assert DenialTally.objects.get(actor_key="username:operator-a").count == 1
    assert audit_verify().ok


def test_anonymous_refusals_are_folded_together(regency):
    assert audit_denial(event="access.denied", changes={"path": "/a/"}) is not None
    assert audit_denial(event="access.denied", changes={"path": "/b/"}) is None
    assert DenialTally.objects.get(actor_key="anonymous").count == 2


def test_the_trail_shows_the_count_of_a_folded_refusal(client, regency):
    for _ in range(3):
        audit_denial(event="access.denied", actor=regency.operator_a, obj=regency.unit_a, changes={"n": 1})
    client.force_login(regency.koordinator)
    response = client.get("/audit/?event=access.denied")
    assert response.status_code == 200
    (row,) = [r for r in response.context["rows"] if r.event.event == "access.denied"]
    assert row.repeats == 3 and [c.field for c in row.changes] == ["n"]
    assert "3× dalam menit ini" in response.content.decode()
