"""`zona surveys validate FILE… | load [FILE…] | list`: survey instruments as versioned data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zona.surveys import services
from zona.surveys.instruments import InstrumentInvalid, load_instrument_file
from zona.surveys.models import Instrument


class Command(BaseCommand):
    help = "Validate, load and list survey instrument files (SKM, SPKP, SPAK)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        validate = sub.add_parser("validate", help="check instrument files; exit 2 naming every problem")
        validate.add_argument("files", nargs="+")
        load = sub.add_parser("load", help="load the shipped instrument files (or the given ones)")
        load.add_argument("files", nargs="*")
        sub.add_parser("list", help="list the loaded instrument versions")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"do_{options['action']}")(**options)

    def do_validate(self, *, files: list[str], **_: Any) -> None:
        failed = False
        for name in files:
            try:
                definition = load_instrument_file(name)
            except InstrumentInvalid as exc:
                failed = True
                for problem in exc.problems:
                    self.stderr.write(f"{name}: {problem}")
                continue
            self.stdout.write(
                f"{name}: OK — {definition.code} ({definition.kind}), "
                f"{len(definition.questions)} pertanyaan, skala {definition.scale}"
            )
        if failed:
            raise CommandError("instrument file(s) invalid", returncode=2)

    def do_load(self, *, files: list[str], **_: Any) -> None:
        paths = [Path(name) for name in files] or services.shipped_instrument_files()
        for path in paths:
            try:
                result = services.instrument_load_file(path=path)
            except InstrumentInvalid as exc:
                for problem in exc.problems:
                    self.stderr.write(f"{path}: {problem}")
                raise CommandError(f"{path}: not loaded", returncode=2) from exc
            state = "loaded" if result.created else "unchanged"
            self.stdout.write(f"{result.instrument} [{result.instrument.code}] ({path.name}): {state}")

    def do_list(self, **_: Any) -> None:
        rows = Instrument.objects.order_by("code", "-version")
        if not rows:
            self.stdout.write("No instrument loaded yet: run `zona surveys load`.")
        for row in rows:
            self.stdout.write(
                f"{row.code:<28} v{row.version:<3} {row.kind:<5} skala {row.scale_max}  {row.name}"
            )
