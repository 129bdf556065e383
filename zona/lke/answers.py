"""Answers: reading what a person typed into the canonical form the engine scores.

Canonical answers (also what is stored and exported):
- choice: the option key as the framework writes it ("Ya", "B");
- percent: {"percent": Fraction} given directly, or {"inputs": {key: Fraction}};
- index: a Fraction between 0 and the type's maximum.

How a % answer is read (finding F1: the official LKE stores "100,00 %" as the fraction 1), so that 100 %
can never silently become 1 %:
- `{"percent": v}` (what is stored, what the web form's % field sends) is a percentage as written;
- text with a percent sign ("100%", "100,00 %", "0,5%") is the percentage written;
- a spreadsheet cell formatted as a percentage (`CellValue` with "0.00%") holds a fraction: 1 → 100 %;
  such a cell above 1 (above 100 %, e.g. 80 typed where the program did not scale it) is refused;
- any other number (JSON, an unformatted cell, the API) is a percentage 0–100 when it is 0 or above 1;
  a value 0 < v ≤ 1 is refused as ambiguous (a fraction 1 = 100 %, or 1 %?), with a message that says
  how to write either.

Problems are sentences in Indonesian, each naming the item code (and, from Excel, the cell). Every number
goes through the bounded `to_fraction`, every text is length-checked first, and no message echoes more
than a few dozen characters of what was given.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from zona.lke.formula import evaluate, names_in
from zona.lke.framework import Framework, Item
from zona.lke.numbers import NotANumber, format_id, round_half_up, shown, to_fraction

Answer = str | Fraction | dict[str, Any]

MAX_CHOICE_CHARS = 100
MAX_INPUT_KEYS = 50
MAX_ANSWERS = 2_000  # the LKE has 113 items; a file with thousands of codes is not an answer set


@dataclass(frozen=True)
class CellValue:
    """A spreadsheet cell as a reader saw it: the stored value and the cell's number format.

    Only a % answer looks at the format: a numeric value in a percent-formatted cell is a fraction
    (1 shown as "100,00 %"). Every other answer type reads `value` as if the format were not there.
    """

    value: Any
    number_format: str = "General"

    @property
    def percent_formatted(self) -> bool:
        return is_percent_format(self.number_format)


def is_percent_format(number_format: str | None) -> bool:
    """Whether an Excel number format scales by 100 ("0.00%", "0%", "#,##0.0 %"), ignoring a % that is
    only printed as text (`"%"` in quotes or `\\%`)."""
    if not number_format:
        return False
    text = re.sub(r'"[^"]*"|\\.', "", number_format)
    return "%" in text


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
    if isinstance(raw, CellValue):
        raw = raw.value
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _plain(raw: Any) -> Any:
    return raw.value if isinstance(raw, CellValue) else raw


def parse_answer(framework: Framework, item: Item, raw: Any) -> Answer | None:
    """The canonical answer for `raw`, None for a blank; raises InvalidAnswer with an Indonesian message.

    `raw` may be text, a number, a mapping ({"percent": …}, {"inputs": {…}}) or a `CellValue`.
    """
    if _blank(raw):
        return None
    answer_type = framework.answer_type(item)
    if answer_type.kind == "choice":
        raw = _plain(raw)
        if isinstance(raw, Mapping | list | tuple | set):
            raise InvalidAnswer(f"pilihan harus berupa teks, bukan {type(raw).__name__}")
        text = raw if isinstance(raw, str) else str(raw)
        if len(text) > MAX_CHOICE_CHARS:
            raise InvalidAnswer(f"pilihan {shown(text)} terlalu panjang")
        key = answer_type.option_key(text)
        if key is None:
            options = ", ".join(answer_type.options)
            raise InvalidAnswer(
                f"pilihan {shown(text.strip())} tidak ada pada butir ini (pilihan: {options})"
            )
        return key
    if answer_type.kind == "index":
        raw = _plain(raw)
        try:
            value = to_fraction(raw)
        except NotANumber as exc:
            raise InvalidAnswer(f"nilai indeks {shown(raw)}: {exc}") from exc
        maximum = answer_type.max or Fraction(4)
        if not 0 <= value <= maximum:
            raise InvalidAnswer(f"nilai indeks {format_id(value)} di luar rentang 0–{format_id(maximum, 0)}")
        return value
    return _parse_percent(item, raw)


def _parse_percent(item: Item, raw: Any) -> dict[str, Any] | None:
    if isinstance(raw, Mapping):
        if set(raw) == {"percent"}:
            if _blank(raw["percent"]):
                return None
            return {"percent": percent_value(raw["percent"], explicit=True)}
        if "inputs" in raw and isinstance(raw["inputs"], Mapping):
            raw = raw["inputs"]
        if not item.inputs:
            raise InvalidAnswer("butir ini tidak memiliki isian jumlah; isikan persentase")
        if len(raw) > MAX_INPUT_KEYS:
            raise InvalidAnswer(f"terlalu banyak isian ({len(raw)})")
        known = {entry.key for entry in item.inputs}
        unknown = sorted(
            shown(key, 30) if not isinstance(key, str) else key[:30] for key in raw if str(key) not in known
        )
        if unknown:
            raise InvalidAnswer(
                f"isian {', '.join(unknown)} tidak dikenal (isian: {', '.join(sorted(known))})"
            )
        values: dict[str, Fraction] = {}
        for entry in item.inputs:
            value = _plain(raw.get(entry.key))
            if _blank(value):
                continue
            try:
                number = to_fraction(value)
            except NotANumber as exc:
                raise InvalidAnswer(f"{entry.label}: {shown(value)}: {exc}") from exc
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
    return {"percent": percent_value(raw)}


def percent_value(raw: Any, *, explicit: bool = False) -> Fraction:
    """The percentage (0–100 scale) that `raw` stands for, by the rule in the module doc.

    `explicit=True` means the value is known to be written as a percentage (a `{"percent": v}` answer,
    a form field labelled %): 1 is then 1 %. Raises InvalidAnswer, never guesses.
    """
    if isinstance(raw, CellValue):
        if raw.percent_formatted and isinstance(raw.value, int | float) and not isinstance(raw.value, bool):
            number = _number(raw.value)
            _not_negative(number)
            if number > 1:
                raise InvalidAnswer(
                    f"sel berformat persentase berisi {_short(number * 100)} %, di atas 100 %: bila "
                    f"maksudnya {_short(number)} %, ketik {_short(number)}% (atau isi {_short(number / 100)})"
                )
            return number * 100
        raw = raw.value
    if isinstance(raw, Mapping | list | tuple | set):
        raise InvalidAnswer(f"persentase harus berupa angka, bukan {type(raw).__name__}")
    if isinstance(raw, str):
        text = raw.strip()
        if text.endswith("%"):
            result = _number(text[:-1], raw)
            _not_negative(result)
            return result
    number = _number(raw)
    _not_negative(number)
    if not explicit and 0 < number <= 1:
        as_fraction = _short(number * 100)
        as_written = _short(number)
        raise InvalidAnswer(
            f"nilai {as_written} ambigu: pecahan {as_written} berarti {as_fraction} %, "
            f'tetapi sebagai persentase berarti {as_written} %. Tulis "{as_fraction}%" atau '
            f'"{as_written}%" (di Excel: format sel sebagai persentase)'
        )
    return number


def _short(value: Fraction) -> str:
    """Indonesian figure with only the decimals it needs: 50, 0,5, 33,3333."""
    text = format_id(value, 4)
    return text.rstrip("0").rstrip(",") if "," in text else text


def _number(value: Any, original: Any = None) -> Fraction:
    try:
        return to_fraction(value)
    except NotANumber as exc:
        raise InvalidAnswer(
            f"persentase {shown(original if original is not None else value)}: {exc}"
        ) from exc


def _not_negative(value: Fraction) -> None:
    if value < 0:
        raise InvalidAnswer(f"persentase {format_id(value)} tidak boleh di bawah 0")


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
    if len(raw) > MAX_ANSWERS:
        return {}, [AnswerProblem("-", f"terlalu banyak jawaban ({len(raw)}; paling banyak {MAX_ANSWERS})")]
    for raw_code, raw_value in raw.items():
        location = (where or {}).get(raw_code, "") if isinstance(raw_code, str) else ""
        code_text = str(raw_code)[:60].strip() if isinstance(raw_code, str | int) else shown(raw_code, 30)
        code = by_folded.get(code_text.casefold())
        if code is None:
            problems.append(
                AnswerProblem(code_text, f"kode butir tidak dikenal dalam {framework.code}", location)
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


def answer_display(answer: Answer | None, item: Item | None = None) -> str:
    """An answer as a person reads it. A % answer from its inputs names each input by the item's label
    ("Jumlah pelanggaran tahun sebelumnya: 23; ..."); without the item, by its key (logs, the CLI)."""
    if answer is None:
        return ""
    if isinstance(answer, Fraction):
        return format_id(answer)
    if isinstance(answer, dict):
        if "percent" in answer:
            return f"{format_id(answer['percent'])} %"
        inputs: Mapping[str, Fraction] = answer["inputs"]
        if item is not None and item.inputs:
            labels = {entry.key: entry.label for entry in item.inputs}
            ordered = [entry.key for entry in item.inputs if entry.key in inputs]
            ordered += [key for key in inputs if key not in labels]
            return "; ".join(f"{labels.get(key, key)}: {_input_text(inputs[key])}" for key in ordered)
        return ", ".join(f"{key}={_input_text(value)}" for key, value in inputs.items())
    return answer


def _input_text(value: Fraction) -> str:
    return format_id(value, 0) if value.denominator == 1 else format_id(value)
