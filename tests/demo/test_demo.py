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


def assert_demo_regency_has_the_promised_shape(demo):
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


def assert_demo_users_for_every_role_log_in_with_the_configured_password(demo, client):
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


def assert_demo_has_assessments_at_every_stage_and_a_final_lhe_ready(demo):
    from zona.assessments.models import Assessment

    statuses = set(Assessment.objects.values_list("status", flat=True))
    assert {"draft", "in_review", "returned", "final"} <= statuses
    stages = set(Assessment.objects.filter(status="in_review").values_list("current_stage__order", flat=True))
    assert stages == {1, 2, 3}
    final = Assessment.objects.get(status="final", period__framework__code="permenpanrb-90-2021")
    assert final.final_result["tpi"]["total"] > 75
    assert final.evidence.filter(document__isnull=False).exists()
    assert (
        Assessment.objects.get(status="returned").returned_items.filter(resolved_at__isnull=True).count() == 2
    )


def assert_demo_surveys_have_thousands_of_responses_and_feed_the_lke(demo):
    from zona.assessments.models import Answer
    from zona.surveys.models import Campaign, Response

    assert Response.objects.count() >= 3000
    assert Campaign.objects.filter(status="open").exists()
    assert Campaign.objects.filter(published_at__isnull=False).count() >= 3
    fed = Answer.objects.filter(
        assessment__unit__slug="kec-manggar", stage__isnull=True, item_code__in=["B.I.a", "B.II.a"]
    )
    assert fed.count() == 2 and all(0 < a.value <= 4 for a in fed)


def assert_demo_unit_can_carry_its_2014_lke_over(demo, client):
    from django.urls import reverse

    from zona.assessments.models import Answer, Assessment
    from zona.assessments.selectors.carryover import carryover_preview, carryover_source

    earlier = Assessment.objects.get(period__year=2020, unit__slug="kec-manggar")
    assert earlier.period.framework.code == "permenpanrb-52-2014" and earlier.status == "final"
    assert earlier.answers.filter(stage__isnull=True).count() == 84
    assert earlier.final_result["tpi"]["total"] > 0
    draft = Assessment.objects.get(period__framework__code="permenpanrb-90-2021", unit__slug="kec-manggar")
    assert draft.status == "draft" and carryover_source(draft) == earlier
    preview = carryover_preview(source=earlier, target=draft)
    assert preview.answers and preview.kept and preview.anew and preview.evidence_count
    assert preview.source_layer == "jawaban akhir setelah reviu TPI"
    client.force_login(_user("operator-kec-manggar"))
    before = Answer.objects.filter(assessment=draft).count()
    page = client.get(reverse("assessments:carryover", kwargs={"pk": draft.pk}))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Penilaian Mandiri ZI 2020 (PermenPANRB 52/2014)" in body
    assert f"Salin {len(preview.answers)} jawaban dan data dukungnya ke draf" in body
    assert Answer.objects.filter(assessment=draft).count() == before
    client.force_login(_user("operator-dukcapil"))
    assert client.get(reverse("assessments:carryover", kwargs={"pk": draft.pk})).status_code == 404


def _user(username):
    return User.objects.get(username=username)


def test_demo_regency_is_complete_and_alive(demo, client):
    """One demo load, every read-only promise checked (the load is the slow part)."""
    assert_demo_regency_has_the_promised_shape(demo)
    assert_demo_users_for_every_role_log_in_with_the_configured_password(demo, client)
    assert_demo_has_assessments_at_every_stage_and_a_final_lhe_ready(demo)
    assert_demo_surveys_have_thousands_of_responses_and_feed_the_lke(demo)
    assert_demo_unit_can_carry_its_2014_lke_over(demo, client)
    assert_demo_calendar_has_its_labelled_example_day(demo, client)


def assert_demo_calendar_has_its_labelled_example_day(demo, client):
    from zona.calendar.models import CutiBersama
    from zona.demo.regency import DEMO_DAY_OFF

    entry = CutiBersama.objects.get(instansi__slug="beltim", name=DEMO_DAY_OFF)
    assert "bukan keputusan sungguhan" in entry.decree
    client.force_login(_user("koordinator"))
    page = client.get("/kalender/", {"tahun": entry.date.year}).content.decode()
    assert DEMO_DAY_OFF in page
