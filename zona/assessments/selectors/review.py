"""Reads for submission and the staged TPI review: the completeness check, the review page, answer history.

Each reader loads the assessment's rows in a fixed number of queries (answers with their authors, active
evidence, returned items, stages) and builds plain data for the templates; scores come from the engine
through `effective_answers`, on the rows already loaded.

Who sees the TPI's layers: an evaluator of the unit's team always; everyone else who may view the
assessment (the unit's team, the coordinator, leaders, overseers) once a stage returned it or it is final.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from zona.accounts import permissions
from zona.accounts.permissions import Action
from zona.lke.answers import Answer as EngineAnswer
from zona.lke.answers import answer_display, percent_from_inputs
from zona.lke.framework import Framework, Item
from zona.lke.numbers import format_id
from zona.lke.scoring import ScoreResult, score

from ..models import Answer, AnswerRevision, AreaReviewNote, Assessment, Evidence, ReturnedItem, ReviewStage
from .core import canonical, effective_answers, engine_for, may_act_at_stage

HASIL = "hasil"


# --- completeness -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MissingItem:
    code: str
    question: str
    area: int | None


@dataclass(frozen=True)
class Completeness:
    """What the unit has not done yet: items without an answer, items without active evidence."""

    total: int
    unanswered: tuple[MissingItem, ...]
    without_evidence: tuple[MissingItem, ...]

    @property
    def complete(self) -> bool:
        return not self.unanswered and not self.without_evidence

    def summary(self) -> dict[str, Any]:
        """The counts and codes, for the audit record of a submission."""
        return {
            "unanswered": [item.code for item in self.unanswered],
            "without_evidence": [item.code for item in self.without_evidence],
        }


def assessment_completeness(assessment: Assessment) -> Completeness:
    framework = engine_for(assessment)
    answered = effective_answers(assessment)
    with_evidence = set(
        Evidence.objects.filter(assessment=assessment, removed_at__isnull=True).values_list(
            "item_code", flat=True
        )
    )
    unanswered = []
    without_evidence = []
    for code, item in framework.items.items():
        missing = MissingItem(code, item.question, framework.area_of(code))
        if code not in answered:
            unanswered.append(missing)
        if code not in with_evidence:
            without_evidence.append(missing)
    return Completeness(len(framework.items), tuple(unanswered), tuple(without_evidence))


@dataclass(frozen=True)
class SubmitOverview:
    completeness: Completeness
    open_returns: list[ReturnedItem]
    may_submit: bool
    submittable: bool  # the status allows a submission (draft, or returned for a resubmission)


def submit_overview(*, assessment: Assessment, user: Any) -> SubmitOverview:
    submittable = assessment.status in (Assessment.Status.DRAFT, Assessment.Status.RETURNED)
    returns = list(
        ReturnedItem.objects.filter(assessment=assessment, resolved_at__isnull=True)
        .select_related("stage", "returned_by")
        .order_by("returned_at", "pk")
    )
    return SubmitOverview(
        completeness=assessment_completeness(assessment),
        open_returns=returns,
        may_submit=submittable and permissions.can(user, Action.SUBMIT, assessment),
        submittable=submittable,
    )


# --- who sees what ------------------------------------------------------------------------------------


def may_review(user: Any, assessment: Assessment) -> bool:
    """The user may write the current stage's answers now (an evaluator, while the review is running)."""
    return (
        assessment.status == Assessment.Status.IN_REVIEW
        and assessment.current_stage is not None
        and may_act_at_stage(user, assessment, assessment.current_stage)
    )


def stage_layers_visible(user: Any, assessment: Assessment) -> bool:
    """The stages' own answers and notes: the evaluators at work, everyone once returned or final.

    (The TPI's *figures* are visible to the coordinator and leaders earlier: `core.tpi_visible`.)"""
    if permissions.can(user, Action.REVIEW, assessment):
        return True
    return assessment.status in (Assessment.Status.RETURNED, Assessment.Status.FINAL)


def viewing_stage(assessment: Assessment, stages: list[ReviewStage]) -> ReviewStage | None:
    """The stage whose view the page shows: the current one, or the last one once final."""
    if assessment.current_stage_id is not None:
        return next((s for s in stages if s.pk == assessment.current_stage_id), None)
    if assessment.status == Assessment.Status.FINAL and stages:
        return stages[-1]
    return None


