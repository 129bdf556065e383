"""Zona's database backends: Django's SQLite and PostgreSQL backends plus the audit chain's commit step.

`zona.audit.services.audit_record` does not lock the chain's head row when it is called: it queues the
record on the connection (`connection.zona_audit_pending`). On SQLite, just before the transaction
commits, the queued records are linked (head row locked, sequence numbers and hashes assigned, rows
inserted, head updated) and the COMMIT follows at once. On PostgreSQL they are inserted unlinked just
before COMMIT and linked right after it (`chain_pending`, in a short transaction of its own that links
every committed record still unlinked), so concurrent audited writers commit in parallel.
A rollback (of the transaction or of the savepoint a record was queued in) drops the
records it covered. Inside a test case's transaction, which never commits, the queue is linked when the
outermost savepoint that is not the test case's own is released, so that tests see what production sees.
"""

from __future__ import annotations

from typing import Any


class AuditChainMixin:
    """Mixed into a Django DatabaseWrapper (see the sqlite3 and postgresql packages here)."""

    zona_audit_pending: list[tuple[tuple[str, ...], Any]]
    savepoint_ids: list[str]
    atomic_blocks: list[Any]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.zona_audit_pending = []

    # False: link the queued records into the chain just before COMMIT (SQLite: a write transaction holds
    # the database's one write lock anyway). True: insert them unlinked in the transaction and link them
    # after COMMIT in a short transaction of their own (PostgreSQL: writers commit in parallel, and the
    # head row is never locked across another transaction's COMMIT).
    zona_chain_after_commit = False

    def zona_audit_queue(self, entry: Any) -> None:
        self.zona_audit_pending.append((tuple(self.savepoint_ids), entry))
        if self.zona_chain_after_commit:
            from django.db import transaction

            from zona.audit.services import chain_pending

            alias = self.alias  # type: ignore[attr-defined]
            transaction.on_commit(lambda: chain_pending(alias), using=alias, robust=True)

    def zona_audit_flush(self, *, at_commit: bool = False) -> None:
        if not self.zona_audit_pending:
            return
        entries = [entry for _tag, entry in self.zona_audit_pending]
        self.zona_audit_pending = []
        from zona.audit.services import chain_and_insert, insert_unchained

        if at_commit and self.zona_chain_after_commit:
            insert_unchained(entries, using=self.alias)  # type: ignore[attr-defined]
        else:
            chain_and_insert(entries, using=self.alias)  # type: ignore[attr-defined]

    def commit(self) -> None:
        self.zona_audit_flush(at_commit=True)
        super().commit()  # type: ignore[misc]

    def rollback(self) -> None:
        self.zona_audit_pending = []
        super().rollback()  # type: ignore[misc]

    def close(self) -> None:
        self.zona_audit_pending = []
        super().close()  # type: ignore[misc]

    def savepoint_rollback(self, sid: str) -> None:
        super().savepoint_rollback(sid)  # type: ignore[misc]
        self.zona_audit_pending = [(tag, entry) for tag, entry in self.zona_audit_pending if sid not in tag]

    def savepoint_commit(self, sid: str) -> None:
        super().savepoint_commit(sid)  # type: ignore[misc]
        if (
            self.zona_audit_pending
            and self.atomic_blocks
            and all(getattr(block, "_from_testcase", False) for block in self.atomic_blocks)
        ):
            self.zona_audit_flush()
