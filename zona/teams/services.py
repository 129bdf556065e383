"""Writing a unit's ZI team (SK, members, pokja areas) and its change agents; every change is audited.

Each service validates everything before it writes, so a refused change leaves nothing behind; the
messages are Indonesian and keyed by the form field they concern.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zona.accounts import permissions
from zona.accounts.models import Role, User
from zona.audit.services import audit_record, diff, snapshot, update_audited
from zona.documents.models import Document
from zona.documents.services import PDF_ONLY, document_store
from zona.units.models import Unit

from .models import AREA_NUMBERS, ChangeAgent, TeamMember, ZiTeam

MIN_YEAR = 2014  # PermenPANRB 52/2014, the first LKE of Zona Integritas
TEAM_FIELDS = ("year", "sk_number", "sk_date", "sk_document_id")
MEMBER_FIELDS = ("name", "nip", "position", "team_role", "areas", "user_id")
AGENT_FIELDS = ("year", "name", "nip", "position", "sk_number", "commitments")


def max_year() -> int:
    return timezone.localdate().year + 1


def year_check(year: Any) -> int:
    """The year as an int within 2014..next year, or a ValidationError on `year`."""
    try:
        value = int(year)
    except (TypeError, ValueError):
        raise ValidationError({"year": _("Tahun tidak valid.")}) from None
    if not MIN_YEAR <= value <= max_year():
        raise ValidationError(
            {"year": _("Tahun harus antara %(min)s dan %(max)s.") % {"min": MIN_YEAR, "max": max_year()}}
        )
    return value


def _clean_text(value: str | None) -> str:
    return " ".join((value or "").split())


def _clean_nip(value: str | None) -> str:
    nip = "".join((value or "").split())
    if nip and not nip.isdigit():
        raise ValidationError({"nip": _("NIP hanya boleh berisi angka.")})
    return nip


def areas_check(areas: Iterable[Any] | None) -> list[int]:
    """Pokja areas as a sorted list of distinct numbers 1–6, or a ValidationError on `areas`."""
    result: set[int] = set()
    for area in areas or []:
        try:
            number = int(area)
        except (TypeError, ValueError):
            number = 0
        if number not in AREA_NUMBERS:
            raise ValidationError({"areas": _("Area harus bernomor 1 sampai 6 (%(area)s).") % {"area": area}})
        result.add(number)
    return sorted(result)


TEAM_PICKER_ROLES = (*permissions.unit_roles(), Role.PIMPINAN.value)


def linkable_users(unit: Unit, actor: Any) -> Any:
    """Users `actor` may link to a member of this unit's team (`permissions.unit_people`).

    The unit's own people: ketua tim, anggota tim, operator and the unit's pimpinan (the kepala unit is
    usually the penanggung jawab) on the unit's line - the unit, the units above it, its UPTs - that the
    actor can see; never koordinator, TPI or pengawas accounts.
    """
    return permissions.unit_people(actor, unit, roles_in=TEAM_PICKER_ROLES)


# --- the team of a year ---------------------------------------------------------------------------


@transaction.atomic
def team_save(
    *,
    unit: Unit,
    year: Any,
    sk_number: str,
    sk_date: dt.date | None,
    sk_file: UploadedFile | None = None,
    actor: Any,
) -> ZiTeam:
    """Create or update the unit's team of `year` (its SK number, date and, optionally, a new SK PDF)."""
    year = year_check(year)
    sk_number = _clean_text(sk_number)
    if len(sk_number) > 120:
        raise ValidationError({"sk_number": _("Nomor SK terlalu panjang.")})
    if sk_date is not None and sk_date > timezone.localdate():
        raise ValidationError({"sk_date": _("Tanggal SK tidak boleh di masa depan.")})
    if sk_date is not None and sk_date.year < MIN_YEAR:
        raise ValidationError({"sk_date": _("Tanggal SK terlalu lampau.")})
    team = ZiTeam.objects.select_for_update().filter(unit=unit, year=year).first()
    old = snapshot(team, TEAM_FIELDS) if team is not None else None
    document = None
    if sk_file is not None:
        try:
            document = document_store(
                instansi=unit.instansi,
                unit=unit,
                uploaded=sk_file,
                kind=Document.Kind.SK_TIM,
                actor=actor,
                title=_("SK Tim ZI %(unit)s %(year)s") % {"unit": unit.name, "year": year},
                allowed=PDF_ONLY,
            )
        except ValidationError as exc:
            raise ValidationError({"sk_file": exc.messages}) from None
    if team is None:
        team = ZiTeam(unit=unit, year=year)
    team.sk_number = sk_number
    team.sk_date = sk_date
    if document is not None:
        team.sk_document = document
    team.save()
    audit_record(
        event="team.created" if old is None else "team.updated",
        actor=actor,
        obj=team,
        changes=diff(old, snapshot(team, TEAM_FIELDS)),
    )
    return team


