"""The coordinator's and leader's view of a period: every assessment the user may see, scored.

A constant number of queries whatever the number of assessments: the assessments (with unit and
stage), the period's stages, ALL their answers in one query, the lifecycle moves that grant or revoke a
predicate in one query; then everything is scored in Python by the engine (cached per framework).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from zona.accounts import permissions
from zona.lifecycle.models import LifecycleEvent
from zona.lifecycle.rules import Move
from zona.units.models import Stage

from ..models import Answer, Assessment, Period, ReviewStage
from .core import engine_for, tpi_visible
from .scores import (
    ANSWER_FIELDS,
    Figures,
    Headline,
    Num,
    PredicateView,
    headline_figures,
    held_predicates,
    predicate_views,
)

STATUS_CHOICES = Assessment.Status.choices


@dataclass(frozen=True)
class OverviewFilters:
    status: str = ""
    stage: int | None = None  # ReviewStage pk
    wbk: str = ""  # "ya" eligible, "tidak" not eligible, "" all
    overdue: bool = False
    search: str = ""

    @property
    def active(self) -> bool:
        return bool(self.status or self.stage or self.wbk or self.overdue or self.search)


@dataclass(frozen=True)
class OverviewRow:
    assessment: Assessment
    headline: Headline
    predicates: list[PredicateView]
    overdue: str  # why it is late ("" when on time)

    @property
    def unit(self) -> Any:
        return self.assessment.unit

    @property
    def unit_total(self) -> Num:
        return self.headline.unit.total

    @property
    def tpi(self) -> Figures | None:
        return self.headline.tpi

    def predicate(self, code: str) -> PredicateView | None:
        return next((p for p in self.predicates if p.verdict.code == code), None)

    @property
    def wbk(self) -> PredicateView | None:
        return self.predicate("wbk")

    @property
    def wbbm(self) -> PredicateView | None:
        return self.predicate("wbbm")


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    count: int


@dataclass(frozen=True)
class PeriodOverview:
    period: Period
    stages: list[ReviewStage]
    rows: list[OverviewRow]
    total: int  # assessments the user may see, before filters
    status_counts: list[StatusCount]
    overdue_count: int
    filters: OverviewFilters
    today: dt.date
    chart: dict[str, Any] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return len(self.rows)


def overdue_reason(status: str, period: Period, today: dt.date) -> str:
    """Why an assessment in `status` is late on `today` ("" if it is not): each status has its deadline."""
    date_format = "%d-%m-%Y"
    if status == Assessment.Status.DRAFT and today > period.self_end:
        return _("Penilaian mandiri melewati batas %(date)s") % {
            "date": period.self_end.strftime(date_format)
        }
    if status in (Assessment.Status.SUBMITTED, Assessment.Status.IN_REVIEW) and today > period.review_end:
        return _("Reviu TPI melewati batas %(date)s") % {"date": period.review_end.strftime(date_format)}
    if status == Assessment.Status.RETURNED and today > period.revision_end:
        return _("Perbaikan melewati batas %(date)s") % {"date": period.revision_end.strftime(date_format)}
    return ""


def visible_assessments(*, period: Period, user: Any) -> Any:
    """The period's assessments `user` may see (koordinator/pimpinan all, evaluator their units, ...)."""
    return permissions.scope_filter(user, Assessment.objects.filter(period=period))


def _moves_by_unit(unit_ids: list[int]) -> dict[int, list[Move]]:
    moves: dict[int, list[Move]] = defaultdict(list)
    events = (
        LifecycleEvent.objects.filter(
            unit_id__in=unit_ids, to_stage__in=[Stage.WBK, Stage.WBBM, Stage.DICABUT]
        )
        .order_by("date", "id")
        .values_list("unit_id", "from_stage", "to_stage", "date")
    )
    for unit_id, from_stage, to_stage, date in events:
        moves[unit_id].append(Move(from_stage, to_stage, date))
    return moves


