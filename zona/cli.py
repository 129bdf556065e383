"""The `zona` console script: Django's management commands plus Zona's own (frameworks, lke, ...)."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zona.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["zona", *(sys.argv[1:] if argv is None else argv)])
