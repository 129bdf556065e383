"""Writing an instansi's calendar: add and remove cuti bersama / hari kerja pengganti (koordinator only)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zona.accounts import permissions
from zona.accounts.permissions import Action
from zona.audit.services import audit_record, diff, snapshot
from zona.units.models import Instansi

from . import selectors
from .models import CutiBersama

FIELDS = ("date", "kind", "name", "decree", "instansi_id")
MIN_YEAR, MAX_YEAR = 2000, 2100


@transaction.atomic
def day_add(
    *, instansi: Instansi, date: dt.date, name: str, decree: str = "", kind: str, actor: Any
) -> CutiBersama:
    """Add one day to the instansi's own calendar (a day off, or a day declared working)."""
    if not permissions.can(actor, Action.MANAGE, instansi):
        raise PermissionDenied(_("Hanya koordinator yang dapat mengubah kalender hari kerja."))
    name, decree = name.strip(), decree.strip()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("Keterangan wajib diisi.")
    if kind not in CutiBersama.Kind.values:
        errors["kind"] = _("Jenis hari tidak dikenal.")
    if not MIN_YEAR <= date.year <= MAX_YEAR:
        errors["date"] = _("Tanggal harus antara tahun %(min)s dan %(max)s.") % {
            "min": MIN_YEAR,
            "max": MAX_YEAR,
        }
    elif CutiBersama.objects.filter(instansi=instansi, date=date).exists():
        errors["date"] = _("Tanggal %(date)s sudah ada di kalender instansi ini.") % {
            "date": date.strftime("%d-%m-%Y")
        }
    if errors:
        raise ValidationError(errors)
    entry = CutiBersama.objects.create(instansi=instansi, date=date, name=name, decree=decree, kind=kind)
    audit_record(
        event="calendar.day_added", actor=actor, obj=entry, changes=diff(None, snapshot(entry, FIELDS))
    )
    selectors.forget(instansi)
    return entry


@transaction.atomic
def day_remove(*, entry: CutiBersama, actor: Any) -> None:
    """Remove one of the instansi's own entries (national entries are the administrator's)."""
    if entry.instansi is None or not permissions.can(actor, Action.MANAGE, entry.instansi):
        raise PermissionDenied(_("Hanya koordinator yang dapat mengubah kalender hari kerja."))
    audit_record(
        event="calendar.day_removed", actor=actor, obj=entry, changes=diff(snapshot(entry, FIELDS), None)
    )
    entry.delete()
    selectors.forget(entry.instansi)