# --- the review page ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class StageAnswer:
    stage: ReviewStage
    display: str
    note: str
    by: str
    at: dt.datetime
    version: int


@dataclass(frozen=True)
class ControlInput:
    key: str
    label: str
    value: str


@dataclass
class ReviewRow:
    code: str
    question: str
    indicator: str
    area: int | None
    kind: str
    options: list[tuple[str, str]]  # (key, text)
    inputs: list[ControlInput]
    guidance: str
    unit_display: str
    unit_narrative: str
    unit_by: str
    unit_at: dt.datetime | None
    evidence: list[Evidence]
    stage_answers: list[StageAnswer]  # visible stage layers up to the viewing stage, in order
    previous_answers: list[StageAnswer]  # those of the stages before the viewing stage
    before_display: str  # the effective answer the current stage starts from
    effective_display: str  # the effective answer at the viewing stage
    different: bool
    returned: list[ReturnedItem]
    # the current stage's own answer (the control's value)
    own_value: str = ""
    own_note: str = ""
    own_version: int = 0
    own_by: str = ""
    own_at: dt.datetime | None = None

    @property
    def anchor(self) -> str:
        return f"butir-{self.code}"

    @property
    def unresolved_return(self) -> ReturnedItem | None:
        return next((r for r in self.returned if r.resolved_at is None), None)


@dataclass(frozen=True)
class ScoreLine:
    label: str
    unit: str
    stage: str | None
    differs: bool


@dataclass
class AreaGroup:
    key: str  # "1".."6" or "hasil"
    title: str
    rows: list[ReviewRow] = field(default_factory=list)
    score: ScoreLine | None = None


@dataclass
class ReviewPage:
    assessment: Assessment
    framework: Framework
    stages: list[ReviewStage]
    stage: ReviewStage | None  # the viewing stage
    is_last_stage: bool
    editable: bool  # the user writes the current stage's answers now
    layers_visible: bool
    scores: list[ScoreLine]
    area_scores: list[ScoreLine]
    groups: list[AreaGroup]
    area_choices: list[tuple[str, str]]
    shown: int
    total_items: int
    different_count: int
    returned_count: int
    area_notes: list[AreaNoteView] = field(default_factory=list)

    @property
    def next_stage(self) -> ReviewStage | None:
        """The stage after the viewing one (what "advance" moves the assessment to), None at the last."""
        if self.stage is None:
            return None
        later = [s for s in self.stages if s.order > self.stage.order]
        return min(later, key=lambda s: s.order) if later else None


@dataclass(frozen=True)
class AreaNoteView:
    number: int
    name: str
    findings: str
    recommendations: str
    updated_by: str
    updated_at: dt.datetime | None


def area_notes(*, assessment: Assessment, framework: Framework) -> list[AreaNoteView]:
    """The TPI's findings and recommendations for every area of the LKE (blank where none written)."""
    stored = {
        note.area: note
        for note in AreaReviewNote.objects.filter(assessment=assessment).select_related("updated_by")
    }
    views = []
    for area in framework.areas:
        note = stored.get(area.number)
        views.append(
            AreaNoteView(
                number=area.number,
                name=area.name,
                findings=note.findings if note else "",
                recommendations=note.recommendations if note else "",
                updated_by=_who(note.updated_by) if note else "",
                updated_at=note.updated_at if note else None,
            )
        )
    return views


def _who(user: Any) -> str:
    return str(user) if user is not None else ""


def _num(value: Fraction | None, decimals: int) -> str:
    return "–" if value is None else format_id(value, decimals)


def _options(framework: Framework, item: Item) -> list[tuple[str, str]]:
    keys = list(framework.answer_type(item).options)
    texts = list(item.options)
    if len(texts) != len(keys):
        texts = ["" for _key in keys]
    return list(zip(keys, texts, strict=True))


def _control_value(stored: Any) -> str:
    """A stored value as the control shows it (and reads back): "Ya", "80", "80,5"."""
    if stored is None or isinstance(stored, dict | bool):
        return ""
    if isinstance(stored, str):
        return stored
    if isinstance(stored, int):
        return str(stored)
    return repr(stored).replace(".", ",")


