"""Reading the organisation for pages: the units dashboard and a unit's detail page.

Each selector owns its select_related/prefetch_related so that a page costs a constant number of queries,
whatever the number of units.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Case, Count, F, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from zona.accounts import permissions
from zona.accounts.models import Role
from zona.teams.models import TeamMember, ZiTeam
from zona.teams.selectors import TeamStatus, team_status

from .models import Instansi, Stage, TpiTeam, Unit

if TYPE_CHECKING:
    from zona.assessments.models import Assessment
    from zona.assessments.selectors.scores import Headline, LatestScore

SORTS = ("name", "-name", "stage", "-stage", "stage_since", "-stage_since")


def current_year() -> int:
    return timezone.localdate().year


@dataclass(frozen=True)
class UnitRow:
    unit: Unit
    team: ZiTeam | None
    team_status: TeamStatus
    tpi_teams: list[TpiTeam]
    # The latest assessment's score (final, else TPI when reviewed, else the unit's); None if never assessed.
    latest_score: LatestScore | None = None


@dataclass(frozen=True)
class StageCount:
    stage: str
    label: str
    count: int


@dataclass(frozen=True)
class UnitsDashboard:
    rows: list[UnitRow]
    total: int  # units the user may see, before filters
    stage_counts: list[StageCount]  # only stages that have units, in lifecycle order
    year: int
    filtered: bool

    @property
    def count(self) -> int:
        return len(self.rows)


def _stage_order() -> Case:
    return Case(
        *(When(stage=value, then=Value(index)) for index, value in enumerate(Stage.values)),
        default=Value(len(Stage.values)),
        output_field=IntegerField(),
    )


def _ordering(sort: str) -> list[Any]:
    by_name: list[Any] = [F("name").asc(), F("pk").asc()]
    if sort == "-name":
        return [F("name").desc(), F("pk").asc()]
    if sort == "stage":
        return [F("stage_rank").asc(), *by_name]
    if sort == "-stage":
        return [F("stage_rank").desc(), *by_name]
    if sort == "stage_since":
        return [F("stage_since").asc(nulls_last=True), *by_name]
    if sort == "-stage_since":
        return [F("stage_since").desc(nulls_last=True), *by_name]
    return by_name


def current_team_prefetch(year: int) -> Prefetch:
    """The unit's ZI team of `year` with its members, in `unit.current_teams` (a list of 0 or 1)."""
    return Prefetch(
        "zi_teams",
        queryset=ZiTeam.objects.filter(year=year).prefetch_related(
            Prefetch("members", queryset=TeamMember.objects.order_by("id"))
        ),
        to_attr="current_teams",
    )


def team_of(unit: Unit) -> tuple[ZiTeam | None, TeamStatus]:
    """The current team and its status from a unit fetched with `current_team_prefetch`."""
    teams: list[ZiTeam] = getattr(unit, "current_teams", [])
    team = teams[0] if teams else None
    return team, team_status(team, team.members.all() if team is not None else [])


def units_dashboard(
    *,
    user: Any,
    search: str = "",
    kind: str = "",
    stage: str = "",
    serves_public: bool | None = None,
    sort: str = "name",
    year: int | None = None,
) -> UnitsDashboard:
    """The units `user` may see, filtered and sorted, with their current team status and TPI teams."""
    year = year or current_year()
    visible = permissions.visible_units(user)
    counts = dict(visible.order_by().values_list("stage").annotate(n=Count("pk")).values_list("stage", "n"))
    stage_counts = [
        StageCount(value, str(label), counts[value]) for value, label in Stage.choices if counts.get(value)
    ]
    filters = Q()
    search = search.strip()
    if search:
        filters &= Q(name__icontains=search)
    if kind:
        filters &= Q(kind=kind)
    if stage:
        filters &= Q(stage=stage)
    if serves_public is not None:
        filters &= Q(serves_public=serves_public)
    units = (
        visible.filter(filters)
        .select_related("parent", "instansi")
        .prefetch_related(
            current_team_prefetch(year), Prefetch("tpi_teams", queryset=TpiTeam.objects.order_by("name"))
        )
        .annotate(stage_rank=_stage_order())
        .order_by(*_ordering(sort if sort in SORTS else "name"))
    )
    from zona.assessments.selectors.scores import latest_scores

    unit_list = list(units)
    scores = latest_scores(unit_ids=[unit.pk for unit in unit_list], user=user)
    rows = []
    for unit in unit_list:
        team, status = team_of(unit)
        rows.append(
            UnitRow(
                unit=unit,
                team=team,
                team_status=status,
                tpi_teams=list(unit.tpi_teams.all()),
                latest_score=scores.get(unit.pk),
            )
        )
    return UnitsDashboard(
        rows=rows,
        total=sum(counts.values()),
        stage_counts=stage_counts,
        year=year,
        filtered=bool(filters),
    )


def manageable_instansi(*, user: Any) -> list[Instansi]:
    """The instansi in which `user` may create units (whole-instansi koordinator)."""
    return [
        instansi
        for instansi in permissions.visible_instansi(user)
        if permissions.can(user, permissions.Action.MANAGE, instansi)
    ]


def unit_parent_choices(
    *, user: Any, instansi: list[Instansi], include: Unit | None = None
) -> QuerySet[Unit]:
    """Units a koordinator may place a unit under, in tree order (plus `include`, e.g. the current parent)."""
    qs = permissions.visible_units(user, roles_in=[Role.KOORDINATOR]).filter(
        instansi__in=[i.pk for i in instansi]
    )
    if include is not None:
        qs = Unit.objects.filter(Q(pk__in=qs.values("pk")) | Q(pk=include.pk))
    return qs.order_by("path")


def unit_detail_queryset(*, year: int | None = None) -> QuerySet[Unit]:
    return Unit.objects.select_related("parent", "instansi").prefetch_related(
        "service_types",
        Prefetch("tpi_teams", queryset=TpiTeam.objects.order_by("name")),
        current_team_prefetch(year or current_year()),
    )


@dataclass(frozen=True)
class UnitDetail:
    unit: Unit
    parent_visible: bool
    children: list[Unit]
    team: ZiTeam | None
    team_status: TeamStatus
    year: int
    # The unit's assessments, newest period first, each with its current scores.
    assessments: list[tuple[Assessment, Headline]] = field(default_factory=list)


def unit_detail(*, user: Any, unit: Unit, year: int | None = None) -> UnitDetail:
    """What the detail page shows of a unit fetched with `unit_detail_queryset`; children the user sees."""
    from zona.assessments.selectors.scores import unit_assessments

    team, status = team_of(unit)
    visible = permissions.visible_units(user)
    children = list(visible.filter(parent=unit).order_by("name"))
    parent_visible = unit.parent_id is not None and visible.filter(pk=unit.parent_id).exists()
    return UnitDetail(
        unit=unit,
        parent_visible=parent_visible,
        children=children,
        team=team,
        team_status=status,
        year=year or current_year(),
        assessments=unit_assessments(unit_ids=[unit.pk], user=user).get(unit.pk, []),
    )
