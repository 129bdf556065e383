"""`zona audit verify`: recompute the hash chain; exit 0 when intact, 1 naming the first broken link."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from zona.audit.services import audit_verify


class Command(BaseCommand):
    help = "Check the audit trail."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="recompute every record's hash; exit 1 at the first broken link")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"do_{options['action']}")()

    def do_verify(self) -> None:
        report = audit_verify()
        if report.ok:
            waiting = f"; {report.pending} committed record(s) waiting to be linked" if report.pending else ""
            self.stdout.write(f"OK: {report.checked} records, chain intact{waiting}")
            return
        self.stderr.write(f"BROKEN at record #{report.broken_at}: {report.reason}")
        raise SystemExit(1)
