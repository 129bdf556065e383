from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import make_unit
from zona.audit.models import AuditEvent
from zona.teams.models import TeamMember, ZiTeam
from zona.units.models import ServiceType, Unit
from zona.units.selectors import current_year

pytestmark = pytest.mark.django_db


def body(response) -> str:
    return response.content.decode()


def unit_post(**overrides) -> dict[str, str]:
    data = {
        "name": "Puskesmas Manggar",
        "kind": Unit.Kind.PUSKESMAS,
        "parent": "",
        "head_name": "dr. Siti Aminah",
        "head_title": "Kepala Puskesmas",
        "serves_public": "on",
        "address": "Jl. Jenderal Sudirman, Manggar",
        "service_types": "Pemeriksaan umum\nImunisasi\n\nimunisasi\n",
    }
    data.update(overrides)
    return data


# --- dashboard (home and /unit/) -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "shown", "hidden"),
    [
        ("operator_a", ["unit_a", "unit_a1"], ["unit_b", "unit_c"]),
        ("other_koordinator", ["unit_c"], ["unit_a", "unit_a1", "unit_b"]),
        ("pengawas", ["unit_b"], ["unit_a", "unit_a1", "unit_c"]),
        ("koordinator", ["unit_a", "unit_a1", "unit_b"], ["unit_c"]),
    ],
)
def test_home_dashboard_shows_only_visible_units(client, regency, who, shown, hidden):
    client.force_login(getattr(regency, who))
    page = body(client.get("/"))
    for attr in shown:
        unit = getattr(regency, attr)
        assert unit.name in page
        assert reverse("units:detail", kwargs={"pk": unit.pk}) in page
    for attr in hidden:
        assert getattr(regency, attr).name not in page
    assert f"Menampilkan {len(shown)} dari {len(shown)} unit kerja." in page
    assert "Belum ada penilaian" in page


def test_unit_list_page_filters_and_sorts_by_get_parameters(client, regency):
    client.force_login(regency.koordinator)
    page = body(client.get("/unit/", {"q": "gantung"}))
    assert regency.unit_b.name in page and regency.unit_a.name not in page
    assert "Menampilkan 1 dari 3 unit kerja." in page
    page = body(client.get("/unit/", {"serves_public": "ya", "sort": "-name"}))
    assert regency.unit_b.name not in page
    assert page.index(regency.unit_a1.name) < page.index(regency.unit_a.name)
    page = body(client.get("/unit/", {"kind": "bukan-jenis"}))
    assert "Menampilkan 3 dari 3 unit kerja." in page  # an invalid filter is ignored, not a 500
    page = body(client.get("/unit/", {"q": "zzz"}))
    assert "Tidak ada unit kerja yang cocok" in page


def test_empty_dashboard_tells_the_coordinator_to_add_a_unit(client, regency):
    Unit.objects.filter(instansi=regency.other_instansi).update(instansi=regency.instansi)
    client.force_login(regency.other_koordinator)
    page = body(client.get("/"))
    assert "Belum ada unit kerja" in page and reverse("units:create") in page


def test_empty_dashboard_tells_others_to_contact_the_coordinator(client, regency):
    client.force_login(regency.nobody)
    page = body(client.get("/"))
    assert "Hubungi koordinator" in page and reverse("units:create") not in page


def _many_units(regency, count: int) -> None:
    year = current_year()
    parent = regency.unit_a
    for i in range(count):
        unit = make_unit(regency.instansi, f"Unit uji {i:03d}", parent=parent if i % 3 else None)
        if i % 2:
            team = ZiTeam.objects.create(unit=unit, year=year, sk_number=f"SK/{i}")
            TeamMember.objects.bulk_create(
                [
                    TeamMember(
                        team=team, name=f"Ketua {i}", team_role=TeamMember.TeamRole.KETUA, areas=[1, 2]
                    ),
                    TeamMember(
                        team=team, name=f"Anggota {i}", team_role=TeamMember.TeamRole.ANGGOTA, areas=[3]
                    ),
                ]
            )
        if i % 5 == 0:
            regency.tpi_team.units.add(unit)


