"""Scores and eligibility of an assessment, read for pages: figures, verdicts, gains and comparisons.

Every figure comes from the engine (`zona.lke.scoring.score`) on the stored answers; a final assessment
shows its frozen `final_result` instead (the `ScoreResult.to_dict()` shape). The helpers at the top
(`layered_answers`, `layer_scores`, `headline_figures`) take answer rows already loaded, so that the
period overview and the home dashboard can score hundreds of assessments from one query of answers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from zona.lifecycle import rules as lifecycle_rules
from zona.lifecycle.selectors import Checklist, prerequisite_checklist
from zona.lifecycle.services import history as unit_history
from zona.lke.answers import Answer as EngineAnswer
from zona.lke.answers import answer_display
from zona.lke.framework import Framework, Settings
from zona.lke.numbers import NotANumber, format_id, round_half_up, to_float, to_fraction
from zona.lke.scoring import ScoreResult, score
from zona.units.models import Stage, Unit

from ..models import Answer, Assessment, ReviewStage
from .core import engine_for, layered_answers, tpi_visible

GAINS_SHOWN = 10
ANSWER_FIELDS = ("assessment_id", "item_code", "value", "stage_id")


# --- numbers for display ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Num:
    """An exact figure (or None: unknown) that prints the Indonesian way (decimal comma, "—" if unknown)."""

    value: Fraction | None
    decimals: int = 2

    def __str__(self) -> str:
        return "—" if self.value is None else format_id(self.value, self.decimals)

    @property
    def known(self) -> bool:
        return self.value is not None

    @property
    def signed(self) -> str:
        """With its sign, for a difference: "+1,25", "−0,50", "0,00"."""
        if self.value is None:
            return "—"
        text = format_id(abs(self.value), self.decimals)
        if text.strip("0,.") == "":
            return text
        return ("+" if self.value > 0 else "−") + text

    @property
    def trend(self) -> str:
        """ "up", "down" or "same" after rounding to the figures shown."""
        if self.value is None or not format_id(abs(self.value), self.decimals).strip("0,."):
            return "same"
        return "up" if self.value > 0 else "down"

    def as_float(self) -> float | None:
        return None if self.value is None else to_float(self.value, self.decimals)

    def minus(self, other: Num) -> Num:
        """The difference of the figures as shown (so that a reader's subtraction agrees with it)."""
        if self.value is None or other.value is None:
            return Num(None, self.decimals)
        d = self.decimals
        return Num(round_half_up(self.value, d) - round_half_up(other.value, d), d)


def _num(value: Any, decimals: int) -> Num:
    if value is None:
        return Num(None, decimals)
    try:
        return Num(to_fraction(value), decimals)
    except NotANumber:
        return Num(None, decimals)


# --- answer layers --------------------------------------------------------------------------------------


def chain_to(stages: Sequence[ReviewStage], stage: ReviewStage | None) -> list[int | None]:
    """Layers up to `stage` from the period's stages (ordered), as `core.stage_chain` reads them."""
    if stage is None:
        return [None]
    return [None, *(s.pk for s in stages if s.order <= stage.order)]


def furthest_stage(stages: Sequence[ReviewStage], rows: Iterable[Answer]) -> ReviewStage | None:
    """The last review stage (in order) that wrote anything, or None when the TPI has not reviewed yet."""
    used = {row.stage_id for row in rows if row.stage_id is not None}
    reached = [stage for stage in stages if stage.pk in used]
    return max(reached, key=lambda s: s.order) if reached else None


@dataclass(frozen=True)
class Layers:
    unit: ScoreResult
    tpi: ScoreResult | None
    tpi_stage: ReviewStage | None
    unit_answers: dict[str, EngineAnswer]
    tpi_answers: dict[str, EngineAnswer]


def layer_scores(framework: Framework, stages: Sequence[ReviewStage], rows: Sequence[Answer]) -> Layers:
    """The unit's score and the TPI's (at the furthest stage reached) from the assessment's answer rows."""
    unit_answers = layered_answers(framework, rows, [None])
    stage = furthest_stage(stages, rows)
    tpi_answers: dict[str, EngineAnswer] = {}
    tpi = None
    if stage is not None:
        tpi_answers = layered_answers(framework, rows, chain_to(stages, stage))
        tpi = score(framework, tpi_answers)
    return Layers(score(framework, unit_answers), tpi, stage, unit_answers, tpi_answers)


# --- figures ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AreaFigure:
    number: int
    short: str
    name: str
    weight: Num
    score: Num
    percent: Num


@dataclass(frozen=True)
class VerdictFigure:
    code: str
    name: str
    eligible: bool
    failed: tuple[str, ...]
    requires: tuple[str, ...]
    readings: tuple[str, ...] = ()  # reading notes: the other reading of an open rule changes this verdict


@dataclass(frozen=True)
class GainFigure:
    code: str
    question: str
    area: int | None
    current: str
    best: str
    points: Num


@dataclass(frozen=True)
class NodeFigure:
    code: str
    name: str
    depth: int
    value: Num


@dataclass(frozen=True)
class Figures:
    """One set of scores as shown: the unit's, the TPI's at a stage, or the frozen final result."""

    source: str  # "unit" | "tpi" | "final"
    label: str
    total: Num
    pengungkit: Num
    pemenuhan: Num
    reform: Num
    hasil: Num
    areas: list[AreaFigure]
    hasil_detail: list[NodeFigure]
    predicates: list[VerdictFigure]
    gains: list[GainFigure] = field(default_factory=list)
    zero_denominators: tuple[str, ...] = ()  # items valued by the framework's zero-denominator rule (F2)

    def area(self, number: int) -> AreaFigure | None:
        return next((area for area in self.areas if area.number == number), None)

    def predicate(self, code: str) -> VerdictFigure | None:
        return next((verdict for verdict in self.predicates if verdict.code == code), None)


def _hasil_nodes(framework: Framework) -> list[tuple[str, int]]:
    root = framework.components.get("hasil")
    if root is None or root not in framework.nodes:
        return []
    found: list[tuple[str, int]] = []

    def walk(code: str, depth: int) -> None:
        for child in framework.nodes[code].children:
            found.append((child, depth))
            walk(child, depth + 1)

    walk(root, 0)
    return found


def figures_from_result(
    result: ScoreResult, *, source: str, label: str, gains_limit: int | None = GAINS_SHOWN
) -> Figures:
    fw = result.framework
    d = fw.settings.display_decimals
    gains = result.gains if gains_limit is None else result.gains[:gains_limit]
    return Figures(
        source=source,
        label=label,
        total=Num(result.total, d),
        pengungkit=Num(result.pengungkit, d),
        pemenuhan=Num(result.pemenuhan, d),
        reform=Num(result.reform, d),
        hasil=Num(result.hasil, d),
        areas=[
            AreaFigure(a.number, a.short, a.name, Num(a.weight, d), Num(a.score, d), Num(a.percent, d))
            for a in result.areas
        ],
        hasil_detail=[
            NodeFigure(code, fw.nodes[code].name, depth, Num(result.node_scores.get(code), d))
            for code, depth in _hasil_nodes(fw)
        ],
        predicates=[
            VerdictFigure(
                v.code,
                v.name,
                v.eligible,
                tuple(v.failed),
                tuple(v.requires),
                tuple(note.message for note in v.readings),
            )
            for v in result.predicates.values()
        ],
        gains=[GainFigure(g.code, g.question, g.area, g.current, g.best, Num(g.points, d)) for g in gains],
        zero_denominators=tuple(entry.message for entry in result.zero_denominators),
    )


def final_data(assessment: Assessment) -> dict[str, Any] | None:
    """The frozen result of a final assessment in the `ScoreResult.to_dict()` shape, or None."""
    data = assessment.final_result
    if assessment.status != Assessment.Status.FINAL or not isinstance(data, Mapping):
        return None
    if "total" in data:
        return dict(data)
    for key in ("score", "tpi", "result"):  # tolerate a wrapper around the engine's dict
        inner = data.get(key)
        if isinstance(inner, Mapping) and "total" in inner:
            return dict(inner)
    return None


def figures_from_final(data: Mapping[str, Any], framework: Framework, *, label: str) -> Figures:
    d = framework.settings.display_decimals
    shorts = {area.number: area.short for area in framework.areas}
    areas = []
    for key, area in sorted((data.get("areas") or {}).items(), key=lambda kv: int(kv[0])):
        number = int(key)
        areas.append(
            AreaFigure(
                number,
                shorts.get(number, str(number)),
                str(area.get("name", "")),
                _num(area.get("weight"), d),
                _num(area.get("score"), d),
                _num(area.get("percent"), d),
            )
        )
    detail = data.get("hasil_detail") or {}
    hasil_detail = [
        NodeFigure(code, framework.nodes[code].name, depth, _num(detail.get(code), d))
        for code, depth in _hasil_nodes(framework)
    ]
    predicates = [
        VerdictFigure(
            code,
            str(verdict.get("name", code)),
            bool(verdict.get("eligible")),
            tuple(verdict.get("failed") or ()),
            tuple(verdict.get("requires") or ()),
            tuple(
                str(note.get("message", ""))
                for note in verdict.get("readings") or ()
                if isinstance(note, Mapping)
            ),
        )
        for code, verdict in (data.get("predicates") or {}).items()
    ]
    gains = [
        GainFigure(
            str(gain.get("code", "")),
            str(gain.get("question", "")),
            gain.get("area"),
            str(gain.get("current", "")),
            str(gain.get("best", "")),
            _num(gain.get("gain"), d),
        )
        for gain in (data.get("gains") or [])[:GAINS_SHOWN]
    ]
    return Figures(
        source="final",
        label=label,
        total=_num(data.get("total"), d),
        pengungkit=_num(data.get("pengungkit"), d),
        pemenuhan=_num(data.get("pemenuhan"), d),
        reform=_num(data.get("reform"), d),
        hasil=_num(data.get("hasil"), d),
        areas=areas,
        hasil_detail=hasil_detail,
        predicates=predicates,
        gains=gains,
        zero_denominators=tuple(
            str(entry.get("message", ""))
            for entry in data.get("zero_denominators") or ()
            if isinstance(entry, Mapping)
        ),
    )


def unit_label() -> str:
    return _("Penilaian mandiri unit")


def tpi_label(stage: ReviewStage) -> str:
    return _("Reviu TPI (tahap %(stage)s)") % {"stage": stage.name}


def final_label() -> str:
    return _("Nilai final (dibekukan)")


@dataclass(frozen=True)
class Headline:
    """What an assessment scores now: final if frozen, else the TPI's if reviewed, else the unit's."""

    unit: Figures
    tpi: Figures | None  # the TPI layer (the final result when final), None before any review
    layers: Layers

    @property
    def current(self) -> Figures:
        return self.tpi or self.unit

    @property
    def is_final(self) -> bool:
        return self.tpi is not None and self.tpi.source == "final"


def headline_figures(
    assessment: Assessment,
    framework: Framework,
    stages: Sequence[ReviewStage],
    rows: Sequence[Answer],
    *,
    gains_limit: int | None = GAINS_SHOWN,
    show_tpi: bool = True,
) -> Headline:
    """The unit's figures and the TPI's (frozen when final); `show_tpi` False hides a review in progress."""
    layers = layer_scores(framework, stages, rows)
    unit = figures_from_result(layers.unit, source="unit", label=unit_label(), gains_limit=gains_limit)
    tpi: Figures | None = None
    frozen = final_data(assessment)
    if frozen is not None:
        tpi = figures_from_final(frozen, framework, label=final_label())
    elif show_tpi and layers.tpi is not None and layers.tpi_stage is not None:
        tpi = figures_from_result(
            layers.tpi, source="tpi", label=tpi_label(layers.tpi_stage), gains_limit=gains_limit
        )
    return Headline(unit=unit, tpi=tpi, layers=layers)


# --- the predicates a unit already holds ----------------------------------------------------------------

_HOLDS = {"wbk": lifecycle_rules.holds_wbk, "wbbm": lifecycle_rules.holds_wbbm}
_HELD_BY_STAGE = {"wbk": {Stage.WBK, Stage.WBBM}, "wbbm": {Stage.WBBM}}


def held_predicates(unit: Unit, moves: Sequence[lifecycle_rules.Move]) -> set[str]:
    """Predicates the unit holds now, from its stage and its lifecycle history (a revocation ends one)."""
    held = {code for code, stages in _HELD_BY_STAGE.items() if unit.stage in stages}
    held |= {code for code, holds in _HOLDS.items() if holds(moves)}
    return held


@dataclass(frozen=True)
class Requirement:
    code: str
    name: str
    held: bool


@dataclass(frozen=True)
class PredicateView:
    verdict: VerdictFigure
    requires: list[Requirement]

    @property
    def scores_met(self) -> bool:
        return self.verdict.eligible

    @property
    def eligible(self) -> bool:
        return self.verdict.eligible and all(req.held for req in self.requires)

    @property
    def problem_count(self) -> int:
        return len(self.verdict.failed) + sum(not req.held for req in self.requires)


def predicate_views(figures: Figures, held: set[str]) -> list[PredicateView]:
    names = {verdict.code: verdict.name for verdict in figures.predicates}
    return [
        PredicateView(
            verdict,
            [Requirement(code, names.get(code, code.upper()), code in held) for code in verdict.requires],
        )
        for verdict in figures.predicates
    ]


# --- the scores page ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AreaComparison:
    number: int
    name: str
    first: Num
    second: Num

    @property
    def delta(self) -> Num:
        return self.second.minus(self.first)


@dataclass(frozen=True)
class ItemDifference:
    code: str
    question: str
    unit: str
    tpi: str


@dataclass(frozen=True)
class PreviousComparison:
    assessment: Assessment
    figures: Figures
    total: AreaComparison  # first = previous, second = current
    areas: list[AreaComparison]


@dataclass(frozen=True)
class ScoresPage:
    assessment: Assessment
    headline: Headline
    predicates: list[PredicateView]
    checklist: Checklist
    previous: PreviousComparison | None
    unit_vs_tpi: list[AreaComparison]
    differences: list[ItemDifference]
    radar: dict[str, Any]
    answered: int
    item_total: int
    settings: Settings | None = None  # the framework's readings in force (threshold rounding, area rule)

    @property
    def current(self) -> Figures:
        return self.headline.current

    @property
    def is_final(self) -> bool:
        return self.headline.is_final


def _answer_rows(assessment: Assessment) -> list[Answer]:
    return list(Answer.objects.filter(assessment=assessment).only(*ANSWER_FIELDS))


def _period_key(assessment: Assessment) -> tuple[int, int, int]:
    return (assessment.period.year, assessment.period.semester or 0, assessment.period_id)


def previous_assessment(assessment: Assessment) -> Assessment | None:
    """The unit's assessment of the latest earlier period of the same instansi, if any."""
    others = (
        Assessment.objects.filter(
            unit_id=assessment.unit_id, period__instansi_id=assessment.period.instansi_id
        )
        .exclude(pk=assessment.pk)
        .select_related("period", "unit")
    )
    key = _period_key(assessment)
    earlier = [other for other in others if _period_key(other) < key]
    return max(earlier, key=_period_key) if earlier else None


def _compare_areas(first: Figures, second: Figures) -> list[AreaComparison]:
    rows = []
    for area in second.areas:
        before = first.area(area.number)
        rows.append(
            AreaComparison(area.number, area.name, before.percent if before else Num(None), area.percent)
        )
    return rows


def _radar(headline: Headline) -> dict[str, Any]:
    unit = headline.unit
    datasets = [{"label": _("Unit"), "data": [area.percent.as_float() for area in unit.areas]}]
    if headline.tpi is not None:
        tpi = headline.tpi
        data = []
        for area in unit.areas:
            theirs = tpi.area(area.number)
            data.append(theirs.percent.as_float() if theirs else None)
        datasets.append({"label": _("TPI (final)") if tpi.source == "final" else _("TPI"), "data": data})
    return {
        "type": "radar",
        "labels": [area.name for area in unit.areas],
        "datasets": datasets,
        "max": 100,
        "unit": "%",
    }


def _differences(framework: Framework, layers: Layers) -> list[ItemDifference]:
    if layers.tpi_stage is None:
        return []
    found = []
    for code, item in framework.items.items():
        mine, theirs = layers.unit_answers.get(code), layers.tpi_answers.get(code)
        if mine != theirs:
            found.append(
                ItemDifference(
                    code,
                    item.question,
                    answer_display(mine, item) or _("(kosong)"),
                    answer_display(theirs, item) or _("(kosong)"),
                )
            )
    return found


def assessment_scores_page(*, assessment: Assessment, user: Any) -> ScoresPage:
    """All the scores and eligibility page shows; `assessment` with period and unit__instansi loaded."""
    framework = engine_for(assessment)
    stages = list(assessment.period.stages.order_by("order"))
    headline = headline_figures(
        assessment, framework, stages, _answer_rows(assessment), show_tpi=tpi_visible(user, assessment)
    )
    moves = unit_history(assessment.unit)
    held = held_predicates(assessment.unit, moves)
    checklist = prerequisite_checklist(
        unit=assessment.unit, user=user, year=assessment.period.year, moves=moves
    )

    previous = None
    before = previous_assessment(assessment)
    if before is not None:
        before_framework = engine_for(before)
        before_stages = list(before.period.stages.order_by("order"))
        before_figures = headline_figures(
            before, before_framework, before_stages, _answer_rows(before)
        ).current
        current = headline.current
        previous = PreviousComparison(
            assessment=before,
            figures=before_figures,
            total=AreaComparison(0, _("Nilai total"), before_figures.total, current.total),
            areas=_compare_areas(before_figures, current),
        )

    unit_vs_tpi: list[AreaComparison] = []
    if headline.tpi is not None:
        unit_vs_tpi = [
            AreaComparison(0, _("Nilai total"), headline.unit.total, headline.tpi.total),
            *_compare_areas(headline.unit, headline.tpi),
        ]
    completeness = (headline.layers.tpi or headline.layers.unit).completeness
    return ScoresPage(
        assessment=assessment,
        headline=headline,
        predicates=predicate_views(headline.current, held),
        checklist=checklist,
        previous=previous,
        unit_vs_tpi=unit_vs_tpi,
        differences=_differences(framework, headline.layers),
        radar=_radar(headline),
        answered=completeness.answered,
        item_total=completeness.total,
        settings=framework.settings,
    )


# --- the latest score of each unit (home dashboard, unit page) ------------------------------------------


@dataclass(frozen=True)
class LatestScore:
    """A unit's latest assessment and what it scores now (final, else TPI when reviewed, else the unit's)."""

    assessment: Assessment
    figures: Figures

    @property
    def total(self) -> Num:
        return self.figures.total

    @property
    def source(self) -> str:
        return self.figures.source

    def __str__(self) -> str:
        return str(self.total)


def _score_assessments(assessments: Sequence[Assessment], user: Any = None) -> dict[int, Headline]:
    """Current scores of assessments (with period and unit loaded): two queries (stages, answers) for all
    of them. With a `user`, a TPI review in progress shows only to those who may watch it."""
    if not assessments:
        return {}
    stages: dict[int, list[ReviewStage]] = {}
    for stage in ReviewStage.objects.filter(period_id__in={a.period_id for a in assessments}).order_by(
        "order"
    ):
        stages.setdefault(stage.period_id, []).append(stage)
    rows: dict[int, list[Answer]] = {}
    for row in Answer.objects.filter(assessment__in=[a.pk for a in assessments]).only(*ANSWER_FIELDS):
        rows.setdefault(row.assessment_id, []).append(row)
    return {
        assessment.pk: headline_figures(
            assessment,
            engine_for(assessment),
            stages.get(assessment.period_id, []),
            rows.get(assessment.pk, []),
            gains_limit=0,
            show_tpi=user is None or tpi_visible(user, assessment),
        )
        for assessment in assessments
    }


def unit_assessments(
    *, unit_ids: Sequence[int], user: Any = None
) -> dict[int, list[tuple[Assessment, Headline]]]:
    """Every assessment of the units, newest period first, scored; three queries whatever the count."""
    assessments = sorted(
        Assessment.objects.filter(unit_id__in=list(unit_ids)).select_related(
            "period", "current_stage", "unit"
        ),
        key=_period_key,
        reverse=True,
    )
    headlines = _score_assessments(assessments, user)
    result: dict[int, list[tuple[Assessment, Headline]]] = {}
    for assessment in assessments:
        result.setdefault(assessment.unit_id, []).append((assessment, headlines[assessment.pk]))
    return result


def latest_scores(*, unit_ids: Sequence[int], user: Any = None) -> dict[int, LatestScore]:
    """The latest score that exists per unit; three queries.

    That is the newest assessment that is final or has an answer: an assessment of a period just opened
    (no answer yet) has no score, and would read 0,00 over the unit's real last result (issue 12), so the
    unit's previous one is shown instead. Units with no such assessment are left out."""
    if not unit_ids:
        return {}
    newest: dict[int, Assessment] = {}
    scored = (
        Assessment.objects.filter(unit_id__in=list(unit_ids))
        .filter(Q(status=Assessment.Status.FINAL) | Exists(Answer.objects.filter(assessment=OuterRef("pk"))))
        .select_related("period", "current_stage", "unit")
    )
    for assessment in scored:
        known = newest.get(assessment.unit_id)
        if known is None or _period_key(assessment) > _period_key(known):
            newest[assessment.unit_id] = assessment
    headlines = _score_assessments(list(newest.values()), user)
    return {
        unit_id: LatestScore(assessment, headlines[assessment.pk].current)
        for unit_id, assessment in newest.items()
    }
