"""The shipped national cuti bersama (data/cuti-bersama.yaml), read as plain rows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml

DATA_FILE = Path(__file__).resolve().parent / "data" / "cuti-bersama.yaml"


def national_cuti_bersama(path: Path = DATA_FILE) -> list[dict[str, Any]]:
    """[{date, name, decree}] of every year in the data file, in date order."""
    rows: list[dict[str, Any]] = []
    for year in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
        for day in year["days"]:
            date = day["date"]
            if not isinstance(date, dt.date) or date.year != year["year"]:
                raise ValueError(f"{path.name}: {date!r} is not a date of {year['year']}")
            rows.append({"date": date, "name": day["name"], "decree": year["decree"]})
    return sorted(rows, key=lambda row: row["date"])
