"""Spreadsheets in and out, bounded: the limits every import shares and the one way every export saves.

Pure Python (openpyxl, csv, zipfile; no Django), so that the LKE engine (`zona/lke/excel.py`), the
survey import and any later importer read files the same way:

- `check_xlsx_archive` refuses a file that is not an .xlsx, or that unpacks to more than
  MAX_UNPACKED_BYTES, BEFORE openpyxl opens it (a 208 KB file can unpack to gigabytes);
- `open_xlsx` / `xlsx_rows` read a sheet in streaming mode, at most `max_rows` × `max_columns` cells,
  within a time budget (`Deadline`), and turn whatever openpyxl raises on a malformed sheet (a missing
  shared string, `t="n"` holding text, a bad date…) into one `SpreadsheetInvalid` naming the sheet and
  the cell;
- `check_cell_text` refuses text longer than MAX_CELL_CHARS (Excel's own limit) and NUL bytes (which
  PostgreSQL cannot store);
- `read_csv_rows` decodes (UTF-8, UTF-16 with BOM, Windows-1252) and reads a CSV with the same limits,
  each problem naming its row;
- `save_workbook` is how every workbook Zona writes is saved: any text cell starting with = + - @, a tab
  or a CR is stored as text, never as a live formula (`defuse_workbook`); `safe_csv_text` does the same
  for a CSV opened in a spreadsheet.

Messages are Indonesian sentences (the msgids the UI translates), each naming where the problem is.
"""

from __future__ import annotations

import csv
import io
import time
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

MAX_UNPACKED_BYTES = 50 * 1024 * 1024  # a real LKE or survey sheet unpacks to a few MB at most
MAX_ZIP_MEMBERS = 2_000
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell
MAX_CSV_FIELD_CHARS = 32_767
DEFAULT_SECONDS = 20.0  # well inside gunicorn's 30 s worker timeout
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MAX_PROBLEMS = 20

Source = str | Path | IO[bytes] | bytes


