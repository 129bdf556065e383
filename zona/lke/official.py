"""The official LKE worksheet ("LKE resmi"), both ways: read the sheet agencies fill, write that shape back.

The official sheet (PermenPANRB 90/2021 Lampiran III) puts each code part in its own narrow column
(A. | I. | 1. | i. | a.), the text in *Penilaian*, the criteria text in *Penjelasan*, the answer type in
*Pilihan Jawaban* ("Ya/Tidak", "A/B/C", "%", "Jumlah", "Nilai (0-4)"), then *Jawaban*, *Nilai*, *%* and
*Catatan*. Agencies also keep unit and TPI answers side by side (jawaban_unit … catatan_reviu_tpi) with an
evidence link column. What is regulation-specific (headings, type labels, the order of input rows, the
"Jumlah yang harus melaporkan" sum rows) is data: `zona/frameworks/data/layouts/<framework>.yaml`.

Rows are matched to items by their codes (in the narrow columns, in one dotted code column, or leading
the Penilaian text), each checked against the framework; rows under an item ("- Jumlah ...") are its
inputs, matched by label, then by the official order. Nothing here needs Django; problems name the cell.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from fractions import Fraction
from pathlib import Path
from typing import IO, Any

import yaml
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from zona.core.spreadsheets import save_workbook
from zona.lke.answers import (
    Answer,
    CellValue,
    InvalidAnswer,
    is_percent_format,
    percent_from_inputs,
    percent_value,
)
from zona.lke.framework import Framework, Item
from zona.lke.numbers import NotANumber, format_id, round_half_up, to_fraction

LAYOUT_DIR = Path(__file__).resolve().parent.parent / "frameworks" / "data" / "layouts"
LAYOUT_NAME = "lke-resmi-1"
META_SHEET = "zona"
SHEET_TITLE = "LKE"
HEADER_SCAN_ROWS = 30
MAX_ROWS = 5000
MAX_COLUMNS = 40
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
TOLERANCE = Fraction(1, 20000)  # 0.005 percentage points: a % cell that disagrees with its Jumlah rows

MEANINGS = (
    "text",
    "code",
    "weight",
    "criteria",
    "answer_type",
    "unit_answer",
    "unit_value",
    "percent",
    "unit_note",
    "evidence",
    "evidence_url",
    "tpi_answer",
    "tpi_value",
    "tpi_note",
)
MEANING_LABELS = {
    "text": "teks penilaian",
    "code": "kode butir",
    "weight": "bobot (dihitung ulang, tidak dibaca)",
    "criteria": "penjelasan/kriteria (tidak dibaca)",
    "answer_type": "pilihan jawaban (jenis jawaban)",
    "unit_answer": "jawaban unit",
    "unit_value": "nilai unit (dihitung ulang, tidak dibaca)",
    "percent": "% (dihitung ulang, tidak dibaca)",
    "unit_note": "catatan unit",
    "evidence": "bukti dukung unit",
    "evidence_url": "tautan bukti dukung",
    "tpi_answer": "jawaban TPI",
    "tpi_value": "nilai TPI (dihitung ulang, tidak dibaca)",
    "tpi_note": "catatan reviu TPI",
}
ANSWER_MEANINGS = ("unit_answer", "tpi_answer")
TOKEN_RE = re.compile(r"^(?:[A-Za-z]{1,5}|\d{1,2})\.?$")
DASH_RE = re.compile(r"^[-\u2013\u2014\u2022*]$")
LEADING_RE = re.compile(r"^\s*([A-Za-z]{1,5}|\d{1,2})\.\s+(\S.*)$", re.S)
LEADING_DASH_RE = re.compile(r"^\s*[-\u2013\u2014\u2022]\s*(.*)$", re.S)
URL_RE = re.compile(r"https?://\S+", re.I)
ROMAN_UPPER = re.compile(r"^[IVX]+$")
ROMAN_LOWER = re.compile(r"^[ivx]+$")


class LayoutInvalid(ValueError):
    pass


@dataclass(frozen=True)
class InputRow:
    """One input row of a % item as the official sheet prints it: an input, or a sum of inputs."""

    label: str
    key: str | None = None
    total: tuple[str, ...] = ()


@dataclass(frozen=True)
class Layout:
    framework: str
    name: str
    code_columns: int
    type_labels: dict[str, str]
    input_label: str
    headers: dict[str, tuple[str, ...]]
    inputs: dict[str, tuple[InputRow, ...]]

    def input_rows(self, item: Item) -> tuple[InputRow, ...]:
        """The item's input rows in the official order (the framework's order when the layout is silent)."""
        if item.code in self.inputs:
            return self.inputs[item.code]
        return tuple(InputRow(label=entry.label, key=entry.key) for entry in item.inputs)

    def meaning_of(self, heading: Any) -> str | None:
        wanted = _norm(heading)
        if not wanted:
            return None
        for meaning, names in self.headers.items():
            if wanted in {_norm(name) for name in names}:
                return meaning
        return None


def _norm(value: Any) -> str:
    text = unicodedata.normalize("NFKC", str(value or "")).casefold()
    if text.strip() == "%":
        return "%"
    return re.sub(r"[^a-z0-9%]+", "", text)


def _words(value: Any) -> str:
    text = unicodedata.normalize("NFKC", str(value or "")).casefold()
    text = re.sub(r"^[\s\-\u2013\u2022]+", "", text)
    text = re.sub(r"^jumlah\s+", "", text)
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def layout_path(framework_code: str) -> Path:
    return LAYOUT_DIR / f"{framework_code}.yaml"


def has_layout(framework_code: str) -> bool:
    return layout_path(framework_code).is_file()


def load_layout(source: str | Path | Mapping[str, Any], framework: Framework | None = None) -> Layout:
    """A layout from its YAML file (or data); with `framework`, every code and input key is checked."""
    data: Any = source
    if not isinstance(source, Mapping):
        data = yaml.safe_load(Path(source).read_text(encoding="utf-8"))
    if not isinstance(data, Mapping):
        raise LayoutInvalid("tata letak LKE resmi harus berupa pemetaan YAML")
    problems: list[str] = []
    headers: dict[str, tuple[str, ...]] = {}
    for meaning, names in (data.get("headers") or {}).items():
        if meaning not in MEANINGS:
            problems.append(f"headers: arti kolom {meaning!r} tidak dikenal")
            continue
        headers[str(meaning)] = tuple(str(name) for name in names or ())
    for needed in ("text", "unit_answer"):
        if needed not in headers:
            problems.append(f"headers: {needed} wajib ada")
    inputs: dict[str, tuple[InputRow, ...]] = {}
    for code, rows in (data.get("inputs") or {}).items():
        entries = []
        for row in rows or ():
            total = tuple(str(key) for key in row.get("total") or ())
            entries.append(InputRow(label=str(row.get("label", "")), key=row.get("key"), total=total))
        inputs[str(code)] = tuple(entries)
        if framework is not None:
            item = framework.items.get(str(code))
            if item is None:
                problems.append(f"inputs: butir {code} tidak ada dalam {framework.code}")
                continue
            known = {entry.key for entry in item.inputs}
            named = {entry.key for entry in entries if entry.key} | {
                k for entry in entries for k in entry.total
            }
            if named - known:
                problems.append(f"inputs.{code}: isian {', '.join(sorted(named - known))} tidak dikenal")
            missing = known - {entry.key for entry in entries if entry.key}
            if missing:
                problems.append(f"inputs.{code}: isian {', '.join(sorted(missing))} tidak tercantum")
    if problems:
        raise LayoutInvalid("\n".join(problems))
    return Layout(
        framework=str(data.get("framework", "")),
        name=str(data.get("layout", LAYOUT_NAME)),
        code_columns=int(data.get("code_columns", 5)),
        type_labels={str(k): str(v) for k, v in (data.get("type_labels") or {}).items()},
        input_label=str(data.get("input_label", "Jumlah")),
        headers=headers,
        inputs=inputs,
    )


def layout_for(framework: Framework) -> Layout:
    """The shipped layout of the framework; raises LayoutInvalid when it has none."""
    path = layout_path(framework.code)
    if not path.is_file():
        raise LayoutInvalid(f"kerangka {framework.code} belum memiliki tata letak LKE resmi")
    return load_layout(path, framework)


# --------------------------------------------------------------------------------------------------
# % cells as agencies fill them


class AmbiguousPercent(ValueError):
    pass


def percent_cell_value(value: Any, number_format: str | None = None) -> Fraction | None:
    """A % answer on the 0-100 scale from a cell, by the one rule of `zona.lke.answers.percent_value`:
    a percent-formatted cell holds a fraction (100,00 % = 1); "100%", "100,00 %" and 100 all give 100;
    an unformatted number 0 < v <= 1 may be a fraction or a small percentage and is refused
    (AmbiguousPercent, with the engine's message) rather than guessed.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    raw: Any = value
    if isinstance(value, int | float) and not isinstance(value, bool) and is_percent_format(number_format):
        raw = CellValue(value, number_format or "General")
    try:
        return percent_value(raw)
    except InvalidAnswer as exc:
        raise AmbiguousPercent(str(exc)) from exc


# --------------------------------------------------------------------------------------------------
# Reading


@dataclass
class LayerAnswers:
    """One layer's raw answers as read (item code -> raw value for parse_answers), with notes and cells."""

    answers: dict[str, Any] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    cells: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RowMatch:
    row: int
    kind: str  # node, item, input, total, skipped
    code: str
    text: str
    detail: str = ""


@dataclass
class OfficialSheet:
    framework_code: str | None
    sheet: str = ""
    header_row: int = 0
    columns: list[tuple[str, str, str]] = field(default_factory=list)  # (letter, heading, meaning)
    unit: LayerAnswers = field(default_factory=LayerAnswers)
    tpi: LayerAnswers | None = None
    evidence: dict[str, list[str]] = field(default_factory=dict)  # item -> evidence texts
    evidence_urls: dict[str, list[str]] = field(default_factory=dict)  # item -> links
    rows: list[RowMatch] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def has_tpi(self) -> bool:
        return self.tpi is not None

    def layer(self, name: str) -> LayerAnswers | None:
        return self.tpi if name == "tpi" else self.unit


def _too_large(source: str | Path | IO[bytes]) -> str | None:
    try:
        with zipfile.ZipFile(source) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        return f"berkas bukan lembar kerja Excel yang dapat dibaca ({exc})"
    finally:
        if hasattr(source, "seek"):
            source.seek(0)
    if total > MAX_UNCOMPRESSED_BYTES:
        return f"berkas terlalu besar setelah dibuka ({total // 2**20} MB); lembar LKE jauh lebih kecil"
    return None


def _open(source: str | Path | IO[bytes]) -> tuple[Any, str | None]:
    refused = _too_large(source)
    if refused:
        return None, refused
    try:
        return load_workbook(source, data_only=True, read_only=True), None
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        return None, f"berkas bukan lembar kerja Excel yang dapat dibaca ({exc})"


def meta_framework_code(wb: Any) -> str | None:
    if META_SHEET not in wb.sheetnames:
        return None
    for row in wb[META_SHEET].iter_rows(min_row=1, max_row=1, max_col=2, values_only=True):
        return str(row[1]) if len(row) > 1 and row[1] else None
    return None


def workbook_framework_code(source: str | Path | IO[bytes]) -> str | None:
    """The framework code recorded in the hidden `zona` sheet, if any (None when not a workbook)."""
    wb, _refused = _open(source)
    if wb is None:
        return None
    try:
        return meta_framework_code(wb)
    finally:
        wb.close()
        if hasattr(source, "seek"):
            source.seek(0)


def _header(layout: Layout, ws: Any) -> tuple[int, dict[int, str], dict[int, str]] | None:
    """The header row: (row number, column -> meaning, column -> heading as written)."""
    for number, row in enumerate(
        ws.iter_rows(max_row=HEADER_SCAN_ROWS, max_col=MAX_COLUMNS, values_only=True), start=1
    ):
        meanings: dict[int, str] = {}
        headings: dict[int, str] = {}
        for column, value in enumerate(row, start=1):
            meaning = layout.meaning_of(value)
            if meaning and meaning not in meanings.values():
                meanings[column] = meaning
                headings[column] = " ".join(str(value).split())
        found = set(meanings.values())
        if "text" in found and found & set(ANSWER_MEANINGS) and len(found) >= 3:
            return number, meanings, headings
    return None


def _is_zona_layout(ws: Any) -> bool:
    from zona.lke.excel import HEADERS

    for row in ws.iter_rows(max_row=HEADER_SCAN_ROWS, max_col=len(HEADERS), values_only=True):
        if [str(value or "").strip() for value in (*row, *([None] * len(HEADERS)))[: len(HEADERS)]] == list(
            HEADERS
        ):
            return True
    return False


def sheet_is_official(source: str | Path | IO[bytes], layout: Layout) -> bool:
    """Whether the workbook has an official-shape header row (Zona's own layout does not count)."""
    wb, _refused = _open(source)
    if wb is None:
        return False
    try:
        sheets = [ws for ws in wb.worksheets if ws.title != META_SHEET]
        if any(_is_zona_layout(ws) for ws in sheets):
            return False
        return any(_header(layout, ws) is not None for ws in sheets)
    finally:
        wb.close()
        if hasattr(source, "seek"):
            source.seek(0)


def read_official(source: str | Path | IO[bytes], framework: Framework, layout: Layout) -> OfficialSheet:
    """Read an official-shape LKE sheet; never raises for bad content (problems name the cell)."""
    wb, refused = _open(source)
    if wb is None:
        return OfficialSheet(None, problems=[refused or "berkas tidak dapat dibaca"])
    try:
        code = meta_framework_code(wb)
        for ws in wb.worksheets:
            if ws.title == META_SHEET:
                continue
            found = _header(layout, ws)
            if found is None:
                continue
            return _Reader(framework, layout, ws, code, *found).read()
        names = ", ".join(layout.headers["text"][:1] + layout.headers["unit_answer"][:2])
        return OfficialSheet(
            code,
            problems=[
                f"lembar kerja bukan LKE resmi: baris judul kolom (mis. {names}) tidak ditemukan pada "
                f"{HEADER_SCAN_ROWS} baris pertama"
            ],
        )
    finally:
        wb.close()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


@dataclass
class _ItemState:
    code: str
    answer_seen: bool = False
    inputs_done: set[int] = field(default_factory=set)


class _Reader:
    def __init__(
        self,
        framework: Framework,
        layout: Layout,
        ws: Any,
        framework_code: str | None,
        header_row: int,
        meanings: dict[int, str],
        headings: dict[int, str],
    ):
        self.fw = framework
        self.layout = layout
        self.ws = ws
        self.col = {meaning: column for column, meaning in meanings.items()}
        self.result = OfficialSheet(
            framework_code,
            sheet=ws.title,
            header_row=header_row,
            columns=[
                (get_column_letter(column), headings[column], MEANING_LABELS[meaning])
                for column, meaning in sorted(meanings.items())
            ],
        )
        if "tpi_answer" in self.col:
            self.result.tpi = LayerAnswers()
        other = [column for column, meaning in meanings.items() if meaning not in ("text", "code")]
        self.region_end = (min(other) - 1) if other else max(meanings)
        self.region_start = 1
        self.parts: list[str] = []
        self.item: _ItemState | None = None
        self.percent_values: dict[tuple[str, str], tuple[Fraction, str]] = {}
        self.inputs: dict[str, dict[str, dict[str, Any]]] = {"unit": {}, "tpi": {}}
        self.input_cells: dict[tuple[str, str], str] = {}
        self.totals: dict[tuple[str, str], list[tuple[tuple[str, ...], Any, str]]] = {}
        self.seen_items: set[str] = set()

    # -- helpers
    def where(self, column: int, number: int) -> str:
        return f"{self.ws.title}!{get_column_letter(column)}{number}"

    def problem(self, text: str) -> None:
        self.result.problems.append(text)

    def cell(self, row: tuple[Any, ...], meaning: str) -> Any:
        column = self.col.get(meaning)
        if column is None or column > len(row):
            return None
        return row[column - 1].value

    def fmt(self, row: tuple[Any, ...], meaning: str) -> str:
        column = self.col.get(meaning)
        if column is None or column > len(row):
            return ""
        return str(getattr(row[column - 1], "number_format", "") or "")

    def has_answer(self, row: tuple[Any, ...]) -> bool:
        return any(_cell_text(self.cell(row, m)) for m in ANSWER_MEANINGS if m in self.col)

    # -- codes
    def _levels_for(self, token: str) -> list[int]:
        if token.isdigit():
            return [2]
        levels: list[int] = []
        if len(token) == 1 and token.isupper():
            levels.append(0)
        if ROMAN_UPPER.match(token):
            levels.append(1)
        if ROMAN_LOWER.match(token):
            levels.extend([3, 4])
        if len(token) == 1 and token.islower() and 4 not in levels:
            levels.append(4)
        return levels or [len(self.parts)]

    def _compose(self, level: int, token: str) -> str | None:
        if level > len(self.parts):
            return None
        code = ".".join([*self.parts[:level], token])
        return code if code in self.fw.nodes or code in self.fw.items else None

    def _similarity(self, code: str, text: str) -> float:
        node = self.fw.nodes.get(code)
        item = self.fw.items.get(code)
        names = [node.name if node else "", item.question if item else ""]
        return max(SequenceMatcher(None, _words(name), _words(text)).ratio() for name in names)

    def resolve(self, token: str, text: str, level: int | None) -> str | None:
        token = token.rstrip(".")
        if level is not None:
            code = self._compose(level, token)
            if code:
                return code
        candidates = [c for c in (self._compose(lv, token) for lv in self._levels_for(token)) if c]
        if not candidates:
            candidates = [c for c in (self._compose(lv, token) for lv in range(len(self.parts), -1, -1)) if c]
        if not candidates:
            return None
        return max(candidates, key=lambda code: (self._similarity(code, text), code.count(".")))

    def row_code(self, row: tuple[Any, ...]) -> tuple[str, str | None, str, int | None]:
        """(kind, code or None, text, level): kind is 'code', 'dash', 'text' or 'empty'."""
        region = [
            (column, _cell_text(row[column - 1].value))
            for column in range(self.region_start, min(self.region_end, len(row)) + 1)
        ]
        code_column = self.col.get("code")
        if code_column and code_column <= len(row):
            dotted = _cell_text(row[code_column - 1].value)
            if "." in dotted.strip(".") or "[" in dotted:
                return "dotted", dotted, "", None
        filled = [(column, text) for column, text in region if text and column != code_column]
        if not filled:
            return "empty", None, "", None
        wide = self.region_end - self.region_start + 1 > self.layout.code_columns
        tokens = [
            (column, text)
            for column, text in filled
            if (TOKEN_RE.match(text) or DASH_RE.match(text))
            and not (wide and column - self.region_start >= self.layout.code_columns)
        ]
        texts = [text for column, text in filled if (column, text) not in tokens]
        text = max(texts, key=len) if texts else ""
        if tokens:
            column, token = tokens[-1]
            if DASH_RE.match(token):
                return "dash", None, text, None
            level = column - self.region_start if self.region_end - self.region_start + 1 > 2 else None
            if level is not None and level >= self.layout.code_columns:
                level = None
            return "code", token, text, level
        match = LEADING_RE.match(text)
        if match:
            return "code", match.group(1), match.group(2), None
        dash = LEADING_DASH_RE.match(text)
        if dash:
            return "dash", None, dash.group(1), None
        return "text", None, text, None

    # -- the walk
    def read(self) -> OfficialSheet:
        start = self.result.header_row + 1
        for number, row in enumerate(
            self.ws.iter_rows(min_row=start, max_row=MAX_ROWS, max_col=MAX_COLUMNS), start=start
        ):
            self.read_row(number, tuple(row))
        self.finish()
        return self.result

    def read_row(self, number: int, row: tuple[Any, ...]) -> None:
        kind, token, text, level = self.row_code(row)
        if kind == "empty":
            if self.has_answer(row):
                self.problem(
                    f"{self.ws.title}!baris {number}: ada jawaban tetapi tidak ada teks atau kode butir"
                )
            return
        if kind == "dotted":
            assert token is not None
            self.dotted_row(number, row, token)
            return
        if kind == "code":
            assert token is not None
            code = self.resolve(token, text, level)
            if code is None:
                self.skip(
                    number, row, text, f"kode {token} tidak dikenali di bawah {'.'.join(self.parts) or '-'}"
                )
                return
            self.parts = code.split(".")
            if code in self.fw.items:
                self.enter_item(number, row, code, text, header=code in self.fw.nodes)
            else:
                self.item = None
                self.result.rows.append(RowMatch(number, "node", code, text))
                if self.has_answer(row) and _norm(self.cell(row, "answer_type")) not in ("", "%"):
                    self.result.notes.append(
                        f"{self.ws.title}!baris {number} ({code}): baris komponen/indikator; "
                        "isinya dihitung, "
                        "tidak dibaca"
                    )
            return
        answer_row_due = self.item is not None and not self.item.answer_seen
        if (
            kind == "text"
            and not answer_row_due
            and _norm(self.cell(row, "answer_type")) != _norm(self.layout.input_label)
        ):
            code = self.text_code(text)
            if code is not None:
                self.parts = code.split(".")
                self.enter_item(number, row, code, text, header=code in self.fw.nodes)
                return
        self.sub_row(number, row, text)

    def text_code(self, text: str) -> str | None:
        """A row without a code (the official sheet prints LHKASN so): an unseen item close by, by text."""
        best: tuple[float, str] | None = None
        for length in range(len(self.parts) - 1, max(0, len(self.parts) - 3) - 1, -1):
            parent = ".".join(self.parts[:length])
            node = self.fw.nodes.get(parent)
            if node is None:
                continue
            for code in [*node.children, *node.items]:
                if code in self.fw.items and code not in self.seen_items:
                    ratio = self._similarity(code, text)
                    if ratio >= 0.6 and (best is None or ratio > best[0]):
                        best = (ratio, code)
        return best[1] if best else None

    def skip(self, number: int, row: tuple[Any, ...], text: str, why: str) -> None:
        self.result.rows.append(RowMatch(number, "skipped", "", text, why))
        if self.has_answer(row):
            self.problem(f"{self.ws.title}!baris {number}: {why}; jawabannya tidak dapat dipetakan ke butir")

    def enter_item(self, number: int, row: tuple[Any, ...], code: str, text: str, *, header: bool) -> None:
        if code in self.seen_items:
            self.problem(f"{self.ws.title}!baris {number} ({code}): butir ini muncul lebih dari sekali")
            self.item = None
            return
        self.seen_items.add(code)
        self.item = _ItemState(code)
        detail = ""
        if text and self._similarity(code, text) < 0.3:
            detail = "teks berbeda dari pertanyaan LKE; periksa barisnya"
            self.result.notes.append(f"{self.ws.title}!baris {number} ({code}): {detail}")
        self.result.rows.append(RowMatch(number, "item", code, text, detail))
        if not header or self.has_answer(row):
            self.item.answer_seen = True
            self.take_answer(number, row, code)
        self.take_extras(row, code)

    def dotted_row(self, number: int, row: tuple[Any, ...], dotted: str) -> None:
        if "[" in dotted and dotted.endswith("]"):
            code, key = dotted[:-1].split("[", 1)
            item = self.fw.items.get(code)
            if item is None or key not in {entry.key for entry in item.inputs}:
                self.skip(number, row, dotted, f"kode {dotted} tidak dikenali")
                return
            self.take_input(number, row, item, InputRow(label=key, key=key))
            return
        if dotted in self.fw.items:
            self.parts = dotted.split(".")
            self.enter_item(number, row, dotted, _cell_text(self.cell(row, "text")), header=False)
        elif dotted in self.fw.nodes:
            self.parts = dotted.split(".")
            self.item = None
            self.result.rows.append(RowMatch(number, "node", dotted, _cell_text(self.cell(row, "text"))))
        else:
            self.skip(number, row, dotted, f"kode {dotted} tidak dikenali")

    def sub_row(self, number: int, row: tuple[Any, ...], text: str) -> None:
        if self.item is None:
            self.skip(number, row, text, "baris tanpa kode di luar butir")
            return
        item = self.fw.items[self.item.code]
        type_label = _norm(self.cell(row, "answer_type"))
        is_input: bool
        if type_label == _norm(self.layout.input_label):
            is_input = True
        elif type_label and type_label in {_norm(label) for label in self.layout.type_labels.values()}:
            is_input = False
        else:
            is_input = self.item.answer_seen or text.casefold().lstrip("-\u2013 ").startswith("jumlah")
        if not is_input:
            if self.item.answer_seen:
                if self.has_answer(row):
                    self.problem(
                        f"{self.ws.title}!baris {number} ({item.code}): baris jawaban kedua untuk butir ini"
                    )
                self.result.rows.append(RowMatch(number, "skipped", item.code, text, "baris keterangan"))
                return
            self.item.answer_seen = True
            self.result.rows.append(RowMatch(number, "item", item.code, text, "baris jawaban"))
            self.take_answer(number, row, item.code)
            self.take_extras(row, item.code)
            return
        if not item.inputs:
            self.skip(number, row, text, f"butir {item.code} tidak memiliki isian jumlah")
            return
        entry = self.match_input(item, text)
        if entry is None:
            self.skip(number, row, text, f"isian jumlah ini tidak dikenali pada butir {item.code}")
            return
        self.take_input(number, row, item, entry)

    def match_input(self, item: Item, text: str) -> InputRow | None:
        assert self.item is not None
        rows = self.layout.input_rows(item)
        free = [index for index in range(len(rows)) if index not in self.item.inputs_done]
        if not free:
            return None
        wanted = _words(text)
        scored = [(SequenceMatcher(None, _words(rows[index].label), wanted).ratio(), index) for index in free]
        best, index = max(scored)
        if best < 0.75:
            index = free[0]  # the official order
        self.item.inputs_done.add(index)
        return rows[index]

    # -- values
    def take_answer(self, number: int, row: tuple[Any, ...], code: str) -> None:
        item = self.fw.items[code]
        kind = self.fw.answer_type(item).kind
        for layer, meaning, note_meaning in (
            ("unit", "unit_answer", "unit_note"),
            ("tpi", "tpi_answer", "tpi_note"),
        ):
            target = self.result.layer(layer)
            if target is None or meaning not in self.col:
                continue
            value = self.cell(row, meaning)
            where = self.where(self.col[meaning], number)
            note = _cell_text(self.cell(row, note_meaning))
            if note:
                target.notes[code] = str(self.cell(row, note_meaning)).strip()
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            if kind == "percent":
                try:
                    percent = percent_cell_value(value, self.fmt(row, meaning))
                except AmbiguousPercent as exc:
                    self.problem(f"{where} ({code}): {exc}")
                    continue
                except NotANumber:
                    self.problem(f"{where} ({code}): persentase {value!r} bukan angka")
                    continue
                if percent is None:
                    continue
                self.percent_values[(layer, code)] = (percent, where)
                target.cells.setdefault(code, where)
                continue
            target.answers[code] = value
            target.cells[code] = where

    def take_extras(self, row: tuple[Any, ...], code: str) -> None:
        text = _cell_text(self.cell(row, "evidence"))
        if text:
            self.result.evidence.setdefault(code, []).append(str(self.cell(row, "evidence")).strip())
            for url in URL_RE.findall(str(self.cell(row, "evidence"))):
                self.result.evidence_urls.setdefault(code, [])
                if url not in self.result.evidence_urls[code]:
                    self.result.evidence_urls[code].append(url)
        links = str(self.cell(row, "evidence_url") or "")
        for url in URL_RE.findall(links):
            self.result.evidence_urls.setdefault(code, [])
            if url not in self.result.evidence_urls[code]:
                self.result.evidence_urls[code].append(url)
        for part in re.split(r"[\s;,]+", links):
            if part and not URL_RE.match(part) and "." in part:
                self.result.notes.append(
                    f"{code}: tautan bukti dukung {part!r} bukan alamat http(s); dilewati"
                )

    def take_input(self, number: int, row: tuple[Any, ...], item: Item, entry: InputRow) -> None:
        self.result.rows.append(
            RowMatch(
                number, "total" if entry.total else "input", item.code, entry.label, entry.key or "jumlah"
            )
        )
        for layer, meaning in (("unit", "unit_answer"), ("tpi", "tpi_answer")):
            if self.result.layer(layer) is None or meaning not in self.col:
                continue
            value = self.cell(row, meaning)
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            where = self.where(self.col[meaning], number)
            if entry.total:
                self.totals.setdefault((layer, item.code), []).append((entry.total, value, where))
                continue
            assert entry.key is not None
            self.inputs[layer].setdefault(item.code, {})[entry.key] = value
            self.input_cells.setdefault((layer, item.code), where)

    def finish(self) -> None:
        for layer in ("unit", "tpi"):
            target = self.result.layer(layer)
            if target is None:
                continue
            for code, values in self.inputs[layer].items():
                item = self.fw.items[code]
                target.answers[code] = {"inputs": values}
                target.cells[code] = self.input_cells[(layer, code)]
                self.check_totals(layer, item, values)
                given = self.percent_values.pop((layer, code), None)
                if given is not None:
                    self.check_percent(item, values, *given)
            for (other, code), (percent, where) in list(self.percent_values.items()):
                if other != layer:
                    continue
                target.answers[code] = {"percent": percent}
                target.cells[code] = where
                for parts, _value, total_where in self.totals.get((layer, code), []):
                    self.result.notes.append(
                        f"{total_where} ({code}): baris jumlah diisi tetapi rinciannya ({', '.join(parts)}) "
                        "kosong; yang dipakai persentase butirnya"
                    )
                del self.percent_values[(other, code)]
            for (other, code), entries in self.totals.items():
                if other == layer and code not in self.inputs[layer] and code not in target.answers:
                    for parts, _value, where in entries:
                        self.problem(
                            f"{where} ({code}): baris jumlah diisi tetapi rinciannya "
                            f"({', '.join(parts)}) kosong"
                        )

    def check_totals(self, layer: str, item: Item, values: Mapping[str, Any]) -> None:
        for parts, raw, where in self.totals.get((layer, item.code), []):
            try:
                total = to_fraction(raw)
                summed = sum((to_fraction(values[key]) for key in parts if key in values), Fraction(0))
            except NotANumber:
                continue  # the input itself is reported by parse_answers
            if not any(key in values for key in parts):
                self.problem(
                    f"{where} ({item.code}): baris jumlah diisi tetapi rinciannya ({', '.join(parts)}) kosong"
                )
            elif total != summed:
                self.problem(
                    f"{where} ({item.code}): jumlah {format_id(total, 0)} tidak sama dengan "
                    "jumlah rinciannya "
                    f"({format_id(summed, 0)}); perbaiki salah satunya"
                )

    def check_percent(self, item: Item, values: Mapping[str, Any], percent: Fraction, where: str) -> None:
        try:
            computed = percent_from_inputs(item, {key: to_fraction(v) for key, v in values.items()})
        except NotANumber:
            return
        if computed is not None and self.fw.settings.percent_clamp:
            computed = min(max(computed, Fraction(0)), Fraction(1))
            percent = min(max(percent, Fraction(0)), Fraction(100))
        if computed is not None and abs(computed * 100 - percent) > TOLERANCE * 100:
            self.result.notes.append(
                f"{where} ({item.code}): persentase tertulis {format_id(percent)} % "
                "berbeda dari hitungan Zona "
                f"dari baris Jumlah di bawahnya ({format_id(computed * 100)} %); yang dipakai baris Jumlah"
            )


# --------------------------------------------------------------------------------------------------
# Writing


@dataclass
class LayerData:
    """One layer to write: canonical answers, notes by item, and its ScoreResult (for Nilai and %)."""

    answers: Mapping[str, Answer]
    notes: Mapping[str, str] = field(default_factory=dict)
    result: Any = None


_HEAD_FILL = PatternFill("solid", fgColor="000000")
_NODE_FONT = Font(bold=True)
_ANSWER_FILL = PatternFill("solid", fgColor="FFF2CC")
_PERCENT = "0.00%"


def official_headings(layout: Layout, *, with_tpi: bool) -> list[tuple[str, str]]:
    """(meaning, heading) of the columns after the code columns, in order."""
    first = {meaning: names[0] for meaning, names in layout.headers.items() if names}
    if not with_tpi:
        order = [
            "text",
            "weight",
            "criteria",
            "answer_type",
            "unit_answer",
            "unit_value",
            "percent",
            "unit_note",
        ]
        order += ["evidence", "evidence_url"]
        return [(meaning, first[meaning]) for meaning in order]
    names = {
        "unit_answer": "Jawaban Unit",
        "unit_value": "Nilai Unit",
        "unit_note": "Catatan Unit",
        "evidence": "Bukti Dukung Unit",
        "evidence_url": "URL Bukti Dukung",
        "tpi_answer": "Jawaban TPI",
        "tpi_value": "Nilai TPI",
        "tpi_note": "Catatan Reviu TPI",
    }
    order = ["text", "weight", "criteria", "answer_type", "unit_answer", "unit_value", "percent", "unit_note"]
    order += ["evidence", "evidence_url", "tpi_answer", "tpi_value", "tpi_note"]
    return [(meaning, names.get(meaning, first[meaning])) for meaning in order]


def _criteria(framework: Framework, item: Item) -> str:
    texts = list(item.options)
    if not texts and item.formula is not None:
        texts = [f"Persentase = ({item.formula.numerator}) / ({item.formula.denominator})"]
    if item.note:
        texts.append(f"Catatan: {item.note}")
    return "\n".join(texts)


def _value(value: Fraction | None, decimals: int = 2) -> float | None:
    return None if value is None else float(round_half_up(value, decimals))


def _plain(value: Fraction) -> int | float:
    return value.numerator if value.denominator == 1 else float(value)


def write_official(
    framework: Framework,
    layout: Layout,
    target: str | Path | IO[bytes],
    *,
    unit: LayerData,
    tpi: LayerData | None = None,
    evidence: Mapping[str, Iterable[str]] | None = None,
    evidence_urls: Mapping[str, Iterable[str]] | None = None,
    title: str = "",
) -> None:
    """Write the official-shape LKE; with `tpi`, unit and TPI answers side by side."""
    evidence = evidence or {}
    evidence_urls = evidence_urls or {}
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET_TITLE
    ws["A1"] = framework.name
    ws["A1"].font = Font(bold=True, size=13)
    ws["A2"] = title
    header_row = 4
    codes = layout.code_columns
    columns = official_headings(layout, with_tpi=tpi is not None)
    col = {meaning: codes + index for index, (meaning, _heading) in enumerate(columns, start=1)}
    for index in range(1, codes + 1):
        ws.column_dimensions[get_column_letter(index)].width = 4
    widths = {"text": 55, "criteria": 55, "answer_type": 12, "unit_note": 30, "tpi_note": 30, "evidence": 30}
    widths["evidence_url"] = 30
    for meaning, heading in columns:
        cell = ws.cell(row=header_row, column=col[meaning], value=heading)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = _HEAD_FILL
        cell.alignment = Alignment(vertical="center", horizontal="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(col[meaning])].width = widths.get(meaning, 10)
    for index in range(1, codes + 1):
        ws.cell(row=header_row, column=index).fill = _HEAD_FILL
    ws.freeze_panes = f"{get_column_letter(col['weight'])}{header_row + 1}"
    layers = [("unit", unit, "unit_answer", "unit_value", "unit_note")]
    if tpi is not None:
        layers.append(("tpi", tpi, "tpi_answer", "tpi_value", "tpi_note"))
    row = header_row + 1

    def put(meaning: str, value: Any, **style: Any) -> Any:
        cell = ws.cell(row=row, column=col[meaning], value=value)
        for key, setting in style.items():
            setattr(cell, key, setting)
        return cell

    def code_cell(code: str, level: int, *, dash: bool = False) -> None:
        token = "-" if dash else f"{code.rsplit('.', 1)[-1]}."
        ws.cell(row=row, column=min(level, codes - 1) + 1, value=token)

    def node_row(code: str) -> None:
        nonlocal row
        node = framework.nodes[code]
        code_cell(code, node.depth)
        put("text", node.name, font=_NODE_FONT)
        put("weight", _value(node.weight))
        score = unit.result.node_scores.get(code) if unit.result is not None else None
        put("unit_value", _value(score))
        if score is not None and node.weight:
            put("percent", float(round_half_up(score / node.weight, 4)), number_format=_PERCENT)
        if tpi is not None and tpi.result is not None:
            put("tpi_value", _value(tpi.result.node_scores.get(code)))
        row += 1

    def answer_cells(item: Item) -> None:
        for _layer, data, answer_meaning, value_meaning, note_meaning in layers:
            answer = data.answers.get(item.code)
            cell = put(answer_meaning, None, fill=_ANSWER_FILL)
            if isinstance(answer, str):
                cell.value = answer
            elif isinstance(answer, Fraction):
                cell.value = _plain(answer)
            elif isinstance(answer, dict):
                percent = (
                    answer["percent"] / 100
                    if "percent" in answer
                    else percent_from_inputs(item, answer.get("inputs", {}))
                )
                if percent is not None:
                    cell.value = float(percent)
                    cell.number_format = _PERCENT
            if data.result is not None:
                put(value_meaning, _value(data.result.values.get(item.code), 4))
            if data.notes.get(item.code):
                put(note_meaning, data.notes[item.code]).data_type = "s"

    def item_rows(code: str, *, header_done: bool) -> None:
        nonlocal row
        item = framework.items[code]
        answer_type = framework.answer_type(item)
        code_cell(code, len(code.split(".")) - 1, dash=header_done)
        put("text", item.question, alignment=Alignment(wrap_text=True, vertical="top"))
        put(
            "criteria",
            _criteria(framework, item) or None,
            alignment=Alignment(wrap_text=True, vertical="top"),
        )
        put("answer_type", layout.type_labels.get(item.type, answer_type.kind))
        answer_cells(item)
        if evidence.get(code):
            put("evidence", "\n".join(evidence[code])).data_type = "s"
        if evidence_urls.get(code):
            put("evidence_url", "\n".join(evidence_urls[code]))
        row += 1
        for entry in layout.input_rows(item):
            code_cell(code, len(code.split(".")) - 1, dash=True)
            put("text", f"- {entry.label}")
            put("answer_type", layout.input_label)
            for _layer, data, answer_meaning, _v, _n in layers:
                answer = data.answers.get(code)
                inputs = answer.get("inputs", {}) if isinstance(answer, dict) else {}
                cell = put(answer_meaning, None, fill=_ANSWER_FILL)
                if entry.total:
                    if any(key in inputs for key in entry.total):
                        cell.value = _plain(
                            sum((inputs.get(key, Fraction(0)) for key in entry.total), Fraction(0))
                        )
                elif entry.key in inputs:
                    cell.value = _plain(inputs[entry.key])
            row += 1

    def walk(code: str) -> None:
        nonlocal row
        node_row(code)
        if code in framework.items:
            item_rows(code, header_done=True)
        for item_code in framework.nodes[code].items:
            if item_code != code:
                item_rows(item_code, header_done=False)
        for child in framework.nodes[code].children:
            walk(child)

    for root in framework.roots:
        walk(root)
    meta = wb.create_sheet(META_SHEET)
    meta["A1"], meta["B1"] = "framework", framework.code
    meta["A2"], meta["B2"] = "layout", layout.name
    meta.sheet_state = "hidden"
    save_workbook(wb, target)
