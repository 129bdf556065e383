from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.teams.helpers import PNG_BYTES, add, make_team, pdf
from zona.audit.models import AuditEvent
from zona.documents.models import Document
from zona.teams import services
from zona.teams.models import ChangeAgent, TeamMember, ZiTeam

pytestmark = pytest.mark.django_db

Role = TeamMember.TeamRole


def url(name: str, unit, year: int | None = None, **kwargs) -> str:
    address = reverse(f"teams:{name}", kwargs={"unit_pk": unit.pk, **kwargs})
    return f"{address}?tahun={year}" if year else address


def member_data(**overrides):
    data = {
        "name": "Budi Santoso",
        "nip": "198502022010011002",
        "position": "Kepala Seksi",
        "team_role": Role.KOORDINATOR_AREA,
        "areas": ["2", "3"],
        "user": "",
    }
    data.update(overrides)
    return data


# --- reading --------------------------------------------------------------------------------------


def test_the_page_shows_members_with_area_names_and_what_is_missing(client, regency):
    team = make_team(regency)
    add(team, regency.operator_a, "Rina Ketua", role=Role.KETUA, areas=[1])
    add(team, regency.operator_a, "Budi Pokja", areas=[2, 6])
    services.agent_add(
        unit=regency.unit_a,
        year=2024,
        name="Dewi Agen",
        commitments="Antrian daring.",
        actor=regency.operator_a,
    )
    client.force_login(regency.operator_a)
    response = client.get(url("detail", regency.unit_a, 2024))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Rina Ketua" in body and "Budi Pokja" in body
    assert "2. Penataan Tatalaksana" in body and "6. Peningkatan Kualitas Pelayanan Publik" in body
    assert "Belum lengkap" in body
    assert "Area tanpa penanggung jawab: 3, 4, 5" in body
    assert "Ketua tim belum ditunjuk" not in body
    assert "Dewi Agen" in body and "Antrian daring." in body
    assert url("member_add", regency.unit_a, 2024) in body


def test_a_year_without_a_team_says_what_to_do_next(client, regency):
    client.force_login(regency.operator_a)
    body = client.get(url("detail", regency.unit_a, 2024)).content.decode()
    assert "Tim ZI belum dibentuk" in body
    assert url("team_edit", regency.unit_a, 2024) in body
    assert "Belum ada agen perubahan untuk tahun 2024" in body


def test_an_invalid_year_on_the_page_falls_back_to_this_year_with_a_warning(client, regency):
    client.force_login(regency.operator_a)
    response = client.get(reverse("teams:detail", kwargs={"unit_pk": regency.unit_a.pk}) + "?tahun=abc")
    assert response.status_code == 200
    assert "Tahun abc tidak valid" in response.content.decode()


def test_the_evaluator_can_view_unit_a_read_only(client, regency):
    team = make_team(regency)
    member = add(team, regency.operator_a, "Rina Ketua", role=Role.KETUA)
    client.force_login(regency.evaluator)
    response = client.get(url("detail", regency.unit_a, 2024))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Rina Ketua" in body
    assert url("member_add", regency.unit_a, 2024) not in body
    assert url("member_edit", regency.unit_a, member_pk=member.pk) not in body
    assert client.post(url("member_add", regency.unit_a, 2024), member_data()).status_code == 403
    assert client.post(url("member_remove", regency.unit_a, member_pk=member.pk)).status_code == 403
    assert TeamMember.objects.filter(pk=member.pk).exists()


