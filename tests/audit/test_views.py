from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from zona.accounts import services as account_services
from zona.audit.models import AuditEvent
from zona.audit.services import audit_record

pytestmark = pytest.mark.django_db


def _rows(response):
    return [row.event for row in response.context["rows"]]


def test_koordinator_sees_their_instansi_and_their_users_auth_events_only(client, regency):
    audit_record(event="auth.login", actor=regency.operator_a)
    audit_record(event="auth.login", actor=regency.other_koordinator)
    audit_record(event="auth.login_failed", actor_repr="operator-b", changes={"username": "operator-b"})
    audit_record(event="auth.login_failed", actor_repr="orang-asing", changes={"username": "orang-asing"})
    audit_record(event="unit.updated", actor=regency.other_koordinator, obj=regency.unit_c)
    audit_record(
        event="unit.updated",
        actor=regency.koordinator,
        obj=regency.unit_b,
        changes={"name": ["Kecamatan Gantung", "Kec. Gantung"]},
    )
    client.force_login(regency.koordinator)
    response = client.get("/audit/")
    assert response.status_code == 200
    events = _rows(response)
    seen = {(e.event, e.actor_repr) for e in events}
    assert ("auth.login", "operator-a") in seen
    assert ("auth.login_failed", "operator-b") in seen
    assert ("unit.updated", "koordinator") in seen
    assert ("auth.login", "koordinator-lain") not in seen
    assert ("auth.login_failed", "orang-asing") not in seen
    assert all(e.instansi_id in (None, regency.instansi.pk) for e in events)
    assert [e.seq for e in events] == sorted((e.seq for e in events), reverse=True)
    body = response.content.decode()
    assert "Kecamatan Gantung</del>" in body and "Kec. Gantung</ins>" in body


def test_other_koordinator_does_not_see_our_records(client, regency):
    audit_record(event="unit.updated", actor=regency.koordinator, obj=regency.unit_b)
    client.force_login(regency.other_koordinator)
    events = _rows(client.get("/audit/"))
    assert events, "their own records are there"
    assert all(e.instansi_id != regency.instansi.pk for e in events)
    assert all(e.actor_id != regency.koordinator.pk for e in events)


def test_role_change_shows_old_and_new_values(client, regency):
    client.force_login(regency.koordinator)
    body = client.get("/audit/?event=role.revoked").content.decode()
    assert "Tidak ada catatan yang cocok" in body
    role = regency.operator_b.role_assignments.get()
    account_services.role_revoke(assignment=role, actor=regency.koordinator)
    response = client.get("/audit/?event=role.revoked")
    body = response.content.decode()
    assert [e.event for e in _rows(response)] == ["role.revoked"]
    assert "Peran dicabut" in body and "operator</del>" in body


def test_filters_by_event_actor_unit_and_dates(client, regency):
    audit_record(event="unit.updated", actor=regency.koordinator, obj=regency.unit_a)
    audit_record(event="unit.updated", actor=regency.ketua_a, obj=regency.unit_b)
    old = audit_record(event="unit.updated", actor=regency.koordinator, obj=regency.unit_b)
    AuditEvent.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=10))
    client.force_login(regency.koordinator)

    by_event = _rows(client.get("/audit/?event=unit.updated"))
    assert len(by_event) == 3 and {e.event for e in by_event} == {"unit.updated"}

    by_actor = _rows(client.get("/audit/?event=unit.updated&actor=ketua"))
    assert [e.actor_repr for e in by_actor] == ["ketua-a"]

    by_unit = _rows(client.get(f"/audit/?unit={regency.unit_a.pk}"))
    assert by_unit and {e.unit_id for e in by_unit} == {regency.unit_a.pk}

    today = timezone.localdate()
    recent = _rows(client.get(f"/audit/?event=unit.updated&date_from={today.isoformat()}"))
    assert old.pk not in {e.pk for e in recent} and len(recent) == 2
    ten_days_ago = (today - dt.timedelta(days=10)).isoformat()
    past = _rows(client.get(f"/audit/?event=unit.updated&date_from={ten_days_ago}&date_to={ten_days_ago}"))
    assert [e.pk for e in past] == [old.pk]