def _percent_text(stored: Any) -> str:
    if isinstance(stored, dict) and "percent" in stored:
        return _control_value(stored["percent"])
    return ""


def _inputs(item: Item, stored: Any) -> list[ControlInput]:
    given = stored.get("inputs", {}) if isinstance(stored, dict) else {}
    return [
        ControlInput(
            entry.key, entry.label, "" if given.get(entry.key) is None else _control_value(given[entry.key])
        )
        for entry in item.inputs
    ]


def _display(framework: Framework, code: str, answer: EngineAnswer | None) -> str:
    text = answer_display(answer, framework.items[code])
    if text and isinstance(answer, dict) and "inputs" in answer:
        percent = percent_from_inputs(framework.items[code], answer["inputs"])
        if percent is not None:
            text = f"{text} ({format_id(percent * 100)} %)"
    return text


def _score_lines(framework: Framework, unit: ScoreResult, stage: ScoreResult | None) -> list[ScoreLine]:
    d = framework.settings.display_decimals

    def line(label: str, unit_value: Fraction | None, stage_value: Fraction | None) -> ScoreLine:
        unit_text = _num(unit_value, d)
        stage_text = None if stage is None else _num(stage_value, d)
        return ScoreLine(label, unit_text, stage_text, stage_text is not None and stage_text != unit_text)

    return [
        line(_("Nilai total"), unit.total, stage.total if stage else None),
        line(_("Pengungkit"), unit.pengungkit, stage.pengungkit if stage else None),
        line(_("Hasil"), unit.hasil, stage.hasil if stage else None),
    ]


def _area_line(framework: Framework, number: int, unit: ScoreResult, stage: ScoreResult | None) -> ScoreLine:
    d = framework.settings.display_decimals
    unit_area = next(a for a in unit.areas if a.number == number)
    unit_text = f"{_num(unit_area.score, d)} ({_num(unit_area.percent, d)} %)"
    stage_text = None
    if stage is not None:
        stage_area = next(a for a in stage.areas if a.number == number)
        stage_text = f"{_num(stage_area.score, d)} ({_num(stage_area.percent, d)} %)"
    return ScoreLine(
        unit_area.name, unit_text, stage_text, stage_text is not None and stage_text != unit_text
    )


def _load(
    assessment: Assessment, codes: Iterable[str] | None = None
) -> tuple[list[Answer], list[Evidence], list[ReturnedItem]]:
    answers = Answer.objects.filter(assessment=assessment).select_related("updated_by")
    evidence = Evidence.objects.filter(assessment=assessment, removed_at__isnull=True).select_related(
        "document"
    )
    returned = ReturnedItem.objects.filter(assessment=assessment).select_related("stage", "returned_by")
    if codes is not None:
        wanted = list(codes)
        answers = answers.filter(item_code__in=wanted)
        evidence = evidence.filter(item_code__in=wanted)
        returned = returned.filter(item_code__in=wanted)
    return list(answers), list(evidence), list(returned.order_by("returned_at", "pk"))