# --- members --------------------------------------------------------------------------------------


def _member_values(
    *,
    team: ZiTeam,
    member: TeamMember | None,
    name: str,
    nip: str,
    position: str,
    team_role: str,
    areas: Iterable[Any] | None,
    user: User | None,
    actor: Any,
) -> dict[str, Any]:
    """Checked values for a member of `team` (`member` is the one being changed, None when adding)."""
    errors: dict[str, list[str]] = {}
    name = _clean_text(name) or (_clean_text(user.full_name or user.username) if user else "")
    position = _clean_text(position)
    try:
        nip = _clean_nip(nip) or (user.nip if user is not None else "")
        nip = _clean_nip(nip)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        area_list = areas_check(areas)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        area_list = []
    if not name:
        errors["name"] = [_("Nama anggota wajib diisi.")]
    elif len(name) > 150:
        errors["name"] = [_("Nama terlalu panjang (maksimal 150 karakter).")]
    if len(position) > 150:
        errors["position"] = [_("Jabatan terlalu panjang (maksimal 150 karakter).")]
    if team_role not in TeamMember.TeamRole.values:
        errors["team_role"] = [_("Peran dalam tim tidak dikenal.")]
    others = TeamMember.objects.filter(team=team)
    if member is not None:
        others = others.exclude(pk=member.pk)
    if "nip" not in errors and nip and others.filter(nip=nip).exists():
        errors["nip"] = [_("Anggota dengan NIP %(nip)s sudah ada di tim ini.") % {"nip": nip}]
    if team_role == TeamMember.TeamRole.KETUA and others.filter(team_role=TeamMember.TeamRole.KETUA).exists():
        errors["team_role"] = [_("Tim ini sudah memiliki ketua; satu tim hanya boleh satu ketua.")]
    if user is not None:
        kept = member is not None and member.user_id == user.pk  # an existing link may stay as it is
        if not kept and not linkable_users(team.unit, actor).filter(pk=user.pk).exists():
            errors["user"] = [_("Pengguna ini tidak dapat ditautkan: ia bukan pegawai unit ini.")]
        elif others.filter(user=user).exists():
            errors["user"] = [_("Pengguna ini sudah tercatat sebagai anggota tim ini.")]
    if errors:
        raise ValidationError(errors)
    return {
        "name": name,
        "nip": nip,
        "position": position,
        "team_role": team_role,
        "areas": area_list,
        "user": user,
    }


def _locked(team: ZiTeam) -> ZiTeam:
    """Lock the team row so that two concurrent edits cannot both add a ketua."""
    return ZiTeam.objects.select_for_update().select_related("unit").get(pk=team.pk)


@transaction.atomic
def member_add(
    *,
    team: ZiTeam,
    name: str,
    nip: str = "",
    position: str = "",
    team_role: str,
    areas: Iterable[Any] | None = None,
    user: User | None = None,
    actor: Any,
) -> TeamMember:
    team = _locked(team)
    values = _member_values(
        team=team,
        member=None,
        name=name,
        nip=nip,
        position=position,
        team_role=team_role,
        areas=areas,
        user=user,
        actor=actor,
    )
    member = TeamMember.objects.create(team=team, **values)
    audit_record(
        event="team.member_added",
        actor=actor,
        obj=member,
        changes=diff(None, snapshot(member, MEMBER_FIELDS)),
    )
    return member


