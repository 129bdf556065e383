"""Reading the self-assessment worksheet: the LKE tree with answers, evidence, comments and live scores.

`worksheet_page` owns every query of the page (a constant number, whatever the number of items, answers,
evidence rows or comments): the unit's answers, evidence, comments, returned items, pokja assignments and
the user's own team areas are each read once and grouped in Python. Scores come from the engine only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from zona.accounts import permissions
from zona.accounts.models import User
from zona.accounts.permissions import Action
from zona.documents.models import Document
from zona.lke.answers import Answer as EngineAnswer
from zona.lke.answers import answer_display, percent_from_inputs
from zona.lke.framework import Framework, Item
from zona.lke.numbers import format_id
from zona.lke.scoring import ScoreResult, item_share, score
from zona.teams.models import TeamMember

from ..models import Answer, Assessment, Comment, Evidence, ItemAssignment, Period, ReturnedItem
from .core import effective_answers, engine_for

HASIL = "hasil"
STATUS_FILTERS = ("belum", "tanpa-dukung")
PREVIEW_TYPES = {"application/pdf": "pdf", "image/png": "image", "image/jpeg": "image", "image/webp": "image"}


def slug(code: str) -> str:
    """An item or node code as an HTML id fragment (no dots, so it is also a plain CSS selector)."""
    return code.replace(".", "-")


def person(user: Any) -> str:
    if user is None:
        return ""
    return getattr(user, "full_name", "") or user.get_username()


@dataclass(frozen=True)
class Filters:
    mine: bool = False
    area: str = ""  # "1".."6", "hasil" or "" (all)
    status: str = ""  # "", "belum" (unanswered) or "tanpa-dukung" (no evidence)

    @classmethod
    def from_query(cls, query: Mapping[str, str], areas: Iterable[int]) -> Filters:
        area = (query.get("area") or "").strip()
        if area not in {str(n) for n in areas} | {HASIL}:
            area = ""
        status = (query.get("status") or "").strip()
        return cls(
            mine=(query.get("saya") or "") in ("1", "on", "ya"),
            area=area,
            status=status if status in STATUS_FILTERS else "",
        )

    @property
    def active(self) -> bool:
        return self.mine or bool(self.area) or bool(self.status)


@dataclass(frozen=True)
class OptionRow:
    key: str
    text: str
    label: str
    checked: bool


@dataclass(frozen=True)
class InputRow:
    key: str
    label: str
    value: str


@dataclass(frozen=True)
class EvidenceRow:
    evidence: Evidence
    added_by: str
    removed_by: str
    preview: str  # "pdf", "image" or ""
    is_link: bool


@dataclass(frozen=True)
class CommentRow:
    comment: Comment
    author: str


@dataclass(frozen=True)
class ReturnedRow:
    stage: str
    comment: str
    by: str
    at: Any


@dataclass(frozen=True)
class ItemRow:
    """One item as the worksheet shows it; `value_text`/`inputs`/`options` carry what the form displays."""

    item: Item
    slug: str
    kind: str
    area_key: str
    indicator_slug: str
    options: tuple[OptionRow, ...]
    inputs: tuple[InputRow, ...]
    value_text: str  # direct percentage or index, as shown in the input
    narrative: str
    answer: Answer | None
    version: int
    display: str
    answered: bool
    computed_percent: str
    points: str
    share: str
    evidence: tuple[EvidenceRow, ...]
    removed_evidence: tuple[EvidenceRow, ...]
    comments: tuple[CommentRow, ...]
    returned: tuple[ReturnedRow, ...]
    editable: bool
    lock_reason: str
    assignees: tuple[str, ...]
    mine: bool
    updated_by: str
    updated_at: Any
    index_max: str = "4"

    @property
    def has_evidence(self) -> bool:
        return bool(self.evidence)


@dataclass
class IndicatorRow:
    code: str
    slug: str
    name: str
    path: str
    score: str
    weight: str
    items: list[ItemRow] = field(default_factory=list)


@dataclass
class GroupRow:
    title: str
    indicators: list[IndicatorRow] = field(default_factory=list)


@dataclass
class SectionRow:
    key: str
    title: str
    short: str
    score: str
    weight: str
    percent: str
    answered: int
    with_evidence: int
    total: int
    groups: list[GroupRow] = field(default_factory=list)
    visible_items: int = 0

    @property
    def heading_id(self) -> str:
        return f"area-{self.key}"


@dataclass(frozen=True)
class TotalRow:
    total: str
    pengungkit: str
    hasil: str
    answered: int
    with_evidence: int
    items: int


@dataclass
class WorksheetPage:
    assessment: Assessment
    framework: Framework
    result: ScoreResult
    filters: Filters
    can_change: bool
    can_assign: bool
    sections: list[SectionRow]
    items: dict[str, ItemRow]
    totals: TotalRow
    assignments: list[tuple[str, list[str]]]
    assignable_users: list[User]
    locked_notice: str
    visible_count: int
    upload_max_mb: int = 20

    def section_of(self, code: str) -> SectionRow:
        key = self.items[code].area_key
        return next(section for section in self.sections if section.key == key)

    def indicator_of(self, code: str) -> IndicatorRow:
        row = self.items[code]
        section = self.section_of(code)
        return next(
            indicator
            for group in section.groups
            for indicator in group.indicators
            if indicator.code == row.item.indicator
        )


def _fmt(value: Fraction | None, decimals: int) -> str:
    return "–" if value is None else format_id(value, decimals)


def _value_for_form(kind: str, item: Item, stored: Any) -> tuple[str, dict[str, str], str]:
    """(choice key, percent inputs, direct percent or index text) of a stored or posted answer."""
    choice, text = "", ""
    inputs: dict[str, str] = {}
    if stored is None:
        return choice, inputs, text
    if kind == "choice":
        choice = str(stored)
    elif kind == "index":
        text = _plain(stored)
    elif isinstance(stored, Mapping):
        if "percent" in stored:
            text = _plain(stored["percent"])
        elif isinstance(stored.get("inputs"), Mapping):
            inputs = {str(key): _plain(value) for key, value in stored["inputs"].items()}
    else:
        text = _plain(stored)
    return choice, inputs, text


def _plain(value: Any) -> str:
    """A number as a browser's number input accepts it (dot decimal), or the text as typed."""
    if value is None:
        return ""
    if isinstance(value, Fraction):
        value = value.numerator if value.denominator == 1 else float(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def lock_reason(assessment: Assessment, returned_codes: set[str], code: str) -> str:
    """Why the unit cannot edit an item now ("" if it can); mirrors `services.answers.unit_may_edit_item`."""
    if assessment.period.status != Period.Status.OPEN:
        return _("Terkunci: periode penilaian sudah ditutup.")
    if assessment.status == Assessment.Status.DRAFT:
        return ""
    if assessment.status == Assessment.Status.RETURNED:
        if code in returned_codes:
            return ""
        return _("Terkunci: butir ini tidak dikembalikan untuk perbaikan.")
    return _("Terkunci: penilaian berstatus %(status)s.") % {"status": assessment.get_status_display()}


def _option_label(key: str, text: str) -> str:
    if not text:
        return key
    head = text.split(".", 1)[0].split(",", 1)[0].strip()
    if head.casefold() == key.casefold():
        return text
    return f"{key} — {text}"


def build_item(
    *,
    framework: Framework,
    result: ScoreResult,
    item: Item,
    answer: Answer | None,
    evidence: Iterable[Evidence],
    comments: Iterable[Comment],
    returned: Iterable[ReturnedItem],
    editable: bool,
    lock: str,
    assignees: tuple[str, ...] = (),
    mine: bool = False,
    posted: Mapping[str, Any] | None = None,
) -> ItemRow:
    """One item row; `posted` ({"value": raw, "narrative": text}) shows what a person typed instead."""
    decimals = framework.settings.display_decimals
    answer_type = framework.answer_type(item)
    kind = answer_type.kind
    stored = answer.value if answer is not None else None
    narrative = answer.narrative if answer is not None else ""
    if posted is not None:
        stored = posted.get("value")
        narrative = str(posted.get("narrative") or "")
    choice, input_values, text = _value_for_form(kind, item, stored)
    options = tuple(
        OptionRow(
            key=key,
            text=item.options[index] if index < len(item.options) else "",
            label=_option_label(key, item.options[index] if index < len(item.options) else ""),
            checked=key.casefold() == choice.casefold() if choice else False,
        )
        for index, key in enumerate(answer_type.options)
    )
    inputs = tuple(InputRow(entry.key, entry.label, input_values.get(entry.key, "")) for entry in item.inputs)
    engine_answer: EngineAnswer | None = result.answers.get(item.code)
    computed = ""
    if kind == "percent" and engine_answer is not None:
        value = result.values.get(item.code)
        if value is not None:
            computed = format_id(value * 100, decimals)
        if isinstance(engine_answer, dict) and "inputs" in engine_answer:
            raw_percent = percent_from_inputs(item, engine_answer["inputs"])
            if raw_percent is not None and value is not None and raw_percent != value:
                computed = _("%(shown)s (dihitung %(raw)s, dibatasi 0–100)") % {
                    "shown": format_id(value * 100, decimals),
                    "raw": format_id(raw_percent * 100, decimals),
                }
    share = item_share(framework, item)
    points = result.item_points(item.code)
    area = framework.area_of(item.code)
    return ItemRow(
        item=item,
        slug=slug(item.code),
        kind=kind,
        area_key=str(area) if area is not None else HASIL,
        indicator_slug=slug(item.indicator),
        options=options,
        inputs=inputs,
        value_text=text,
        narrative=narrative,
        answer=answer,
        version=answer.version if answer is not None else 0,
        display=answer_display(engine_answer, item),
        answered=engine_answer is not None,
        computed_percent=computed,
        points=_fmt(points, decimals),
        share=_fmt(share, decimals),
        evidence=tuple(_evidence_row(row) for row in evidence if row.removed_at is None),
        removed_evidence=tuple(_evidence_row(row) for row in evidence if row.removed_at is not None),
        comments=tuple(CommentRow(comment, person(comment.author)) for comment in comments),
        returned=tuple(
            ReturnedRow(row.stage.name, row.comment, person(row.returned_by), row.returned_at)
            for row in returned
        ),
        editable=editable,
        lock_reason=lock,
        assignees=assignees,
        mine=mine,
        updated_by=person(answer.updated_by) if answer is not None else "",
        updated_at=answer.updated_at if answer is not None else None,
        index_max=_plain(answer_type.max or Fraction(4)),
    )


def _evidence_row(evidence: Evidence) -> EvidenceRow:
    blob = evidence.document.blob if evidence.document is not None else None
    content_type = blob.content_type if blob is not None and blob.shown_inline else ""
    return EvidenceRow(
        evidence=evidence,
        added_by=person(evidence.added_by),
        removed_by=person(evidence.removed_by),
        preview=PREVIEW_TYPES.get(content_type, ""),
        is_link=not evidence.document_id,
    )


def with_posted(
    row: ItemRow, framework: Framework, result: ScoreResult, posted: Mapping[str, Any]
) -> ItemRow:
    """The same row, its form showing what the person typed (after a conflict or a refused value)."""
    typed = build_item(
        framework=framework,
        result=result,
        item=row.item,
        answer=row.answer,
        evidence=(),
        comments=(),
        returned=(),
        editable=row.editable,
        lock=row.lock_reason,
        posted=posted,
    )
    return replace(
        row,
        options=typed.options,
        inputs=typed.inputs,
        value_text=typed.value_text,
        narrative=typed.narrative,
    )


def assignable_users(*, assessment: Assessment, actor: Any) -> QuerySet[User]:
    """People with a unit role (ketua tim, anggota tim, operator) covering the assessment's unit, as the
    actor may see them; never koordinator, TPI or pengawas accounts (`permissions.unit_people`)."""
    return permissions.unit_people(actor, assessment.unit, descendants=False)


def attachable_documents(*, assessment: Assessment) -> QuerySet[Document]:
    """Documents the unit already has (its own, or the instansi's), to attach without uploading again."""
    unit = assessment.unit
    return (
        Document.objects.filter(instansi_id=unit.instansi_id)
        .filter(Q(unit=unit) | Q(unit__isnull=True))
        .exclude(kind=Document.Kind.LHE)
        .select_related("blob")
        .order_by("kind", "-created_at")
    )


def worksheet_page(
    *, assessment: Assessment, user: Any, filters: Filters | None = None, only: str | None = None
) -> WorksheetPage:
    """The worksheet of `assessment` for `user`; `only` (an item code) builds the row of that item only."""
    framework = engine_for(assessment)
    decimals = framework.settings.display_decimals
    filters = filters or Filters()

    rows = list(Answer.objects.filter(assessment=assessment, stage__isnull=True).select_related("updated_by"))
    answers_by_code = {row.item_code: row for row in rows}
    result = score(framework, effective_answers(assessment, None, rows=rows))

    evidence_by_code: dict[str, list[Evidence]] = defaultdict(list)
    for evidence in Evidence.objects.filter(assessment=assessment).select_related(
        "document__blob", "added_by", "removed_by"
    ):
        evidence_by_code[evidence.item_code].append(evidence)
    comments_by_code: dict[str, list[Comment]] = defaultdict(list)
    for comment in Comment.objects.filter(assessment=assessment).select_related("author"):
        comments_by_code[comment.item_code].append(comment)
    returned_by_code: dict[str, list[ReturnedItem]] = defaultdict(list)
    if assessment.status == Assessment.Status.RETURNED:
        for returned in ReturnedItem.objects.filter(
            assessment=assessment, resolved_at__isnull=True
        ).select_related("stage", "returned_by"):
            returned_by_code[returned.item_code].append(returned)

    assigned_items: dict[str, list[str]] = defaultdict(list)
    assigned_areas: dict[int, list[str]] = defaultdict(list)
    by_person: dict[str, list[str]] = defaultdict(list)
    my_items: set[str] = set()
    my_areas: set[int] = set()
    for assignment in ItemAssignment.objects.filter(assessment=assessment).select_related("user"):
        name = person(assignment.user)
        if assignment.item_code:
            assigned_items[assignment.item_code].append(name)
            by_person[name].append(assignment.item_code)
            if assignment.user_id == user.pk:
                my_items.add(assignment.item_code)
        if assignment.area is not None:
            assigned_areas[assignment.area].append(name)
            by_person[name].append(_("Area %(n)s") % {"n": assignment.area})
            if assignment.user_id == user.pk:
                my_areas.add(assignment.area)
    for areas in TeamMember.objects.filter(
        user_id=user.pk, team__unit_id=assessment.unit_id, team__year=assessment.period.year
    ).values_list("areas", flat=True):
        my_areas.update(int(area) for area in areas or [] if str(area).isdigit())

    can_change = permissions.can(user, Action.CHANGE, assessment)
    can_assign = permissions.can(user, Action.SUBMIT, assessment)
    returned_codes = set(returned_by_code)

    items: dict[str, ItemRow] = {}
    for code, item in framework.items.items():
        if only is not None and code != only:
            continue
        area = framework.area_of(code)
        lock = lock_reason(assessment, returned_codes, code)
        names = tuple(dict.fromkeys([*assigned_items.get(code, []), *assigned_areas.get(area or 0, [])]))
        items[code] = build_item(
            framework=framework,
            result=result,
            item=item,
            answer=answers_by_code.get(code),
            evidence=evidence_by_code.get(code, []),
            comments=comments_by_code.get(code, []),
            returned=returned_by_code.get(code, []),
            editable=can_change and not lock,
            lock="" if not can_change else lock,
            assignees=names,
            mine=code in my_items or (area is not None and area in my_areas),
        )

    with_evidence = {
        code for code, rows_ in evidence_by_code.items() if any(row.removed_at is None for row in rows_)
    }
    sections = _sections(framework, result, items, filters, with_evidence, decimals)
    visible = sum(section.visible_items for section in sections)

    locked_notice = ""
    if not can_change:
        locked_notice = _("Anda dapat melihat lembar kerja ini, tetapi tidak dapat mengubahnya.")
    elif assessment.period.status != Period.Status.OPEN:
        locked_notice = _("Periode penilaian sudah ditutup; lembar kerja hanya dapat dilihat.")
    elif assessment.status == Assessment.Status.RETURNED:
        locked_notice = _(
            "Penilaian dikembalikan untuk perbaikan: hanya %(n)s butir yang dikembalikan yang dapat diubah."
        ) % {"n": len(returned_codes)}
    elif assessment.status != Assessment.Status.DRAFT:
        locked_notice = _("Penilaian berstatus %(status)s; jawaban dan data dukung tidak dapat diubah.") % {
            "status": assessment.get_status_display()
        }

    completeness = result.completeness
    totals = TotalRow(
        total=_fmt(result.total, decimals),
        pengungkit=_fmt(result.pengungkit, decimals),
        hasil=_fmt(result.hasil, decimals),
        answered=completeness.answered,
        with_evidence=len(with_evidence & set(framework.items)),
        items=completeness.total,
    )
    return WorksheetPage(
        assessment=assessment,
        framework=framework,
        result=result,
        filters=filters,
        can_change=can_change,
        can_assign=can_assign,
        sections=sections,
        items=items,
        totals=totals,
        assignments=sorted(by_person.items()),
        assignable_users=list(assignable_users(assessment=assessment, actor=user))
        if can_assign and only is None
        else [],
        locked_notice=locked_notice,
        visible_count=visible,
        upload_max_mb=int(settings.ZONA_UPLOAD_MAX_MB),
    )


def _shown(row: ItemRow, filters: Filters) -> bool:
    if filters.mine and not row.mine:
        return False
    if filters.area and row.area_key != filters.area:
        return False
    if filters.status == "belum" and row.answered:
        return False
    return not (filters.status == "tanpa-dukung" and row.has_evidence)


def _sections(
    framework: Framework,
    result: ScoreResult,
    items: dict[str, ItemRow],
    filters: Filters,
    with_evidence: set[str],
    decimals: int,
) -> list[SectionRow]:
    aspect_titles = {"pemenuhan": _("Pemenuhan"), "reform": _("Reform")}
    sections = []
    by_area = {area.number: area for area in result.areas}
    for area in framework.areas:
        area_score = by_area[area.number]
        codes = [code for code in framework.items if framework.area_of(code) == area.number]
        section = SectionRow(
            key=str(area.number),
            title=area.name,
            short=area.short,
            score=_fmt(area_score.score, decimals),
            weight=_fmt(area_score.weight, decimals),
            percent=_fmt(area_score.percent, decimals),
            answered=sum(1 for code in codes if result.values.get(code) is not None),
            with_evidence=sum(1 for code in codes if code in with_evidence),
            total=len(codes),
        )
        for node_code in area.nodes:
            aspect = framework.aspect_of(node_code) or ""
            group = GroupRow(title=aspect_titles.get(aspect, framework.nodes[node_code].name))
            _collect(framework, result, node_code, node_code, items, filters, group, decimals)
            section.groups.append(group)
        section.visible_items = sum(len(ind.items) for group in section.groups for ind in group.indicators)
        sections.append(section)

    hasil_code = framework.components.get("hasil")
    if hasil_code:
        node = framework.nodes[hasil_code]
        codes = [code for code in framework.items if framework.area_of(code) is None]
        hasil_score = result.node_scores.get(hasil_code)
        percent = hasil_score / node.weight * 100 if hasil_score is not None and node.weight else None
        section = SectionRow(
            key=HASIL,
            title=node.name,
            short="",
            score=_fmt(hasil_score, decimals),
            weight=_fmt(node.weight, decimals),
            percent=_fmt(percent, decimals),
            answered=sum(1 for code in codes if result.values.get(code) is not None),
            with_evidence=sum(1 for code in codes if code in with_evidence),
            total=len(codes),
        )
        for child in node.children or [hasil_code]:
            group = GroupRow(title=framework.nodes[child].name)
            _collect(framework, result, child, child, items, filters, group, decimals)
            section.groups.append(group)
        section.visible_items = sum(len(ind.items) for group in section.groups for ind in group.indicators)
        sections.append(section)
    return sections


def _collect(
    framework: Framework,
    result: ScoreResult,
    code: str,
    top: str,
    items: dict[str, ItemRow],
    filters: Filters,
    group: GroupRow,
    decimals: int,
) -> None:
    node = framework.nodes[code]
    if node.is_indicator or not node.children:
        shown = [items[item] for item in node.items if item in items and _shown(items[item], filters)]
        if shown:
            trail = []
            current: str | None = node.parent
            while current is not None and current != top and framework.nodes[current].parent is not None:
                trail.append(framework.nodes[current].name)
                current = framework.nodes[current].parent
            group.indicators.append(
                IndicatorRow(
                    code=code,
                    slug=slug(code),
                    name=node.name,
                    path=" › ".join(reversed(trail)),
                    score=_fmt(result.node_scores.get(code), decimals),
                    weight=_fmt(node.weight, decimals),
                    items=shown,
                )
            )
        return
    for child in node.children:
        _collect(framework, result, child, top, items, filters, group, decimals)
