"""`zona survey ikm FILE.csv [--json] [--legacy-weight] [--numbering NAME]`: the SKM of a CSV file.

The header must hold U1…U9 (the unsur codes in the order of the Permen body; any column order, extra
columns ignored), one row per respondent, values 1–4. A file numbered otherwise (many local sheets number
U8 = Sarana, U9 = Pengaduan) declares it with `--numbering` (a numbering of the SKM instrument file,
e.g. `sarana_u8`); its columns are then read as the instrument's own codes. A missing column or a value
outside 1–4 exits with status 2, naming the row (as numbered in the file, the header being row 1) and the
column. The legacy weight, its label and the minimum number of respondents come from the instrument file.
"""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zona.core.spreadsheets import SpreadsheetInvalid, decode_text, read_csv_rows
from zona.surveys.computation import round2, skm_ikm
from zona.surveys.instruments import InstrumentDef, load_instrument_file

UNSUR = tuple(f"U{i}" for i in range(1, 10))
SKM_FILE = Path(__file__).resolve().parents[2] / "data" / "skm-permenpanrb-14-2017.yaml"
MAX_PROBLEMS = 20
MAX_FILE_BYTES = 100 * 1024 * 1024
MAX_ROWS = 1_000_000
MAX_COLUMNS = 1_000


class Command(BaseCommand):
    help = "Survey computations from files (SKM IKM from a CSV of U1…U9 answers)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        ikm = sub.add_parser("ikm", help="compute the SKM IKM (25–100) and grade from a CSV file")
        ikm.add_argument("file")
        ikm.add_argument("--json", action="store_true", dest="as_json")
        ikm.add_argument(
            "--legacy-weight",
            action="store_true",
            help="the legacy weight per unsur of the instrument file (0,111, as old spreadsheets) not 1/9",
        )
        ikm.add_argument(
            "--numbering",
            default="",
            help="the file's numbering of the unsur, as declared in the SKM instrument (e.g. sarana_u8)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.ikm(options["file"], options["as_json"], options["legacy_weight"], options["numbering"])

    def fail(self, problems: list[str]) -> None:
        for problem in problems[:MAX_PROBLEMS]:
            self.stderr.write(problem)
        if len(problems) > MAX_PROBLEMS:
            self.stderr.write(f"… dan {len(problems) - MAX_PROBLEMS} masalah lain")
        raise CommandError(f"{len(problems)} masalah ditemukan; IKM tidak dihitung", returncode=2)

    def ikm(self, name: str, as_json: bool, legacy: bool, numbering_name: str = "") -> None:
        definition: InstrumentDef = load_instrument_file(SKM_FILE)
        numbering = definition.numberings.get(numbering_name) if numbering_name else None
        if numbering_name and numbering is None:
            known = ", ".join(definition.numberings) or "tidak ada"
            self.fail([f"--numbering {numbering_name}: penomoran tidak dikenal (yang ada: {known})"])
        path = Path(name)
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                self.fail([f"{name}: berkas terlalu besar (paling besar {MAX_FILE_BYTES // 2**20} MB)"])
            text = decode_text(path.read_bytes())
            rows = read_csv_rows(text, max_rows=MAX_ROWS + 1, max_columns=MAX_COLUMNS, max_field_chars=1000)
        except FileNotFoundError:
            self.fail([f"{name}: berkas tidak ditemukan"])
        except OSError as exc:
            self.fail([f"{name}: berkas tidak dapat dibaca ({exc.strerror})"])
        except SpreadsheetInvalid as exc:
            self.fail([f"{name}: {problem}" for problem in exc.problems])
        reader = iter(rows)
        header = [cell.strip().upper() for cell in next(reader, [])]
        if numbering is not None:  # the file's U8 is the instrument's U9 etc.: read columns as own codes
            header = [numbering.own_code(code) for code in header]
        duplicated = sorted({code for code in UNSUR if header.count(code) > 1})
        if duplicated:
            self.fail([f"{name}: baris 1: kolom {code} muncul lebih dari sekali" for code in duplicated])
        missing = [code for code in UNSUR if code not in header]
        if missing:
            self.fail([f"{name}: baris 1: kolom {code} tidak ada" for code in missing])
        index = {code: header.index(code) for code in UNSUR}
        totals = dict.fromkeys(UNSUR, 0)
        n = 0
        problems: list[str] = []
        for row_number, row in enumerate(reader, start=2):
            if len(problems) > MAX_PROBLEMS * 50:
                break
            if not any(cell.strip() for cell in row):
                continue
            n += 1
            for code in UNSUR:
                raw = row[index[code]].strip() if index[code] < len(row) else ""
                if raw not in ("1", "2", "3", "4"):
                    shown = repr(raw[:20] + ("…" if len(raw) > 20 else "")) if raw else "kosong"
                    problems.append(f"{name}: baris {row_number}, kolom {code}: nilai {shown} di luar 1–4")
                    continue
                totals[code] += int(raw)
        if problems:
            self.fail(problems)
        if n == 0:
            self.fail([f"{name}: tidak ada baris responden"])
        result = skm_ikm(
            totals=totals,
            counts=dict.fromkeys(UNSUR, n),
            weight="legacy_0111" if legacy else "exact",
            legacy=Fraction(definition.legacy_weight),
        )
        warning = ""
        if n < definition.min_respondents:
            warning = (
                f"n = {n}: di bawah minimal {definition.min_respondents} responden untuk satu unit kerja "
                "(PermenPANRB 90/2021 Lampiran II Bab III C.2.d)"
            )
        nrr = {code: float(value) for code, value in result.nrr_rounded.items()}
        if as_json:
            payload = {
                "n": n,
                "ikm": float(result.ikm),
                "grade": result.grade,
                "label": result.label,
                "weight": result.weight,
                "unsur": nrr,
                "unsur_x25": {code: float(round2(value * 25)) for code, value in result.nrr.items()},
                "numbering": numbering.code if numbering else "permen",
                "warning": warning,
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
            return
        self.stdout.write(f"Responden (n): {n}")
        for code in UNSUR:
            self.stdout.write(f"  {code}  NRR {nrr[code]:.4f}   ×25 {round2(result.nrr[code] * 25):>6}")
        weight = (definition.legacy_weight_label or "0,111 (lama)") if legacy else "1/9"
        self.stdout.write(f"IKM: {result.ikm} — mutu {result.grade} ({result.label}); bobot {weight}")
        if numbering is not None:
            self.stdout.write(f"Penomoran berkas: {numbering.label}")
        if warning:
            self.stdout.write(f"Peringatan: {warning}")
