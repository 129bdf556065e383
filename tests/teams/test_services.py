from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.teams.helpers import PDF_BYTES, PNG_BYTES, add, make_team, pdf
from zona.audit.models import AuditEvent
from zona.documents.models import Blob, Document
from zona.teams import services
from zona.teams.models import ChangeAgent, TeamMember, ZiTeam
from zona.teams.selectors import team_status

pytestmark = pytest.mark.django_db

Role = TeamMember.TeamRole


def last_event(event: str) -> AuditEvent:
    return AuditEvent.objects.filter(event=event).order_by("-seq").first()


# --- team -----------------------------------------------------------------------------------------


def test_team_save_creates_the_team_of_a_year_and_audits_the_new_values(regency):
    team = make_team(regency)
    assert (team.unit, team.year, team.sk_number) == (regency.unit_a, 2024, "800/12/DUKCAPIL/2024")
    event = last_event("team.created")
    assert event.actor == regency.operator_a
    assert event.unit_id == regency.unit_a.pk and event.object_id == str(team.pk)
    assert event.changes["sk_number"] == [None, "800/12/DUKCAPIL/2024"]
    assert event.changes["sk_date"] == [None, "2024-01-15"]


def test_team_save_twice_updates_the_same_team_and_audits_old_and_new(regency):
    team = make_team(regency)
    again = services.team_save(
        unit=regency.unit_a, year=2024, sk_number="800/99/2024", sk_date=None, actor=regency.ketua_a
    )
    assert again.pk == team.pk and ZiTeam.objects.filter(unit=regency.unit_a).count() == 1
    event = last_event("team.updated")
    assert event.actor == regency.ketua_a
    assert event.changes == {
        "sk_number": ["800/12/DUKCAPIL/2024", "800/99/2024"],
        "sk_date": ["2024-01-15", None],
    }


def test_team_save_stores_the_sk_pdf_as_an_sk_tim_document(regency):
    team = services.team_save(
        unit=regency.unit_a,
        year=2024,
        sk_number="1/2024",
        sk_date=dt.date(2024, 2, 1),
        sk_file=pdf(),
        actor=regency.operator_a,
    )
    document = team.sk_document
    assert document.kind == Document.Kind.SK_TIM
    assert document.unit == regency.unit_a and document.instansi == regency.instansi
    assert document.blob.file.read() == PDF_BYTES
    assert last_event("team.created").changes["sk_document_id"] == [None, document.pk]


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("sk-tim.pdf", PNG_BYTES, content_type="application/pdf"),
        SimpleUploadedFile("sk-tim.png", PNG_BYTES, content_type="image/png"),
        SimpleUploadedFile("sk-tim.docx", b"PK\x03\x04" + b"\x00" * 40, content_type="application/msword"),
    ],
    ids=["png-named-pdf", "png", "docx"],
)
def test_a_non_pdf_sk_is_refused_and_nothing_is_written(regency, upload):
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as info:
        services.team_save(
            unit=regency.unit_a,
            year=2024,
            sk_number="1/2024",
            sk_date=dt.date(2024, 2, 1),
            sk_file=upload,
            actor=regency.operator_a,
        )
    assert "sk_file" in info.value.message_dict
    assert not ZiTeam.objects.exists()
    assert not Document.objects.exists() and not Blob.objects.exists()
    assert AuditEvent.objects.count() == events


def test_a_non_pdf_sk_leaves_an_existing_team_unchanged(regency):
    team = make_team(regency)
    with pytest.raises(ValidationError):
        services.team_save(
            unit=regency.unit_a,
            year=2024,
            sk_number="changed",
            sk_date=None,
            sk_file=SimpleUploadedFile("sk.pdf", PNG_BYTES),
            actor=regency.operator_a,
        )
    team.refresh_from_db()
    assert team.sk_number == "800/12/DUKCAPIL/2024" and team.sk_document is None


def test_an_sk_date_in_the_future_is_refused(regency):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as info:
        services.team_save(
            unit=regency.unit_a, year=tomorrow.year, sk_number="1", sk_date=tomorrow, actor=regency.operator_a
        )
    assert info.value.message_dict["sk_date"] == ["Tanggal SK tidak boleh di masa depan."]
    assert not ZiTeam.objects.exists()


@pytest.mark.parametrize("year", [2013, "next+1", "dua ribu", None])
def test_a_year_outside_2014_to_next_year_is_refused(regency, year):
    if year == "next+1":
        year = timezone.localdate().year + 2
    with pytest.raises(ValidationError) as info:
        services.team_save(
            unit=regency.unit_a, year=year, sk_number="", sk_date=None, actor=regency.operator_a
        )
    assert "year" in info.value.message_dict
    assert not ZiTeam.objects.exists()


def test_next_year_and_2014_are_accepted(regency):
    for year in (2014, timezone.localdate().year + 1):
        services.team_save(
            unit=regency.unit_a, year=year, sk_number="", sk_date=None, actor=regency.operator_a
        )
    assert ZiTeam.objects.filter(unit=regency.unit_a).count() == 2


# --- members --------------------------------------------------------------------------------------


