"""What of a unit's earlier LKE under another regulation carries over to its new draft: the preview.

The reviewed item mapping (`zona/frameworks/data/mappings/`, checked by `zona lke` / `zona frameworks
validate-mapping`) says for every new item whether the earlier question is the same (the answer and its
data dukung links carry over), related (only the links carry over) or absent. The preview only ever
proposes to fill blanks: an item the new draft already answers keeps its answer, an item that already has
data dukung keeps its own. `carryover_apply` (services) recomputes this plan and writes exactly it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zona.frameworks.selectors import framework_mapping
from zona.lke.answers import answer_display, answer_to_json
from zona.lke.framework import Framework, FrameworkInvalid
from zona.lke.mapping import ItemMapping

from ..models import Answer, Assessment, Evidence, ReviewStage
from .core import canonical, effective_answers, engine_for

KIND_LABELS = {
    "same_question": gettext_lazy("Pertanyaan sama"),
    "same_evidence": gettext_lazy("Hanya data dukung"),
    "none": gettext_lazy("Tidak ada padanan"),
}


class CarryoverUnavailable(Exception):
    """No earlier assessment can be carried over to this one (the message says why, in Indonesian)."""


@dataclass(frozen=True)
class EvidencePlan:
    source_id: int
    source_item: str
    title: str
    document_id: int | None
    url: str


@dataclass(frozen=True)
class CarryRow:
    code: str
    question: str
    area: int | None
    kind: str
    kind_label: str
    sources: tuple[str, ...]
    note: str
    source_answer: Any  # the stored form (JSON) of the earlier answer, for same_question items
    source_display: str
    target_display: str  # the new draft's current answer ("" when blank)
    answer_carries: bool
    evidence: tuple[EvidencePlan, ...]
    target_has_evidence: bool

    @property
    def must_answer(self) -> bool:
        """Still blank after the carry-over: to be answered anew."""
        return not self.target_display and not self.answer_carries

    @property
    def status(self) -> str:
        if self.target_display:
            return "kept"
        if self.answer_carries:
            return "answer"
        return "anew"


@dataclass
class CarryoverPreview:
    source: Assessment
    target: Assessment
    mapping: ItemMapping
    rows: list[CarryRow]
    source_layer: str  # which answers of the earlier assessment are used
    token: str = ""
    by_area: list[tuple[str, list[CarryRow]]] = field(default_factory=list)

    @property
    def answers(self) -> list[CarryRow]:
        return [row for row in self.rows if row.answer_carries]

    @property
    def evidence_count(self) -> int:
        return sum(len(row.evidence) for row in self.rows)

    @property
    def anew(self) -> list[CarryRow]:
        return [row for row in self.rows if row.must_answer]

    @property
    def kept(self) -> list[CarryRow]:
        return [row for row in self.rows if row.target_display]

    @property
    def has_changes(self) -> bool:
        return bool(self.answers) or self.evidence_count > 0


def carryover_candidates(target: Assessment) -> QuerySet[Assessment]:
    """The unit's earlier assessments (same unit and instansi, as "mulai dari periode lalu"), newest first,
    under another framework than the target's."""
    return (
        Assessment.objects.filter(unit_id=target.unit_id, period__instansi_id=target.period.instansi_id)
        .exclude(pk=target.pk)
        .exclude(period__framework__code=target.period.framework.code)
        .filter(period__year__lte=target.period.year)
        .select_related("period__framework", "unit")
        .order_by("-period__year", "-period__semester", "-pk")
    )


def carryover_mapping(source: Assessment, target: Assessment) -> ItemMapping | None:
    try:
        return framework_mapping(source=engine_for(source), target=engine_for(target))
    except FrameworkInvalid:
        return None  # a shipped mapping that does not fit these versions is not offered


def carryover_source(target: Assessment, source_pk: int | None = None) -> Assessment:
    """The earlier assessment to carry over from: the newest with a reviewed mapping (or the one asked)."""
    candidates = list(carryover_candidates(target))
    if source_pk is not None:
        candidates = [a for a in candidates if a.pk == source_pk]
    for candidate in candidates:
        if carryover_mapping(candidate, target) is not None:
            return candidate
    raise CarryoverUnavailable(
        _("Unit ini tidak memiliki penilaian sebelumnya dengan kerangka lain yang padanannya telah ditinjau.")
    )


