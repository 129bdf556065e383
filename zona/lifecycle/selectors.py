"""Reading the lifecycle for a page: the history, the next moves and the prerequisites checklist.

Each selector runs a fixed number of queries whatever the length of the history or the checklist.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from zona.accounts import permissions
from zona.documents.models import Document
from zona.units.models import Unit

from . import prerequisites as prereq_defs
from . import rules
from .models import EvaluasiMandiri, InstansiPencanangan, KknOffence, LifecycleEvent, Prerequisite
from .policy import monitoring_due, policy
from .services import allowed_next_stages, can_edit_prerequisite, early_exemption
from .services import history as unit_history


@dataclass(frozen=True)
class ChecklistRow:
    definition: prereq_defs.PrerequisiteDef
    record: Prerequisite | None
    value: str
    wbk: prereq_defs.Verdict
    wbbm: prereq_defs.Verdict
    documents: list[Document]
    can_edit: bool

    @property
    def display_value(self) -> str:
        return self.definition.display(self.value)


@dataclass(frozen=True)
class Checklist:
    year: int
    instansi_kind: str
    rows: list[ChecklistRow]
    exemption: str = ""  # the 5/2024 early-proposal type that exempts the unit from every row, or ""

    @property
    def wbk_met(self) -> bool:
        return all(row.wbk.passes for row in self.rows)

    @property
    def wbbm_met(self) -> bool:
        return all(row.wbbm.passes for row in self.rows)

    @property
    def wbk_met_count(self) -> int:
        return sum(row.wbk.met for row in self.rows)

    @property
    def wbbm_met_count(self) -> int:
        return sum(row.wbbm.met for row in self.rows)


@dataclass(frozen=True)
class BlockedMove:
    stage: str
    reason: str


@dataclass(frozen=True)
class Overview:
    unit: Unit
    events: list[LifecycleEvent]
    allowed: list[str]
    blocked: list[BlockedMove]
    checklist: Checklist
    holds_wbk: bool
    holds_wbbm: bool
    building_start: dt.date | None
    proposal_target: str
    predicate_since: dt.date | None = None
    monitoring_due: dt.date | None = None  # the TPI's next monitoring (PMPZI), every N years after it
    instansi_pencanangan: InstansiPencanangan | None = None
    kkn_offences: tuple[KknOffence, ...] = ()  # of the instansi, newest first
    void_years: frozenset[int] = frozenset()
    proposal_year: int | None = None
    evaluasi_mandiri: EvaluasiMandiri | None = None  # for the year shown

    @property
    def proposal_void(self) -> bool:
        return self.proposal_year is not None and self.proposal_year in self.void_years

    @property
    def designated_before_pencanangan(self) -> bool:
        """A designation dated before the instansi's pencanangan, or with none recorded (Tahap I first)."""
        designated = [e.date for e in self.events if e.to_stage == "ditetapkan"]
        if not designated:
            return False
        return self.instansi_pencanangan is None or min(designated) < self.instansi_pencanangan.date


def building_months(moves: list[rules.Move], *, year: int, today: dt.date) -> str:
    """Whole months of the current building period, up to the end of `year` (or today); "" if none."""
    start = rules.building_start(moves)
    end = min(today, dt.date(year, 12, 31))
    if start is None or end < start:
        return ""
    return str(rules.whole_months(start, end))