class SpreadsheetInvalid(ValueError):
    """A file that cannot be read as a whole; `problems` are Indonesian sentences naming sheet/row/cell."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


class Deadline:
    """A time budget for reading one file; `check()` raises SpreadsheetInvalid once it is spent."""

    def __init__(self, seconds: float = DEFAULT_SECONDS):
        self.seconds = seconds
        self.ends = time.monotonic() + seconds

    def check(self, where: str = "") -> None:
        if time.monotonic() > self.ends:
            at = f" (sampai {where})" if where else ""
            raise SpreadsheetInvalid(
                [
                    f"berkas terlalu lama dibaca{at}: batas {self.seconds:g} detik terlampaui; "
                    "perkecil berkasnya"
                ]
            )


def _as_stream(source: Source) -> Any:
    return io.BytesIO(source) if isinstance(source, bytes) else source


def check_xlsx_archive(source: Source, *, max_unpacked: int | None = None) -> None:
    """Refuse what openpyxl should never open: not a zip, no workbook inside, too many members, or more
    than `max_unpacked` bytes once unpacked (the sum the zip's own directory declares; openpyxl's reads
    are bounded by these sizes, so a lying directory only makes the read fail)."""
    limit = MAX_UNPACKED_BYTES if max_unpacked is None else max_unpacked
    stream = _as_stream(source)
    try:
        with zipfile.ZipFile(stream) as archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_MEMBERS:
                raise SpreadsheetInvalid([f"berkas berisi terlalu banyak bagian ({len(members)})"])
            names = {info.filename for info in members}
            total = sum(info.file_size for info in members)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise SpreadsheetInvalid(
            ["berkas Excel tidak dapat dibuka: isinya bukan lembar kerja Excel (.xlsx)"]
        ) from exc
    finally:
        if hasattr(stream, "seek"):
            stream.seek(0)
    has_workbook = any(name.startswith("xl/workbook") and name.endswith(".xml") for name in names)
    if "[Content_Types].xml" not in names or not has_workbook:
        raise SpreadsheetInvalid(["berkas Excel tidak dapat dibuka: tidak ada buku kerja di dalam arsipnya"])
    if total > limit:
        raise SpreadsheetInvalid(
            [
                f"berkas terlalu besar setelah dibuka ({total // (1024 * 1024)} MB; paling besar "
                f"{limit // (1024 * 1024)} MB); lembar kerja yang wajar jauh lebih kecil"
            ]
        )


def open_xlsx(source: Source, *, data_only: bool = True, max_unpacked: int | None = None) -> Any:
    """A read-only openpyxl workbook after `check_xlsx_archive`; SpreadsheetInvalid for anything broken.
    Close it (`wb.close()`) when done."""
    from openpyxl import load_workbook

    check_xlsx_archive(source, max_unpacked=max_unpacked)
    try:
        return load_workbook(_as_stream(source), read_only=True, data_only=data_only)
    except (
        Exception
    ) as exc:  # openpyxl raises many kinds (KeyError, ValueError, XML errors) for a broken file
        raise SpreadsheetInvalid(
            [f"berkas Excel tidak dapat dibuka ({_reason(exc)}); simpan ulang sebagai .xlsx lalu unggah lagi"]
        ) from exc


def _reason(exc: BaseException) -> str:
    if isinstance(exc, IndexError):
        return "teks bersama (shared string) yang dirujuk tidak ada"
    if isinstance(exc, KeyError):
        return "bagian yang diperlukan tidak ada di dalam berkas"
    if "ParseError" in type(exc).__name__ or "XMLSyntax" in type(exc).__name__:
        return "isi lembar kerja rusak (XML tidak sah)"
    if isinstance(exc, ValueError | TypeError | OverflowError):
        return "isi sel tidak sesuai jenisnya (mis. angka berisi teks, atau tanggal tidak sah)"
    return type(exc).__name__


def _failed_cell(exc: BaseException) -> str:
    """The coordinate openpyxl's sheet parser was reading when it failed, from the traceback's frames
    (the parser keeps the row and column it is at); "" when it cannot be told."""
    from openpyxl.utils import get_column_letter

    tb = exc.__traceback__
    found = ""
    while tb is not None:
        parser = tb.tb_frame.f_locals.get("self")
        row = getattr(parser, "row_counter", None)
        column = getattr(parser, "col_counter", None)
        if isinstance(row, int) and isinstance(column, int) and row > 0 and 0 < column <= 16384:
            found = f"{get_column_letter(column)}{row}"
        tb = tb.tb_next
    return found


def xlsx_rows(
    sheet: Any,
    *,
    max_rows: int,
    max_columns: int,
    deadline: Deadline | None = None,
    values_only: bool = False,
) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """(row number, cells) of a read-only sheet, at most `max_rows` × `max_columns`, each row padded to
    `max_columns`; a malformed cell raises SpreadsheetInvalid naming the sheet and the cell."""
    deadline = deadline or Deadline()
    title = getattr(sheet, "title", "?")
    rows = sheet.iter_rows(min_row=1, max_row=max_rows, max_col=max_columns, values_only=values_only)
    number = 0
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except Exception as exc:  # a malformed sheet: openpyxl fails inside its parser
            cell = _failed_cell(exc) or f"baris {number + 1}"
            raise SpreadsheetInvalid([f"lembar {title}, sel {cell}: {_reason(exc)}"]) from exc
        number += 1
        if number % 200 == 0:
            deadline.check(f"lembar {title} baris {number}")
        padded = (*row, *([None] * (max_columns - len(row))))[:max_columns]
        yield number, padded


def cell_value(cell: Any) -> Any:
    """A read-only cell's value (None for an empty one)."""
    return getattr(cell, "value", None)


def cell_number_format(cell: Any) -> str:
    """A read-only cell's number format ("General" when it has none or its style cannot be read)."""
    try:
        return str(getattr(cell, "number_format", None) or "General")
    except (IndexError, KeyError, AttributeError, TypeError):
        return "General"


def check_cell_text(value: Any, *, max_chars: int = MAX_CELL_CHARS) -> str | None:
    """Why a cell's text cannot be taken (too long, holds a NUL byte), or None."""
    if not isinstance(value, str):
        return None
    if len(value) > max_chars:
        return f"teks terlalu panjang ({len(value):,} karakter; paling banyak {max_chars:,})".replace(
            ",", "."
        )
    if "\x00" in value:
        return "teks berisi karakter NUL (\\x00) yang tidak dapat disimpan"
    return None


