"""Answers: reading what a person typed into the canonical form the engine scores.

Canonical answers (also what is stored and exported):
- choice: the option key as the framework writes it ("Ya", "B");
- percent: {"percent": Fraction} given directly, or {"inputs": {key: Fraction}};
- index: a Fraction between 0 and the type's maximum.

Problems are sentences in Indonesian, each naming the item code (and, from Excel, the cell).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from zona.lke.formula import evaluate, names_in
from zona.lke.framework import Framework, Item
from zona.lke.numbers import NotANumber, format_id, round_half_up, to_fraction

Answer = str | Fraction | dict[str, Any]


@dataclass(frozen=True)
class AnswerProblem:
    code: str
    message: str
    where: str = ""

    def __str__(self) -> str:
        prefix = f"{self.where} ({self.code})" if self.where else self.code
        return f"{prefix}: {self.message}"


class InvalidAnswer(ValueError):
    pass


def _blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def parse_answer(framework: Framework, item: Item, raw: Any) -> Answer | None:
    """The canonical answer for `raw`, None for a blank; raises InvalidAnswer with an Indonesian message."""
    if _blank(raw):
        return None
    answer_type = framework.answer_type(item)
    if answer_type.kind == "choice":
        if not isinstance(raw, str):
            raw = str(raw)
        key = answer_type.option_key(raw)
        if key is None:
            options = ", ".join(answer_type.options)
            raise InvalidAnswer(f"pilihan {raw.strip()!r} tidak ada pada butir ini (pilihan: {options})")
        return key
    if answer_type.kind == "index":
        try:
            value = to_fraction(raw)
        except NotANumber as exc:
            raise InvalidAnswer(f"nilai indeks {raw!r} bukan angka") from exc
        maximum = answer_type.max or Fraction(4)
        if not 0 <= value <= maximum:
            raise InvalidAnswer(f"nilai indeks {format_id(value)} di luar rentang 0–{format_id(maximum, 0)}")
        return value
    return _parse_percent(item, raw)


def _parse_percent(item: Item, raw: Any) -> dict[str, Any] | None:
    if isinstance(raw, Mapping):
        if set(raw) == {"percent"}:
            return _parse_percent(item, raw["percent"])
        if "inputs" in raw and isinstance(raw["inputs"], Mapping):
            raw = raw["inputs"]
        if not item.inputs:
            raise InvalidAnswer("butir ini tidak memiliki isian jumlah; isikan persentase")
        known = {entry.key for entry in item.inputs}
        unknown = sorted(str(key) for key in raw if str(key) not in known)
        if unknown:
            raise InvalidAnswer(
                f"isian {', '.join(unknown)} tidak dikenal (isian: {', '.join(sorted(known))})"
            )
        values: dict[str, Fraction] = {}
        for entry in item.inputs:
            value = raw.get(entry.key)
            if _blank(value):
                continue
            try:
                number = to_fraction(value)
            except NotANumber as exc:
                raise InvalidAnswer(f"{entry.label}: {value!r} bukan angka") from exc
            if number < 0:
                raise InvalidAnswer(f"{entry.label}: jumlah tidak boleh negatif ({format_id(number)})")
            values[entry.key] = number
        if not values:
            return None
        missing = [entry.label for entry in item.inputs if entry.key not in values]
        if missing and item.formula is not None:
            needed = _formula_names(item)
            lacking = [
                entry.label for entry in item.inputs if entry.key in needed and entry.key not in values
            ]
            if lacking:
                raise InvalidAnswer(f"isian belum lengkap: {', '.join(lacking)}")
        return {"inputs": values}
    try:
        number = to_fraction(raw.rstrip("%") if isinstance(raw, str) else raw)
    except NotANumber as exc:
        raise InvalidAnswer(f"persentase {raw!r} bukan angka") from exc
    if number < 0:
        raise InvalidAnswer(f"persentase {format_id(number)} tidak boleh di bawah 0")
    return {"percent": number}


def _formula_names(item: Item) -> set[str]:
    assert item.formula is not None
    return names_in(item.formula.numerator_tree) | names_in(item.formula.denominator_tree)


def item_value(framework: Framework, item: Item, answer: Answer | None) -> Fraction | None:
    """The item's value in [0, 1] (unclamped % if the framework says so), or None when unanswered."""
    if answer is None:
        return None
    answer_type = framework.answer_type(item)
    if answer_type.kind == "choice":
        assert isinstance(answer, str)
        return answer_type.options[answer]
    if answer_type.kind == "index":
        assert isinstance(answer, Fraction)
        if answer_type.decimals is not None:  # as the survey report prints it (3.5985 -> 3.60)
            answer = round_half_up(answer, answer_type.decimals)
        return answer / (answer_type.max or Fraction(4))
    assert isinstance(answer, dict)
    if "percent" in answer:
        value = answer["percent"] / 100
    else:
        value = percent_from_inputs(item, answer["inputs"])
        if value is None:
            return None
    if framework.settings.percent_clamp:
        value = min(max(value, Fraction(0)), Fraction(1))
    return value


