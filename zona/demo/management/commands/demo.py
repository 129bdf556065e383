"""`zona demo load` creates the demo regency once; `zona demo logins` prints its logins."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from zona.accounts.models import RoleAssignment
from zona.demo.regency import INSTANSI_SLUG, demo_loaded, load_demo


class Command(BaseCommand):
    help = "Load the demo regency (Pemkab Belitung Timur) and print its logins."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("load", help="create the demo regency unless it is there already")
        sub.add_parser("logins", help="print the demo logins")

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
        people = [(a.user.username, a.get_role_display(), str(a.unit or a.tpi_team or "")) for a in rows]
        if not people:
            return
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
