"""An LKE framework parsed from its data file, and the validator that guards that file.

The file format is described in docs/framework-format.md. `build_framework` collects every problem in
a file before it refuses it, so that the author sees them all at once, each naming the node.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal

import yaml

from zona.lke.formula import FormulaError, compile_expression, evaluate, names_in
from zona.lke.numbers import NotANumber, sum_or_none, to_fraction

AnswerKind = Literal["choice", "percent", "index"]
ANSWER_KINDS: tuple[str, ...] = ("choice", "percent", "index")
METRICS = ("total", "pengungkit", "hasil", "pemenuhan", "reform", "area_percent", "node")
AREA_RULES = ("combined", "per_aspect")
THRESHOLD_ROUNDINGS = ("rounded", "raw")
CODE_RE = re.compile(r"^[A-Za-z0-9]+(\.[A-Za-z0-9]+)*$")
FRAMEWORK_CODE_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class FrameworkInvalid(ValueError):
    """A framework file that cannot be used; `problems` lists every reason, one sentence each."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class AnswerType:
    code: str
    kind: AnswerKind
    options: dict[str, Fraction] = field(default_factory=dict)  # option key (as written) -> value
    max: Fraction | None = None  # index answers
    decimals: int | None = None  # index answers: rounded half up to this before the points (F15)

    def option_key(self, raw: str) -> str | None:
        """The option as written in the framework for a case-insensitive answer, or None."""
        wanted = raw.strip().casefold()
        for key in self.options:
            if key.casefold() == wanted:
                return key
        return None

    @property
    def best_option(self) -> str | None:
        if not self.options:
            return None
        return max(self.options, key=lambda key: self.options[key])


@dataclass(frozen=True)
class Input:
    key: str
    label: str


@dataclass(frozen=True)
class ZeroRule:
    """What a % formula is worth when its denominator is 0 (finding F2): the quotient is undefined there.

    `zero_over_zero` applies when the numerator is 0 as well (e.g. no violations last year and none this
    year), `nonzero_over_zero` otherwise (0 -> 3 violations). None means "unanswered". `note` states the
    rule in words; it is printed with every result that used it.
    """

    zero_over_zero: Fraction | None
    nonzero_over_zero: Fraction | None
    note: str = ""

    def value(self, numerator_zero: bool) -> Fraction | None:
        return self.zero_over_zero if numerator_zero else self.nonzero_over_zero

    def describe(self) -> str:
        def pct(value: Fraction | None) -> str:
            return "tidak dinilai" if value is None else f"{float(value * 100):g} %".replace(".", ",")

        return f"0/0 = {pct(self.zero_over_zero)}, n/0 = {pct(self.nonzero_over_zero)}"


@dataclass(frozen=True)
class Formula:
    numerator: str
    denominator: str
    if_zero: ZeroRule | None
    numerator_tree: ast.Expression = field(compare=False, repr=False)
    denominator_tree: ast.Expression = field(compare=False, repr=False)


@dataclass(frozen=True)
class Item:
    code: str
    indicator: str
    question: str
    type: str
    options: tuple[str, ...] = ()
    evidence: str = ""
    note: str = ""
    inputs: tuple[Input, ...] = ()
    formula: Formula | None = None
    order: int = 0


@dataclass
class Node:
    code: str
    name: str
    weight: Fraction | None
    parent: str | None
    children: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    is_indicator: bool = False
    order: int = 0
    depth: int = 0


@dataclass(frozen=True)
class Area:
    number: int
    short: str
    name: str
    nodes: tuple[str, ...]


@dataclass(frozen=True)
class Requirement:
    metric: str
    min: Fraction
    label: str
    node: str | None = None


@dataclass(frozen=True)
class Predicate:
    code: str
    name: str
    requirements: tuple[Requirement, ...]
    requires: tuple[str, ...] = ()


@dataclass(frozen=True)
class Settings:
    blank_value: Fraction = Fraction(0)
    percent_clamp: bool = True
    area_rule: str = "combined"
    display_decimals: int = 2
    threshold_rounding: str = "rounded"  # rounded: test the figure shown; raw: test the exact value (F3)

    def as_dict(self) -> dict[str, Any]:
        return {
            "blank_value": float(self.blank_value),
            "percent_clamp": self.percent_clamp,
            "area_rule": self.area_rule,
            "display_decimals": self.display_decimals,
            "threshold_rounding": self.threshold_rounding,
        }


