"""Zona's database backends: Django's SQLite and PostgreSQL backends plus the audit chain's commit step.

`zona.audit.services.audit_record` does not lock the chain's head row when it is called: it queues the
record on the connection (`connection.zona_audit_pending`). Just before the transaction commits, the
queued records are linked (head row locked, sequence numbers and hashes assigned, rows inserted, head
updated) and the COMMIT follows at once, so concurrent audited writers wait on each other only for those
few statements. A rollback (of the transaction or of the savepoint a record was queued in) drops the
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

    def zona_audit_queue(self, entry: Any) -> None:
        self.zona_audit_pending.append((tuple(self.savepoint_ids), entry))

    def zona_audit_flush(self) -> None:
        if not self.zona_audit_pending:
            return
        entries = [entry for _tag, entry in self.zona_audit_pending]
        self.zona_audit_pending = []
        from zona.audit.services import chain_and_insert

        chain_and_insert(entries, using=self.alias)  # type: ignore[attr-defined]

    def commit(self) -> None:
        self.zona_audit_flush()
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
