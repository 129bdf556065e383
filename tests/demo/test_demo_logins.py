"""`zona demo logins` before the demo is loaded: one line saying so, exit 2, never a traceback."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from zona.demo.management.commands.demo import NOT_LOADED, NOT_MIGRATED

pytestmark = pytest.mark.django_db


def test_logins_on_an_empty_database_says_the_demo_is_not_loaded_and_exits_2():
    out = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("demo", "logins", stdout=out)
    assert caught.value.returncode == 2
    assert str(caught.value) == NOT_LOADED
    assert "zona demo load" in NOT_LOADED and "\n" not in NOT_LOADED
    assert out.getvalue() == ""


def test_logins_on_an_unmigrated_database_says_so_and_exits_2(monkeypatch):
    # a table the command reads is missing, as on a database `zona migrate` has not yet run on
    from zona.accounts.models import RoleAssignment

    real = RoleAssignment._meta.db_table
    monkeypatch.setattr(RoleAssignment._meta, "db_table", "zona_tabel_yang_tidak_ada")
    with pytest.raises(CommandError) as caught:
        call_command("demo", "logins", stdout=io.StringIO())
    monkeypatch.setattr(RoleAssignment._meta, "db_table", real)
    assert caught.value.returncode == 2
    assert str(caught.value) == NOT_MIGRATED
    assert "zona migrate" in NOT_MIGRATED
    with connection.cursor() as cursor:  # the transaction is still usable (PostgreSQL aborts on an error)
        cursor.execute("SELECT 1")


def test_logins_after_load_still_prints_them(settings):
    settings.ZONA_DEMO_PASSWORD = "sandi-demo-uji-2026"
    call_command("demo", "load", stdout=io.StringIO())
    out = io.StringIO()
    call_command("demo", "logins", stdout=out)
    assert "Demo logins" in out.getvalue() and "koordinator" in out.getvalue()
