"""The audit chain is linked as the last step before COMMIT: the head row is not locked before then."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from zona.audit.models import AuditChainHead, AuditEvent
from zona.audit.services import audit_record, audit_verify, chain_pending


@pytest.mark.django_db(transaction=True)
def test_records_are_linked_at_commit_in_order_and_the_head_follows():
    with transaction.atomic():
        first = audit_record(event="uji.satu", changes={"n": 1})
        audit_record(event="uji.dua", changes={"n": 2})
        # nothing written (and the head row untouched) until the transaction commits
        assert AuditEvent.objects.count() == 0 and first.seq is None
        assert [e.event for _tag, e in connection.zona_audit_pending] == ["uji.satu", "uji.dua"]
    assert list(AuditEvent.objects.order_by("seq").values_list("seq", "event")) == [
        (1, "uji.satu"),
        (2, "uji.dua"),
    ]
    first.refresh_from_db()
    assert first.seq == 1 and first.hash
    head = AuditChainHead.objects.get(pk=1)
    assert (head.last_seq, head.last_hash) == (2, AuditEvent.objects.get(seq=2).hash)
    assert audit_verify().ok and audit_verify().checked == 2


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_or_savepoint_drops_its_records():
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(event="uji.batal")
        raise RuntimeError
    with transaction.atomic():
        audit_record(event="uji.tetap")
        with pytest.raises(RuntimeError), transaction.atomic():
            audit_record(event="uji.dalam")
            raise RuntimeError
        audit_record(event="uji.sesudah")
    assert list(AuditEvent.objects.order_by("seq").values_list("event", flat=True)) == [
        "uji.tetap",
        "uji.sesudah",
    ]
    assert connection.zona_audit_pending == []
    assert audit_verify().ok


@pytest.mark.django_db(transaction=True)
def test_a_record_outside_a_transaction_is_written_at_once():
    audit_record(event="uji.sendiri")
    assert AuditEvent.objects.get().seq == 1
    assert audit_verify().ok


@pytest.mark.django_db(transaction=True)
def test_a_committed_record_left_unlinked_is_linked_by_the_next_write_and_reported_meanwhile():
    """As after a worker killed between COMMIT and linking (PostgreSQL inserts records unlinked)."""
    from django.utils import timezone

    from zona.audit.services import insert_unchained

    audit_record(event="uji.pertama")
    insert_unchained([AuditEvent(created_at=timezone.now(), event="uji.terputus", changes={})])
    report = audit_verify()
    assert report.ok and (report.checked, report.pending) == (1, 1)
    audit_record(event="uji.berikut")
    chain_pending()  # what the next audited COMMIT does on PostgreSQL (idempotent on SQLite)
    assert sorted(AuditEvent.objects.values_list("seq", flat=True)) == [1, 2, 3]
    assert set(AuditEvent.objects.values_list("event", flat=True)) == {
        "uji.pertama",
        "uji.terputus",
        "uji.berikut",
    }
    report = audit_verify()
    assert report.ok and (report.checked, report.pending) == (3, 0)