@dataclass
class Framework:
    code: str
    name: str
    regulation: str
    complete: bool
    notes: str
    settings: Settings
    answer_types: dict[str, AnswerType]
    components: dict[str, str]
    aspects: dict[str, str]
    areas: list[Area]
    nodes: dict[str, Node]
    items: dict[str, Item]
    roots: list[str]
    predicates: list[Predicate]
    effective: str = ""
    source: dict[str, Any] = field(default_factory=dict, repr=False)
    _area_of: dict[str, int] = field(default_factory=dict, repr=False)
    _aspect_of: dict[str, str] = field(default_factory=dict, repr=False)

    def answer_type(self, item: Item) -> AnswerType:
        return self.answer_types[item.type]

    def area_of(self, code: str) -> int | None:
        """The area (1..n) a node or item belongs to, or None (hasil)."""
        return self._area_of.get(code)

    def aspect_of(self, code: str) -> str | None:
        return self._aspect_of.get(code)

    def area(self, number: int) -> Area:
        return next(area for area in self.areas if area.number == number)

    def subtree_nodes(self, code: str) -> list[str]:
        """The node and every node below it, in the framework's order (items not included)."""
        result = [code]
        for child in self.nodes[code].children:
            result.extend(self.subtree_nodes(child))
        return result

    def ancestors(self, code: str) -> list[str]:
        """Node codes from the indicator of `code` (item or node) up to its root."""
        node_code = self.items[code].indicator if code in self.items else code
        chain: list[str] = []
        current: str | None = node_code
        while current is not None:
            chain.append(current)
            current = self.nodes[current].parent
        return chain


def load_framework_file(path: str | Path) -> Framework:
    """Read and validate a framework file; raises FrameworkInvalid naming every problem."""
    data = read_framework_data(path)
    return build_framework(data)


def read_framework_data(path: str | Path) -> dict[str, Any]:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise FrameworkInvalid([f"{path}: cannot be read ({exc.strerror})"]) from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise FrameworkInvalid([f"{path}: not valid YAML ({exc})"]) from exc
    if not isinstance(data, dict):
        raise FrameworkInvalid([f"{path}: a framework file must be a mapping with code, tree, ..."])
    return data


def framework_warnings(framework: Framework) -> list[str]:
    """Things an incomplete framework cannot score, for `zona frameworks validate` to report."""
    warnings = []
    for node in framework.nodes.values():
        if node.weight is None:
            warnings.append(f"{node.code} ({node.name}): weight unknown, not scored")
        elif node.is_indicator and not node.items:
            warnings.append(f"{node.code} ({node.name}): no items, not scored")
    return warnings


