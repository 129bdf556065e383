"""The prerequisites for proposing a unit (lke-zi.md §5.2) as data, and how a value is judged.

Pure: no database. `definitions()` reads `data/prerequisites-90-2021.yaml` once; `PrerequisiteDef.judge`
says whether a value meets the minimum for a target (WBK or WBBM) and instansi kind (Pemda or K/L),
with an Indonesian sentence ("Opini BPK WDP di bawah minimal WTP").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext as _

DATA_FILE = Path(__file__).resolve().parent / "data" / "prerequisites-90-2021.yaml"

TARGETS = ("wbk", "wbbm")
INSTANSI_KINDS = ("pemda", "kl")
LEVELS = ("instansi", "unit")
KINDS = ("percent", "grade", "boolean", "months")
YES, NO = "ya", "tidak"
_TRUE = {"ya", "y", "yes", "true", "1", "benar"}
_FALSE = {"tidak", "t", "no", "n", "false", "0", "salah"}


class Status(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    EMPTY = "empty"
    EXEMPT = "exempt"  # not met (or not filled), but the unit may be proposed anyway (5/2024 Bab II A)


@dataclass(frozen=True)
class Verdict:
    status: Status
    message: str

    @property
    def met(self) -> bool:
        return self.status == Status.MET

    @property
    def passes(self) -> bool:
        """Met, or exempt: nothing here stands in the way of the proposal."""
        return self.status in (Status.MET, Status.EXEMPT)

    def exempted(self, reason: str) -> Verdict:
        if self.met:
            return self
        return Verdict(
            Status.EXEMPT,
            _("%(message)s; dikecualikan: %(reason)s") % {"message": self.message, "reason": reason},
        )


def instansi_kind(*, is_pemda: bool) -> str:
    return "pemda" if is_pemda else "kl"


def _format_number(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


@dataclass(frozen=True)
class PrerequisiteDef:
    code: str
    level: str
    label: str
    short: str
    kind: str
    minimum: dict[str, dict[str, str]]  # target -> instansi kind -> normalised minimum
    scale: tuple[str, ...] = ()
    scale_labels: dict[str, str] = field(default_factory=dict)
    help: str = ""
    derived: str = ""

    @property
    def editable(self) -> bool:
        return not self.derived

    def minimum_for(self, target: str, kind: str) -> str:
        return self.minimum[target][kind]

    def choices(self) -> list[tuple[str, str]]:
        """The values a person may pick (grade and boolean kinds), best first."""
        if self.kind == "grade":
            return [(value, self.display(value)) for value in self.scale]
        if self.kind == "boolean":
            return [(YES, _("Ya")), (NO, _("Tidak"))]
        return []

    def normalize(self, raw: Any) -> str:
        """The stored form of a typed value ("" when blank); ValueError with an Indonesian message."""
        text = "" if raw is None else str(raw).strip()
        if not text:
            return ""
        if self.kind in ("percent", "months"):
            try:
                number = Decimal(text.rstrip("%").strip().replace(",", "."))
            except InvalidOperation:
                number = Decimal("NaN")
            if not number.is_finite():
                raise ValueError(_("%(name)s harus berupa angka.") % {"name": self.short})
            if number < 0 or (self.kind == "percent" and number > 100):
                raise ValueError(_("%(name)s harus antara 0 dan 100.") % {"name": self.short})
            if self.kind == "months" and number != number.to_integral_value():
                raise ValueError(_("%(name)s harus berupa bilangan bulat.") % {"name": self.short})
            return _format_number(number)
        if self.kind == "boolean":
            lowered = text.lower()
            if lowered in _TRUE:
                return YES
            if lowered in _FALSE:
                return NO
            raise ValueError(_("%(name)s harus diisi ya atau tidak.") % {"name": self.short})
        value = text.upper().removeprefix("LEVEL").strip()
        if value not in self.scale:
            raise ValueError(
                _("%(name)s harus salah satu dari: %(values)s.")
                % {"name": self.short, "values": ", ".join(self.display(v) for v in self.scale)}
            )
        return value

    def display(self, value: str) -> str:
        if not value:
            return ""
        if self.kind == "percent":
            return f"{value.replace('.', ',')}%"
        if self.kind == "months":
            return _("%(n)s bulan") % {"n": value}
        if self.kind == "boolean":
            return _("ya") if value == YES else _("tidak")
        return self.scale_labels.get(value, value)

    def _meets(self, value: str, minimum: str) -> bool:
        if self.kind in ("percent", "months"):
            return Decimal(value) >= Decimal(minimum)
        if self.kind == "boolean":
            return value == YES or minimum == NO
        return self.scale.index(value) <= self.scale.index(minimum)

    def judge(self, value: str, *, target: str, kind: str) -> Verdict:
        """Met / not met / not filled for `target` (wbk, wbbm) in an instansi of `kind` (pemda, kl)."""
        minimum = self.minimum_for(target, kind)
        try:
            value = self.normalize(value)
        except ValueError as exc:
            return Verdict(Status.NOT_MET, str(exc))
        if not value:
            return Verdict(Status.EMPTY, _("%(name)s belum diisi") % {"name": self.short})
        names = {"name": self.short, "value": self.display(value), "minimum": self.display(minimum)}
        if self.kind == "boolean":
            if self._meets(value, minimum):
                return Verdict(Status.MET, _("%(name)s: %(value)s") % names)
            return Verdict(Status.NOT_MET, _("%(name)s: %(value)s, disyaratkan %(minimum)s") % names)
        if self._meets(value, minimum):
            return Verdict(Status.MET, _("%(name)s %(value)s memenuhi minimal %(minimum)s") % names)
        return Verdict(Status.NOT_MET, _("%(name)s %(value)s di bawah minimal %(minimum)s") % names)


def _build(entry: dict[str, Any]) -> PrerequisiteDef:
    code = str(entry.get("code", ""))
    kind = entry.get("kind")
    level = entry.get("level")
    if not code or kind not in KINDS or level not in LEVELS:
        raise ValueError(f"prerequisite {code!r}: needs a code, a level in {LEVELS} and a kind in {KINDS}")
    scale = tuple(str(v) for v in entry.get("scale") or ())
    if kind == "grade" and not scale:
        raise ValueError(f"prerequisite {code!r}: a grade needs its scale")
    base = PrerequisiteDef(
        code=code,
        level=str(level),
        label=str(entry.get("label") or code),
        short=str(entry.get("short") or entry.get("label") or code),
        kind=str(kind),
        minimum={},
        scale=scale,
        scale_labels={str(k): str(v) for k, v in (entry.get("scale_labels") or {}).items()},
        help=str(entry.get("help") or ""),
        derived=str(entry.get("derived") or ""),
    )
    raw_minimum = entry.get("minimum") or {}
    minimum: dict[str, dict[str, str]] = {}
    for target in TARGETS:
        if target not in raw_minimum:
            raise ValueError(f"prerequisite {code!r}: no minimum for {target}")
        per_kind = raw_minimum[target]
        if not isinstance(per_kind, dict):
            per_kind = dict.fromkeys(INSTANSI_KINDS, per_kind)
        if set(per_kind) != set(INSTANSI_KINDS):
            raise ValueError(f"prerequisite {code!r}: a minimum per kind needs exactly {INSTANSI_KINDS}")
        minimum[target] = {}
        for instansi_kind_, value in per_kind.items():
            if isinstance(value, bool):  # YAML reads a bare yes/no as a boolean
                value = YES if value else NO
            normalised = base.normalize(value)
            if not normalised:
                raise ValueError(f"prerequisite {code!r}: empty minimum for {target}/{instansi_kind_}")
            minimum[target][instansi_kind_] = normalised
    return PrerequisiteDef(**{**base.__dict__, "minimum": minimum})


def load(path: Path = DATA_FILE) -> tuple[PrerequisiteDef, ...]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    items = tuple(_build(entry) for entry in data.get("prerequisites") or ())
    codes = [item.code for item in items]
    if len(codes) != len(set(codes)):
        raise ValueError(f"{path.name}: duplicate prerequisite codes")
    return items


@lru_cache(maxsize=1)
def definitions() -> dict[str, PrerequisiteDef]:
    """The shipped prerequisites by code, in file order."""
    return {item.code: item for item in load()}


def get(code: str) -> PrerequisiteDef | None:
    return definitions().get(code)