def _home_queries(client, user) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/")
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_home_dashboard_costs_a_constant_number_of_queries(client, regency):
    _many_units(regency, 5)
    few = _home_queries(client, regency.koordinator)
    _many_units_more = 195
    for i in range(_many_units_more):
        make_unit(regency.instansi, f"Unit banyak {i:03d}", parent=regency.unit_b if i % 2 else None)
    year = current_year()
    for unit in Unit.objects.filter(name__startswith="Unit banyak")[:100]:
        team = ZiTeam.objects.create(unit=unit, year=year)
        TeamMember.objects.create(team=team, name="Ketua", team_role=TeamMember.TeamRole.KETUA, areas=[1])
    client.logout()
    many = _home_queries(client, regency.koordinator)
    assert Unit.objects.filter(instansi=regency.instansi).count() == 203
    assert many <= few
    assert "Unit banyak 194" in body(client.get("/"))


def test_home_dashboard_stays_within_a_fixed_query_budget(client, regency, django_assert_max_num_queries):
    _many_units(regency, 30)
    client.force_login(regency.koordinator)
    with django_assert_max_num_queries(15):
        assert client.get("/").status_code == 200


# --- create ------------------------------------------------------------------------------------------------


def test_coordinator_creates_a_unit_with_service_types_and_it_is_audited(client, regency):
    client.force_login(regency.koordinator)
    assert client.get("/unit/baru/").status_code == 200
    response = client.post("/unit/baru/", unit_post(parent=str(regency.unit_a.pk)))
    unit = Unit.objects.get(name="Puskesmas Manggar")
    assert response.status_code == 302 and response["Location"] == reverse(
        "units:detail", kwargs={"pk": unit.pk}
    )
    assert unit.instansi == regency.instansi and unit.parent == regency.unit_a
    assert unit.path.startswith(regency.unit_a.path) and unit.serves_public
    assert unit.head_name == "dr. Siti Aminah"
    assert sorted(ServiceType.objects.filter(unit=unit).values_list("name", flat=True)) == [
        "Imunisasi",
        "Pemeriksaan umum",
    ]
    created = AuditEvent.objects.get(event="unit.created", object_id=str(unit.pk))
    assert created.actor == regency.koordinator
    assert created.changes["name"] == [None, "Puskesmas Manggar"]
    assert AuditEvent.objects.filter(event="unit.service_types", object_id=str(unit.pk)).exists()


def test_create_form_shows_indonesian_errors_and_writes_nothing(client, regency):
    client.force_login(regency.koordinator)
    before = Unit.objects.count()
    response = client.post("/unit/baru/", unit_post(name="  ", kind=""))
    page = body(response)
    assert response.status_code == 200
    assert "Kolom ini wajib diisi." in page or "Nama unit wajib diisi." in page
    assert 'aria-invalid="true"' in page
    assert Unit.objects.count() == before


def test_create_refuses_a_parent_from_another_instansi(client, regency):
    client.force_login(regency.koordinator)
    response = client.post("/unit/baru/", unit_post(parent=str(regency.unit_c.pk)))
    assert response.status_code == 200
    assert "Pilihan tidak tersedia" in body(response)
    assert not Unit.objects.filter(name="Puskesmas Manggar").exists()


@pytest.mark.parametrize("who", ["operator_a", "ketua_a", "pimpinan", "evaluator", "pengawas"])
def test_non_coordinators_get_403_on_create(client, regency, who):
    client.force_login(getattr(regency, who))
    assert client.get("/unit/baru/").status_code == 403
    response = client.post("/unit/baru/", unit_post())
    assert response.status_code == 403
    assert "tidak berwenang" in body(response)
    assert not Unit.objects.filter(name="Puskesmas Manggar").exists()


def test_anonymous_is_sent_to_login(client, regency):
    response = client.get("/unit/baru/")
    assert response.status_code == 302 and "next=/unit/baru/" in response["Location"]


# --- detail ------------------------------------------------------------------------------------------------