def test_members_are_added_with_their_areas_and_audited(regency):
    team = make_team(regency)
    ketua = add(team, regency.operator_a, "Rina Ketua", "198001012005012001", Role.KETUA, areas=[1])
    member = add(team, regency.operator_a, "Budi", " 1985 0202 2010 011002 ", areas=["3", 2, 2])
    assert ketua.team_role == Role.KETUA and ketua.areas == [1]
    assert member.nip == "198502022010011002" and member.areas == [2, 3]
    event = last_event("team.member_added")
    assert event.object_id == str(member.pk) and event.unit_id == regency.unit_a.pk
    assert event.changes["name"] == [None, "Budi"]
    assert event.changes["areas"] == [None, [2, 3]]


def test_a_duplicate_nip_in_the_same_team_is_refused(regency):
    team = make_team(regency)
    add(team, regency.operator_a, "Budi", "198502022010011002")
    with pytest.raises(ValidationError) as info:
        add(team, regency.operator_a, "Budi Lagi", "1985 0202 2010 011002")
    assert "198502022010011002" in info.value.message_dict["nip"][0]
    assert team.members.count() == 1


def test_the_same_nip_in_another_years_team_is_fine(regency):
    add(make_team(regency, year=2023), regency.operator_a, "Budi", "198502022010011002")
    add(make_team(regency, year=2024), regency.operator_a, "Budi", "198502022010011002")
    assert TeamMember.objects.filter(nip="198502022010011002").count() == 2


def test_members_without_nip_do_not_collide(regency):
    team = make_team(regency)
    add(team, regency.operator_a, "Honorer Satu")
    add(team, regency.operator_a, "Honorer Dua")
    assert team.members.count() == 2


def test_a_nip_with_letters_is_refused(regency):
    with pytest.raises(ValidationError) as info:
        add(make_team(regency), regency.operator_a, "Budi", "19850202X")
    assert info.value.message_dict["nip"] == ["NIP hanya boleh berisi angka."]


def test_a_second_ketua_is_refused_but_the_ketua_may_be_edited(regency):
    team = make_team(regency)
    ketua = add(team, regency.operator_a, "Rina", role=Role.KETUA)
    with pytest.raises(ValidationError) as info:
        add(team, regency.operator_a, "Sari", role=Role.KETUA)
    assert "satu ketua" in info.value.message_dict["team_role"][0]
    services.member_update(
        member=ketua, name="Rina S.", team_role=Role.KETUA, areas=[1, 2], actor=regency.operator_a
    )
    other = add(team, regency.operator_a, "Sari")
    with pytest.raises(ValidationError):
        services.member_update(member=other, name="Sari", team_role=Role.KETUA, actor=regency.operator_a)
    assert team.members.filter(team_role=Role.KETUA).count() == 1


@pytest.mark.parametrize("areas", [[0], [7], [1, 7], ["x"], [None]])
def test_areas_outside_1_to_6_are_refused(regency, areas):
    team = make_team(regency)
    with pytest.raises(ValidationError) as info:
        add(team, regency.operator_a, "Budi", areas=areas)
    assert "areas" in info.value.message_dict
    assert not team.members.exists()


def test_an_empty_name_without_a_linked_user_is_refused(regency):
    with pytest.raises(ValidationError) as info:
        add(make_team(regency), regency.operator_a, "   ")
    assert info.value.message_dict["name"] == ["Nama anggota wajib diisi."]


def test_a_member_may_be_linked_to_a_user_with_a_role_in_the_instansi(regency):
    regency.anggota_a.nip = "199001012015011001"
    regency.anggota_a.save()
    member = add(make_team(regency), regency.operator_a, "", user=regency.anggota_a)
    assert member.user == regency.anggota_a
    assert member.name == regency.anggota_a.full_name and member.nip == "199001012015011001"


@pytest.mark.parametrize("who", ["nobody", "other_koordinator"])
def test_a_user_without_a_role_in_the_instansi_cannot_be_linked(regency, who):
    team = make_team(regency)
    with pytest.raises(ValidationError) as info:
        add(team, regency.operator_a, "Orang Luar", user=getattr(regency, who))
    assert "user" in info.value.message_dict
    assert not team.members.exists()


def test_the_same_user_cannot_be_linked_twice_in_a_team(regency):
    team = make_team(regency)
    add(team, regency.operator_a, "Anggota A", user=regency.anggota_a)
    with pytest.raises(ValidationError) as info:
        add(team, regency.operator_a, "Anggota A lagi", user=regency.anggota_a)
    assert "user" in info.value.message_dict