def test_bad_filters_are_reported_not_a_500(client, regency):
    client.force_login(regency.koordinator)
    response = client.get("/audit/?date_from=kemarin&unit=999999&date_to=2020-01-01")
    assert response.status_code == 200
    form = response.context["form"]
    assert "date_from" in form.errors and "unit" in form.errors
    response = client.get("/audit/?date_from=2026-02-01&date_to=2026-01-01")
    assert "Tanggal akhir tidak boleh sebelum tanggal awal" in response.content.decode()


def test_unit_of_another_instansi_is_not_a_filter_choice(client, regency):
    audit_record(event="unit.updated", actor=regency.other_koordinator, obj=regency.unit_c)
    client.force_login(regency.koordinator)
    response = client.get(f"/audit/?unit={regency.unit_c.pk}")
    assert "unit" in response.context["form"].errors
    assert all(e.instansi_id != regency.other_instansi.pk for e in _rows(response))


def test_pagination_50_per_page_with_constant_queries(client, regency, django_assert_max_num_queries):
    for n in range(120):
        audit_record(
            event="unit.updated",
            actor=regency.koordinator,
            obj=regency.unit_a,
            changes={"name": [f"lama {n}", f"baru {n}"]},
        )
    client.force_login(regency.koordinator)
    with django_assert_max_num_queries(12):
        first = client.get("/audit/?event=unit.updated")
    assert len(first.context["rows"]) == 50
    assert first.context["page"].paginator.count == 120
    with django_assert_max_num_queries(12):
        third = client.get("/audit/?event=unit.updated&page=3")
    assert len(third.context["rows"]) == 20
    assert 'href="?event=unit.updated&amp;page=2"' in third.content.decode()


def test_audit_page_is_read_only(client, regency):
    client.force_login(regency.koordinator)
    assert client.post("/audit/", {"event": "x"}).status_code == 405


def test_admin_cannot_change_or_delete_audit_records(admin_client, regency):
    event = AuditEvent.objects.order_by("seq").first()
    assert admin_client.get("/admin/audit/auditevent/").status_code == 200
    assert admin_client.get(f"/admin/audit/auditevent/{event.pk}/change/").status_code == 200
    response = admin_client.post(f"/admin/audit/auditevent/{event.pk}/change/", {"event": "diubah"})
    assert response.status_code == 403
    assert admin_client.get("/admin/audit/auditevent/add/").status_code == 403
    assert (
        admin_client.post(f"/admin/audit/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    event.refresh_from_db()
    assert event.event != "diubah"


def test_page_shows_who_when_what_and_the_event_label(client, regency):
    account_services.role_assign(
        user=regency.operator_b,
        role="ketua_tim",
        instansi=regency.instansi,
        unit=regency.unit_b,
        actor=regency.koordinator,
    )
    client.force_login(regency.koordinator)
    body = client.get("/audit/?event=role.assigned&actor=koordinator").content.decode()
    assert "Peran diberikan" in body and '<code class="small">role.assigned</code>' in body
    assert regency.koordinator.full_name in body
    assert "<time datetime=" in body
    assert "ketua_tim</ins>" in body


def test_changes_are_readable_unit_ids_by_name_and_unchanged_pairs_hidden():
    from zona.audit.selectors import changes_readable

    rows = changes_readable(
        {"user": "siti", "role": [None, "operator"], "unit": [None, 7], "tpi_team": [None, None]},
        unit_names={7: "Kecamatan Gantung"},
    )
    assert [(r.field, r.old, r.new, r.is_pair) for r in rows] == [
        ("user", "", "siti", False),
        ("role", "—", "operator", True),
        ("unit", "—", "Kecamatan Gantung", True),
    ]
    assert changes_readable({}) == []