def test_detail_shows_the_units_data_tree_team_and_tpi(client, regency):
    client.force_login(regency.operator_a)
    page = body(client.get(f"/unit/{regency.unit_a.pk}/"))
    assert regency.unit_a.name in page
    assert regency.unit_a1.name in page  # child
    assert regency.tpi_team.name in page
    assert "Belum ada tim" in page
    assert "Belum ditetapkan" in page  # stage
    assert reverse("units:update", kwargs={"pk": regency.unit_a.pk}) not in page  # operator may not edit


def test_detail_of_a_child_links_to_its_visible_parent(client, regency):
    client.force_login(regency.koordinator)
    page = body(client.get(f"/unit/{regency.unit_a1.pk}/"))
    assert reverse("units:detail", kwargs={"pk": regency.unit_a.pk}) in page
    assert reverse("units:update", kwargs={"pk": regency.unit_a1.pk}) in page


@pytest.mark.parametrize(
    ("who", "unit"),
    [
        ("operator_b", "unit_a"),
        ("other_koordinator", "unit_a"),
        ("pengawas", "unit_a"),
        ("operator_a", "unit_b"),
    ],
)
def test_detail_of_an_invisible_unit_is_404(client, regency, who, unit):
    client.force_login(getattr(regency, who))
    response = client.get(f"/unit/{getattr(regency, unit).pk}/")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in body(response)


def test_detail_of_a_missing_unit_is_404(client, regency):
    client.force_login(regency.koordinator)
    assert client.get("/unit/999999/").status_code == 404


# --- update ------------------------------------------------------------------------------------------------


def test_coordinator_updates_a_unit_and_it_is_audited(client, regency):
    client.force_login(regency.koordinator)
    page = body(client.get(f"/unit/{regency.unit_b.pk}/ubah/"))
    assert 'value="Kecamatan Gantung"' in page
    response = client.post(
        f"/unit/{regency.unit_b.pk}/ubah/",
        unit_post(name="Kecamatan Gantung Baru", kind=Unit.Kind.KECAMATAN, parent=str(regency.unit_a.pk)),
    )
    assert response.status_code == 302
    unit = Unit.objects.get(pk=regency.unit_b.pk)
    assert unit.name == "Kecamatan Gantung Baru" and unit.parent == regency.unit_a
    assert unit.path.startswith(regency.unit_a.path)
    event = AuditEvent.objects.get(event="unit.updated", object_id=str(unit.pk))
    assert event.changes["name"] == ["Kecamatan Gantung", "Kecamatan Gantung Baru"]


@pytest.mark.parametrize("target", ["unit_a", "unit_a1"])
def test_update_refuses_a_parent_inside_the_units_own_subtree(client, regency, target):
    client.force_login(regency.koordinator)
    unit_a = regency.unit_a
    before = Unit.objects.values().get(pk=unit_a.pk)
    audit_count = AuditEvent.objects.count()
    response = client.post(
        f"/unit/{unit_a.pk}/ubah/",
        unit_post(name="Nama baru", kind=unit_a.kind, parent=str(getattr(regency, target).pk)),
    )
    assert response.status_code == 200
    assert "tidak dapat dipindah ke bawah dirinya sendiri" in body(response)
    after = Unit.objects.values().get(pk=unit_a.pk)
    assert after == before
    assert Unit.objects.get(pk=regency.unit_a1.pk).path == regency.unit_a1.path
    assert AuditEvent.objects.count() == audit_count


@pytest.mark.parametrize(
    ("who", "status"),
    [("operator_a", 403), ("ketua_a", 403), ("operator_b", 404), ("other_koordinator", 404)],
)
def test_update_is_for_the_coordinator_only(client, regency, who, status):
    client.force_login(getattr(regency, who))
    assert client.get(f"/unit/{regency.unit_a.pk}/ubah/").status_code == status
    response = client.post(f"/unit/{regency.unit_a.pk}/ubah/", unit_post(name="Diretas"))
    assert response.status_code == status
    assert Unit.objects.get(pk=regency.unit_a.pk).name == regency.unit_a.name