@pytest.mark.parametrize("who", ["anggota_a", "pimpinan", "evaluator"])
def test_read_only_roles_get_403_on_every_change(client, regency, who):
    team = make_team(regency)
    member = add(team, regency.operator_a, "Budi")
    agent = services.agent_add(unit=regency.unit_a, year=2024, name="Dewi", actor=regency.operator_a)
    client.force_login(getattr(regency, who))
    assert client.get(url("detail", regency.unit_a, 2024)).status_code == 200
    attempts = [
        ("get", url("team_edit", regency.unit_a, 2024)),
        ("post", url("team_edit", regency.unit_a, 2024)),
        ("get", url("member_add", regency.unit_a, 2024)),
        ("post", url("member_add", regency.unit_a, 2024)),
        ("get", url("member_edit", regency.unit_a, member_pk=member.pk)),
        ("post", url("member_remove", regency.unit_a, member_pk=member.pk)),
        ("get", url("agent_add", regency.unit_a, 2024)),
        ("get", url("agent_edit", regency.unit_a, agent_pk=agent.pk)),
        ("post", url("agent_remove", regency.unit_a, agent_pk=agent.pk)),
    ]
    for method, address in attempts:
        assert getattr(client, method)(address).status_code == 403, address
    assert team.members.count() == 1 and ChangeAgent.objects.count() == 1


def test_anggota_a_gets_403_on_add_and_nothing_is_written(client, regency):
    make_team(regency)
    client.force_login(regency.anggota_a)
    response = client.post(url("member_add", regency.unit_a, 2024), member_data())
    assert response.status_code == 403
    assert not TeamMember.objects.exists()
    denial = AuditEvent.objects.filter(event="access.denied").latest("seq")
    assert denial.actor == regency.anggota_a and denial.unit_id == regency.unit_a.pk


def test_operator_b_gets_404_on_unit_a_team_pages(client, regency):
    team = make_team(regency)
    member = add(team, regency.operator_a, "Budi")
    agent = services.agent_add(unit=regency.unit_a, year=2024, name="Dewi", actor=regency.operator_a)
    client.force_login(regency.operator_b)
    for address in [
        url("detail", regency.unit_a, 2024),
        url("team_edit", regency.unit_a, 2024),
        url("member_add", regency.unit_a, 2024),
        url("member_edit", regency.unit_a, member_pk=member.pk),
        url("agent_add", regency.unit_a, 2024),
        url("agent_edit", regency.unit_a, agent_pk=agent.pk),
    ]:
        assert client.get(address).status_code == 404, address
    assert client.post(url("member_add", regency.unit_a, 2024), member_data()).status_code == 404
    assert client.post(url("member_remove", regency.unit_a, member_pk=member.pk)).status_code == 404
    assert client.get(url("detail", regency.unit_b)).status_code == 200
    assert team.members.count() == 1


def test_the_pengawas_sees_only_the_published_unit_and_cannot_change_it(client, regency):
    client.force_login(regency.pengawas)
    assert client.get(url("detail", regency.unit_a)).status_code == 404
    assert client.get(url("detail", regency.unit_b)).status_code == 200
    assert client.get(url("team_edit", regency.unit_b)).status_code == 403


def test_a_member_or_agent_of_unit_a_via_unit_b_url_is_404(client, regency):
    team = make_team(regency)
    member = add(team, regency.operator_a, "Budi")
    agent = services.agent_add(unit=regency.unit_a, year=2024, name="Dewi", actor=regency.operator_a)
    client.force_login(regency.koordinator)  # may change both units
    assert client.get(url("member_edit", regency.unit_a, member_pk=member.pk)).status_code == 200
    assert client.get(url("member_edit", regency.unit_b, member_pk=member.pk)).status_code == 404
    assert (
        client.post(url("member_edit", regency.unit_b, member_pk=member.pk), member_data()).status_code == 404
    )
    assert client.post(url("member_remove", regency.unit_b, member_pk=member.pk)).status_code == 404
    assert client.get(url("agent_edit", regency.unit_b, agent_pk=agent.pk)).status_code == 404
    assert client.post(url("agent_remove", regency.unit_b, agent_pk=agent.pk)).status_code == 404
    assert (
        TeamMember.objects.filter(pk=member.pk).exists() and ChangeAgent.objects.filter(pk=agent.pk).exists()
    )


