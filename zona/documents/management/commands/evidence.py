"""`zona evidence gc` (orphan blob files; a dry run unless --delete) and `zona evidence verify`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from zona.documents.maintenance import delete_orphans, orphan_files, verify_blobs


class Command(BaseCommand):
    help = "Look after the stored evidence files (blobs)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        gc = sub.add_parser("gc", help="list (or with --delete remove) blob files that no row names")
        gc.add_argument("--delete", action="store_true", help="delete the orphan files (default: dry run)")
        gc.add_argument(
            "--min-age-minutes",
            type=float,
            default=60.0,
            help="leave files younger than this alone: an upload may still be running (default 60)",
        )
        sub.add_parser("verify", help="re-hash every blob; exit 1 naming each missing or mismatched file")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "gc":
            self.do_gc(delete=options["delete"], min_age_minutes=options["min_age_minutes"])
        else:
            self.do_verify()

    def do_gc(self, *, delete: bool, min_age_minutes: float) -> None:
        if min_age_minutes < 0:
            self.stderr.write("--min-age-minutes must be 0 or more")
            raise SystemExit(2)
        found = orphan_files(min_age_seconds=min_age_minutes * 60)
        for path in found.files:
            self.stdout.write(f"orphan: {path}")
        summary = (
            f"{len(found.files)} orphan files ({found.bytes} bytes), {found.kept} files with a row, "
            f"{found.young} younger than {min_age_minutes:g} min left alone"
        )
        if not delete:
            self.stdout.write(f"DRY RUN: {summary}; run with --delete to remove them")
            return
        deleted = delete_orphans(found)
        self.stdout.write(f"DELETED {deleted} files: {summary}")

    def do_verify(self) -> None:
        report = verify_blobs()
        for problem in report.problems:
            self.stderr.write(f"BAD blob #{problem.blob_id} {problem.name}: {problem.reason}")
        if report.problems:
            self.stderr.write(f"{len(report.problems)} of {report.checked} blobs failed")
            raise SystemExit(1)
        self.stdout.write(f"OK: {report.checked} blobs, every file present and matching its sha256")
