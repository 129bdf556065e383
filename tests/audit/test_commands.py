from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from zona.audit.models import AuditEvent
from zona.audit.services import audit_record

pytestmark = pytest.mark.django_db


def _verify() -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("audit", "verify", stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue() + err.getvalue()
    return 0, out.getvalue() + err.getvalue()


def _three_records(regency) -> None:
    audit_record(event="unit.updated", actor=regency.koordinator, obj=regency.unit_a, changes={"x": [1, 2]})
    audit_record(event="unit.updated", actor=regency.koordinator, obj=regency.unit_b, changes={"x": [2, 3]})


def test_verify_passes_on_a_fresh_trail(regency):
    _three_records(regency)
    total = AuditEvent.objects.count()
    code, output = _verify()
    assert code == 0
    assert output.strip() == f"OK: {total} records, chain intact"


def test_verify_passes_on_an_empty_trail(db):
    assert _verify() == (0, "OK: 0 records, chain intact\n")


def test_verify_fails_naming_record_2_after_a_raw_update(regency):
    _three_records(regency)
    with connection.cursor() as cursor:
        cursor.execute(
            """UPDATE audit_auditevent SET changes = '{"role": [null, "koordinator"]}' WHERE seq = 2"""
        )
    code, output = _verify()
    assert code == 1
    assert output.startswith("BROKEN at record #2: ")
    assert "#2" in output and "changed" in output


def test_verify_fails_when_a_record_is_deleted(regency):
    _three_records(regency)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE seq = 3")
    code, output = _verify()
    assert code == 1
    assert output.startswith("BROKEN at record #4: ") and "#3 is missing" in output


def test_verify_fails_when_the_last_record_is_deleted(regency):
    _three_records(regency)
    last = AuditEvent.objects.order_by("-seq").first()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE seq = %s", [last.seq])
    code, output = _verify()
    assert code == 1 and output.startswith(f"BROKEN at record #{last.seq}: ")


def test_verify_exit_code_from_the_command_line(tmp_path):
    """The real `zona` entry point on its own SQLite file: 0 when intact, 1 when tampered with."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'zona.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "zona.settings.test",
        "ZONA_VAR_DIR": str(tmp_path),
    }
    manage = [sys.executable, "-c", "from zona.cli import main; main()"]
    cwd = Path(__file__).resolve().parents[2]
    subprocess.run([*manage, "migrate", "-v0"], env=env, cwd=cwd, check=True)
    script = (
        "import django; django.setup();"
        "from zona.audit.services import audit_record;"
        "[audit_record(event='test.event', changes={'n': [i, i + 1]}) for i in range(3)]"
    )
    subprocess.run([sys.executable, "-c", script], env=env, cwd=cwd, check=True)
    ok = subprocess.run([*manage, "audit", "verify"], env=env, cwd=cwd, capture_output=True, text=True)
    assert ok.returncode == 0 and ok.stdout.strip() == "OK: 3 records, chain intact"
    import sqlite3

    with sqlite3.connect(tmp_path / "zona.sqlite3") as db:
        db.execute("""UPDATE audit_auditevent SET changes = '{"n": [0, 9]}' WHERE seq = 2""")
    bad = subprocess.run([*manage, "audit", "verify"], env=env, cwd=cwd, capture_output=True, text=True)
    assert bad.returncode == 1 and bad.stderr.strip().startswith("BROKEN at record #2:")
