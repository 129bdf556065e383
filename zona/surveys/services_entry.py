"""Staff entry of responses: paper questionnaires typed row by row, bulk import (CSV/Excel), one-time codes.

One parser serves both paths: a row of raw text (answers, service type and profile as short codes) becomes a
`ResponseData` or a list of problems, each naming its column, so that the import report reads
"baris 17, kolom U4: nilai 5 di luar 1–4". Answers are always stored by question code; on paper they are
typed in the order of the printed questionnaire (`display_order`), in a file they are named by column.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zona.accounts import permissions
from zona.audit.services import audit_record
from zona.core.spreadsheets import (
    Deadline,
    SpreadsheetInvalid,
    check_cell_text,
    decode_text,
    open_xlsx,
    read_csv_rows,
    xlsx_rows,
)
from zona.units.models import ServiceType

from .instruments import InstrumentDef, ProfileField, instrument_def
from .models import Campaign, OneTimeCode, Response
from .services_public import ResponseData, new_code, response_build, response_problems

MAX_IMPORT_ROWS = 50_000
MAX_CODES = 5_000

# Column names accepted in an import file (lower case, spaces as underscores) → profile code.
PROFILE_ALIASES: dict[str, str] = {
    "service_type": "service_type",
    "layanan": "service_type",
    "jenis_layanan": "service_type",
    "gender": "gender",
    "jk": "gender",
    "jenis_kelamin": "gender",
    "age": "age",
    "usia": "age",
    "umur": "age",
    "education": "education",
    "pendidikan": "education",
    "occupation": "occupation",
    "pekerjaan": "occupation",
    "suggestion": "suggestion",
    "saran": "suggestion",
}
PROFILE_COLUMN_LABELS = {
    "service_type": "layanan",
    "gender": "jenis_kelamin",
    "age": "usia",
    "education": "pendidikan",
    "occupation": "pekerjaan",
    "suggestion": "saran",
}


class EntryClosed(Exception):
    """The campaign is not open: nothing may be entered."""


def entry_allowed(campaign: Campaign) -> bool:
    return campaign.status == Campaign.Status.OPEN


def _require_change(actor: Any, campaign: Campaign) -> None:
    if not permissions.can(actor, permissions.Action.CHANGE, campaign):
        raise PermissionError("actor may not enter responses for this campaign")


# --- parsing one row ---------------------------------------------------------------------------------


def parse_answers(text: str, definition: InstrumentDef) -> tuple[dict[str, int], list[str]]:
    """Answers typed in questionnaire order: "3 4 4 3 2 4 4 3 4", "3,4,4,…" or "344324434".

    Returns (answers by code, problems); each problem names the question code.
    """
    questions = definition.display_questions
    raw = (text or "").strip()
    tokens = [t for t in re.split(r"[\s,;.\-/]+", raw) if t] if re.search(r"[\s,;.\-/]", raw) else list(raw)
    if not tokens:
        return {}, [_("jawaban kosong: ketik %(n)s angka") % {"n": len(questions)}]
    if len(tokens) != len(questions):
        return {}, [
            _("%(got)s jawaban, seharusnya %(n)s (urutan %(order)s)")
            % {"got": len(tokens), "n": len(questions), "order": " ".join(q.code for q in questions)}
        ]
    answers: dict[str, int] = {}
    problems: list[str] = []
    for question, token in zip(questions, tokens, strict=True):
        number = small_int(token)
        if number is None or not 1 <= number <= definition.scale:
            problems.append(
                _("%(code)s: nilai %(value)s di luar 1–%(max)s")
                % {"code": question.code, "value": token, "max": definition.scale}
            )
        else:
            answers[question.code] = number
    return answers, problems


def small_int(text: str, digits: int = 6) -> int | None:
    """`text` as a non-negative integer when it is at most `digits` ASCII digits, else None (a 5,000-digit
    "number" or a superscript digit never reaches int())."""
    if len(text) > digits or not text.isascii() or not text.isdigit():
        return None
    return int(text)


def _choice(profile_field: ProfileField | None, raw: str) -> str | None:
    """A profile choice by its value ("s1", "L") or its number in the list (1-based); None when unknown."""
    if profile_field is None:
        return None
    values = [value for value, _label in profile_field.choices]
    text = raw.strip()
    for value in values:
        if value.lower() == text.lower():
            return value
    for value, label in profile_field.choices:
        if label.lower() == text.lower():
            return value
    number = small_int(text)
    if number is not None and 1 <= number <= len(values):
        return values[number - 1]
    return None


def _service_type(service_types: Sequence[ServiceType], raw: str) -> ServiceType | None:
    text = raw.strip()
    number = small_int(text)
    if number is not None and 1 <= number <= len(service_types):
        return service_types[number - 1]
    for service_type in service_types:
        if service_type.name.lower() == text.lower():
            return service_type
    return None


@dataclass
class ParsedRow:
    data: ResponseData | None
    problems: list[tuple[str, str]] = field(default_factory=list)  # (column, message)


def parse_profile(
    raw: Mapping[str, str],
    *,
    definition: InstrumentDef,
    service_types: Sequence[ServiceType],
    require_service_type: bool = False,
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The profile part of a row (keys: service_type, gender, age, education, occupation, suggestion)."""
    values: dict[str, Any] = {
        "service_type": None,
        "gender": "",
        "age": None,
        "education": "",
        "occupation": "",
    }
    problems: list[tuple[str, str]] = []
    text = (raw.get("service_type") or "").strip()
    if text:
        found = _service_type(service_types, text)
        if found is None:
            problems.append(
                (
                    "service_type",
                    _("jenis layanan %(value)s tidak dikenal (nomor 1–%(n)s atau nama)")
                    % {"value": text, "n": len(service_types)},
                )
            )
        values["service_type"] = found
    elif require_service_type and service_types:
        problems.append(("service_type", _("jenis layanan wajib diisi")))
    for code in ("gender", "education", "occupation"):
        text = (raw.get(code) or "").strip()
        if not text:
            continue
        choice = _choice(definition.profile_field(code), text)
        if choice is None:
            problems.append((code, _("pilihan %(value)s tidak dikenal") % {"value": text}))
        else:
            values[code] = choice
    text = (raw.get("age") or "").strip()
    if text:
        age = _age(text)
        if age is None:
            shown = text if len(text) <= 20 else f"{text[:19]}…"
            problems.append(("age", _("usia %(value)s bukan angka") % {"value": shown}))
        else:
            values["age"] = age
    values["suggestion"] = (raw.get("suggestion") or "").strip()
    return values, problems