class _Builder:
    def __init__(self, data: Mapping[str, Any]):
        self.data = data
        self.problems: list[str] = []
        self.nodes: dict[str, Node] = {}
        self.items: dict[str, Item] = {}
        self.answer_types: dict[str, AnswerType] = {}
        self.complete = bool(data.get("complete", True))
        self._order = 0

    def problem(self, text: str) -> None:
        self.problems.append(text)

    def number(self, where: str, value: Any, *, allow_none: bool = False) -> Fraction | None:
        if value is None:
            if allow_none:
                return None
            self.problem(f"{where}: a number is required")
            return None
        try:
            return to_fraction(value)
        except NotANumber:
            self.problem(f"{where}: {value!r} is not a number")
            return None

    def build(self) -> Framework:
        data = self.data
        code = str(data.get("code", ""))
        if not FRAMEWORK_CODE_RE.match(code):
            self.problem(f"code: {code!r} must be lower-case letters, digits and dashes")
        for key in ("name", "tree"):
            if not data.get(key):
                self.problem(f"{key}: missing")
        settings = self.settings(data.get("settings") or {})
        self.parse_answer_types(data.get("answer_types") or {})
        roots = []
        tree = data.get("tree") or []
        if not isinstance(tree, list):
            self.problem("tree: must be a list of nodes")
            tree = []
        for raw in tree:
            node = self.node(raw, parent=None, depth=0)
            if node is not None:
                roots.append(node.code)
        components = self.components(data.get("components") or {})
        aspects = self.aspects(data.get("aspects") or {})
        areas = self.areas(data.get("areas") or [], aspects)
        self.check_weights(roots)
        predicates = self.predicates(data.get("predicates") or [], areas, aspects)
        if self.problems:
            raise FrameworkInvalid(self.problems)
        framework = Framework(
            code=code,
            name=str(data["name"]),
            regulation=str(data.get("regulation", "")),
            effective=str(data.get("effective", "")),
            complete=self.complete,
            notes=str(data.get("notes", "") or ""),
            settings=settings,
            answer_types=self.answer_types,
            components=components,
            aspects=aspects,
            areas=areas,
            nodes=self.nodes,
            items=self.items,
            roots=roots,
            predicates=predicates,
            source=dict(data),
        )
        self.index(framework)
        return framework

    def settings(self, raw: Mapping[str, Any]) -> Settings:
        if not isinstance(raw, Mapping):
            self.problem("settings: must be a mapping")
            return Settings()
        known = {"blank_value", "percent_clamp", "area_rule", "display_decimals", "threshold_rounding"}
        for key in raw:
            if key not in known:
                self.problem(f"settings.{key}: unknown setting (known: {', '.join(sorted(known))})")
        blank = self.number("settings.blank_value", raw.get("blank_value", 0)) or Fraction(0)
        area_rule = str(raw.get("area_rule", "combined"))
        if area_rule not in AREA_RULES:
            self.problem(f"settings.area_rule: {area_rule!r} is not one of {', '.join(AREA_RULES)}")
        rounding = str(raw.get("threshold_rounding", "rounded"))
        if rounding not in THRESHOLD_ROUNDINGS:
            self.problem(
                f"settings.threshold_rounding: {rounding!r} is not one of {', '.join(THRESHOLD_ROUNDINGS)}"
            )
        decimals = raw.get("display_decimals", 2)
        if not isinstance(decimals, int) or not 0 <= decimals <= 6:
            self.problem("settings.display_decimals: must be a whole number from 0 to 6")
            decimals = 2
        return Settings(
            blank_value=blank,
            percent_clamp=bool(raw.get("percent_clamp", True)),
            area_rule=area_rule,
            display_decimals=decimals,
            threshold_rounding=rounding,
        )

    def parse_answer_types(self, raw: Mapping[str, Any]) -> None:
        if not isinstance(raw, Mapping) or not raw:
            self.problem("answer_types: missing (a mapping of answer type codes)")
            return
        for type_code, spec in raw.items():
            where = f"answer_types.{type_code}"
            if not isinstance(spec, Mapping):
                self.problem(f"{where}: must be a mapping with kind")
                continue
            kind = spec.get("kind")
            if kind not in ANSWER_KINDS:
                self.problem(f"{where}: unknown kind {kind!r} (known: {', '.join(ANSWER_KINDS)})")
                continue
            options: dict[str, Fraction] = {}
            maximum = None
            if kind == "choice":
                raw_options = spec.get("options")
                if not isinstance(raw_options, Mapping) or len(raw_options) < 2:
                    self.problem(f"{where}: a choice type needs at least two options with values")
                    continue
                seen: set[str] = set()
                for key, value in raw_options.items():
                    key = str(key)
                    if key.casefold() in seen:
                        self.problem(f"{where}: option {key!r} repeats")
                    seen.add(key.casefold())
                    number = self.number(f"{where}.options.{key}", value)
                    if number is not None and not 0 <= number <= 1:
                        self.problem(f"{where}.options.{key}: value {value} must be between 0 and 1")
                    options[key] = number if number is not None else Fraction(0)
                if options and max(options.values()) != 1:
                    self.problem(f"{where}: the best option must be worth 1")
            decimals = None
            if kind == "index":
                maximum = self.number(f"{where}.max", spec.get("max"))
                if maximum is not None and maximum <= 0:
                    self.problem(f"{where}.max: must be positive")
                decimals = spec.get("decimals")
                if decimals is not None and (
                    not isinstance(decimals, int) or isinstance(decimals, bool) or not 0 <= decimals <= 6
                ):
                    self.problem(f"{where}.decimals: must be a whole number from 0 to 6")
                    decimals = None
            self.answer_types[str(type_code)] = AnswerType(str(type_code), kind, options, maximum, decimals)

    def node(self, raw: Any, *, parent: str | None, depth: int) -> Node | None:
        where = f"node under {parent}" if parent else "root node"
        if not isinstance(raw, Mapping):
            self.problem(f"{where}: must be a mapping with code, name, weight")
            return None
        code = str(raw.get("code", ""))
        if not CODE_RE.match(code):
            self.problem(f"{where}: invalid code {code!r}")
            return None
        if code in self.nodes or code in self.items:
            self.problem(f"{code}: code repeats")
            return None
        if not raw.get("name"):
            self.problem(f"{code}: name missing")
        if "weight" not in raw:
            self.problem(f"{code}: weight missing")
        weight = self.number(f"{code}.weight", raw.get("weight"), allow_none=True)
        if weight is None and raw.get("weight") is None and "weight" in raw and self.complete:
            self.problem(f"{code}: weight unknown (null) is allowed only in a framework with complete: false")
        if weight is not None and weight < 0:
            self.problem(f"{code}: weight {raw.get('weight')} must not be negative")
        self._order += 1
        node = Node(
            code=code,
            name=str(raw.get("name", "")),
            weight=weight,
            parent=parent,
            order=self._order,
            depth=depth,
        )
        self.nodes[code] = node
        kinds = [key for key in ("children", "items", "type") if key in raw]
        if len(kinds) > 1:
            self.problem(
                f"{code}: a node has children, items or a type of its own, not {' and '.join(kinds)}"
            )
            return node
        if "children" in raw:
            children = raw.get("children") or []
            if not isinstance(children, list) or not children:
                self.problem(f"{code}: children must be a non-empty list")
                return node
            for child_raw in children:
                child = self.node(child_raw, parent=code, depth=depth + 1)
                if child is not None:
                    node.children.append(child.code)
        elif "items" in raw:
            node.is_indicator = True
            raw_items = raw.get("items") or []
            if not isinstance(raw_items, list) or (not raw_items and self.complete):
                self.problem(f"{code}: items must be a non-empty list")
                return node
            for item_raw in raw_items:
                item = self.item(item_raw, indicator=code)
                if item is not None:
                    node.items.append(item.code)
        elif "type" in raw:
            node.is_indicator = True
            item = self.item(raw, indicator=code, own_code=True)
            if item is not None:
                node.items.append(item.code)
        else:
            node.is_indicator = True
            if self.complete:
                self.problem(f"{code}: has no children, items or type")
        return node

    def item(self, raw: Any, *, indicator: str, own_code: bool = False) -> Item | None:
        if not isinstance(raw, Mapping):
            self.problem(f"item under {indicator}: must be a mapping with code, question, type")
            return None
        code = str(raw.get("code", ""))
        if not CODE_RE.match(code):
            self.problem(f"item under {indicator}: invalid code {code!r}")
            return None
        if not own_code and (code in self.nodes or code in self.items):
            self.problem(f"{code}: code repeats")
            return None
        if not own_code and not code.startswith(indicator + "."):
            self.problem(f"{code}: an item code must start with its indicator's code {indicator}.")
        question = str(raw.get("question", "") or "")
        if not question:
            self.problem(f"{code}: question missing")
        type_code = str(raw.get("type", ""))
        answer_type = self.answer_types.get(type_code)
        options = tuple(str(text) for text in (raw.get("options") or []))
        inputs: tuple[Input, ...] = ()
        formula = None
        if answer_type is None:
            known = ", ".join(self.answer_types) or "none declared"
            self.problem(f"{code}: unknown answer type {type_code!r} (known: {known})")
        elif answer_type.kind == "choice":
            if len(options) != len(answer_type.options):
                self.problem(
                    f"{code}: answer type {type_code} has {len(answer_type.options)} options "
                    f"but the item gives {len(options)} option texts"
                )
        elif answer_type.kind == "percent":
            inputs, formula = self.percent(code, raw)
        self._order += 1
        item = Item(
            code=code,
            indicator=indicator,
            question=question,
            type=type_code,
            options=options,
            evidence=str(raw.get("evidence", "") or ""),
            note=str(raw.get("note", "") or ""),
            inputs=inputs,
            formula=formula,
            order=self._order,
        )
        self.items[code] = item
        return item

    def percent(self, code: str, raw: Mapping[str, Any]) -> tuple[tuple[Input, ...], Formula | None]:
        raw_inputs = raw.get("inputs") or []
        inputs = []
        keys: set[str] = set()
        for entry in raw_inputs if isinstance(raw_inputs, list) else []:
            key = str(entry.get("key", "")) if isinstance(entry, Mapping) else ""
            if not key.isidentifier():
                self.problem(f"{code}: input key {key!r} must be an identifier")
                continue
            if key in keys:
                self.problem(f"{code}: input {key!r} repeats")
            keys.add(key)
            inputs.append(Input(key, str(entry.get("label", key))))
        raw_formula = raw.get("formula")
        if raw_formula is None:
            if inputs:
                self.problem(f"{code}: inputs are given but no formula")
            return tuple(inputs), None
        if not isinstance(raw_formula, Mapping):
            self.problem(f"{code}.formula: must be a mapping with numerator and denominator")
            return tuple(inputs), None
        trees = {}
        for part in ("numerator", "denominator"):
            text = raw_formula.get(part)
            if text is None:
                self.problem(f"{code}.formula.{part}: missing")
                continue
            try:
                tree = compile_expression(str(text))
            except FormulaError as exc:
                self.problem(f"{code}.formula.{part}: {exc}")
                continue
            missing = names_in(tree) - keys
            if missing:
                self.problem(
                    f"{code}.formula.{part}: refers to unknown input(s) {', '.join(sorted(missing))}"
                )
            trees[part] = tree
        if len(trees) != 2:
            return tuple(inputs), None
        if_zero = self.zero_rule(code, raw_formula, trees["numerator"], trees["denominator"])
        return tuple(inputs), Formula(
            numerator=str(raw_formula["numerator"]),
            denominator=str(raw_formula["denominator"]),
            if_zero=if_zero,
            numerator_tree=trees["numerator"],
            denominator_tree=trees["denominator"],
        )

    def zero_rule(
        self,
        code: str,
        raw_formula: Mapping[str, Any],
        numerator: ast.Expression,
        denominator: ast.Expression,
    ) -> ZeroRule | None:
        """The formula's rule for a zero denominator; required wherever a division can be by zero.

        `if_zero: N` (one number, or null) is the older form: the same value for 0/0 and n/0.
        """
        where = f"{code}.formula.if_zero"
        if "if_zero" not in raw_formula:
            if _may_divide_by_zero(numerator, denominator):
                self.problem(
                    f"{where}: missing; the denominator can be 0, so the file must say what the item is "
                    "worth then (if_zero: {zero_over_zero: 1, nonzero_over_zero: 0, note: ...})"
                )
            return None
        raw = raw_formula["if_zero"]
        if not isinstance(raw, Mapping):
            value = self.number(where, raw, allow_none=True)
            self.check_unit(where, value)
            return ZeroRule(value, value)
        unknown = sorted(
            str(key) for key in raw if key not in ("zero_over_zero", "nonzero_over_zero", "note")
        )
        if unknown:
            self.problem(
                f"{where}: unknown key(s) {', '.join(unknown)} (zero_over_zero, nonzero_over_zero, note)"
            )
        values: list[Fraction | None] = []
        for key in ("zero_over_zero", "nonzero_over_zero"):
            if key not in raw:
                self.problem(f"{where}.{key}: missing (a value from 0 to 1, or null = unanswered)")
                values.append(None)
                continue
            value = self.number(f"{where}.{key}", raw[key], allow_none=True)
            self.check_unit(f"{where}.{key}", value)
            values.append(value)
        return ZeroRule(values[0], values[1], str(raw.get("note") or ""))

    def check_unit(self, where: str, value: Fraction | None) -> None:
        if value is not None and not 0 <= value <= 1:
            self.problem(f"{where}: {_fmt(value)} must be between 0 and 1 (a share of the item's points)")

    def components(self, raw: Mapping[str, Any]) -> dict[str, str]:
        result = {}
        for key in ("pengungkit", "hasil"):
            code = raw.get(key) if isinstance(raw, Mapping) else None
            if code is None:
                self.problem(f"components.{key}: missing")
            elif str(code) not in self.nodes:
                self.problem(f"components.{key}: refers to missing node {code}")
            else:
                result[key] = str(code)
        return result

    def aspects(self, raw: Mapping[str, Any]) -> dict[str, str]:
        if not raw:
            return {}
        result = {}
        for key in ("pemenuhan", "reform"):
            code = raw.get(key)
            if code is None:
                self.problem(f"aspects.{key}: missing (give both aspects or none)")
            elif str(code) not in self.nodes:
                self.problem(f"aspects.{key}: refers to missing node {code}")
            else:
                result[key] = str(code)
        if len(result) == 2:
            weights = [self.nodes[code].weight for code in result.values()]
            if None not in weights and weights[0] != weights[1]:
                self.problem(
                    f"aspects: Pemenuhan ({_fmt(weights[0])}) and Reform ({_fmt(weights[1])}) "
                    "must weigh the same (50/50)"
                )
        return result

    def areas(self, raw: Any, aspects: dict[str, str]) -> list[Area]:
        areas: list[Area] = []
        if not isinstance(raw, list) or not raw:
            self.problem("areas: missing (a list of areas with number, name and nodes)")
            return areas
        seen_nodes: dict[str, int] = {}
        for position, entry in enumerate(raw, start=1):
            if not isinstance(entry, Mapping):
                self.problem(f"areas[{position}]: must be a mapping")
                continue
            number = entry.get("number")
            if number != position:
                self.problem(f"areas[{position}]: number must be {position} (areas are numbered in order)")
            codes = [str(code) for code in entry.get("nodes") or []]
            if not codes:
                self.problem(f"area {number}: nodes missing")
            for code in codes:
                if code not in self.nodes:
                    self.problem(f"area {number}: refers to missing node {code}")
                elif code in seen_nodes:
                    self.problem(f"area {number}: node {code} already belongs to area {seen_nodes[code]}")
                else:
                    seen_nodes[code] = position
            if aspects and all(code in self.nodes for code in codes):
                per_aspect = [self._aspect_ancestor(code, aspects) for code in codes]
                if sorted(a for a in per_aspect if a) != sorted(aspects):
                    self.problem(
                        f"area {number}: needs exactly one node under each aspect (Pemenuhan, Reform)"
                    )
                else:
                    weights = [self.nodes[code].weight for code in codes]
                    if None not in weights and len(set(weights)) != 1:
                        shown = " vs ".join(_fmt(w) for w in weights)
                        self.problem(
                            f"area {number}: Pemenuhan and Reform weights differ ({shown}); must be 50/50"
                        )
            areas.append(
                Area(
                    int(number or position),
                    str(entry.get("short", "")),
                    str(entry.get("name", "")),
                    tuple(codes),
                )
            )
        pengungkit = (
            self.data.get("components", {}).get("pengungkit")
            if isinstance(self.data.get("components"), Mapping)
            else None
        )
        if pengungkit in self.nodes:
            total = sum_or_none(self.nodes[c].weight for area in areas for c in area.nodes if c in self.nodes)
            expected = self.nodes[pengungkit].weight
            if total is not None and expected is not None and total != expected:
                self.problem(
                    f"areas: weights add up to {_fmt(total)}, "
                    f"but pengungkit {pengungkit} weighs {_fmt(self.nodes[pengungkit].weight)}"
                )
        return areas

    def _aspect_ancestor(self, code: str, aspects: dict[str, str]) -> str | None:
        current: str | None = code
        by_code = {node: name for name, node in aspects.items()}
        while current is not None:
            if current in by_code:
                return by_code[current]
            current = self.nodes[current].parent
        return None

    def check_weights(self, roots: list[str]) -> None:
        for node in self.nodes.values():
            if not node.children or node.weight is None:
                continue
            weights = [self.nodes[child].weight for child in node.children]
            known = sum((w for w in weights if w is not None), Fraction(0))
            if None in weights:
                if known > node.weight:
                    self.problem(
                        f"{node.code} ({node.name}): known children weights add up to {_fmt(known)}, "
                        f"more than its weight {_fmt(node.weight)}"
                    )
            elif known != node.weight:
                detail = " + ".join(f"{child} {_fmt(self.nodes[child].weight)}" for child in node.children)
                self.problem(
                    f"{node.code} ({node.name}): children weights add up to {_fmt(known)} "
                    f"({detail}), not its weight {_fmt(node.weight)}"
                )
        root_total = sum_or_none(self.nodes[code].weight for code in roots)
        if roots and root_total is not None:
            total = root_total
            if total != 100:
                self.problem(f"tree: the root nodes weigh {_fmt(total)} in all, not 100")

    def predicates(self, raw: Any, areas: list[Area], aspects: dict[str, str]) -> list[Predicate]:
        result: list[Predicate] = []
        if not isinstance(raw, list):
            self.problem("predicates: must be a list")
            return result
        codes = {str(entry.get("code")) for entry in raw if isinstance(entry, Mapping)}
        for entry in raw:
            if not isinstance(entry, Mapping) or not entry.get("code"):
                self.problem("predicates: every predicate needs a code")
                continue
            code = str(entry["code"])
            requirements = []
            for index, req in enumerate(entry.get("requirements") or [], start=1):
                where = f"predicates.{code}.requirements[{index}]"
                if not isinstance(req, Mapping):
                    self.problem(f"{where}: must be a mapping")
                    continue
                metric = str(req.get("metric", ""))
                if metric not in METRICS:
                    self.problem(f"{where}: unknown metric {metric!r} (known: {', '.join(METRICS)})")
                    continue
                node = req.get("node")
                if metric == "node" and (node is None or str(node) not in self.nodes):
                    self.problem(f"{where}: refers to missing node {node}")
                    continue
                if metric in ("pemenuhan", "reform") and not aspects:
                    self.problem(f"{where}: metric {metric} needs aspects")
                    continue
                minimum = self.number(f"{where}.min", req.get("min"))
                if minimum is None:
                    continue
                requirements.append(
                    Requirement(metric, minimum, str(req.get("label") or metric), str(node) if node else None)
                )
            requires = tuple(str(r) for r in entry.get("requires") or [])
            for other in requires:
                if other not in codes or other == code:
                    self.problem(f"predicates.{code}.requires: refers to missing predicate {other}")
            result.append(Predicate(code, str(entry.get("name") or code), tuple(requirements), requires))
        return result

    def index(self, framework: Framework) -> None:
        for area in framework.areas:
            for root in area.nodes:
                for code in _subtree(framework, root):
                    framework._area_of[code] = area.number
        for aspect, root in framework.aspects.items():
            for code in _subtree(framework, root):
                framework._aspect_of[code] = aspect


def _may_divide_by_zero(numerator: ast.Expression, denominator: ast.Expression) -> bool:
    """Whether some input values (all >= 0) can make a division by zero: any divisor not a constant != 0."""
    divisors: list[ast.AST] = [denominator.body]
    for tree in (numerator, denominator):
        divisors.extend(
            node.right
            for node in ast.walk(tree)
            if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div)
        )
    for divisor in divisors:
        if any(isinstance(node, ast.Name) for node in ast.walk(divisor)):
            return True
        try:
            if evaluate(ast.Expression(body=divisor), {}) == 0:  # type: ignore[arg-type]
                return True
        except ZeroDivisionError:
            return True
    return False


def _subtree(framework: Framework, code: str) -> list[str]:
    node = framework.nodes[code]
    result = [code, *node.items]
    for child in node.children:
        result.extend(_subtree(framework, child))
    return result


def _fmt(value: Fraction | None) -> str:
    if value is None:
        return "unknown"
    if value.denominator == 1:
        return str(value.numerator)
    return f"{float(value):g}"


def build_framework(data: Mapping[str, Any]) -> Framework:
    """Validate framework data and build the framework; raises FrameworkInvalid with every problem."""
    return _Builder(data).build()
