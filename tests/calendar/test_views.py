from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zona.audit.models import AuditEvent
from zona.calendar import services
from zona.calendar.models import CutiBersama

pytestmark = pytest.mark.django_db
URL = "/kalender/"


def body(response) -> str:
    return response.content.decode()


def test_koordinator_sees_the_national_holidays_and_cuti_bersama_of_the_year(client, regency):
    client.force_login(regency.koordinator)
    response = client.get(URL, {"tahun": 2026})
    assert response.status_code == 200
    page = body(response)
    assert "Hari Raya Idul Fitri" in page  # from the holidays package
    assert "21-03-2026" in page
    assert "Cuti Bersama Hari Raya Idul Fitri" in page  # the shipped national entry
    assert "SKB 3 Menteri" in page
    assert regency.instansi.name in page
    # 2026 (starts on a Thursday): 52 * 5 + 1 = 261 weekdays, minus 13 national holidays on weekdays
    # (1 and 16 Jan, 17 Feb, 19 Mar, 3 Apr, 1, 14 and 27 May, 1 and 16 Jun, 17 and 25 Aug, 25 Dec) and
    # the 8 cuti bersama, all on weekdays = 240.
    assert "Tahun ini memiliki 240 hari kerja." in page


def test_the_calendar_is_in_the_koordinators_navigation_only(client, regency):
    client.force_login(regency.koordinator)
    assert f'href="{URL}"' in body(client.get("/"))
    client.force_login(regency.operator_a)
    assert f'href="{URL}"' not in body(client.get("/"))


@pytest.mark.parametrize(("who", "status"), [("operator_a", 403), ("pimpinan", 403), ("nobody", 404)])
def test_others_may_not_open_the_page(client, regency, who, status):
    client.force_login(getattr(regency, who))
    assert client.get(URL).status_code == status


def test_another_instansis_koordinator_gets_404_for_this_calendar(client, regency):
    client.force_login(regency.other_koordinator)
    assert client.get(URL, {"instansi": regency.instansi.pk}).status_code == 404
    assert client.get(URL, {"instansi": "x"}).status_code == 404
    assert client.get(URL).status_code == 200  # their own


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/akun/" in response["Location"] or "login" in response["Location"]


def test_koordinator_adds_and_removes_a_day_and_both_are_audited(client, regency):
    client.force_login(regency.koordinator)
    response = client.post(
        f"{URL}?instansi={regency.instansi.pk}",
        {"date": "2026-10-13", "kind": "libur", "name": "Hari jadi kabupaten", "decree": "Keputusan Bupati"},
    )
    assert response.status_code == 302
    entry = CutiBersama.objects.get(instansi=regency.instansi)
    assert entry.date == dt.date(2026, 10, 13)
    assert AuditEvent.objects.filter(event="calendar.day_added", object_id=str(entry.pk)).count() == 1
    page = body(client.get(response["Location"]))
    assert "Hari jadi kabupaten ditambahkan ke kalender." in page
    assert f"/kalender/{entry.pk}/hapus/" in page
    response = client.post(f"/kalender/{entry.pk}/hapus/")
    assert response.status_code == 302
    assert not CutiBersama.objects.filter(pk=entry.pk).exists()
    assert AuditEvent.objects.filter(event="calendar.day_removed", object_id=str(entry.pk)).count() == 1


def test_a_bad_form_is_shown_again_with_the_field_named(client, regency):
    client.force_login(regency.koordinator)
    response = client.post(URL, {"date": "31-02-2026", "kind": "libur", "name": ""})
    assert response.status_code == 400
    page = body(response)
    assert "Tanggal tidak valid" in page
    assert "Periksa kembali isian berikut" in page
    services.day_add(
        instansi=regency.instansi, date=dt.date(2026, 7, 1), name="A", kind="libur", actor=regency.koordinator
    )
    response = client.post(URL, {"date": "2026-07-01", "kind": "libur", "name": "B"})
    assert response.status_code == 400
    assert "01-07-2026 sudah ada di kalender instansi ini." in body(response)
    assert CutiBersama.objects.filter(instansi=regency.instansi).count() == 1


def test_operator_may_not_add_or_remove(client, regency):
    entry = services.day_add(
        instansi=regency.instansi, date=dt.date(2026, 7, 1), name="A", kind="libur", actor=regency.koordinator
    )
    client.force_login(regency.operator_a)
    assert client.post(URL, {"date": "2026-07-02", "kind": "libur", "name": "B"}).status_code == 403
    assert client.post(f"/kalender/{entry.pk}/hapus/").status_code == 403
    assert CutiBersama.objects.filter(instansi=regency.instansi).count() == 1
    assert AuditEvent.objects.filter(event="access.denied", actor=regency.operator_a).exists()


def test_national_entries_cannot_be_removed_through_the_page(client, regency):
    national = CutiBersama.objects.filter(instansi__isnull=True).first()
    client.force_login(regency.koordinator)
    assert client.post(f"/kalender/{national.pk}/hapus/").status_code == 404
    assert client.get(f"/kalender/{national.pk}/hapus/").status_code == 405
    assert CutiBersama.objects.filter(pk=national.pk).exists()


def _page_queries(client, regency) -> int:
    client.force_login(regency.koordinator)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL, {"tahun": 2026})
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_page_costs_a_constant_number_of_queries(client, regency):
    few = _page_queries(client, regency)
    for day in range(1, 29):
        services.day_add(
            instansi=regency.instansi,
            date=dt.date(2026, 9, day),
            name=f"Libur {day}",
            kind="libur" if day % 2 else "masuk",
            actor=regency.koordinator,
        )
    many = _page_queries(client, regency)
    assert many == few
    assert "Libur 28" in body(client.get(URL, {"tahun": 2026}))