def period_overview(
    *,
    period: Period,
    user: Any,
    filters: OverviewFilters | None = None,
    stages: list[ReviewStage] | None = None,
) -> PeriodOverview:
    """The period's assessments `user` may see, filtered, scored and flagged; `stages` if already read."""
    filters = filters or OverviewFilters()
    today = timezone.localdate()
    visible = visible_assessments(period=period, user=user)
    if stages is None:
        stages = list(ReviewStage.objects.filter(period=period).order_by("order"))

    queryset = visible
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.stage:
        queryset = queryset.filter(current_stage_id=filters.stage)
    if filters.search.strip():
        queryset = queryset.filter(Q(unit__name__icontains=filters.search.strip()))
    assessments = list(
        queryset.select_related("unit", "current_stage").order_by("unit__name", "unit__path", "pk")
    )
    counts: dict[str, int] = defaultdict(int)
    all_status = list(visible.values_list("status", flat=True))
    for status in all_status:
        counts[status] += 1

    rows_by_assessment: dict[int, list[Answer]] = defaultdict(list)
    if assessments:
        answer_rows = Answer.objects.filter(assessment__in=queryset.values("pk")).only(*ANSWER_FIELDS)
        for row in answer_rows:
            rows_by_assessment[row.assessment_id].append(row)
    moves = _moves_by_unit([a.unit_id for a in assessments])

    rows = []
    for assessment in assessments:
        assessment.period = period
        framework = engine_for(assessment)
        headline = headline_figures(
            assessment,
            framework,
            stages,
            rows_by_assessment[assessment.pk],
            gains_limit=0,
            show_tpi=tpi_visible(user, assessment),
        )
        held = held_predicates(assessment.unit, moves.get(assessment.unit_id, []))
        rows.append(
            OverviewRow(
                assessment=assessment,
                headline=headline,
                predicates=predicate_views(headline.current, held),
                overdue=overdue_reason(assessment.status, period, today),
            )
        )
    if filters.wbk in ("ya", "tidak"):
        wanted = filters.wbk == "ya"
        rows = [row for row in rows if row.wbk is not None and row.wbk.eligible == wanted]
    if filters.overdue:
        rows = [row for row in rows if row.overdue]
    overdue_count = sum(1 for status in all_status if overdue_reason(status, period, today))
    return PeriodOverview(
        period=period,
        stages=stages,
        rows=rows,
        total=len(all_status),
        status_counts=[
            StatusCount(value, str(label), counts[value]) for value, label in STATUS_CHOICES if counts[value]
        ],
        overdue_count=overdue_count,
        filters=filters,
        today=today,
        chart=_chart(rows),
    )


def _chart(rows: list[OverviewRow]) -> dict[str, Any]:
    """Bar chart data: the unit's total and the TPI's (or final) total per unit."""
    return {
        "type": "bar",
        "labels": [row.unit.name for row in rows],
        "datasets": [
            {"label": _("Nilai unit"), "data": [row.unit_total.as_float() for row in rows]},
            {
                "label": _("Nilai TPI"),
                "data": [row.tpi.total.as_float() if row.tpi else None for row in rows],
            },
        ],
        "max": 100,
        "unit": "",
    }


@dataclass(frozen=True)
class PeriodRow:
    period: Period
    assessments: int  # those the user may see
    can_manage: bool


def period_list_rows(*, user: Any) -> list[PeriodRow]:
    """Periods of the instansi the user belongs to, newest first, with how many assessments they see."""
    periods = list(
        Period.objects.filter(instansi__in=permissions.visible_instansi(user)).select_related(
            "framework", "instansi"
        )
    )
    counts = dict(
        permissions.scope_filter(user, Assessment.objects.filter(period__in=[p.pk for p in periods]))
        .order_by()
        .values_list("period")
        .annotate(n=Count("pk"))
        .values_list("period", "n")
    )
    return [
        PeriodRow(
            period,
            counts.get(period.pk, 0),
            permissions.can(user, permissions.Action.MANAGE, period.instansi),
        )
        for period in periods
    ]


@dataclass(frozen=True)
class StageRow:
    stage: ReviewStage
    assigned: list[Any]


def period_stage_rows(*, stages: Sequence[ReviewStage]) -> list[StageRow]:
    """Each review stage with the evaluators named for it (none: every evaluator of the unit's team)."""
    if not stages:
        return []
    from zona.accounts.models import User

    through = ReviewStage.evaluators.through
    pairs = list(
        through.objects.filter(reviewstage_id__in=[s.pk for s in stages]).values_list(
            "reviewstage_id", "user_id"
        )
    )
    users = {u.pk: u for u in User.objects.filter(pk__in={user for _, user in pairs})}
    return [
        StageRow(stage, sorted((users[u] for s, u in pairs if s == stage.pk), key=str)) for stage in stages
    ]


def period_evaluators(*, period: Period) -> list[Any]:
    """The instansi's TPI evaluators (whom the coordinator may name for a stage)."""
    from zona.accounts.models import Role, User

    return list(
        User.objects.filter(
            role_assignments__role=Role.EVALUATOR,
            role_assignments__instansi_id=period.instansi_id,
            role_assignments__revoked_at__isnull=True,
        )
        .distinct()
        .order_by("full_name", "username")
    )