@transaction.atomic
def member_update(
    *,
    member: TeamMember,
    name: str,
    nip: str = "",
    position: str = "",
    team_role: str,
    areas: Iterable[Any] | None = None,
    user: User | None = None,
    actor: Any,
) -> TeamMember:
    team = _locked(member.team)
    member = TeamMember.objects.select_for_update().get(pk=member.pk, team=team)
    values = _member_values(
        team=team,
        member=member,
        name=name,
        nip=nip,
        position=position,
        team_role=team_role,
        areas=areas,
        user=user,
        actor=actor,
    )
    update_audited(member, values=values, fields=MEMBER_FIELDS, event="team.member_updated", actor=actor)
    return member


@transaction.atomic
def member_remove(*, member: TeamMember, actor: Any) -> None:
    team = _locked(member.team)
    member = TeamMember.objects.get(pk=member.pk, team=team)
    old = snapshot(member, MEMBER_FIELDS)
    audit_record(event="team.member_removed", actor=actor, obj=member, changes=diff(old, None))
    member.delete()


# --- change agents --------------------------------------------------------------------------------


def _agent_values(
    *,
    unit: Unit,
    year: int,
    agent: ChangeAgent | None,
    name: str,
    nip: str,
    position: str,
    sk_number: str,
    commitments: str,
) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    name = _clean_text(name)
    position = _clean_text(position)
    sk_number = _clean_text(sk_number)
    commitments = (commitments or "").strip()
    try:
        nip = _clean_nip(nip)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if not name:
        errors["name"] = [_("Nama agen perubahan wajib diisi.")]
    elif len(name) > 150:
        errors["name"] = [_("Nama terlalu panjang (maksimal 150 karakter).")]
    if len(position) > 150:
        errors["position"] = [_("Jabatan terlalu panjang (maksimal 150 karakter).")]
    if len(sk_number) > 120:
        errors["sk_number"] = [_("Nomor SK terlalu panjang.")]
    if "nip" not in errors and nip:
        others = ChangeAgent.objects.filter(unit=unit, year=year, nip=nip)
        if agent is not None:
            others = others.exclude(pk=agent.pk)
        if others.exists():
            errors["nip"] = [
                _("Agen perubahan dengan NIP %(nip)s sudah ada untuk tahun %(year)s.")
                % {"nip": nip, "year": year}
            ]
    if errors:
        raise ValidationError(errors)
    return {
        "name": name,
        "nip": nip,
        "position": position,
        "sk_number": sk_number,
        "commitments": commitments,
    }


def _lock_unit(unit: Unit) -> None:
    """Serialise concurrent agent additions of one unit, so the NIP check holds (not only the constraint)."""
    list(Unit.objects.select_for_update().filter(pk=unit.pk).values_list("pk", flat=True))


@transaction.atomic
def agent_add(
    *,
    unit: Unit,
    year: Any,
    name: str,
    nip: str = "",
    position: str = "",
    sk_number: str = "",
    commitments: str = "",
    actor: Any,
) -> ChangeAgent:
    year = year_check(year)
    _lock_unit(unit)
    values = _agent_values(
        unit=unit,
        year=year,
        agent=None,
        name=name,
        nip=nip,
        position=position,
        sk_number=sk_number,
        commitments=commitments,
    )
    agent = ChangeAgent.objects.create(unit=unit, year=year, **values)
    audit_record(
        event="team.agent_added", actor=actor, obj=agent, changes=diff(None, snapshot(agent, AGENT_FIELDS))
    )
    return agent


@transaction.atomic
def agent_update(
    *,
    agent: ChangeAgent,
    name: str,
    nip: str = "",
    position: str = "",
    sk_number: str = "",
    commitments: str = "",
    actor: Any,
) -> ChangeAgent:
    agent = ChangeAgent.objects.select_for_update().select_related("unit").get(pk=agent.pk)
    values = _agent_values(
        unit=agent.unit,
        year=agent.year,
        agent=agent,
        name=name,
        nip=nip,
        position=position,
        sk_number=sk_number,
        commitments=commitments,
    )
    update_audited(agent, values=values, fields=AGENT_FIELDS, event="team.agent_updated", actor=actor)
    return agent


@transaction.atomic
def agent_remove(*, agent: ChangeAgent, actor: Any) -> None:
    agent = ChangeAgent.objects.select_for_update().select_related("unit").get(pk=agent.pk)
    old = snapshot(agent, AGENT_FIELDS)
    audit_record(event="team.agent_removed", actor=actor, obj=agent, changes=diff(old, None))
    agent.delete()
