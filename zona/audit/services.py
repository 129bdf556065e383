"""Appending to the audit trail: one function, called inside the transaction of the change."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone

from .models import AuditChainHead, AuditEvent, DenialTally

GENESIS = "0" * 64


def _jsonable(value: Any) -> Any:
    """Values as they will be stored in JSON (and so hashed): dates as ISO text, models as their pk."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def record_hash(fields: Mapping[str, Any]) -> str:
    text = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def hashed_fields(event: AuditEvent) -> dict[str, Any]:
    """Exactly what the hash of a record covers (everything but the hash itself)."""
    return {
        "seq": event.seq,
        "created_at": event.created_at.astimezone(dt.UTC).isoformat(),
        "actor_id": event.actor_id,
        "actor_repr": event.actor_repr,
        "event": event.event,
        "instansi_id": event.instansi_id,
        "unit_id": event.unit_id,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "changes": _jsonable(event.changes),
        "prev_hash": event.prev_hash,
    }


def diff(old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields that differ (a create has old None; a delete new None)."""
    old = old or {}
    new = new or {}
    return {
        key: [_jsonable(old.get(key)), _jsonable(new.get(key))]
        for key in sorted(set(old) | set(new))
        if _jsonable(old.get(key)) != _jsonable(new.get(key))
    }


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    return {name: _jsonable(getattr(obj, name)) for name in fields}


def update_audited(
    obj: models.Model, *, values: Mapping[str, Any], fields: Iterable[str], event: str, actor: Any
) -> dict[str, list[Any]]:
    """Set `values` on `obj`, save it, and audit what changed among `fields` (nothing if nothing did)."""
    fields = tuple(fields)
    before = snapshot(obj, fields)
    for name, value in values.items():
        setattr(obj, name, value)
    obj.save()
    changes = diff(before, snapshot(obj, fields))
    if changes:
        audit_record(event=event, actor=actor, obj=obj, changes=changes)
    return changes


def audit_record(
    *,
    event: str,
    actor: Any = None,
    obj: models.Model | None = None,
    changes: Mapping[str, Any] | None = None,
    instansi_id: int | None = None,
    unit_id: int | None = None,
    actor_repr: str = "",
) -> AuditEvent:
    """Add one record to the chain, as part of the caller's transaction (it opens one if there is none).

    The record is queued on the connection and linked into the chain as the last step before COMMIT
    (`chain_and_insert`, called by zona.core.db), so the chain's head row is locked only for that step;
    a rollback drops it with the change it recorded. Its `seq` and `hash` are set once it is linked.
    """
    if obj is not None:
        instansi_id = instansi_id if instansi_id is not None else _instansi_of(obj)
        unit_id = unit_id if unit_id is not None else _unit_of(obj)
    user = actor if getattr(actor, "is_authenticated", False) else None
    entry = AuditEvent(
        created_at=timezone.now(),
        actor=user,
        actor_repr=actor_repr or (user.get_username() if user else ""),
        event=event,
        instansi_id=instansi_id,
        unit_id=unit_id,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=str(obj)[:255] if obj is not None else "",
        changes=_jsonable(dict(changes or {})),
    )
    with transaction.atomic():
        connection = transaction.get_connection()
        queue = getattr(connection, "zona_audit_queue", None)
        if queue is None:  # a database backend without the commit step: link it here and now
            chain_and_insert([entry], using=connection.alias)
        else:
            queue(entry)
    return entry


UNKNOWN_USERNAME = "(nama pengguna tidak dikenal)"


def audit_denial(
    *,
    event: str,
    actor: Any = None,
    obj: models.Model | None = None,
    changes: Mapping[str, Any] | None = None,
    actor_repr: str = "",
) -> AuditEvent | None:
    """Record a refusal (a 403, a failed login), folded per person, kind and minute.

    The first one of the minute is an audit record (with `changes["denial_tally"]`, the tally's id); the
    rest only count up in its DenialTally row. Returns the audit record, or None when it was folded.
    `actor` is the user refused (anonymous when not logged in); `actor_repr` the username tried at a
    login, whose tally is per username when it exists and one shared row for all unknown usernames.
    """
    user = actor if getattr(actor, "is_authenticated", False) else None
    if user is not None:
        key = f"user:{user.pk}"
    elif actor_repr:
        from django.contrib.auth import get_user_model

        known = get_user_model()._default_manager.filter(username=actor_repr).exists()
        key = f"username:{actor_repr}" if known else "unknown-username"
    else:
        key = "anonymous"
    now = timezone.now()
    minute = now.replace(second=0, microsecond=0)
    tally = DenialTally.objects.filter(kind=event, actor_key=key, minute=minute)
    with transaction.atomic():
        if tally.update(count=F("count") + 1, last_at=now):
            return None
        try:
            with transaction.atomic():
                created = DenialTally.objects.create(
                    kind=event, actor_key=key, minute=minute, count=1, last_at=now
                )
        except IntegrityError:  # another worker created it a moment ago
            tally.update(count=F("count") + 1, last_at=now)
            return None
        return audit_record(
            event=event,
            actor=user,
            obj=obj,
            actor_repr=actor_repr if user is None and key != "unknown-username" else "",
            changes={**dict(changes or {}), "denial_tally": created.pk},
        )


def _link(entries: list[AuditEvent], head: AuditChainHead) -> None:
    seq, prev = head.last_seq, head.last_hash
    for entry in entries:
        seq += 1
        entry.seq, entry.prev_hash = seq, prev
        entry.hash = record_hash(hashed_fields(entry))
        prev = entry.hash
    head.last_seq, head.last_hash = seq, prev


CHAIN_LOCK = 0x7A6F6E61  # "zona": the PostgreSQL advisory lock that serialises linking


def _lock_chain(using: str) -> AuditChainHead:
    """Take the chain's lock for the rest of the transaction and return its head.

    PostgreSQL: a transaction-scoped advisory lock, which (unlike a row lock) writes nothing, so a
    linking step that finds nothing left to link commits without a disk flush. SQLite: the write
    transaction already holds the database's only write lock. The head row is locked as well.
    """
    connection = transaction.get_connection(using)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])
    head, _ = AuditChainHead.objects.using(using).select_for_update().get_or_create(pk=1)
    return head


def chain_and_insert(entries: list[AuditEvent], *, using: str = "default") -> None:
    """Link `entries` (in order) after the chain's head and insert them: the head row is locked from here
    to the COMMIT that follows. Called by the database backend just before it commits (SQLite, whose
    write lock is the whole database's anyway, and inside a test case's transaction)."""
    with transaction.atomic(using=using, savepoint=False):
        head = _lock_chain(using)
        _link(entries, head)
        AuditEvent.objects.using(using).bulk_create(entries)
        head.save(using=using, update_fields=["last_seq", "last_hash"])


def insert_unchained(entries: list[AuditEvent], *, using: str = "default") -> None:
    """Insert `entries` without seq/hash, as part of the transaction about to commit (PostgreSQL): no
    lock is taken, so concurrent writers commit in parallel; `chain_pending` links them after COMMIT."""
    AuditEvent.objects.using(using).bulk_create(entries)


def chain_pending(using: str = "default", *, rounds: int = 10) -> int:
    """Link every committed record that is not in the chain yet, in the order they were inserted, in short
    transactions of their own (run after each audited COMMIT on PostgreSQL). Returns how many it linked.

    Writers never queue here: whoever finds the chain's lock taken leaves at once, because the holder
    looks for unlinked records again after releasing it (the records of everyone who left while it held
    the lock were committed by then), so every record is linked and many are linked in one batch. After
    `rounds` batches it leaves what is left to the next audited write (`zona audit verify` shows them).
    """
    pending = AuditEvent.objects.using(using).filter(seq__isnull=True)
    linked = 0
    for _ in range(rounds):
        if not pending.exists():
            break
        with transaction.atomic(using=using):
            connection = transaction.get_connection(using)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [CHAIN_LOCK])
                    if not cursor.fetchone()[0]:
                        break  # someone else is linking, and will look again when done
            entries = list(pending.order_by("id"))
            if entries:
                head = _lock_chain(using)
                _link(entries, head)
                AuditEvent.objects.using(using).bulk_update(entries, ["seq", "prev_hash", "hash"])
                head.save(using=using, update_fields=["last_seq", "last_hash"])
                linked += len(entries)
    return linked


def _instansi_of(obj: models.Model) -> int | None:
    from zona.accounts.permissions import instansi_id_of

    return instansi_id_of(obj)


def _unit_of(obj: models.Model) -> int | None:
    from zona.accounts.permissions import unit_of

    unit = unit_of(obj)
    return unit.pk if unit is not None else None


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_at: int | None
    reason: str
    pending: int = 0  # committed but not linked yet (linked by the next audited write's chaining step)

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def audit_verify(*, batch: int = 2000) -> ChainReport:
    """Recompute every record's hash in order; report the first record whose link is broken."""
    prev = GENESIS
    expected_seq = 1
    checked = 0
    pending = AuditEvent.objects.filter(seq__isnull=True).count()
    for entry in AuditEvent.objects.filter(seq__isnull=False).order_by("seq").iterator(chunk_size=batch):
        if entry.seq != expected_seq:
            return ChainReport(
                checked, entry.seq, f"record #{expected_seq} is missing (next is #{entry.seq})"
            )
        if entry.prev_hash != prev:
            return ChainReport(
                checked, entry.seq, f"record #{entry.seq} does not point to the record before it"
            )
        if record_hash(hashed_fields(entry)) != entry.hash:
            return ChainReport(checked, entry.seq, f"record #{entry.seq} was changed after it was written")
        prev = entry.hash
        expected_seq += 1
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and head.last_seq != checked:
        return ChainReport(
            checked, head.last_seq, f"the last {head.last_seq - checked} record(s) are missing"
        )
    return ChainReport(checked, None, "", pending)
