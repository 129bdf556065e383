"""The exact LKE scoring engine: framework + canonical answers -> every score, verdicts and gains.

Full precision (fractions) inside; figures are rounded half up to the framework's display decimals only
when shown. Threshold tests compare the figure shown (settings.threshold_rounding: rounded, the default)
or the exact value (raw). The regulation leaves some readings open (findings F3, F4, F5): each is a
setting, and every verdict carries "reading notes" naming the other reading whenever it would change
the verdict. A % formula whose denominator is 0 takes the value the framework file states for it (F2),
and every such use is listed with the result (`zero_denominators`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any

from zona.lke.answers import Answer, answer_display, item_value, zero_denominator_case
from zona.lke.framework import Framework, Item, Predicate, Requirement, Settings
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
class ReadingNote:
    """The verdict under the other reading of an open rule, recorded only when it differs."""

    setting: str  # threshold_rounding | area_rule | survey_conversion
    current: str
    alternative: str
    eligible: bool  # the verdict under the alternative reading
    failed: tuple[str, ...]
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "setting": self.setting,
            "current": self.current,
            "alternative": self.alternative,
            "eligible": self.eligible,
            "failed": list(self.failed),
            "message": self.message,
        }


@dataclass(frozen=True)
class Verdict:
    code: str
    name: str
    eligible: bool
    failed: tuple[str, ...]
    requires: tuple[str, ...]
    readings: tuple[ReadingNote, ...] = ()


@dataclass(frozen=True)
class ZeroDenominator:
    """An item whose % came from the framework's zero-denominator rule, not from a quotient (F2)."""

    code: str
    case: str  # zero_over_zero | nonzero_over_zero
    value: Fraction | None
    rule: str
    note: str = ""

    @property
    def message(self) -> str:
        what = "pembilang dan pembagi 0" if self.case == "zero_over_zero" else "pembagi 0, pembilang bukan 0"
        shown = "tidak dinilai" if self.value is None else f"{format_id(self.value * 100)} %"
        return f"{self.code}: {what} → {shown} (aturan kerangka: {self.rule})"

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "case": self.case,
            "value": None if self.value is None else to_float(self.value * 100),
            "rule": self.rule,
            "note": self.note,
            "message": self.message,
        }


@dataclass(frozen=True)
class AnswerReading:
    """Another reading that changes answers rather than settings, e.g. the 1–6 → 0–4 survey conversion:
    the answers it would give (by item code) are scored and the verdicts compared."""

    setting: str
    current: str
    alternative: str
    answers: Mapping[str, Answer]
    label: str = ""


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
    zero_denominators: list[ZeroDenominator] = field(default_factory=list)

    @property
    def reading_notes(self) -> list[tuple[str, ReadingNote]]:
        """(predicate name, note) for every verdict another reading would change."""
        return [(v.name, note) for v in self.predicates.values() for note in v.readings]

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
                    "readings": [note.to_dict() for note in verdict.readings],
                }
                for code, verdict in self.predicates.items()
            },
            "zero_denominators": [entry.to_dict() for entry in self.zero_denominators],
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


def score(
    framework: Framework, answers: Mapping[str, Answer], *, readings: Sequence[AnswerReading] = ()
) -> ScoreResult:
    """Score canonical answers (from `parse_answers`) against the framework.

    `readings` are answer-changing alternatives (the survey conversion) to compare verdicts against;
    the setting-changing ones (threshold rounding, area rule) are always compared.
    """
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
    result.zero_denominators = _zero_denominators(framework, answers)
    alternatives = [score(framework, {**answers, **reading.answers}) for reading in readings]
    result.predicates = {}
    for predicate in framework.predicates:
        verdict = _verdict(result, predicate, framework.settings)
        notes = _setting_readings(result, predicate, verdict)
        for reading, other in zip(readings, alternatives, strict=True):
            alt = other.predicates[predicate.code]
            if alt.eligible != verdict.eligible:
                notes.append(_answer_reading_note(reading, alt))
        result.predicates[predicate.code] = replace(verdict, readings=tuple(notes))
    result.gains = _gains(result)
    return result


ROUNDING_TEXT = {"rounded": "nilai dibulatkan", "raw": "nilai mentah (tanpa pembulatan)"}
AREA_RULE_TEXT = {
    "combined": "minimal per area atas Pemenuhan + Reform area itu",
    "per_aspect": "minimal per aspek (Pemenuhan dan Reform setiap area masing-masing)",
}


def _state(eligible: bool) -> str:
    return "memenuhi" if eligible else "belum memenuhi"


