"""Reading teams: completeness of a unit's ZI team, computed on prefetched rows (no extra queries)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from zona.units.models import Unit

from .models import AREA_NAMES, AREA_NUMBERS, ChangeAgent, TeamMember, ZiTeam


@dataclass(frozen=True)
class TeamStatus:
    complete: bool
    label: str
    missing: list[str] = field(default_factory=list)


def team_status(team: ZiTeam | None, members: Iterable[TeamMember]) -> TeamStatus:
    """Complete = an SK number, a ketua, and every one of the six areas covered by some member (pokja)."""
    if team is None:
        return TeamStatus(False, _("Belum ada tim"), [_("Tim ZI belum dibentuk")])
    members = list(members)
    missing = []
    if not team.sk_number:
        missing.append(_("Nomor SK tim belum diisi"))
    if not any(m.team_role == TeamMember.TeamRole.KETUA for m in members):
        missing.append(_("Ketua tim belum ditunjuk"))
    covered = {int(a) for m in members for a in (m.areas or [])}
    uncovered = [str(a) for a in AREA_NUMBERS if a not in covered]
    if uncovered:
        missing.append(_("Area tanpa penanggung jawab: %(areas)s") % {"areas": ", ".join(uncovered)})
    if missing:
        return TeamStatus(False, _("Belum lengkap"), missing)
    return TeamStatus(True, _("Lengkap"), [])


def area_label(number: int) -> str:
    return f"{number}. {AREA_NAMES.get(number, '?')}"


@dataclass(frozen=True)
class MemberRow:
    member: TeamMember
    area_labels: list[str]


@dataclass(frozen=True)
class AreaCoverage:
    number: int
    name: str
    members: list[str]


@dataclass(frozen=True)
class TeamPage:
    unit: Unit
    year: int
    team: ZiTeam | None
    members: list[MemberRow]
    status: TeamStatus
    coverage: list[AreaCoverage]
    agents: list[ChangeAgent]
    years: list[int]


def team_for_year(*, unit: Unit, year: int) -> ZiTeam | None:
    """The unit's team of `year` with its SK document and members (users joined), in two queries."""
    members = TeamMember.objects.select_related("user").order_by("id")
    return (
        ZiTeam.objects.filter(unit=unit, year=year)
        .select_related("unit", "sk_document")
        .prefetch_related(Prefetch("members", queryset=members))
        .first()
    )


def _role_order(member: TeamMember) -> tuple[int, int]:
    order = list(TeamMember.TeamRole.values)
    role = member.team_role
    return (order.index(role) if role in order else len(order), member.pk)


def team_page(*, unit: Unit, year: int) -> TeamPage:
    """Everything the team page of a unit and year shows, in a constant number of queries (five)."""
    team = team_for_year(unit=unit, year=year)
    members = sorted(team.members.all(), key=_role_order) if team is not None else []
    rows = [MemberRow(m, [area_label(int(a)) for a in sorted(m.areas or [])]) for m in members]
    coverage = [
        AreaCoverage(n, str(AREA_NAMES[n]), [m.name for m in members if n in {int(a) for a in m.areas or []}])
        for n in AREA_NUMBERS
    ]
    agents = list(ChangeAgent.objects.filter(unit=unit, year=year).order_by("name", "id"))
    years = set(ZiTeam.objects.filter(unit=unit).order_by().values_list("year", flat=True))
    years |= set(ChangeAgent.objects.filter(unit=unit).order_by().values_list("year", flat=True).distinct())
    years.add(year)
    return TeamPage(
        unit=unit,
        year=year,
        team=team,
        members=rows,
        status=team_status(team, members),
        coverage=coverage,
        agents=agents,
        years=sorted(years, reverse=True),
    )