def _age(text: str) -> int | None:
    """An age as typed ("35", "35,0", "35.0"): bounded before any conversion; None when not a number."""
    if len(text) > 10:
        return None
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        return None
    if not math.isfinite(value) or not 0 <= value < 1000:
        return None
    return int(value)


def _row_data(
    answers: dict[str, int], profile: dict[str, Any], campaign: Campaign, definition: InstrumentDef
) -> ParsedRow:
    data = ResponseData(answers=answers, **profile)
    problems = response_problems(campaign=campaign, data=data, definition=definition)
    return ParsedRow(data=None if problems else data, problems=problems)


def paper_row_parse(
    raw: Mapping[str, str],
    *,
    campaign: Campaign,
    definition: InstrumentDef,
    service_types: Sequence[ServiceType],
) -> ParsedRow:
    """One paper questionnaire: `answers` typed as digits plus the profile as short codes."""
    answers, answer_problems = parse_answers(raw.get("answers") or "", definition)
    profile, problems = parse_profile(
        raw, definition=definition, service_types=service_types, require_service_type=True
    )
    problems = [("answers", message) for message in answer_problems] + problems
    if problems:
        return ParsedRow(data=None, problems=problems)
    return _row_data(answers, profile, campaign, definition)


@transaction.atomic
def paper_response_save(*, campaign: Campaign, data: ResponseData, actor: Any) -> Response:
    _require_change(actor, campaign)
    campaign = Campaign.objects.select_for_update().select_related("instrument").get(pk=campaign.pk)
    if not entry_allowed(campaign):
        raise EntryClosed
    definition = instrument_def(campaign.instrument)
    problems = response_problems(campaign=campaign, data=data, definition=definition)
    if problems:
        raise ValueError(problems)
    response = response_build(
        campaign=campaign, data=data, channel=Response.Channel.PAPER, entered_by=actor, definition=definition
    )
    response.save()
    audit_record(
        event="survey.response_entered",
        actor=actor,
        obj=campaign,
        changes={"response": [None, response.pk], "channel": [None, Response.Channel.PAPER.value]},
    )
    return response


