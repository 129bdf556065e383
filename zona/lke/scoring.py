"""The exact LKE scoring engine: framework + canonical answers -> every score, verdicts and gains.

Full precision (fractions) inside; figures are rounded half up to the framework's display decimals only
when shown, and threshold tests compare the figure shown, as an evaluator reading the sheet would.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from zona.lke.answers import Answer, answer_display, item_value
from zona.lke.framework import Framework, Item, Predicate, Requirement
from zona.lke.numbers import format_id, round_half_up, sum_or_none, to_float


@dataclass(frozen=True)
class AreaScore:
    number: int
    short: str
    name: str
    weight: Fraction | None
    score: Fraction
    pemenuhan: Fraction | None
    reform: Fraction | None

    @property
    def percent(self) -> Fraction | None:
        if not self.weight:
            return None
        return self.score / self.weight * 100


@dataclass(frozen=True)
class Gain:
    code: str
    question: str
    area: int | None
    current: str
    best: str
    points: Fraction


@dataclass(frozen=True)
class Verdict:
    code: str
    name: str
    eligible: bool
    failed: tuple[str, ...]
    requires: tuple[str, ...]


@dataclass(frozen=True)
class Completeness:
    answered: int
    total: int
    by_area: dict[int, tuple[int, int]]
    hasil: tuple[int, int]
    missing: tuple[str, ...]

    @property
    def percent(self) -> Fraction:
        return Fraction(self.answered * 100, self.total) if self.total else Fraction(0)


@dataclass
class ScoreResult:
    framework: Framework
    answers: Mapping[str, Answer]
    values: dict[str, Fraction | None]
    node_scores: dict[str, Fraction | None]
    areas: list[AreaScore]
    completeness: Completeness
    predicates: dict[str, Verdict] = field(default_factory=dict)
    gains: list[Gain] = field(default_factory=list)

    def node(self, code: str) -> Fraction | None:
        return self.node_scores.get(code)

    @property
    def total(self) -> Fraction:
        return sum((self.node_scores[root] or Fraction(0) for root in self.framework.roots), Fraction(0))

    @property
    def pengungkit(self) -> Fraction:
        return self.node_scores[self.framework.components["pengungkit"]] or Fraction(0)

    @property
    def hasil(self) -> Fraction:
        return self.node_scores[self.framework.components["hasil"]] or Fraction(0)

    @property
    def pemenuhan(self) -> Fraction | None:
        code = self.framework.aspects.get("pemenuhan")
        return self.node_scores[code] if code else None

    @property
    def reform(self) -> Fraction | None:
        code = self.framework.aspects.get("reform")
        return self.node_scores[code] if code else None

    def item_points(self, code: str) -> Fraction | None:
        """What the item contributes to the total (its share of the indicator weight x its value)."""
        share = item_share(self.framework, self.framework.items[code])
        if share is None:
            return None
        value = self.values.get(code)
        return share * (self.framework.settings.blank_value if value is None else value)

    def to_dict(self, *, gains_limit: int | None = None) -> dict[str, Any]:
        """The JSON shape of `zona lke score --json` (and of the API): figures rounded for display."""
        fw = self.framework
        d = fw.settings.display_decimals

        def num(value: Fraction | None) -> float | None:
            return None if value is None else to_float(value, d)

        gains = self.gains if gains_limit is None else self.gains[:gains_limit]
        return {
            "framework": fw.code,
            "total": num(self.total),
            "pengungkit": num(self.pengungkit),
            "pemenuhan": num(self.pemenuhan),
            "reform": num(self.reform),
            "hasil": num(self.hasil),
            "areas": {
                str(area.number): {
                    "name": area.name,
                    "weight": num(area.weight),
                    "pemenuhan": num(area.pemenuhan),
                    "reform": num(area.reform),
                    "score": num(area.score),
                    "percent": num(area.percent),
                }
                for area in self.areas
            },
            "hasil_detail": {
                code: num(self.node_scores.get(code))
                for code in fw.subtree_nodes(fw.components["hasil"])
                if code != fw.components["hasil"]
            },
            "predicates": {
                code: {
                    "name": verdict.name,
                    "eligible": verdict.eligible,
                    "failed": list(verdict.failed),
                    "requires": list(verdict.requires),
                }
                for code, verdict in self.predicates.items()
            },
            "completeness": {
                "answered": self.completeness.answered,
                "total": self.completeness.total,
                "percent": num(self.completeness.percent),
                "missing": list(self.completeness.missing),
            },
            "gains": [
                {
                    "code": gain.code,
                    "area": gain.area,
                    "current": gain.current,
                    "best": gain.best,
                    "gain": num(gain.points),
                    "question": gain.question,
                }
                for gain in gains
            ],
            "settings": fw.settings.as_dict(),
        }


def item_share(framework: Framework, item: Item) -> Fraction | None:
    """The points an item is worth at its best answer: indicator weight / number of items."""
    indicator = framework.nodes[item.indicator]
    if indicator.weight is None or not indicator.items:
        return None
    return indicator.weight / len(indicator.items)


def score(framework: Framework, answers: Mapping[str, Answer]) -> ScoreResult:
    """Score canonical answers (from `parse_answers`) against the framework."""
    blank = framework.settings.blank_value
    values = {code: item_value(framework, item, answers.get(code)) for code, item in framework.items.items()}
    node_scores: dict[str, Fraction | None] = {}

    def node_score(code: str) -> Fraction | None:
        node = framework.nodes[code]
        result: Fraction | None
        if node.weight is None:
            result = None
            for child in node.children:
                node_score(child)
        elif node.is_indicator:
            if not node.items:
                result = None
            else:
                item_values = [values[item] for item in node.items]
                total = sum((blank if value is None else value for value in item_values), Fraction(0))
                result = node.weight * total / len(item_values)
        else:
            result = sum(
                (child_score or Fraction(0) for child_score in map(node_score, node.children)), Fraction(0)
            )
        node_scores[code] = result
        return result

    for root in framework.roots:
        node_score(root)

    areas = []
    for area in framework.areas:
        by_aspect = {framework.aspect_of(code): node_scores[code] for code in area.nodes}
        areas.append(
            AreaScore(
                number=area.number,
                short=area.short,
                name=area.name,
                weight=sum_or_none(framework.nodes[code].weight for code in area.nodes),
                score=sum((node_scores[code] or Fraction(0) for code in area.nodes), Fraction(0)),
                pemenuhan=by_aspect.get("pemenuhan"),
                reform=by_aspect.get("reform"),
            )
        )

    result = ScoreResult(
        framework=framework,
        answers=answers,
        values=values,
        node_scores=node_scores,
        areas=areas,
        completeness=_completeness(framework, values),
    )
    result.predicates = {p.code: _verdict(result, p) for p in framework.predicates}
    result.gains = _gains(result)
    return result


def _completeness(framework: Framework, values: Mapping[str, Fraction | None]) -> Completeness:
    by_area: dict[int, list[int]] = {area.number: [0, 0] for area in framework.areas}
    hasil = [0, 0]
    missing = []
    for code in framework.items:
        counter = by_area.get(framework.area_of(code) or 0, hasil)
        counter[1] += 1
        if values[code] is None:
            missing.append(code)
        else:
            counter[0] += 1
    total = len(framework.items)
    return Completeness(
        answered=total - len(missing),
        total=total,
        by_area={number: (a, t) for number, (a, t) in by_area.items()},
        hasil=(hasil[0], hasil[1]),
        missing=tuple(missing),
    )


def _verdict(result: ScoreResult, predicate: Predicate) -> Verdict:
    failed: list[str] = []
    for requirement in predicate.requirements:
        failed.extend(_check(result, requirement))
    return Verdict(predicate.code, predicate.name, not failed, tuple(failed), predicate.requires)


def _check(result: ScoreResult, req: Requirement) -> list[str]:
    fw = result.framework
    decimals = fw.settings.display_decimals
    if req.metric == "area_percent":
        figures: list[tuple[str, Fraction | None]] = []
        if fw.settings.area_rule == "per_aspect" and fw.aspects:
            aspect_names = {"pemenuhan": "Pemenuhan", "reform": "Reform"}
            for area in fw.areas:
                for code in fw.area(area.number).nodes:
                    node = fw.nodes[code]
                    score = result.node_scores[code]
                    percent = None if not node.weight or score is None else score / node.weight * 100
                    aspect = aspect_names.get(fw.aspect_of(code) or "", code)
                    figures.append((f"{area.name} ({aspect})", percent))
        else:
            figures = [(area.name, area.percent) for area in result.areas]
        messages = []
        for name, percent in figures:
            if percent is None:
                messages.append(f"{req.label} {name} tidak dapat dihitung (bobot tidak diketahui)")
            elif round_half_up(percent, decimals) < req.min:
                messages.append(
                    f"{req.label} {name} {format_id(percent, decimals)} % "
                    f"di bawah minimal {format_id(req.min, decimals)} %"
                )
        return messages
    value: Fraction | None
    if req.metric == "node":
        assert req.node is not None
        value = result.node_scores.get(req.node)
    else:
        value = getattr(result, req.metric)
    if value is None:
        return [f"{req.label} tidak dapat dihitung (bobot tidak diketahui)"]
    if round_half_up(value, decimals) < req.min:
        return [f"{req.label} {format_id(value, decimals)} di bawah minimal {format_id(req.min, decimals)}"]
    return []


def _gains(result: ScoreResult) -> list[Gain]:
    fw = result.framework
    blank = fw.settings.blank_value
    gains = []
    for code, item in fw.items.items():
        share = item_share(fw, item)
        if share is None:
            continue
        value = result.values[code]
        current = blank if value is None else value
        if current >= 1:
            continue
        answer_type = fw.answer_type(item)
        if answer_type.kind == "choice":
            best = answer_type.best_option or ""
        elif answer_type.kind == "index":
            best = format_id(answer_type.max or Fraction(4))
        else:
            best = "100 %"
        gains.append(
            Gain(
                code=code,
                question=item.question,
                area=fw.area_of(code),
                current=answer_display(result.answers.get(code)) or "(kosong)",
                best=best,
                points=share * (1 - current),
            )
        )
    gains.sort(key=lambda gain: (-gain.points, fw.items[gain.code].order))
    return gains
