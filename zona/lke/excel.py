"""The LKE worksheet in Excel: a template in the LKE's own column layout, and its reader.

Columns: No/Kode · Komponen · Bobot · Penjelasan · Pilihan Jawaban · Jawaban · Nilai · % · Catatan.
A % item's named inputs ("Jumlah ...") follow it on rows coded `<item>[<input>]`; its Jawaban cell
takes a percentage when the inputs are not used. A hidden sheet `zona` records the framework code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from zona.core.spreadsheets import (
    Deadline,
    SpreadsheetInvalid,
    cell_number_format,
    cell_value,
    check_cell_text,
    open_xlsx,
    save_workbook,
    xlsx_rows,
)
from zona.core.spreadsheets import safe_csv_text as safe_text
from zona.lke.answers import Answer, CellValue, is_percent_format
from zona.lke.framework import Framework
from zona.lke.numbers import round_half_up

SHEET_TITLE = "LKE"
META_SHEET = "zona"
HEADERS = (
    "No/Kode",
    "Komponen",
    "Bobot",
    "Penjelasan",
    "Pilihan Jawaban",
    "Jawaban",
    "Nilai",
    "%",
    "Catatan",
)
COL = {name: index + 1 for index, name in enumerate(HEADERS)}
HEADER_ROW = 4
WIDTHS = (16, 60, 8, 50, 50, 12, 9, 9, 40)
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
INPUT_SEPARATOR = "["

_BOLD = Font(bold=True)
_HEAD_FILL = PatternFill("solid", fgColor="1F4E78")
_NODE_FILL = PatternFill("solid", fgColor="DDEBF7")
_ANSWER_FILL = PatternFill("solid", fgColor="FFF2CC")


@dataclass
class WorkbookAnswers:
    """What a filled worksheet says: the framework it names, raw answers by item code, and where."""

    framework_code: str | None
    answers: dict[str, Any] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    cells: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


__all__ = ["answer_cell", "read_workbook", "safe_text", "write_workbook"]

PERCENT_FORMAT = "0.00%"


def _num(value: Fraction | None, decimals: int = 2) -> float | None:
    return None if value is None else float(round_half_up(value, decimals))


def _options_text(framework: Framework, type_code: str, texts: tuple[str, ...]) -> str:
    keys = list(framework.answer_types[type_code].options)
    return "\n".join(f"{key}. {text}" for key, text in zip(keys, texts, strict=False))


def write_workbook(
    framework: Framework,
    target: str | Path | IO[bytes],
    *,
    answers: Mapping[str, Answer] | None = None,
    notes: Mapping[str, str] | None = None,
    title: str = "",
    result: Any = None,
) -> None:
    """Write the LKE worksheet; with `answers` (and a ScoreResult as `result`) it is an export."""
    answers = answers or {}
    notes = notes or {}
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET_TITLE
    ws["A1"] = framework.name
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = title or (
        "Isi kolom Jawaban (kuning). Ya/Tidak atau A–E sesuai pilihan; butir % diisi pada baris Jumlah "
        "atau langsung persentasenya; nilai survei 0–4."
    )
    for index, header in enumerate(HEADERS, start=1):
        cell = ws.cell(row=HEADER_ROW, column=index, value=header)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = _HEAD_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        ws.column_dimensions[LETTERS[index - 1]].width = WIDTHS[index - 1]
    ws.freeze_panes = f"C{HEADER_ROW + 1}"

    validations: dict[str, DataValidation] = {}
    for type_code, answer_type in framework.answer_types.items():
        if answer_type.kind == "choice":
            dv = DataValidation(
                type="list",
                formula1='"' + ",".join(answer_type.options) + '"',
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="Jawaban tidak valid",
                error="Pilih salah satu: " + ", ".join(answer_type.options),
            )
        elif answer_type.kind == "index":
            dv = DataValidation(
                type="decimal",
                operator="between",
                formula1="0",
                formula2=str(float(answer_type.max or 4)),
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="Nilai tidak valid",
                error=f"Isi nilai indeks 0–{float(answer_type.max or 4):g}",
            )
        else:
            dv = DataValidation(
                type="decimal",
                operator="greaterThanOrEqual",
                formula1="0",
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="Nilai tidak valid",
                error="Isi angka 0 atau lebih",
            )
        validations[type_code] = dv
        ws.add_data_validation(dv)

    row = HEADER_ROW + 1

    def node_rows(code: str) -> None:
        nonlocal row
        node = framework.nodes[code]
        own_item = framework.items.get(code)
        if own_item is None:
            ws.cell(row=row, column=COL["No/Kode"], value=code).font = _BOLD
            ws.cell(row=row, column=COL["Komponen"], value=node.name).font = _BOLD
            ws.cell(row=row, column=COL["Bobot"], value=_num(node.weight))
            if result is not None:
                score = result.node_scores.get(code)
                ws.cell(row=row, column=COL["Nilai"], value=_num(score))
                if score is not None and node.weight:
                    ws.cell(row=row, column=COL["%"], value=_num(score / node.weight * 100))
            for column in range(1, len(HEADERS) + 1):
                ws.cell(row=row, column=column).fill = _NODE_FILL
            row += 1
        for item_code in node.items:
            item_row(item_code, weight=node.weight if own_item is not None else None)
        for child in node.children:
            node_rows(child)

    def item_row(code: str, *, weight: Fraction | None) -> None:
        nonlocal row
        item = framework.items[code]
        answer = answers.get(code)
        ws.cell(row=row, column=COL["No/Kode"], value=code)
        question_cell = ws.cell(row=row, column=COL["Komponen"], value=item.question)
        question_cell.alignment = Alignment(wrap_text=True, vertical="top")
        if weight is not None:
            ws.cell(row=row, column=COL["Bobot"], value=_num(weight))
        guidance = item.evidence
        if item.note:
            guidance = f"{guidance}\nCatatan: {item.note}".strip()
        ws.cell(row=row, column=COL["Penjelasan"], value=guidance or None).alignment = Alignment(
            wrap_text=True
        )
        if item.options:
            ws.cell(
                row=row,
                column=COL["Pilihan Jawaban"],
                value=_options_text(framework, item.type, item.options),
            ).alignment = Alignment(wrap_text=True, vertical="top")
        elif framework.answer_type(item).kind == "index":
            ws.cell(row=row, column=COL["Pilihan Jawaban"], value="Nilai indeks survei 0–4")
        elif framework.answer_type(item).kind == "percent":
            ws.cell(
                row=row,
                column=COL["Pilihan Jawaban"],
                value="Persentase (mis. 80 atau 80%; sel berformat %) atau isi baris Jumlah",
            )
        jawaban = ws.cell(row=row, column=COL["Jawaban"])
        jawaban.fill = _ANSWER_FILL
        validations[item.type].add(jawaban.coordinate)
        if isinstance(answer, str):
            jawaban.value = answer
        elif isinstance(answer, Fraction):
            jawaban.value = float(answer)
        elif isinstance(answer, dict) and "percent" in answer:
            jawaban.value = float(answer["percent"] / 100)  # as the official LKE: 100 % is 1
        if framework.answer_type(item).kind == "percent":
            jawaban.number_format = PERCENT_FORMAT
        if result is not None:
            value = result.values.get(code)
            ws.cell(row=row, column=COL["Nilai"], value=_num(value, 4) if value is not None else None)
        if notes.get(code):
            note_cell = ws.cell(row=row, column=COL["Catatan"], value=notes[code])
            note_cell.data_type = "s"  # typed text stays text, even when it starts with "="
        row += 1
        inputs = answer.get("inputs", {}) if isinstance(answer, dict) else {}
        for entry in item.inputs:
            ws.cell(row=row, column=COL["No/Kode"], value=f"{code}{INPUT_SEPARATOR}{entry.key}]")
            ws.cell(row=row, column=COL["Komponen"], value=f"    {entry.label}")
            cell = ws.cell(row=row, column=COL["Jawaban"])
            cell.fill = _ANSWER_FILL
            validations[item.type].add(cell.coordinate)
            if entry.key in inputs:
                value = inputs[entry.key]
                cell.value = value.numerator if value.denominator == 1 else float(value)
            row += 1

    for root in framework.roots:
        node_rows(root)

    meta = wb.create_sheet(META_SHEET)
    meta["A1"], meta["B1"] = "framework", framework.code
    meta["A2"], meta["B2"] = "layout", "lke-1"
    meta.sheet_state = "hidden"
    save_workbook(wb, target)


MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024  # a real LKE sheet is well under 1 MB unpacked
MAX_ROWS = 5000  # the LKE has ~150 rows; anything far larger is not an LKE
MAX_SECONDS = 20.0
MAX_CELL_TEXT = 20_000  # a narrative; the same bound as the worksheet's (answer_save)


def answer_cell(cell: Any) -> Any:
    """What a Jawaban cell says, for `zona.lke.answers.parse_answer`: a number in a percent-formatted
    cell as a `CellValue` (the fraction and its format, so that "100,00 %" stored as 1 reads as 100 %),
    any other value as it is. Public: every LKE workbook reader (this one, the official LKE's) uses it."""
    value = cell_value(cell)
    if isinstance(value, int | float) and not isinstance(value, bool):
        number_format = cell_number_format(cell)
        if is_percent_format(number_format):
            return CellValue(value, number_format)
    return value


def read_workbook(source: str | Path | IO[bytes], *, deadline: Deadline | None = None) -> WorkbookAnswers:
    """Read answers from a filled LKE worksheet; problems name the sheet and cell. Never raises for bad
    content: a file that is not an .xlsx, unpacks to more than MAX_UNCOMPRESSED_BYTES, is malformed, or
    takes longer than MAX_SECONDS gives one problem; a cell too long or holding NUL gives one per cell.

    The sheet is read in openpyxl's streaming mode after `check_xlsx_archive`, at most MAX_ROWS rows of
    the LKE's columns, so a crafted file cannot exhaust the server's memory or time.
    """
    deadline = deadline or Deadline(MAX_SECONDS)
    try:
        wb = open_xlsx(source, max_unpacked=MAX_UNCOMPRESSED_BYTES)
    except SpreadsheetInvalid as exc:
        return WorkbookAnswers(None, problems=exc.problems)
    try:
        return _read_answers(wb, deadline)
    except SpreadsheetInvalid as exc:
        return WorkbookAnswers(None, problems=exc.problems)
    finally:
        wb.close()


def _read_answers(wb: Any, deadline: Deadline) -> WorkbookAnswers:
    framework_code = None
    if META_SHEET in wb.sheetnames:
        for _number, row in xlsx_rows(wb[META_SHEET], max_rows=1, max_columns=2, values_only=True):
            value = row[1]
            framework_code = str(value)[:200] if value not in (None, "") else None
    width = len(HEADERS)
    for sheet in wb.worksheets:
        if sheet.title == META_SHEET:
            continue
        header_row = None
        for number, row in xlsx_rows(sheet, max_rows=MAX_ROWS, max_columns=width, deadline=deadline):
            if header_row is None:
                cells = [str(cell_value(cell) or "").strip()[:40] for cell in row]
                if cells == list(HEADERS):
                    header_row = number
                    result = WorkbookAnswers(framework_code)
                    inputs: dict[str, dict[str, Any]] = {}
                    input_cells: dict[str, str] = {}
                elif number >= 20:
                    break
                continue
            _read_row(sheet.title, number, row, result, inputs, input_cells)
        if header_row is not None:
            return _finish(sheet.title, result, inputs, input_cells)
    return WorkbookAnswers(
        framework_code,
        problems=[
            "lembar kerja bukan LKE Zona: baris judul kolom "
            f"({' · '.join(HEADERS)}) tidak ditemukan pada 20 baris pertama"
        ],
    )


def _text_problems(title: str, number: int, row: tuple[Any, ...], result: WorkbookAnswers) -> bool:
    bad = False
    for index, cell in enumerate(row):
        why = check_cell_text(cell_value(cell), max_chars=MAX_CELL_TEXT)
        if why:
            result.problems.append(f"{title}!{LETTERS[index]}{number}: {why}")
            bad = True
    return bad


def _read_row(
    title: str,
    number: int,
    row: tuple[Any, ...],
    result: WorkbookAnswers,
    inputs: dict[str, dict[str, Any]],
    input_cells: dict[str, str],
) -> None:
    code_value = cell_value(row[COL["No/Kode"] - 1])
    if code_value is None:
        return
    if _text_problems(title, number, row, result):
        return
    code = str(code_value).strip()[:100]
    value = answer_cell(row[COL["Jawaban"] - 1])
    coordinate = f"{LETTERS[COL['Jawaban'] - 1]}{number}"
    if INPUT_SEPARATOR in code and code.endswith("]"):
        item_code, key = code[:-1].split(INPUT_SEPARATOR, 1)
        if value is not None and str(value).strip() != "":
            inputs.setdefault(item_code, {})[key] = value
            input_cells.setdefault(item_code, coordinate)
        return
    note = cell_value(row[COL["Catatan"] - 1])
    if note:
        result.notes[code] = str(note)
    if value is None or (isinstance(value, str) and not value.strip()):
        return
    result.answers[code] = value
    result.cells[code] = f"{title}!{coordinate}"


def _finish(
    title: str, result: WorkbookAnswers, inputs: dict[str, dict[str, Any]], input_cells: dict[str, str]
) -> WorkbookAnswers:
    for item_code, item_inputs in inputs.items():
        if item_code in result.answers:
            result.problems.append(
                f"{title}!{input_cells[item_code]} ({item_code}): "
                "isi persentase atau baris Jumlah, bukan keduanya"
            )
            continue
        result.answers[item_code] = {"inputs": item_inputs}
        result.cells[item_code] = f"{title}!{input_cells[item_code]}"
    return result
