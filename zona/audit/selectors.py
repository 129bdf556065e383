"""Reading the audit trail for the coordinator: their instansi's records plus their users' auth events."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent

PAGE_SIZE = 50

EVENT_LABELS: dict[str, Any] = {
    "auth.login": _("Masuk"),
    "auth.logout": _("Keluar"),
    "auth.login_failed": _("Gagal masuk"),
    "auth.otp_enabled": _("Verifikasi dua langkah diaktifkan"),
    "auth.otp_failed": _("Kode verifikasi dua langkah salah"),
    "auth.password_changed": _("Kata sandi diubah"),
    "auth.password_reset": _("Kata sandi diatur ulang"),
    "user.created": _("Pengguna dibuat"),
    "role.assigned": _("Peran diberikan"),
    "role.revoked": _("Peran dicabut"),
    "overseer.published": _("Unit dipublikasikan ke pengawas"),
    "overseer.unpublished": _("Publikasi ke pengawas dihentikan"),
    "access.denied": _("Akses ditolak"),
}


def event_label(event: str) -> str:
    return str(EVENT_LABELS.get(event, event))


@dataclass(frozen=True)
class Change:
    field: str
    old: str
    new: str
    is_pair: bool  # an old → new change; otherwise `new` is context (e.g. whose role)


@dataclass(frozen=True)
class AuditRow:
    event: AuditEvent
    label: str
    unit_name: str
    changes: list[Change]
    repeats: int = 1  # a folded refusal: how many of the same kind the person had in that minute


def _text(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_("ya") if value else _("tidak"))
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def changes_readable(changes: Any, *, unit_names: Mapping[int, str] | None = None) -> list[Change]:
    """`{field: [old, new]}` as old → new rows (unchanged pairs left out); other values shown as they are.

    A `unit` field holding a unit id is shown by the unit's name when `unit_names` knows it.
    """
    names = unit_names or {}

    def show(field: str, value: Any) -> str:
        if field == "unit" and isinstance(value, int) and value in names:
            return names[value]
        return _text(value)

    if not isinstance(changes, Mapping):
        return [Change("", "", _text(changes), False)] if changes else []
    rows = []
    for field, value in changes.items():
        name = str(field)
        if isinstance(value, list) and len(value) == 2:
            if value[0] != value[1]:
                rows.append(Change(name, show(name, value[0]), show(name, value[1]), True))
        else:
            rows.append(Change(name, "", show(name, value), False))
    return rows


def audit_scope(*, instansi_ids: Iterable[int]) -> QuerySet[AuditEvent]:
    """Records filed under these instansi, plus auth events of the people who hold a role in them."""
    from zona.accounts.models import RoleAssignment, User

    ids = list(instansi_ids)
    members = RoleAssignment.objects.filter(instansi_id__in=ids).values("user_id")
    usernames = User.objects.filter(role_assignments__instansi_id__in=ids).values("username")
    auth = Q(event__startswith="auth.") & (
        Q(actor_id__in=members) | Q(actor__isnull=True, actor_repr__in=usernames)
    )
    return AuditEvent.objects.filter(Q(instansi_id__in=ids) | auth)


def audit_event_types(*, instansi_ids: Iterable[int]) -> list[str]:
    """The event types a filter may offer: the known ones plus any other found in the scoped trail."""
    present = audit_scope(instansi_ids=instansi_ids).order_by("event").values_list("event", flat=True)
    return sorted(set(EVENT_LABELS) | set(present.distinct()))


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def audit_event_list(
    *,
    instansi_ids: Iterable[int],
    event: str = "",
    actor: str = "",
    unit_id: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[AuditEvent]:
    """The scoped trail, filtered, newest first. Dates are whole days in the site's time zone."""
    qs = audit_scope(instansi_ids=instansi_ids)
    if event:
        qs = qs.filter(event=event)
    if actor:
        qs = qs.filter(actor_repr__icontains=actor.strip())
    if unit_id is not None:
        qs = qs.filter(unit_id=unit_id)
    if date_from is not None:
        qs = qs.filter(created_at__gte=_day_start(date_from))
    if date_to is not None:
        qs = qs.filter(created_at__lt=_day_start(date_to + dt.timedelta(days=1)))
    return qs.select_related("actor").order_by("-seq")


def audit_rows(events: Iterable[AuditEvent], *, unit_names: Mapping[int, str]) -> list[AuditRow]:
    from .models import DenialTally

    events = list(events)
    tally_ids = {
        e.changes["denial_tally"]
        for e in events
        if isinstance(e.changes, dict) and isinstance(e.changes.get("denial_tally"), int)
    }
    counts = (
        dict(DenialTally.objects.filter(pk__in=tally_ids).values_list("pk", "count")) if tally_ids else {}
    )
    rows = []
    for e in events:
        changes = dict(e.changes) if isinstance(e.changes, dict) else e.changes
        tally = changes.pop("denial_tally", None) if isinstance(changes, dict) else None
        rows.append(
            AuditRow(
                event=e,
                label=event_label(e.event),
                unit_name=unit_names.get(e.unit_id, "") if e.unit_id is not None else "",
                changes=changes_readable(changes, unit_names=unit_names),
                repeats=counts.get(tally, 1) if isinstance(tally, int) else 1,
            )
        )
    return rows
