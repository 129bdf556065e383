"""`zona demo load` builds a living regency, through the same services (and audit trail) as real use."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection

from zona.accounts.models import RoleAssignment, User
from zona.audit.services import audit_verify
from zona.demo.regency import UNITS
from zona.lifecycle.models import LifecycleEvent
from zona.teams.models import ZiTeam
from zona.units.models import Stage, Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.ZONA_DEMO_PASSWORD = "sandi-demo-uji-2026"
    out = io.StringIO()
    call_command("demo", "load", stdout=out)
    return out.getvalue()


def test_demo_regency_has_the_promised_shape(demo):
    assert "Demo regency loaded" in demo
    kecamatan = set(Unit.objects.filter(kind=Unit.Kind.KECAMATAN).values_list("name", flat=True))
    assert kecamatan == {
        f"Kecamatan {n}"
        for n in (
            "Manggar",
            "Gantung",
            "Kelapa Kampit",
            "Dendang",
            "Damar",
            "Simpang Renggiang",
            "Simpang Pesak",
        )
    }
    assert Unit.objects.count() == len(UNITS) >= 35
    assert Unit.objects.filter(kind=Unit.Kind.DINAS).count() >= 10
    assert Unit.objects.filter(kind=Unit.Kind.RSUD).exists()
    assert Unit.objects.filter(kind=Unit.Kind.PUSKESMAS).count() >= 3
    stages = set(Unit.objects.values_list("stage", flat=True))
    assert {
        Stage.BELUM,
        Stage.DITETAPKAN,
        Stage.PEMBANGUNAN,
        Stage.PENILAIAN_MANDIRI,
        Stage.EVALUASI_TPI,
        Stage.DIUSULKAN,
        Stage.WBK,
    } <= stages
    assert LifecycleEvent.objects.filter(to_stage=Stage.PENCANANGAN, documents__isnull=False).exists()
    assert ZiTeam.objects.filter(members__team_role="ketua").exists()


def test_demo_users_for_every_role_log_in_with_the_configured_password(demo, client):
    for username in ("koordinator", "tpi1", "tpi2", "pimpinan", "pengawas"):
        assert User.objects.get(username=username).check_password("sandi-demo-uji-2026")
    for slug in Unit.objects.values_list("slug", flat=True):
        assert RoleAssignment.objects.filter(user__username=f"operator-{slug}", role="operator").exists()
    response = client.post(
        "/akun/masuk/", {"username": "operator-dukcapil", "password": "sandi-demo-uji-2026"}, follow=True
    )
    body = response.content.decode()
    assert "Dinas Kependudukan dan Pencatatan Sipil" in body and "Kecamatan Gantung" not in body


def test_loading_twice_changes_nothing_and_logins_are_printed(demo):
    units, users = Unit.objects.count(), User.objects.count()
    out = io.StringIO()
    call_command("demo", "load", stdout=out)
    assert "already loaded" in out.getvalue()
    assert (Unit.objects.count(), User.objects.count()) == (units, users)
    out = io.StringIO()
    call_command("demo", "logins", stdout=out)
    assert "koordinator" in out.getvalue() and "operator-dukcapil" in out.getvalue()


def test_audit_chain_of_the_demo_verifies_and_breaks_on_a_raw_edit(demo):
    report = audit_verify()
    assert report.ok and report.checked > 200
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET actor_repr = 'siapa' WHERE seq = 57")
    broken = audit_verify()
    assert not broken.ok and broken.broken_at == 57
    assert "changed after it was written" in broken.reason