def campaign_service_types(campaign: Campaign) -> list[ServiceType]:
    """The campaign's service types in the numbered order shown to the operator (by name)."""
    return sorted(campaign.service_types.all(), key=lambda s: s.name.lower())


# --- bulk import -------------------------------------------------------------------------------------


class ImportFileInvalid(Exception):
    """The file as a whole cannot be read (type, encoding, header); `problems` says why."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class RowProblem:
    row: int  # as numbered in the spreadsheet (the header is row 1)
    column: str
    message: str

    def __str__(self) -> str:
        return _("baris %(row)s, kolom %(column)s: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class ImportResult:
    rows: int  # data rows read (blank rows skipped)
    imported: int
    skipped: int
    problems: list[RowProblem]
    ignored_columns: list[str]
    valid_only: bool

    @property
    def refused(self) -> bool:
        """Nothing stored because some row was invalid and only-valid was not chosen."""
        return self.imported == 0 and bool(self.problems) and not self.valid_only


MAX_IMPORT_COLUMNS = 60
MAX_FIELD_CHARS = 2_000  # a suggestion is the longest field; the public form allows far less
MAX_IMPORT_SECONDS = 20.0
MAX_UNPACKED_BYTES = 50 * 1024 * 1024


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value).strip()


def _refused(exc: SpreadsheetInvalid) -> ImportFileInvalid:
    return ImportFileInvalid([message[:1].upper() + message[1:] for message in exc.problems])


def _read_csv(content: bytes, deadline: Deadline) -> list[list[str]]:
    try:
        text = decode_text(content)
        return read_csv_rows(
            text,
            max_rows=MAX_IMPORT_ROWS + 1,
            max_columns=MAX_IMPORT_COLUMNS,
            max_field_chars=MAX_FIELD_CHARS,
            deadline=deadline,
        )
    except SpreadsheetInvalid as exc:
        raise _refused(exc) from exc


def _read_xlsx(content: bytes, deadline: Deadline) -> list[list[str]]:
    try:
        workbook = open_xlsx(content, max_unpacked=MAX_UNPACKED_BYTES)
    except SpreadsheetInvalid as exc:
        raise _refused(exc) from exc
    try:
        if not workbook.worksheets:
            raise ImportFileInvalid([_("Berkas Excel tidak berisi lembar kerja.")])
        sheet = workbook.worksheets[0]
        rows: list[list[str]] = []
        problems: list[str] = []
        for number, row in xlsx_rows(
            sheet,
            max_rows=MAX_IMPORT_ROWS + 2,
            max_columns=MAX_IMPORT_COLUMNS,
            deadline=deadline,
            values_only=True,
        ):
            cells = [_cell(value) for value in row]
            while cells and not cells[-1]:
                cells.pop()
            for index, text in enumerate(cells, start=1):
                why = check_cell_text(text, max_chars=MAX_FIELD_CHARS)
                if why:
                    problems.append(
                        _("Lembar %(sheet)s, baris %(row)s, kolom %(column)s: %(why)s")
                        % {"sheet": sheet.title, "row": number, "column": index, "why": why}
                    )
            if len(problems) >= 20:
                break
            rows.append(cells)
        if problems:
            raise ImportFileInvalid(problems)
        while rows and not any(rows[-1]):
            rows.pop()
        return rows
    except SpreadsheetInvalid as exc:
        raise _refused(exc) from exc
    finally:
        workbook.close()


def import_file_rows(*, name: str, content: bytes) -> list[list[str]]:
    """The rows of a CSV or Excel (.xlsx) file as text cells, header first.

    Bounded (`zona.core.spreadsheets`): the upload size, the unpacked size of an .xlsx before openpyxl
    opens it, MAX_IMPORT_ROWS rows × MAX_IMPORT_COLUMNS columns, MAX_FIELD_CHARS per cell, no NUL, and
    MAX_IMPORT_SECONDS in all; every refusal is an ImportFileInvalid naming the row (and cell).
    """
    max_bytes = int(getattr(settings, "ZONA_UPLOAD_MAX_MB", 20)) * 1024 * 1024
    if len(content) > max_bytes:
        raise ImportFileInvalid(
            [_("Berkas terlalu besar (paling besar %(mb)s MB).") % {"mb": max_bytes // 2**20}]
        )
    deadline = Deadline(MAX_IMPORT_SECONDS)
    lower = name.lower()
    if content[:4] == b"PK\x03\x04" or lower.endswith(".xlsx"):
        rows = _read_xlsx(content, deadline)
    elif lower.endswith((".csv", ".txt")):
        rows = _read_csv(content, deadline)
    else:
        raise ImportFileInvalid([_("Jenis berkas tidak didukung: unggah CSV atau Excel (.xlsx).")])
    if len(rows) > MAX_IMPORT_ROWS + 1:
        raise ImportFileInvalid(
            [_("Terlalu banyak baris (paling banyak %(n)s).") % {"n": f"{MAX_IMPORT_ROWS:,}"}]
        )
    return rows


def _written(numbering: Any, own: str) -> str:
    """The code a file in `numbering` writes for the instrument's question `own`."""
    return next((written for written, target in numbering.codes.items() if target == own), own)