# --- CSV ------------------------------------------------------------------------------------------------


def decode_text(content: bytes) -> str:
    """Text of an uploaded CSV: UTF-8 (with or without BOM), UTF-16 with BOM (Excel's "Unicode text"),
    else Windows-1252; SpreadsheetInvalid when none fits."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return content.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise SpreadsheetInvalid(["berkas CSV tidak dapat dibaca: pengodean UTF-16 rusak"]) from exc
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SpreadsheetInvalid(
        ["berkas CSV tidak dapat dibaca: pengodean teks tidak dikenal (simpan sebagai CSV UTF-8)"]
    )


def read_csv_rows(
    text: str,
    *,
    max_rows: int,
    max_columns: int = 200,
    max_field_chars: int = MAX_CSV_FIELD_CHARS,
    delimiter: str | None = None,
    deadline: Deadline | None = None,
) -> list[list[str]]:
    """Rows of a CSV text (fields stripped), header first. The delimiter is the one of , ; tab most
    frequent in the first line unless given. Refuses (SpreadsheetInvalid, one line per row, at most
    MAX_PROBLEMS) a field longer than `max_field_chars`, a NUL byte, more than `max_columns` columns or
    `max_rows` rows, a broken quote."""
    deadline = deadline or Deadline()
    if delimiter is None:
        first = text[: text.find("\n") if "\n" in text else min(len(text), 100_000)]
        delimiter = max(",;\t", key=first.count)
    problems: list[str] = []
    rows: list[list[str]] = []
    # the csv module's own field limit (131,072) is global state; it stays, and is reported per row
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            message = str(exc)
            if "field larger" in message:
                message = f"isian terlalu panjang (lebih dari {csv.field_size_limit():,} karakter)".replace(
                    ",", "."
                )
            else:
                message = f"baris tidak dapat dibaca ({message[:80]})"
            problems.append(f"baris {reader.line_num}: {message}")
            break
        number = len(rows) + 1
        if number % 500 == 0:
            deadline.check(f"baris {number}")
        if len(rows) >= max_rows:
            problems.append(f"terlalu banyak baris (paling banyak {max_rows - 1:,})".replace(",", "."))
            break
        if len(row) > max_columns:
            problems.append(f"baris {number}: terlalu banyak kolom ({len(row)}; paling banyak {max_columns})")
        for index, field in enumerate(row, start=1):
            why = check_cell_text(field, max_chars=max_field_chars)
            if why:
                problems.append(f"baris {number}, kolom {index}: {why}")
        if len(problems) >= MAX_PROBLEMS:
            break
        rows.append([field.strip() for field in row[:max_columns]])
    if problems:
        raise SpreadsheetInvalid(problems[:MAX_PROBLEMS])
    return rows


def safe_csv_text(value: str) -> str:
    """Text typed by a person, made inert for a CSV opened in a spreadsheet (a leading = + - @, tab or
    CR starts a formula there): prefixed with an apostrophe."""
    return f"'{value}" if value.startswith(FORMULA_START) else value


# --- writing --------------------------------------------------------------------------------------------


def defuse_workbook(workbook: Any) -> int:
    """Store every text cell that a spreadsheet would run as a formula (= + - @, tab, CR first) as text.

    openpyxl turns any str starting with "=" into a formula cell; Zona never writes formulas, so every
    such cell is set back to a string. Returns how many cells were changed.
    """
    changed = 0
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                value = cell.value
                if isinstance(value, str) and value.startswith(FORMULA_START):
                    cell.data_type = "s"
                    changed += 1
    return changed


def save_workbook(workbook: Any, target: str | Path | IO[bytes]) -> None:
    """Save a workbook Zona wrote: `defuse_workbook` first, so no typed text becomes a live formula."""
    defuse_workbook(workbook)
    workbook.save(target)


def first_problems(problems: Sequence[str], limit: int = MAX_PROBLEMS) -> list[str]:
    """At most `limit` problems, and a closing line counting the rest."""
    shown = list(problems[:limit])
    if len(problems) > limit:
        shown.append(f"… dan {len(problems) - limit} masalah lain")
    return shown