def _setting_readings(result: ScoreResult, predicate: Predicate, verdict: Verdict) -> list[ReadingNote]:
    settings = result.framework.settings
    notes = []
    flips: list[tuple[str, str, str]] = [
        (
            "threshold_rounding",
            settings.threshold_rounding,
            _other(settings.threshold_rounding, "rounded", "raw"),
        )
    ]
    if result.framework.aspects and any(req.metric == "area_percent" for req in predicate.requirements):
        flips.append(("area_rule", settings.area_rule, _other(settings.area_rule, "combined", "per_aspect")))
    for setting, current, alternative in flips:
        alt_settings = (
            replace(settings, threshold_rounding=alternative)
            if setting == "threshold_rounding"
            else replace(settings, area_rule=alternative)
        )
        alt = _verdict(result, predicate, alt_settings)
        if alt.eligible == verdict.eligible:
            continue
        if setting == "threshold_rounding":
            if verdict.eligible:  # rounded passes, the raw value does not
                message = "Memenuhi bila dibulatkan; nilai mentah: " + "; ".join(alt.failed)
            elif current == "raw":
                message = (
                    "Belum memenuhi dengan nilai mentah; memenuhi bila dibulatkan ke "
                    f"{settings.display_decimals} desimal (angka yang ditampilkan)"
                )
            else:
                message = f"Dengan {ROUNDING_TEXT[alternative]}: {_state(alt.eligible)}"
        else:
            message = f"Dengan {AREA_RULE_TEXT[alternative]}: {_state(alt.eligible)}"
            if alt.failed:
                message += " (" + "; ".join(alt.failed) + ")"
        notes.append(ReadingNote(setting, current, alternative, alt.eligible, alt.failed, message))
    return notes


def _answer_reading_note(reading: AnswerReading, alt: Verdict) -> ReadingNote:
    label = reading.label or f"{reading.setting} = {reading.alternative}"
    message = f"Dengan {label}: {_state(alt.eligible)}"
    if alt.failed:
        message += " (" + "; ".join(alt.failed) + ")"
    return ReadingNote(
        reading.setting, reading.current, reading.alternative, alt.eligible, alt.failed, message
    )


def _other(value: str, first: str, second: str) -> str:
    return second if value == first else first


def _zero_denominators(framework: Framework, answers: Mapping[str, Answer]) -> list[ZeroDenominator]:
    found = []
    for code, item in framework.items.items():
        answer = answers.get(code)
        if item.formula is None or not isinstance(answer, dict) or "inputs" not in answer:
            continue
        value, case = zero_denominator_case(item, answer["inputs"])
        if case is None:
            continue
        rule = item.formula.if_zero
        found.append(
            ZeroDenominator(
                code=code,
                case=case,
                value=value,
                rule=rule.describe() if rule else "tidak ada aturan: tidak dinilai",
                note=rule.note if rule else "",
            )
        )
    return found


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


def _verdict(result: ScoreResult, predicate: Predicate, settings: Settings) -> Verdict:
    failed: list[str] = []
    for requirement in predicate.requirements:
        failed.extend(_check(result, requirement, settings))
    return Verdict(predicate.code, predicate.name, not failed, tuple(failed), predicate.requires)


def format_raw(value: Fraction, decimals: int = 2) -> str:
    """The exact value for a reader checking a threshold: at least `decimals`, at most 6 decimals."""
    text = format_id(value, 6)
    whole, _, fraction = text.partition(",")
    fraction = fraction.rstrip("0").ljust(decimals, "0")
    return f"{whole},{fraction}" if fraction else whole


def _below(value: Fraction, minimum: Fraction, settings: Settings) -> bool:
    if settings.threshold_rounding == "raw":
        return value < minimum
    return round_half_up(value, settings.display_decimals) < minimum


def _shown(value: Fraction, settings: Settings) -> str:
    decimals = settings.display_decimals
    if settings.threshold_rounding == "raw" and round_half_up(value, decimals) != value:
        return format_raw(value, decimals)
    return format_id(value, decimals)


def _check(result: ScoreResult, req: Requirement, settings: Settings) -> list[str]:
    fw = result.framework
    decimals = settings.display_decimals
    if req.metric == "area_percent":
        figures: list[tuple[str, Fraction | None]] = []
        if settings.area_rule == "per_aspect" and fw.aspects:
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
            elif _below(percent, req.min, settings):
                messages.append(
                    f"{req.label} {name} {_shown(percent, settings)} % "
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
    if _below(value, req.min, settings):
        return [f"{req.label} {_shown(value, settings)} di bawah minimal {format_id(req.min, decimals)}"]
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
                current=answer_display(result.answers.get(code), item) or "(kosong)",
                best=best,
                points=share * (1 - current),
            )
        )
    gains.sort(key=lambda gain: (-gain.points, fw.items[gain.code].order))
    return gains