def _source_answers(source: Assessment, framework: Framework) -> tuple[dict[str, Any], str]:
    """The earlier answers by item code (canonical), and a sentence saying which layer they are."""
    if source.status == Assessment.Status.FINAL:
        last = ReviewStage.objects.filter(period_id=source.period_id).order_by("-order").first()
        if last is not None:
            return effective_answers(source, last), _("jawaban akhir setelah reviu TPI")
    rows = Answer.objects.filter(assessment=source, stage__isnull=True).only("item_code", "value", "stage_id")
    answers = {}
    for row in rows:
        value = canonical(framework, row.item_code, row.value)
        if value is not None:
            answers[row.item_code] = value
    return answers, _("jawaban unit (penilaian mandiri)")


def carryover_preview(*, source: Assessment, target: Assessment) -> CarryoverPreview:
    """What carrying `source` over to `target` would write. Reads only."""
    mapping = carryover_mapping(source, target)
    if mapping is None:
        raise CarryoverUnavailable(
            _("Tidak ada padanan butir yang telah ditinjau antara kedua kerangka ini.")
        )
    source_fw, target_fw = engine_for(source), engine_for(target)
    earlier, layer = _source_answers(source, source_fw)
    current = {
        row.item_code: canonical(target_fw, row.item_code, row.value)
        for row in Answer.objects.filter(assessment=target, stage__isnull=True).only("item_code", "value")
    }
    source_evidence: dict[str, list[Evidence]] = {}
    for evidence in Evidence.objects.filter(assessment=source, removed_at__isnull=True).order_by("pk"):
        source_evidence.setdefault(evidence.item_code, []).append(evidence)
    with_evidence = set(
        Evidence.objects.filter(assessment=target, removed_at__isnull=True).values_list(
            "item_code", flat=True
        )
    )
    rows = []
    for code, entry in mapping.entries.items():
        item = target_fw.items[code]
        source_answer: Any = None
        display = ""
        carries = False
        now = current.get(code)
        if entry.carries_answer:
            earlier_answer = earlier.get(entry.sources[0])
            if earlier_answer is not None:
                display = answer_display(earlier_answer, item)
                stored = answer_to_json(earlier_answer)
                if canonical(target_fw, code, stored) is not None:
                    source_answer = stored
                    carries = now is None
        plans: list[EvidencePlan] = []
        if entry.carries_evidence and code not in with_evidence:
            seen: set[tuple[int | None, str]] = set()
            for source_code in entry.sources:
                for evidence in source_evidence.get(source_code, []):
                    key = (evidence.document_id, evidence.url)
                    if key in seen:
                        continue
                    seen.add(key)
                    plans.append(
                        EvidencePlan(
                            evidence.pk, source_code, evidence.title, evidence.document_id, evidence.url
                        )
                    )
        rows.append(
            CarryRow(
                code=code,
                question=item.question,
                area=target_fw.area_of(code),
                kind=entry.kind,
                kind_label=str(KIND_LABELS[entry.kind]),
                sources=entry.sources,
                note=entry.note,
                source_answer=source_answer,
                source_display=display,
                target_display=answer_display(now, item) if now is not None else "",
                answer_carries=carries,
                evidence=tuple(plans),
                target_has_evidence=code in with_evidence,
            )
        )
    preview = CarryoverPreview(source=source, target=target, mapping=mapping, rows=rows, source_layer=layer)
    preview.token = _token(preview)
    preview.by_area = _by_area(target_fw, rows)
    return preview


def _token(preview: CarryoverPreview) -> str:
    """A fingerprint of exactly what would be written, so that a confirmation applies what was shown."""
    plan = {
        "source": preview.source.pk,
        "target": preview.target.pk,
        "answers": {row.code: row.source_answer for row in preview.answers},
        "evidence": {row.code: [e.source_id for e in row.evidence] for row in preview.rows if row.evidence},
    }
    return hashlib.sha256(json.dumps(plan, sort_keys=True, default=str).encode()).hexdigest()[:32]


def _by_area(framework: Framework, rows: list[CarryRow]) -> list[tuple[str, list[CarryRow]]]:
    groups: list[tuple[str, list[CarryRow]]] = []
    for area in framework.areas:
        groups.append((f"{area.number}. {area.name}", [row for row in rows if row.area == area.number]))
    hasil = [row for row in rows if row.area is None]
    if hasil:
        groups.append((_("Komponen hasil"), hasil))
    return groups


def carryover_offer(user: Any, assessment: Assessment) -> Assessment | None:
    """The earlier assessment the worksheet offers to carry over from (a draft the user may change)."""
    from zona.accounts import permissions

    if assessment.status != Assessment.Status.DRAFT or not permissions.can(
        user, permissions.Action.CHANGE, assessment
    ):
        return None
    try:
        return carryover_source(assessment)
    except CarryoverUnavailable:
        return None
