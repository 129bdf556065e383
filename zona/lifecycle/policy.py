"""Lifecycle rules of PermenPANRB 90/2021 jo. 5/2024 beyond Tabel 5, as data (`data/rules-5-2024.yaml`).

Pure: no database. The early-proposal exemption (5/2024 Bab II A), the Pakta Integritas majority, the
two-yearly monitoring after a predicate and the kawasan integration minimum are read here, so that a
coordinator corrects a reading in the data file, not in code.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

DATA_FILE = Path(__file__).resolve().parent / "data" / "rules-5-2024.yaml"


@dataclass(frozen=True)
class Policy:
    early_types: dict[str, str]  # unit service type -> label
    early_instansi_kinds: tuple[str, ...]
    early_source: str
    pakta_majority_above: Decimal
    pakta_source: str
    monitoring_years: int
    monitoring_source: str
    kawasan_minimum: dict[str, Decimal]
    kawasan_source: str
    kkn_source: str
    mandiri_source: str

    def early_exemption(self, *, service_type: str, instansi_kind: str) -> str:
        """The label of the 5/2024 early-proposal type when the unit has one in an instansi it applies
        to, else ""."""
        if instansi_kind not in self.early_instansi_kinds:
            return ""
        return self.early_types.get(service_type, "")

    def pakta_majority(self, *, signatories: int, staff: int) -> bool:
        """ "Seluruh atau sebagian besar pegawai": more than the majority percentage of the staff."""
        if staff <= 0:
            return False
        return Decimal(signatories) * 100 > self.pakta_majority_above * staff or signatories >= staff


def _build(data: dict[str, Any]) -> Policy:
    early = data["early_proposal"]
    pakta = data["pakta_integritas"]
    monitoring = data["monitoring"]
    kawasan = data["kawasan_integration_minimum"]
    years = int(monitoring["every_years"])
    if years < 1:
        raise ValueError("monitoring.every_years must be at least 1")
    return Policy(
        early_types={str(k): str(v) for k, v in (early.get("unit_types") or {}).items()},
        early_instansi_kinds=tuple(str(k) for k in early.get("instansi_kinds") or ()),
        early_source=str(early.get("source", "")),
        pakta_majority_above=Decimal(str(pakta["majority_above_percent"])),
        pakta_source=str(pakta.get("source", "")),
        monitoring_years=years,
        monitoring_source=str(monitoring.get("source", "")),
        kawasan_minimum={key: Decimal(str(kawasan[key])) for key in ("wbk", "wbbm")},
        kawasan_source=str(kawasan.get("source", "")),
        kkn_source=str((data.get("kkn_voiding") or {}).get("source", "")),
        mandiri_source=str((data.get("evaluasi_mandiri") or {}).get("source", "")),
    )


def load(path: Path = DATA_FILE) -> Policy:
    return _build(yaml.safe_load(path.read_text(encoding="utf-8")) or {})


@lru_cache(maxsize=1)
def policy() -> Policy:
    return load()


def service_type_choices() -> list[tuple[str, str]]:
    return list(policy().early_types.items())


def monitoring_due(predicate_date: dt.date | None) -> dt.date | None:
    """When the TPI's next monitoring of a predicated unit is due (every N years after the predicate)."""
    if predicate_date is None:
        return None
    from .rules import years_after

    return years_after(predicate_date, policy().monitoring_years)
