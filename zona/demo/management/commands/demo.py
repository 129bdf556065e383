"""`zona demo load` creates the demo regency once; `zona demo logins` prints its logins.

`zona demo logins` before the demo is loaded (or before `zona migrate`) prints one line saying so on
stderr and exits 2, like every other "cannot do that" of the CLI, so that a script can tell.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, transaction

from zona.accounts.models import RoleAssignment
from zona.demo.regency import INSTANSI_SLUG, demo_loaded, load_demo

NOT_LOADED = "Demo belum dimuat / the demo is not loaded: run `zona demo load` first."
NOT_MIGRATED = "Basis data belum dimigrasi / the database is not migrated: run `zona migrate` first."


class Command(BaseCommand):
    help = "Load the demo regency (Pemkab Belitung Timur) and print its logins."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("load", help="create the demo regency unless it is there already")
        sub.add_parser("logins", help="print the demo logins (exit 2 when the demo is not loaded)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "load":
            if demo_loaded():
                self.stdout.write("Demo regency already loaded.")
            else:
                load_demo(password=settings.ZONA_DEMO_PASSWORD)
                self.stdout.write("Demo regency loaded: Pemerintah Kabupaten Belitung Timur.")
        else:
            self.print_logins()

    def print_logins(self) -> None:
        rows = (
            RoleAssignment.objects.filter(instansi__slug=INSTANSI_SLUG, revoked_at__isnull=True)
            .select_related("user", "unit", "tpi_team")
            .order_by("id")
        )
        try:
            with transaction.atomic():  # a savepoint: PostgreSQL's transaction stays usable after an error
                people = [
                    (a.user.username, a.get_role_display(), str(a.unit or a.tpi_team or "")) for a in rows
                ]
        except DatabaseError as exc:  # no such table: the database has not been migrated
            raise CommandError(NOT_MIGRATED, returncode=2) from exc
        if not people:
            raise CommandError(NOT_LOADED, returncode=2)
        leaders = [p for p in people if not p[0].startswith("operator-")]
        operators = [p for p in people if p[0].startswith("operator-")]
        self.stdout.write("")
        self.stdout.write(
            "Demo logins (password: ZONA_DEMO_PASSWORD, by default 'zona-demo-2026', see the README)"
        )
        for username, role, scope in leaders:
            self.stdout.write(f"  {username:<28} {role:<20} {scope}")
        self.stdout.write(f"  and one operator per unit ({len(operators)}):")
        for username, _role, scope in operators:
            self.stdout.write(f"  {username:<28} {scope}")