def _header_key(text: str) -> str:
    return re.sub(r"[\s\-]+", "_", text.strip().lower())


def import_validate(
    rows: Sequence[Sequence[str]], *, campaign: Campaign, definition: InstrumentDef, numbering: str = ""
) -> tuple[list[ResponseData], list[RowProblem], int, list[str]]:
    """(valid rows, problems, data rows read, ignored columns); raises ImportFileInvalid for a bad header.

    `numbering` names one of the instrument's declared numberings (e.g. `sarana_u8`: the file's U8 is
    Sarana, the instrument's U9): the file's question codes are then read as the instrument's own (F19).
    """
    if not rows or not any(cell for cell in rows[0]):
        raise ImportFileInvalid([_("Berkas kosong: baris pertama harus berisi judul kolom (mis. U1 … U9).")])
    declared = definition.numberings.get(numbering) if numbering else None
    if numbering and declared is None:
        raise ImportFileInvalid([_("Penomoran %(name)s tidak dikenal instrumen ini.") % {"name": numbering}])
    codes = {
        (code if declared is None else _written(declared, code)).lower(): code for code in definition.codes
    }
    columns: dict[int, tuple[str, str]] = {}  # index → (kind, code): ("q", "U1") or ("p", "gender")
    labels: dict[int, str] = {}
    ignored: list[str] = []
    for index, title in enumerate(rows[0]):
        key = _header_key(title)
        if not key:
            continue
        if key in codes:
            columns[index] = ("q", codes[key])
        elif key in PROFILE_ALIASES:
            columns[index] = ("p", PROFILE_ALIASES[key])
        else:
            ignored.append(title.strip())
            continue
        labels[index] = title.strip()
    missing = [code for code in definition.codes if ("q", code) not in columns.values()]
    if missing:
        raise ImportFileInvalid(
            [_("Kolom %(codes)s tidak ada pada baris judul.") % {"codes": ", ".join(missing)}]
        )
    service_types = campaign_service_types(campaign)
    profile_label = {code: labels[i] for i, (kind, code) in columns.items() if kind == "p"}
    valid: list[ResponseData] = []
    problems: list[RowProblem] = []
    count = 0
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell for cell in row):
            continue
        count += 1
        answers: dict[str, int] = {}
        profile_raw: dict[str, str] = {}
        row_problems: list[RowProblem] = []
        for index, (kind, code) in columns.items():
            value = row[index].strip() if index < len(row) else ""
            if kind == "p":
                profile_raw[code] = value
            elif not value:
                row_problems.append(RowProblem(number, labels[index], _("kosong")))
            elif (answer := small_int(value)) is None or not 1 <= answer <= definition.scale:
                shown = value if len(value) <= 20 else f"{value[:19]}…"
                row_problems.append(
                    RowProblem(
                        number,
                        labels[index],
                        _("nilai %(value)s di luar 1–%(max)s") % {"value": shown, "max": definition.scale},
                    )
                )
            else:
                answers[code] = answer
        profile, profile_problems = parse_profile(
            profile_raw, definition=definition, service_types=service_types
        )
        for code, message in profile_problems:
            row_problems.append(
                RowProblem(number, profile_label.get(code, PROFILE_COLUMN_LABELS.get(code, code)), message)
            )
        if not row_problems:
            parsed = _row_data(answers, profile, campaign, definition)
            for code, message in parsed.problems:
                column = profile_label.get(code) or next(
                    (labels[i] for i, c in columns.items() if c == ("q", code)),
                    PROFILE_COLUMN_LABELS.get(code, code),
                )
                row_problems.append(RowProblem(number, column, message))
            if parsed.data is not None and not row_problems:
                valid.append(parsed.data)
        problems.extend(row_problems)
    return valid, problems, count, ignored