def prerequisite_checklist(
    *, unit: Unit, user: Any, year: int, moves: list[rules.Move] | None = None
) -> Checklist:
    """Each prerequisite for the unit and its instansi in `year`, judged for WBK and WBBM."""
    moves = unit_history(unit) if moves is None else moves
    kind = prereq_defs.instansi_kind(is_pemda=unit.instansi.is_pemda)
    records = {
        (record.unit_id is not None, record.code): record
        for record in Prerequisite.objects.filter(
            Q(unit=unit) | Q(unit__isnull=True, instansi_id=unit.instansi_id), year=year
        ).prefetch_related("documents")
    }
    may_edit = {
        "instansi": can_edit_prerequisite(user, instansi=unit.instansi, unit=None),
        "unit": can_edit_prerequisite(user, instansi=unit.instansi, unit=unit),
    }
    today = timezone.localdate()
    exemption = early_exemption(unit)
    reason = (
        _(
            "%(type)s pada pemerintah daerah dapat diusulkan meskipun masih dalam proses pemenuhan "
            "syarat (%(source)s)"
        )
        % {"type": exemption, "source": policy().early_source}
        if exemption
        else ""
    )
    rows = []
    for definition in prereq_defs.definitions().values():
        record = records.get((definition.level == "unit", definition.code))
        if definition.derived == "lifecycle":
            value = building_months(moves, year=year, today=today)
        else:
            value = record.value if record else ""
        wbk = definition.judge(value, target="wbk", kind=kind)
        wbbm = definition.judge(value, target="wbbm", kind=kind)
        if reason:
            wbk, wbbm = wbk.exempted(reason), wbbm.exempted(reason)
        rows.append(
            ChecklistRow(
                definition=definition,
                record=record,
                value=value,
                wbk=wbk,
                wbbm=wbbm,
                documents=list(record.documents.all()) if record else [],
                can_edit=definition.editable and may_edit[definition.level],
            )
        )
    return Checklist(year=year, instansi_kind=kind, rows=rows, exemption=exemption)


def lifecycle_overview(*, unit: Unit, user: Any, year: int) -> Overview:
    moves = unit_history(unit)
    events = list(
        LifecycleEvent.objects.filter(unit=unit)
        .select_related("actor")
        .prefetch_related("documents")
        .order_by("-date", "-id")
    )
    allowed = allowed_next_stages(unit=unit, user=user, moves=moves)
    today = timezone.localdate()
    offences = tuple(
        KknOffence.objects.filter(instansi_id=unit.instansi_id).order_by("-year", "-date", "-id")
    )
    voided = frozenset(offence.year for offence in offences)
    blocked = []
    for stage in rules.TRANSITIONS.get(unit.stage, ()):
        if stage in allowed or not permissions.can_transition(user, unit, stage):
            continue
        reason = rules.state_refusal(
            current=unit.stage, to_stage=stage, history=moves, today=today, void_years=voided
        )
        if reason:
            blocked.append(BlockedMove(stage, reason))
    return Overview(
        unit=unit,
        events=events,
        allowed=allowed,
        blocked=blocked,
        checklist=prerequisite_checklist(unit=unit, user=user, year=year, moves=moves),
        holds_wbk=rules.holds_wbk(moves),
        holds_wbbm=rules.holds_wbbm(moves),
        building_start=rules.building_start(moves),
        proposal_target=rules.proposal_target(moves),
        predicate_since=rules.predicate_since(moves),
        monitoring_due=monitoring_due(rules.predicate_since(moves)),
        instansi_pencanangan=InstansiPencanangan.objects.filter(instansi_id=unit.instansi_id)
        .order_by("date", "id")
        .first(),
        kkn_offences=offences,
        void_years=voided,
        proposal_year=rules.proposal_year(moves),
        evaluasi_mandiri=EvaluasiMandiri.objects.filter(instansi_id=unit.instansi_id, year=year).first(),
    )


def unit_documents(*, unit: Unit) -> QuerySet[Document]:
    """Documents reachable from this unit's lifecycle page.

    Those of its lifecycle events, of its own prerequisites and of its instansi's prerequisites.
    """
    event_links = LifecycleEvent.documents.through.objects.filter(lifecycleevent__unit=unit)
    prereq_links = Prerequisite.documents.through.objects.filter(
        Q(prerequisite__unit=unit)
        | Q(prerequisite__unit__isnull=True, prerequisite__instansi_id=unit.instansi_id)
    )
    return Document.objects.filter(
        Q(pk__in=event_links.values("document_id")) | Q(pk__in=prereq_links.values("document_id"))
    ).select_related("blob")
