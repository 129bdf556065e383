from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zona.audit.models import AuditEvent
from zona.calendar import selectors, services
from zona.calendar.models import CutiBersama

pytestmark = pytest.mark.django_db
D = dt.date


def test_the_shipped_national_cuti_bersama_are_in_the_calendar(regency):
    calendar = selectors.calendar_for(regency.instansi)
    assert {D(2026, 3, 18), D(2026, 3, 20), D(2026, 3, 23), D(2026, 3, 24)} <= calendar.off
    assert (
        CutiBersama.objects.filter(instansi__isnull=True, date=D(2026, 3, 20))
        .get()
        .decree.startswith("SKB 3 Menteri")
    )
    # Received Tue 17 Mar 2026, 3 hari kerja -> Fri 27 Mar (see tests/calendar/test_workdays.py).
    assert calendar.add_working_days(D(2026, 3, 17), 3) == D(2026, 3, 27)


def test_an_instansi_day_off_moves_its_deadline_and_only_its_own(regency):
    # Mon 12 Oct 2026 + 1: Tue 13; with a regional day off on Tue 13 -> Wed 14.
    services.day_add(
        instansi=regency.instansi,
        date=D(2026, 10, 13),
        name="Hari jadi kabupaten",
        decree="Keputusan Bupati Nomor 100 Tahun 2026",
        kind=CutiBersama.Kind.OFF,
        actor=regency.koordinator,
    )
    assert selectors.calendar_for(regency.instansi).add_working_days(D(2026, 10, 12), 1) == D(2026, 10, 14)
    assert selectors.calendar_for(regency.other_instansi).add_working_days(D(2026, 10, 12), 1) == D(
        2026, 10, 13
    )
    assert selectors.calendar_for(None).add_working_days(D(2026, 10, 12), 1) == D(2026, 10, 13)


def test_a_day_declared_working_overrides_a_national_cuti_bersama_for_that_instansi(regency):
    services.day_add(
        instansi=regency.instansi,
        date=D(2026, 5, 28),
        name="Masuk kerja: pelayanan tetap buka",
        kind=CutiBersama.Kind.ON,
        actor=regency.koordinator,
    )
    own = selectors.calendar_for(regency.instansi)
    assert own.is_working_day(D(2026, 5, 28))
    assert D(2026, 5, 28) not in own.off
    assert not selectors.calendar_for(regency.other_instansi).is_working_day(D(2026, 5, 28))


def test_calendar_is_cached_on_the_instansi_and_forgotten_after_a_change(regency, django_assert_num_queries):
    instansi = regency.instansi
    with django_assert_num_queries(1):
        first = selectors.calendar_for(instansi)
        assert selectors.calendar_for(instansi) is first
    services.day_add(
        instansi=instansi, date=D(2026, 7, 1), name="Libur daerah", kind="libur", actor=regency.koordinator
    )
    assert D(2026, 7, 1) in selectors.calendar_for(instansi).off


def test_add_and_remove_are_audited(regency):
    entry = services.day_add(
        instansi=regency.instansi,
        date=D(2026, 7, 1),
        name="Libur daerah",
        decree="Keputusan Bupati",
        kind="libur",
        actor=regency.koordinator,
    )
    added = AuditEvent.objects.get(event="calendar.day_added")
    assert added.actor == regency.koordinator
    assert added.instansi_id == regency.instansi.pk
    assert added.object_id == str(entry.pk)
    assert added.changes["date"] == [None, "2026-07-01"]
    assert added.changes["name"] == [None, "Libur daerah"]
    pk = entry.pk
    services.day_remove(entry=entry, actor=regency.koordinator)
    assert not CutiBersama.objects.filter(pk=pk).exists()
    removed = AuditEvent.objects.get(event="calendar.day_removed")
    assert removed.object_id == str(pk)
    assert removed.changes["date"] == ["2026-07-01", None]


@pytest.mark.parametrize(
    "who", ["operator_a", "ketua_a", "pimpinan", "evaluator", "other_koordinator", "nobody"]
)
def test_only_the_instansi_koordinator_changes_its_calendar(regency, who):
    with pytest.raises(PermissionDenied):
        services.day_add(
            instansi=regency.instansi, date=D(2026, 7, 1), name="X", kind="libur", actor=getattr(regency, who)
        )
    entry = services.day_add(
        instansi=regency.instansi, date=D(2026, 7, 1), name="X", kind="libur", actor=regency.koordinator
    )
    with pytest.raises(PermissionDenied):
        services.day_remove(entry=entry, actor=getattr(regency, who))
    assert CutiBersama.objects.filter(pk=entry.pk).exists()


def test_national_entries_are_not_the_koordinators_to_remove(regency):
    national = CutiBersama.objects.filter(instansi__isnull=True).first()
    with pytest.raises(PermissionDenied):
        services.day_remove(entry=national, actor=regency.koordinator)
    assert CutiBersama.objects.filter(pk=national.pk).exists()


def test_bad_entries_are_refused_naming_the_field(regency):
    kwargs = {"instansi": regency.instansi, "actor": regency.koordinator}
    services.day_add(date=D(2026, 7, 1), name="Libur daerah", kind="libur", **kwargs)
    with pytest.raises(ValidationError) as duplicate:
        services.day_add(date=D(2026, 7, 1), name="Lagi", kind="libur", **kwargs)
    assert "01-07-2026 sudah ada" in duplicate.value.message_dict["date"][0]
    with pytest.raises(ValidationError) as bad:
        services.day_add(date=D(1900, 1, 1), name="  ", kind="entah", **kwargs)
    assert set(bad.value.message_dict) == {"date", "name", "kind"}
    assert CutiBersama.objects.filter(instansi=regency.instansi).count() == 1
    assert AuditEvent.objects.filter(event="calendar.day_added").count() == 1


def test_a_backup_restore_counts_the_shipped_national_days_as_migrate_made(regency):
    from zona.ops.services import database_rows

    assert "zona_calendar.cutibersama" not in database_rows()
    services.day_add(
        instansi=regency.instansi,
        date=D(2026, 7, 1),
        name="Libur daerah",
        kind="libur",
        actor=regency.koordinator,
    )
    assert database_rows()["zona_calendar.cutibersama"] == 1