def percent_from_inputs(item: Item, inputs: Mapping[str, Fraction]) -> Fraction | None:
    """numerator / denominator of the item's formula; the file's zero rule when the denominator is 0."""
    return zero_denominator_case(item, inputs)[0]


def zero_denominator_case(item: Item, inputs: Mapping[str, Fraction]) -> tuple[Fraction | None, str | None]:
    """(value, case): case is None for an ordinary quotient, "zero_over_zero" or "nonzero_over_zero"
    when the denominator (or a divisor inside the formula) is 0 and the file's rule gave the value."""
    formula = item.formula
    if formula is None:
        return None, None
    values = {entry.key: inputs.get(entry.key, Fraction(0)) for entry in item.inputs}
    numerator: Fraction | None
    try:
        numerator = evaluate(formula.numerator_tree, values)
    except ZeroDivisionError:
        numerator = None
    try:
        denominator = evaluate(formula.denominator_tree, values)
    except ZeroDivisionError:
        denominator = Fraction(0)
    if denominator != 0 and numerator is not None:
        return numerator / denominator, None
    case = "zero_over_zero" if numerator == 0 and denominator == 0 else "nonzero_over_zero"
    rule = formula.if_zero
    return (None if rule is None else rule.value(case == "zero_over_zero")), case


def parse_answers(
    framework: Framework, raw: Mapping[str, Any], *, where: Mapping[str, str] | None = None
) -> tuple[dict[str, Answer], list[AnswerProblem]]:
    """Canonical answers by item code (case-insensitive codes), and every problem found."""
    by_folded = {code.casefold(): code for code in framework.items}
    answers: dict[str, Answer] = {}
    problems: list[AnswerProblem] = []
    for raw_code, raw_value in raw.items():
        location = (where or {}).get(raw_code, "")
        code = by_folded.get(str(raw_code).strip().casefold())
        if code is None:
            problems.append(
                AnswerProblem(str(raw_code), f"kode butir tidak dikenal dalam {framework.code}", location)
            )
            continue
        try:
            answer = parse_answer(framework, framework.items[code], raw_value)
        except InvalidAnswer as exc:
            problems.append(AnswerProblem(code, str(exc), location))
            continue
        if answer is not None:
            answers[code] = answer
    return answers, problems


def answer_to_json(answer: Answer) -> Any:
    """A JSON-friendly form of a canonical answer (numbers as floats, exact enough for display)."""
    if isinstance(answer, Fraction):
        return _num(answer)
    if isinstance(answer, dict):
        if "percent" in answer:
            return {"percent": _num(answer["percent"])}
        return {"inputs": {key: _num(value) for key, value in answer["inputs"].items()}}
    return answer


def _num(value: Fraction) -> int | float:
    return value.numerator if value.denominator == 1 else float(value)


def answer_display(answer: Answer | None) -> str:
    if answer is None:
        return ""
    if isinstance(answer, Fraction):
        return format_id(answer)
    if isinstance(answer, dict):
        if "percent" in answer:
            return f"{format_id(answer['percent'])} %"
        return ", ".join(
            f"{key}={format_id(value, 0) if value.denominator == 1 else format_id(value)}"
            for key, value in answer["inputs"].items()
        )
    return answer