def _rows(
    *,
    assessment: Assessment,
    framework: Framework,
    stages: list[ReviewStage],
    stage: ReviewStage | None,
    layers_visible: bool,
    codes: list[str],
    answers: list[Answer],
    evidence: list[Evidence],
    returned: list[ReturnedItem],
) -> tuple[list[ReviewRow], dict[str, EngineAnswer], dict[str, EngineAnswer] | None]:
    by_code: dict[str, dict[int | None, Answer]] = defaultdict(dict)
    for row in answers:
        by_code[row.item_code][row.stage_id] = row
    evidence_by: dict[str, list[Evidence]] = defaultdict(list)
    for proof in evidence:
        evidence_by[proof.item_code].append(proof)
    returned_by: dict[str, list[ReturnedItem]] = defaultdict(list)
    for back in returned:
        returned_by[back.item_code].append(back)

    unit_effective = effective_answers(assessment, None, rows=answers)
    stage_effective: dict[str, EngineAnswer] | None = None
    before_effective = unit_effective
    layer_stages: list[ReviewStage] = []
    if stage is not None and layers_visible:
        stage_effective = effective_answers(assessment, stage, rows=answers)
        layer_stages = [s for s in stages if s.order <= stage.order]
        previous = [s for s in layer_stages if s.order < stage.order]
        if previous:
            before_effective = effective_answers(assessment, previous[-1], rows=answers)

    result = []
    for code in codes:
        item = framework.items[code]
        layers = by_code.get(code, {})
        unit_row = layers.get(None)
        unit_answer = canonical(framework, code, unit_row.value) if unit_row else None
        stage_answers = []
        for layer in layer_stages:
            layer_row = layers.get(layer.pk)
            if layer_row is None:
                continue
            stage_answers.append(
                StageAnswer(
                    stage=layer,
                    display=_display(framework, code, canonical(framework, code, layer_row.value)),
                    note=layer_row.note,
                    by=_who(layer_row.updated_by),
                    at=layer_row.updated_at,
                    version=layer_row.version,
                )
            )
        effective = unit_effective.get(code) if stage_effective is None else stage_effective.get(code)
        own = layers.get(stage.pk) if stage is not None and layers_visible else None
        kind = framework.answer_type(item).kind
        review_row = ReviewRow(
            code=code,
            question=item.question,
            indicator=framework.nodes[item.indicator].name,
            area=framework.area_of(code),
            kind=kind,
            options=_options(framework, item),
            inputs=_inputs(item, own.value if own else None),
            guidance=item.evidence,
            unit_display=_display(framework, code, unit_answer),
            unit_narrative=unit_row.narrative if unit_row else "",
            unit_by=_who(unit_row.updated_by) if unit_row else "",
            unit_at=unit_row.updated_at if unit_row else None,
            evidence=evidence_by.get(code, []),
            stage_answers=stage_answers,
            previous_answers=[a for a in stage_answers if stage is not None and a.stage.order < stage.order],
            before_display=_display(framework, code, before_effective.get(code)),
            effective_display=_display(framework, code, effective),
            different=stage_effective is not None and unit_effective.get(code) != stage_effective.get(code),
            returned=returned_by.get(code, []),
        )
        if own is not None:
            review_row.own_value = (
                _percent_text(own.value) if kind == "percent" else _control_value(own.value)
            )
            review_row.own_note = own.note
            review_row.own_version = own.version
            review_row.own_by = _who(own.updated_by)
            review_row.own_at = own.updated_at
        result.append(review_row)
    return result, unit_effective, stage_effective


def _stages(assessment: Assessment) -> list[ReviewStage]:
    return list(ReviewStage.objects.filter(period_id=assessment.period_id).order_by("order"))


def review_page(
    *,
    assessment: Assessment,
    user: Any,
    only_different: bool = False,
    only_returned: bool = False,
    area: str = "",
) -> ReviewPage:
    """Everything the review page shows, in a constant number of queries (whatever the answers)."""
    framework = engine_for(assessment)
    stages = _stages(assessment)
    stage = viewing_stage(assessment, stages)
    layers_visible = stage_layers_visible(user, assessment)
    answers, evidence, returned = _load(assessment)
    rows, unit_effective, stage_effective = _rows(
        assessment=assessment,
        framework=framework,
        stages=stages,
        stage=stage,
        layers_visible=layers_visible,
        codes=list(framework.items),
        answers=answers,
        evidence=evidence,
        returned=returned,
    )
    unit_score = score(framework, unit_effective)
    stage_score = None if stage_effective is None else score(framework, stage_effective)

    hasil_title = framework.nodes[framework.components["hasil"]].name
    groups: dict[str, AreaGroup] = {}
    for area_def in framework.areas:
        groups[str(area_def.number)] = AreaGroup(
            str(area_def.number),
            f"{area_def.number}. {area_def.name}",
            score=_area_line(framework, area_def.number, unit_score, stage_score),
        )
    hasil_line = _score_lines(framework, unit_score, stage_score)[2]
    groups[HASIL] = AreaGroup(HASIL, hasil_title, score=hasil_line)
    area_choices = [(group.key, group.title) for group in groups.values()]

    shown = 0
    for row in rows:
        key = str(row.area) if row.area is not None else HASIL
        if area and key != area:
            continue
        if only_different and not row.different:
            continue
        if only_returned and not row.returned:
            continue
        groups[key].rows.append(row)
        shown += 1
    last = stages[-1] if stages else None
    is_last_stage = stage is not None and last is not None and stage.pk == last.pk
    show_notes = is_last_stage or assessment.status == Assessment.Status.FINAL
    return ReviewPage(
        assessment=assessment,
        framework=framework,
        stages=stages,
        stage=stage,
        is_last_stage=is_last_stage,
        editable=may_review(user, assessment),
        layers_visible=layers_visible,
        scores=_score_lines(framework, unit_score, stage_score),
        area_scores=[_area_line(framework, a.number, unit_score, stage_score) for a in framework.areas],
        groups=[group for group in groups.values() if group.rows],
        area_choices=area_choices,
        shown=shown,
        total_items=len(rows),
        different_count=sum(1 for row in rows if row.different),
        returned_count=sum(1 for row in rows if row.returned),
        area_notes=area_notes(assessment=assessment, framework=framework) if show_notes else [],
    )