def test_the_page_costs_a_constant_number_of_queries(client, regency):
    team = make_team(regency)
    client.force_login(regency.operator_a)
    add(team, regency.operator_a, "Satu", areas=[1], user=regency.anggota_a)
    services.agent_add(unit=regency.unit_a, year=2024, name="Agen 1", actor=regency.operator_a)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url("detail", regency.unit_a, 2024)).status_code == 200
    add(team, regency.operator_a, "Dua", areas=[2], user=regency.ketua_a)
    for n in range(2, 8):
        add(team, regency.operator_a, f"Anggota {n}", nip=f"1990010120150110{n:02d}", areas=[n % 6 + 1])
        services.agent_add(unit=regency.unit_a, year=2024, name=f"Agen {n}", actor=regency.operator_a)
    with CaptureQueriesContext(connection) as many:
        body = client.get(url("detail", regency.unit_a, 2024)).content.decode()
    assert "Anggota 7" in body and "Agen 7" in body
    assert len(many) == len(few)
    assert len(many) <= 15


# --- changing -------------------------------------------------------------------------------------


def test_operator_a_can_create_the_team_with_an_sk_pdf(client, regency):
    client.force_login(regency.operator_a)
    assert client.get(url("team_edit", regency.unit_a, 2024)).status_code == 200
    response = client.post(
        url("team_edit", regency.unit_a, 2024),
        {"sk_number": "800/12/2024", "sk_date": "2024-01-15", "sk_file": pdf()},
    )
    assert response.status_code == 302
    assert response["Location"] == url("detail", regency.unit_a, 2024)
    team = ZiTeam.objects.get(unit=regency.unit_a, year=2024)
    assert team.sk_number == "800/12/2024" and team.sk_document.kind == Document.Kind.SK_TIM
    assert AuditEvent.objects.filter(event="team.created", actor=regency.operator_a).exists()


def test_a_non_pdf_sk_upload_shows_the_error_and_writes_nothing(client, regency):
    client.force_login(regency.operator_a)
    response = client.post(
        url("team_edit", regency.unit_a, 2024),
        {
            "sk_number": "800/12/2024",
            "sk_date": "2024-01-15",
            "sk_file": SimpleUploadedFile("sk.pdf", PNG_BYTES, content_type="application/pdf"),
        },
    )
    assert response.status_code == 200
    assert "bukan PDF yang sebenarnya" in response.content.decode()
    assert not ZiTeam.objects.exists() and not Document.objects.exists()


def test_a_future_sk_date_is_shown_as_an_error_in_the_form(client, regency):
    client.force_login(regency.ketua_a)
    response = client.post(
        url("team_edit", regency.unit_a, 2024), {"sk_number": "1", "sk_date": "2999-01-01"}
    )
    assert response.status_code == 200
    assert "Tanggal SK tidak boleh di masa depan." in response.content.decode()
    assert not ZiTeam.objects.exists()


def test_a_write_with_an_invalid_year_is_404(client, regency):
    client.force_login(regency.operator_a)
    assert client.get(url("team_edit", regency.unit_a, 1999)).status_code == 404
    assert client.post(url("agent_add", regency.unit_a, 1999), {"name": "X"}).status_code == 404


def test_operator_a_can_add_a_member_to_unit_a(client, regency):
    make_team(regency)
    client.force_login(regency.operator_a)
    form = client.get(url("member_add", regency.unit_a, 2024))
    assert form.status_code == 200
    assert "Penguatan Akuntabilitas" in form.content.decode()
    response = client.post(url("member_add", regency.unit_a, 2024), member_data(user=regency.anggota_a.pk))
    assert response.status_code == 302
    member = TeamMember.objects.get()
    assert (member.name, member.areas, member.user) == ("Budi Santoso", [2, 3], regency.anggota_a)
    assert AuditEvent.objects.filter(event="team.member_added", actor=regency.operator_a).exists()