def test_member_update_and_remove_are_audited_with_old_and_new(regency):
    team = make_team(regency)
    member = add(team, regency.operator_a, "Budi", "198502022010011002", areas=[2])
    services.member_update(
        member=member,
        name="Budi Santoso",
        nip="198502022010011002",
        position="Kepala Seksi",
        team_role=Role.KOORDINATOR_AREA,
        areas=[2, 4],
        actor=regency.ketua_a,
    )
    changes = last_event("team.member_updated").changes
    assert changes["name"] == ["Budi", "Budi Santoso"]
    assert changes["position"] == ["Staf", "Kepala Seksi"]
    assert changes["team_role"] == [Role.ANGGOTA, Role.KOORDINATOR_AREA]
    assert changes["areas"] == [[2], [2, 4]]
    assert "nip" not in changes
    member_pk = member.pk
    services.member_remove(member=member, actor=regency.operator_a)
    assert not TeamMember.objects.filter(pk=member_pk).exists()
    removed = last_event("team.member_removed")
    assert removed.object_id == str(member_pk) and removed.unit_id == regency.unit_a.pk
    assert removed.changes["name"] == ["Budi Santoso", None]
    assert removed.changes["areas"] == [[2, 4], None]


def test_a_refused_update_changes_nothing(regency):
    team = make_team(regency)
    member = add(team, regency.operator_a, "Budi", areas=[2])
    with pytest.raises(ValidationError):
        services.member_update(
            member=member, name="Budi", team_role=Role.ANGGOTA, areas=[9], actor=regency.operator_a
        )
    member.refresh_from_db()
    assert member.areas == [2]
    assert not AuditEvent.objects.filter(event="team.member_updated").exists()


# --- status ---------------------------------------------------------------------------------------


def test_team_status_is_complete_once_sk_ketua_and_all_six_areas_are_covered(regency):
    assert team_status(None, []).complete is False
    team = services.team_save(
        unit=regency.unit_a, year=2024, sk_number="", sk_date=None, actor=regency.operator_a
    )
    status = team_status(team, team.members.all())
    assert not status.complete and len(status.missing) == 3
    ketua = add(team, regency.operator_a, "Rina", role=Role.KETUA, areas=[1])
    add(team, regency.operator_a, "Budi", areas=[2, 3, 4])
    status = team_status(team, team.members.all())
    assert status.missing == ["Nomor SK tim belum diisi", "Area tanpa penanggung jawab: 5, 6"]
    add(team, regency.operator_a, "Sari", areas=[5, 6])
    assert team_status(team, team.members.all()).missing == ["Nomor SK tim belum diisi"]
    team = make_team(regency)
    status = team_status(team, team.members.all())
    assert status.complete and status.missing == []
    services.member_update(
        member=ketua, name="Rina", team_role=Role.ANGGOTA, areas=[1], actor=regency.operator_a
    )
    assert team_status(team, team.members.all()).missing == ["Ketua tim belum ditunjuk"]


# --- change agents --------------------------------------------------------------------------------


def agent(regency, name="Dewi", nip="199203032019032001", year=2024, **kwargs):
    return services.agent_add(
        unit=regency.unit_a,
        year=year,
        name=name,
        nip=nip,
        position=kwargs.get("position", "Pengelola Layanan"),
        sk_number=kwargs.get("sk_number", "800/5/2024"),
        commitments=kwargs.get("commitments", "Layanan KTP selesai dalam 1 hari."),
        actor=regency.operator_a,
    )


def test_change_agents_are_added_with_their_commitments_and_audited(regency):
    added = agent(regency)
    assert (added.unit, added.year, added.commitments) == (
        regency.unit_a,
        2024,
        "Layanan KTP selesai dalam 1 hari.",
    )
    changes = last_event("team.agent_added").changes
    assert changes["name"] == [None, "Dewi"] and changes["year"] == [None, 2024]


def test_a_duplicate_agent_nip_in_the_same_unit_and_year_is_refused(regency):
    agent(regency)
    with pytest.raises(ValidationError) as info:
        agent(regency, name="Dewi Lagi")
    assert "2024" in info.value.message_dict["nip"][0]
    agent(regency, year=2023)
    services.agent_add(
        unit=regency.unit_b, year=2024, name="Dewi", nip="199203032019032001", actor=regency.koordinator
    )
    assert ChangeAgent.objects.filter(nip="199203032019032001").count() == 3


def test_agent_year_and_name_are_checked(regency):
    with pytest.raises(ValidationError) as info:
        agent(regency, year=2010)
    assert "year" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        agent(regency, name=" ")
    assert "name" in info.value.message_dict
    assert not ChangeAgent.objects.exists()


def test_agent_update_and_remove_are_audited_with_old_and_new(regency):
    added = agent(regency)
    other = agent(regency, name="Eko", nip="199404042020041001")
    with pytest.raises(ValidationError):
        services.agent_update(agent=other, name="Eko", nip="199203032019032001", actor=regency.operator_a)
    services.agent_update(
        agent=added,
        name="Dewi",
        nip="199203032019032001",
        position="Pengelola Layanan",
        sk_number="800/5/2024",
        commitments="Layanan KTP selesai dalam 2 jam.",
        actor=regency.ketua_a,
    )
    changes = last_event("team.agent_updated").changes
    assert changes == {
        "commitments": ["Layanan KTP selesai dalam 1 hari.", "Layanan KTP selesai dalam 2 jam."]
    }
    services.agent_remove(agent=added, actor=regency.operator_a)
    assert list(ChangeAgent.objects.values_list("name", flat=True)) == ["Eko"]
    assert last_event("team.agent_removed").changes["name"] == ["Dewi", None]
