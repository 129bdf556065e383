"""`zona backup FILE`: the database and every evidence file in one .tar.gz with a SHA-256 manifest."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from zona.ops.services import BackupError, backup_create


class Command(BaseCommand):
    help = "Write the database and the evidence files (MEDIA_ROOT) to one archive with a manifest of hashes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the archive to write, e.g. zona-2026-12-01.tar.gz")
        parser.add_argument("--force", action="store_true", help="replace FILE if it exists")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = backup_create(Path(options["file"]), overwrite=options["force"])
        except BackupError as error:
            self.stderr.write(f"backup: {error}")
            raise SystemExit(error.exit_code) from None
        size = report.path.stat().st_size
        self.stdout.write(
            f"Backup written: {report.path} ({report.total_rows} records in {len(report.rows)} tables, "
            f"{report.files} files of {report.file_bytes / 1e6:.1f} MB; archive {size / 1e6:.1f} MB)"
        )
