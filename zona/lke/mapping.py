"""A reviewed item mapping between two LKE frameworks (e.g. 52/2014 -> 90/2021), and its validator.

The file format is described in docs/framework-format.md ("Mapping files"). `build_mapping` checks a
mapping against both frameworks and collects every problem, each naming the item, before it refuses it.
Pure Python: what carries over is decided here; the assessments service only reads and writes rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from zona.lke.framework import Framework, FrameworkInvalid

Kind = Literal["same_question", "same_evidence", "none"]
KINDS: tuple[str, ...] = ("same_question", "same_evidence", "none")


@dataclass(frozen=True)
class MappingEntry:
    target: str
    sources: tuple[str, ...]
    kind: Kind
    note: str

    @property
    def carries_answer(self) -> bool:
        return self.kind == "same_question"

    @property
    def carries_evidence(self) -> bool:
        return self.kind in ("same_question", "same_evidence")


@dataclass(frozen=True)
class ItemMapping:
    source: str  # framework code the answers come from
    target: str  # framework code they go to
    reviewed: str
    entries: dict[str, MappingEntry]  # by target item code, in the target framework's order

    def entry(self, target_code: str) -> MappingEntry:
        return self.entries[target_code]

    def counts(self) -> dict[str, int]:
        result = dict.fromkeys(KINDS, 0)
        for entry in self.entries.values():
            result[entry.kind] += 1
        return result


def read_mapping_data(path: str | Path) -> dict[str, Any]:
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise FrameworkInvalid([f"{path}: cannot be read ({exc.strerror})"]) from exc
    except yaml.YAMLError as exc:
        raise FrameworkInvalid([f"{path}: not valid YAML ({exc})"]) from exc
    if not isinstance(data, dict):
        raise FrameworkInvalid([f"{path}: a mapping file must be a mapping with from, to and items"])
    return data


def mapping_frameworks(data: Mapping[str, Any]) -> tuple[str, str]:
    """The (from, to) framework codes a mapping file names, or FrameworkInvalid."""
    problems = [f"{key}: missing (a framework code)" for key in ("from", "to") if not data.get(key)]
    if problems:
        raise FrameworkInvalid(problems)
    return str(data["from"]), str(data["to"])


def _same_answer_type(source: Framework, target: Framework, source_code: str, target_code: str) -> str | None:
    """Why an answer of `source_code` cannot stand as an answer of `target_code`, or None when it can."""
    s_item, t_item = source.items[source_code], target.items[target_code]
    s_type, t_type = source.answer_type(s_item), target.answer_type(t_item)
    if s_type.kind != t_type.kind:
        return f"answer kinds differ ({s_item.type} vs {t_item.type})"
    if s_type.kind == "choice":
        s_keys = [key.casefold() for key in s_type.options]
        t_keys = [key.casefold() for key in t_type.options]
        if s_keys != t_keys:
            return f"options differ ({'/'.join(s_type.options)} vs {'/'.join(t_type.options)})"
    elif s_type.kind == "index":
        if s_type.max != t_type.max:
            return "index scales differ"
    elif [i.key for i in s_item.inputs] != [i.key for i in t_item.inputs]:
        return "percent inputs differ"
    return None


def build_mapping(data: Mapping[str, Any], source: Framework, target: Framework) -> ItemMapping:
    """Validate mapping data against both frameworks; raises FrameworkInvalid naming every problem."""
    problems: list[str] = []
    from_code, to_code = mapping_frameworks(data)
    if from_code != source.code:
        problems.append(f"from: {from_code!r} is not the source framework {source.code!r}")
    if to_code != target.code:
        problems.append(f"to: {to_code!r} is not the target framework {target.code!r}")
    reviewed = str(data.get("reviewed") or "").strip()
    if not reviewed:
        problems.append("reviewed: missing (who reviewed the mapping, when, against what)")
    raw_items = data.get("items")
    if not isinstance(raw_items, list):
        problems.append("items: must be a list with one entry for every item of the target framework")
        raw_items = []
    found: dict[str, MappingEntry] = {}
    listed: set[str] = set()
    for position, raw in enumerate(raw_items, start=1):
        where = f"items[{position}]"
        if not isinstance(raw, Mapping):
            problems.append(f"{where}: must be a mapping with to, from, kind and note")
            continue
        code = str(raw.get("to", ""))
        where = code or where
        if code not in target.items:
            problems.append(f"{where}: not an item of {target.code}")
            continue
        if code in listed:
            problems.append(f"{code}: listed twice")
            continue
        listed.add(code)
        kind = str(raw.get("kind", ""))
        if kind not in KINDS:
            problems.append(f"{code}: kind {kind!r} is not one of {', '.join(KINDS)}")
            continue
        raw_sources = raw.get("from")
        if raw_sources is None:
            raw_sources = []
        if not isinstance(raw_sources, list):
            problems.append(f"{code}: from must be a list of {source.code} item codes")
            continue
        sources = tuple(str(s) for s in raw_sources)
        unknown = [s for s in sources if s not in source.items]
        if unknown:
            problems.append(f"{code}: {', '.join(unknown)} not item(s) of {source.code}")
            continue
        if len(set(sources)) != len(sources):
            problems.append(f"{code}: a source item repeats")
        note = str(raw.get("note") or "").strip()
        if not note:
            problems.append(f"{code}: note missing (say why the items do or do not correspond)")
        if kind == "none" and sources:
            problems.append(f"{code}: kind none takes no source items")
        if kind != "none" and not sources:
            problems.append(f"{code}: kind {kind} needs at least one source item")
        if kind == "same_question":
            if len(sources) != 1:
                problems.append(f"{code}: same_question takes exactly one source item")
            else:
                why = _same_answer_type(source, target, sources[0], code)
                if why is not None:
                    problems.append(f"{code}: same_question but {why}; use same_evidence")
        found[code] = MappingEntry(code, sources, kind, note)  # type: ignore[arg-type]
    missing = [code for code in target.items if code not in listed]
    if missing:
        shown = ", ".join(missing[:10]) + (f" and {len(missing) - 10} more" if len(missing) > 10 else "")
        problems.append(
            f"items: no entry for {shown} (every {target.code} item needs one, kind none if need be)"
        )
    if problems:
        raise FrameworkInvalid(problems)
    ordered = {code: found[code] for code in target.items}
    return ItemMapping(source=source.code, target=target.code, reviewed=reviewed, entries=ordered)