def review_item(*, assessment: Assessment, user: Any, code: str) -> ReviewRow:
    """One row of the review page (what the per-item form shows after a save)."""
    framework = engine_for(assessment)
    stages = _stages(assessment)
    answers, evidence, returned = _load(assessment, [code])
    rows, _unit, _stage = _rows(
        assessment=assessment,
        framework=framework,
        stages=stages,
        stage=viewing_stage(assessment, stages),
        layers_visible=stage_layers_visible(user, assessment),
        codes=[code],
        answers=answers,
        evidence=evidence,
        returned=returned,
    )
    return rows[0]


@dataclass(frozen=True)
class ConflictInfo:
    display: str
    note: str
    by: str
    at: dt.datetime | None
    version: int

    @property
    def message(self) -> str:
        if self.version == 0:
            return _(
                "Jawaban tahap butir ini telah dihapus orang lain sejak halaman dimuat. "
                "Periksa lalu simpan lagi."
            )
        return _(
            "Butir ini telah diubah oleh %(by)s pada %(at)s menjadi \u201c%(value)s\u201d. "
            "Isian Anda belum disimpan: periksa nilai terbaru lalu simpan lagi bila perlu."
        ) % {
            "by": self.by,
            "at": "" if self.at is None else timezone.localtime(self.at).strftime("%d-%m-%Y %H:%M"),
            "value": self.display or _("(kosong)"),
        }


def conflict_info(*, assessment: Assessment, code: str, answer: Answer) -> ConflictInfo:
    """What the second saver is told: the newer value, who saved it and when."""
    framework = engine_for(assessment)
    if answer.pk is None:
        return ConflictInfo("", "", "", None, 0)
    return ConflictInfo(
        display=_display(framework, code, canonical(framework, code, answer.value)),
        note=answer.note,
        by=_who(answer.updated_by),
        at=answer.updated_at,
        version=answer.version,
    )


# --- answer history -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryEntry:
    layer: str
    version: int
    display: str
    narrative: str
    note: str
    by: str
    at: dt.datetime


@dataclass
class AnswerHistory:
    code: str
    question: str
    entries: list[HistoryEntry]
    stages_hidden: bool


def answer_history(*, assessment: Assessment, user: Any, code: str) -> AnswerHistory:
    """Every revision of one item, the unit's and each stage's, oldest first."""
    framework = engine_for(assessment)
    visible = stage_layers_visible(user, assessment)
    revisions = (
        AnswerRevision.objects.filter(answer__assessment=assessment, answer__item_code=code)
        .select_related("answer__stage", "by")
        .order_by("at", "pk")
    )
    if not visible:
        revisions = revisions.filter(answer__stage__isnull=True)
    entries = [
        HistoryEntry(
            layer=rev.answer.stage.name if rev.answer.stage else _("Unit kerja"),
            version=rev.version,
            display=_display(framework, code, canonical(framework, code, rev.value)),
            narrative=rev.narrative,
            note=rev.note,
            by=_who(rev.by),
            at=rev.at,
        )
        for rev in revisions
    ]
    return AnswerHistory(code, framework.items[code].question, entries, stages_hidden=not visible)
