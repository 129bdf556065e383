"""`zona restore FILE`: check the archive against its manifest, then load it, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from zona.ops.services import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a `zona backup` archive into this (migrated, empty) database and the evidence storage. "
        "Exit 1 naming the first member that does not match the manifest, before anything is touched."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="an archive written by `zona backup`")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace everything in a database that is not empty (every row is deleted first)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = backup_restore(Path(options["file"]), force=options["force"])
        except BackupError as error:
            self.stderr.write(f"restore: {error}; nothing was changed")
            raise SystemExit(error.exit_code) from None
        except OSError as error:  # the storage failed while files were written: they were put back
            self.stderr.write(f"restore: {error}; nothing was changed")
            raise SystemExit(1) from None
        self.stdout.write(
            f"Restored {options['file']}: {report.total_rows} records, {report.files_written} files written "
            f"({report.files_unchanged} already present and identical)"
        )
        if report.audit_ok:
            self.stdout.write(f"Audit trail: {report.audit_records} records, chain intact")
        else:
            self.stderr.write(f"Audit trail BROKEN (as it was in the backup): {report.audit_reason}")
            raise SystemExit(1)