def test_adding_a_member_before_the_team_exists_leads_to_the_sk_form(client, regency):
    client.force_login(regency.operator_a)
    response = client.get(url("member_add", regency.unit_a, 2024))
    assert response.status_code == 302 and response["Location"] == url("team_edit", regency.unit_a, 2024)


def test_a_second_ketua_is_refused_in_the_form(client, regency):
    team = make_team(regency)
    add(team, regency.operator_a, "Rina", role=Role.KETUA)
    client.force_login(regency.operator_a)
    response = client.post(url("member_add", regency.unit_a, 2024), member_data(team_role=Role.KETUA))
    assert response.status_code == 200
    assert "satu tim hanya boleh satu ketua" in response.content.decode()
    assert team.members.count() == 1


def test_a_user_of_another_instansi_is_not_offered_and_not_accepted(client, regency):
    make_team(regency)
    client.force_login(regency.operator_a)
    body = client.get(url("member_add", regency.unit_a, 2024)).content.decode()
    assert "koordinator-lain" not in body and "anggota-a" in body
    response = client.post(
        url("member_add", regency.unit_a, 2024), member_data(user=regency.other_koordinator.pk)
    )
    assert response.status_code == 200
    assert not TeamMember.objects.exists()


def test_a_member_can_be_edited_and_removed_without_javascript(client, regency):
    team = make_team(regency)
    member = add(team, regency.operator_a, "Budi", areas=[2])
    client.force_login(regency.ketua_a)
    response = client.post(
        url("member_edit", regency.unit_a, member_pk=member.pk), member_data(name="Budi S.", areas=["2", "5"])
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.name == "Budi S." and member.areas == [2, 5]
    assert client.get(url("member_remove", regency.unit_a, member_pk=member.pk)).status_code == 405
    response = client.post(url("member_remove", regency.unit_a, member_pk=member.pk))
    assert response.status_code == 302
    assert not TeamMember.objects.exists()


def test_removing_a_member_with_htmx_returns_the_refreshed_members_section(client, regency):
    team = make_team(regency)
    keep = add(team, regency.operator_a, "Tetap", role=Role.KETUA)
    gone = add(team, regency.operator_a, "Joko Pergi", areas=[4])
    client.force_login(regency.operator_a)
    response = client.post(url("member_remove", regency.unit_a, member_pk=gone.pk), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.startswith('<div id="tim-anggota">')
    assert keep.name in body and "Joko Pergi" not in body and "<html" not in body


def test_change_agents_can_be_added_edited_and_removed(client, regency):
    client.force_login(regency.operator_a)
    response = client.post(
        url("agent_add", regency.unit_a, 2024),
        {
            "name": "Dewi",
            "nip": "199203032019032001",
            "position": "Pengelola",
            "sk_number": "800/5/2024",
            "commitments": "Antrian daring.",
        },
    )
    assert response.status_code == 302
    agent = ChangeAgent.objects.get()
    assert (agent.unit, agent.year) == (regency.unit_a, 2024)
    duplicate = client.post(
        url("agent_add", regency.unit_a, 2024), {"name": "Dewi 2", "nip": "199203032019032001"}
    )
    assert duplicate.status_code == 200 and "sudah ada untuk tahun 2024" in duplicate.content.decode()
    response = client.post(
        url("agent_edit", regency.unit_a, agent_pk=agent.pk),
        {"name": "Dewi", "nip": "199203032019032001", "commitments": "Layanan 1 jam."},
    )
    assert response.status_code == 302
    agent.refresh_from_db()
    assert agent.commitments == "Layanan 1 jam."
    response = client.post(url("agent_remove", regency.unit_a, agent_pk=agent.pk), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Belum ada agen perubahan" in response.content.decode()
    assert not ChangeAgent.objects.exists()


def test_anonymous_users_are_sent_to_login(client, regency):
    response = client.get(url("detail", regency.unit_a))
    assert response.status_code == 302 and "next=" in response["Location"]