@transaction.atomic
def responses_import(
    *, campaign: Campaign, name: str, content: bytes, valid_only: bool, actor: Any, numbering: str = ""
) -> ImportResult:
    """Import a file in one transaction: nothing if a row is invalid, or only valid rows (`valid_only`)."""
    _require_change(actor, campaign)
    # the file is read and checked before the campaign's row is locked: a slow file never holds the lock
    unlocked = Campaign.objects.select_related("instrument").get(pk=campaign.pk)
    if not entry_allowed(unlocked):
        raise EntryClosed
    rows = import_file_rows(name=name, content=content)
    definition = instrument_def(unlocked.instrument)
    valid, problems, count, ignored = import_validate(
        rows, campaign=unlocked, definition=definition, numbering=numbering
    )
    campaign = Campaign.objects.select_for_update().select_related("instrument").get(pk=campaign.pk)
    if not entry_allowed(campaign) or campaign.instrument_id != unlocked.instrument_id:
        raise EntryClosed
    bad_rows = len({p.row for p in problems})
    result = ImportResult(
        rows=count,
        imported=0,
        skipped=bad_rows,
        problems=problems,
        ignored_columns=ignored,
        valid_only=valid_only,
    )
    if count == 0:
        raise ImportFileInvalid([_("Berkas tidak berisi baris data di bawah baris judul.")])
    if problems and not valid_only:
        result.skipped = count
        return result
    now = timezone.now()
    Response.objects.bulk_create(
        [
            response_build(
                campaign=campaign,
                data=data,
                channel=Response.Channel.IMPORT,
                entered_by=actor,
                definition=definition,
                submitted_at=now,
            )
            for data in valid
        ],
        batch_size=1000,
    )
    result.imported = len(valid)
    audit_record(
        event="survey.responses_imported",
        actor=actor,
        obj=campaign,
        changes={
            "file": name[:120],
            "rows": count,
            "imported": len(valid),
            "skipped": bad_rows,
            "mode": "valid_only" if valid_only else "all_or_nothing",
            "numbering": numbering or "instrumen",
        },
    )
    return result


def import_template_csv(definition: InstrumentDef) -> str:
    """A header line (and one example row) for operators to fill in."""
    header = [*definition.codes, "layanan", "jenis_kelamin", "usia", "pendidikan", "pekerjaan", "saran"]
    example = [str(definition.scale)] * len(definition.codes) + ["1", "L", "35", "sma", "swasta", ""]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerow(example)
    return out.getvalue()


# --- one-time codes ----------------------------------------------------------------------------------


@transaction.atomic
def one_time_codes_generate(*, campaign: Campaign, count: int, actor: Any) -> list[str]:
    """Create `count` new unused codes for the campaign (unique within it) and return them."""
    _require_change(actor, campaign)
    if not 1 <= count <= MAX_CODES:
        raise ValueError(count)
    existing = set(OneTimeCode.objects.filter(campaign=campaign).values_list("code", flat=True))
    fresh: list[str] = []
    seen = set(existing)
    while len(fresh) < count:
        code = new_code()
        if code not in seen:
            seen.add(code)
            fresh.append(code)
    OneTimeCode.objects.bulk_create([OneTimeCode(campaign=campaign, code=code) for code in fresh])
    audit_record(event="survey.codes_generated", actor=actor, obj=campaign, changes={"count": count})
    return fresh


def one_time_code_counts(campaign: Campaign) -> dict[str, int]:
    from django.db.models import Count, Q

    return OneTimeCode.objects.filter(campaign=campaign).aggregate(
        total=Count("pk"), used=Count("pk", filter=Q(used_at__isnull=False))
    )


def codes_csv(codes: Iterable[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["kode"])
    for code in codes:
        writer.writerow([code])
    return out.getvalue()
