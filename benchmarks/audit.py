"""Audited writes per second, 20 concurrent writers (`make bench`; alone: `python -m benchmarks.audit`).

Each writer is a thread with its own database connection, running short transactions against a real
database: a SQLite file in a temporary folder (with Zona's settings: WAL, IMMEDIATE, busy timeout) by
default, or the test database of DATABASE_URL (e.g. PostgreSQL) when it is set. Three variants, interleaved
round by round so that disk and machine noise hit them alike:

- baseline: the transaction inserts one row (a DenialTally) and nothing else;
- audited: the same insert plus `audit_record` (Zona now: the chain is linked just before COMMIT);
- audited, head locked at the write: the chain's head row locked and the record linked where
  `audit_record` is called, as Zona did before, then the insert (the lock is held to COMMIT).

Every transaction also does WORK_MS of work after the audit call (BENCH_AUDIT_WORK_MS, default 2 ms: a
stand-in for the rest of a request's transaction such as re-scoring), which is where a head lock taken
early makes writers wait on each other. Printed: writes/s of each and their ratio to the baseline (medians
over BENCH_AUDIT_ROUNDS rounds, default 3, of WRITERS × BENCH_AUDIT_PER_WRITER transactions, default 20).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

WRITERS = int(os.environ.get("BENCH_AUDIT_WRITERS", "20"))
PER_WRITER = int(os.environ.get("BENCH_AUDIT_PER_WRITER", "20"))
ROUNDS = int(os.environ.get("BENCH_AUDIT_ROUNDS", "3"))
WORK_MS = float(os.environ.get("BENCH_AUDIT_WORK_MS", "2"))


def _setup_django(tmp: Path) -> Callable[[], None]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zona.settings.test")
    using_sqlite = not os.environ.get("DATABASE_URL")
    if using_sqlite:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    import django
    from django.conf import settings

    django.setup()
    if using_sqlite:
        settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = str(tmp / "bench-audit.sqlite3")
    from django.test.utils import setup_databases, setup_test_environment, teardown_databases

    setup_test_environment()
    old = setup_databases(verbosity=0, interactive=False)
    return lambda: teardown_databases(old, verbosity=0)


def _work() -> None:
    end = time.perf_counter() + WORK_MS / 1000
    while time.perf_counter() < end:
        pass


def _variants() -> dict[str, Callable[[str], None]]:
    from django.db import transaction
    from django.utils import timezone

    from zona.audit.models import AuditChainHead, AuditEvent, DenialTally
    from zona.audit.services import audit_record, hashed_fields, record_hash

    def row(key: str) -> None:
        now = timezone.now()
        DenialTally.objects.create(kind="bench", actor_key=key, minute=now, last_at=now)

    def baseline(key: str) -> None:
        with transaction.atomic():
            row(key)
            _work()

    def audited(key: str) -> None:
        with transaction.atomic():
            audit_record(event="bench.write", changes={"key": key})
            row(key)
            _work()

    def head_locked_at_the_write(key: str) -> None:  # audit_record as it was before this change
        with transaction.atomic():
            head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
            entry = AuditEvent(
                seq=head.last_seq + 1,
                created_at=timezone.now(),
                event="bench.write",
                changes={"key": key},
                prev_hash=head.last_hash,
            )
            entry.hash = record_hash(hashed_fields(entry))
            entry.save()
            head.last_seq, head.last_hash = entry.seq, entry.hash
            head.save(update_fields=["last_seq", "last_hash"])
            row(key)
            _work()

    return {
        "baseline": baseline,
        "audited": audited,
        "audited, head locked at the write (before)": head_locked_at_the_write,
    }


def _run(name: str, write: Callable[[str], None], round_no: int) -> tuple[float, int]:
    from django.db import connection

    errors: list[BaseException] = []
    start = threading.Barrier(WRITERS + 1)

    def writer(n: int) -> None:
        try:
            start.wait()
            for i in range(PER_WRITER):
                write(f"{name[:8]}-{round_no}-{n}-{i}")
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    return (WRITERS * PER_WRITER - len(errors) * PER_WRITER) / elapsed, len(errors)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="zona-bench-audit-") as folder:
        teardown = _setup_django(Path(folder))
        try:
            from django.db import connection

            from zona.audit.services import audit_verify

            variants = _variants()
            rates: dict[str, list[float]] = {name: [] for name in variants}
            failed: dict[str, int] = dict.fromkeys(variants, 0)
            for name, write in variants.items():  # warm-up: connections, first rows
                _run(name, write, -1)
            for round_no in range(ROUNDS):
                for name, write in variants.items():
                    rate, errors = _run(name, write, round_no)
                    rates[name].append(rate)
                    failed[name] += errors
            base = statistics.median(rates["baseline"])
            vendor = connection.vendor
            print(
                f"audited writes, {WRITERS} concurrent writers on {vendor} "
                f"({PER_WRITER} transactions each, {WORK_MS:g} ms of work in each, {ROUNDS} rounds):"
            )
            for name, runs in rates.items():
                rate = statistics.median(runs)
                print(
                    f"  {name:<45} {rate:8.0f} writes/s  ratio {rate / base:.2f}x"
                    + (f"  ({failed[name]} writers failed)" if failed[name] else "")
                )
            report = audit_verify()
            print(
                f"  audit chain after the run: {report.checked} records, "
                + ("verified" if report.ok else f"BROKEN: {report.reason}")
            )
        finally:
            teardown()


if __name__ == "__main__":
    main()
