"""Survey instruments parsed from their data files (zona/surveys/data/*.yaml), and their validator.

Pure Python (no Django): `parse_instrument` turns a file's data into an `InstrumentDef` or raises
`InstrumentInvalid` listing every problem at once, each naming the question or setting. A question's
answer column (`a1`..`a12` of `Response`) is its position in the file's `questions` list, which for the
SKM is the order of the Permen body (U1..U9). The questionnaire order is `display_order`, used only to
lay out the form — results are always keyed by the stable question code, never by display position.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

MAX_QUESTIONS = 12
KINDS = ("skm", "spkp", "spak")
WEIGHTS = ("exact", "legacy_0111")
CONVERSIONS = ("identity", "linear", "proportional")
ROUNDS = ("quarter", "month", "campaign")  # SKM: what counts as one survey held (A.I.6.iv.a; F13)
DEFAULT_MIN_RESPONDENTS = 30  # PermenPANRB 90/2021 Lampiran II Bab III C.2.d (F12)
PROFILE_TYPES = ("choice", "integer", "service_type")
PROFILE_CODES = ("gender", "age", "education", "occupation", "service_type")
CODE_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
INSTRUMENT_CODE_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")

DEFAULT_GRADE_BANDS: tuple[tuple[str, str, str], ...] = (
    ("A", "88.31", "Sangat Baik"),
    ("B", "76.61", "Baik"),
    ("C", "65.00", "Kurang Baik"),
    ("D", "25.00", "Tidak Baik"),
)


class InstrumentInvalid(ValueError):
    """An instrument file that cannot be used; `problems` lists every reason, one sentence each."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Question:
    code: str
    name: str
    text: str
    help: str
    labels: tuple[str, ...]  # labels[0] is value 1 (worst) … labels[-1] is value `scale` (best)
    column: str  # "a1".."a12"
    display_order: int

    @property
    def choices(self) -> list[tuple[int, str]]:
        """(value, label) pairs, worst first."""
        return list(enumerate(self.labels, start=1))


@dataclass(frozen=True)
class ProfileField:
    code: str
    label: str
    type: str
    choices: tuple[tuple[str, str], ...] = ()
    min: int | None = None
    max: int | None = None
    bands: tuple[tuple[int, str], ...] = ()  # (inclusive upper bound, label), ascending

    def choice_label(self, value: str) -> str:
        return dict(self.choices).get(value, value)


@dataclass(frozen=True)
class GradeBand:
    grade: str
    min: Decimal  # lower bound on the two-decimal figure
    label: str


@dataclass(frozen=True)
class Numbering:
    """Another numbering of the questions an import may declare (e.g. U8 = Sarana, U9 = Pengaduan).

    `codes` maps the code as written in the file to the instrument's own code (a permutation)."""

    code: str
    label: str
    codes: Mapping[str, str]

    def own_code(self, written: str) -> str:
        return self.codes.get(written, written)


@dataclass(frozen=True)
class InstrumentDef:
    code: str
    kind: str
    name: str
    regulation: str
    scale: int
    questions: tuple[Question, ...]  # in column order (a1, a2, …)
    profile: tuple[ProfileField, ...] = ()
    weight: str = "exact"  # SKM: exact 1/U or legacy 0,111
    multiplier: int = 25  # SKM: IKM = multiplier × weighted mean
    grade_bands: tuple[GradeBand, ...] = ()  # SKM, descending by `min`
    conversion: str = "identity"  # SPKP/SPAK: rule to the 0–4 index
    confidence: float = 0.95
    min_respondents: int = DEFAULT_MIN_RESPONDENTS  # fewer per unit: the result carries a warning (F12)
    rounds: str = "quarter"  # SKM: distinct rounds with ≥ 1 response counted for A.I.6.iv.a (F13)
    legacy_weight: Decimal = Decimal("0.111")  # SKM: the weight of the "legacy_0111" rule (F19)
    legacy_weight_label: str = ""  # SKM: how that weight is described with each result (F19)
    numberings: Mapping[str, Numbering] = field(default_factory=dict, compare=False)  # import numberings
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False)

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(q.column for q in self.questions)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(q.code for q in self.questions)

    @property
    def display_questions(self) -> tuple[Question, ...]:
        """Questions in the order of the printed questionnaire (for forms only, never for scoring)."""
        return tuple(sorted(self.questions, key=lambda q: (q.display_order, q.column)))

    @property
    def is_skm(self) -> bool:
        return self.kind == "skm"

    def question(self, code: str) -> Question:
        for q in self.questions:
            if q.code == code:
                return q
        raise KeyError(code)

    def profile_field(self, code: str) -> ProfileField | None:
        for f in self.profile:
            if f.code == code:
                return f
        return None


def read_instrument_data(path: str | Path) -> dict[str, Any]:
    """The raw data of an instrument file; raises InstrumentInvalid when it is not a YAML mapping."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InstrumentInvalid([f"berkas tidak dapat dibaca ({exc.strerror})"]) from exc
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InstrumentInvalid([f"bukan YAML yang valid: {exc}"]) from exc
    if not isinstance(data, dict):
        raise InstrumentInvalid(["isi berkas harus berupa pemetaan (kode, jenis, pertanyaan, …)"])
    return data


def load_instrument_file(path: str | Path) -> InstrumentDef:
    return parse_instrument(read_instrument_data(path))


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def parse_instrument(data: Mapping[str, Any]) -> InstrumentDef:
    """Validate an instrument's data; raise InstrumentInvalid naming every problem found."""
    problems: list[str] = []
    code = _text(data.get("code"))
    if not INSTRUMENT_CODE_RE.match(code):
        problems.append(f"kode instrumen {data.get('code')!r} tidak valid (huruf kecil, angka, tanda hubung)")
    kind = _text(data.get("kind"))
    if kind not in KINDS:
        problems.append(f"jenis {data.get('kind')!r} tidak dikenal (pilih {', '.join(KINDS)})")
    name = _text(data.get("name"))
    if not name:
        problems.append("nama instrumen kosong")
    scale = data.get("scale")
    if not isinstance(scale, int) or isinstance(scale, bool) or not 2 <= scale <= 10:
        problems.append(f"skala {scale!r} tidak valid (bilangan bulat 2–10)")
        scale = 0
    settings = data.get("settings") or {}
    if not isinstance(settings, dict):
        problems.append("settings harus berupa pemetaan")
        settings = {}

    raw_questions = data.get("questions")
    if not isinstance(raw_questions, list) or not raw_questions:
        problems.append("daftar pertanyaan (questions) kosong")
        raw_questions = []
    if len(raw_questions) > MAX_QUESTIONS:
        problems.append(
            f"{len(raw_questions)} pertanyaan: paling banyak {MAX_QUESTIONS} (kolom a1–a{MAX_QUESTIONS})"
        )
    questions: list[Question] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_questions, start=1):
        where = f"pertanyaan ke-{index}"
        if not isinstance(raw, dict):
            problems.append(f"{where}: harus berupa pemetaan")
            continue
        qcode = _text(raw.get("code"))
        if not CODE_RE.match(qcode):
            problems.append(f"{where}: kode {raw.get('code')!r} tidak valid")
        else:
            where = f"pertanyaan {qcode}"
            if qcode in seen:
                problems.append(f"{where}: kode ganda")
            seen.add(qcode)
        text = _text(raw.get("text"))
        if not text:
            problems.append(f"{where}: teks pertanyaan kosong")
        labels = raw.get("labels")
        if not isinstance(labels, list) or not all(isinstance(x, str) and x.strip() for x in labels):
            problems.append(f"{where}: labels harus berupa daftar teks")
            labels = []
        elif scale and len(labels) != scale:
            problems.append(f"{where}: {len(labels)} label, padahal skala {scale} (satu label per nilai)")
        order = raw.get("display_order", index)
        if not isinstance(order, int) or isinstance(order, bool):
            problems.append(f"{where}: display_order {order!r} harus bilangan bulat")
            order = index
        questions.append(
            Question(
                code=qcode,
                name=_text(raw.get("name")) or qcode,
                text=text,
                help=_text(raw.get("help")),
                labels=tuple(x.strip() for x in labels),
                column=f"a{index}",
                display_order=order,
            )
        )

    profile = _parse_profile(data.get("profile") or [], problems)

    min_respondents = settings.get("min_respondents", DEFAULT_MIN_RESPONDENTS)
    if not isinstance(min_respondents, int) or isinstance(min_respondents, bool) or min_respondents < 1:
        problems.append(f"min_respondents {min_respondents!r} harus bilangan bulat ≥ 1")
        min_respondents = DEFAULT_MIN_RESPONDENTS
    rounds = settings.get("rounds", "quarter")
    legacy_weight = Decimal("0.111")
    legacy_label = _text(settings.get("legacy_weight_label"))
    numberings: dict[str, Numbering] = {}
    codes = [q.code for q in questions]
    if kind == "skm":
        if rounds not in ROUNDS:
            problems.append(f"rounds {rounds!r} tidak dikenal (pilih {', '.join(ROUNDS)})")
        try:
            legacy_weight = Decimal(str(settings.get("legacy_weight", "0.111")))
        except InvalidOperation:
            problems.append(f"legacy_weight {settings.get('legacy_weight')!r} bukan angka")
        else:
            if not Decimal(0) < legacy_weight <= Decimal("0.2"):
                problems.append(f"legacy_weight {legacy_weight} harus di antara 0 dan 0,2")
        numberings = _parse_numberings(settings.get("numberings") or {}, codes, problems)
    weight = settings.get("weight", "exact")
    multiplier = settings.get("multiplier", 25)
    conversion = settings.get("conversion", "identity")
    confidence = settings.get("confidence", 0.95)
    bands: list[GradeBand] = []
    if kind == "skm":
        if weight not in WEIGHTS:
            problems.append(f"bobot {weight!r} tidak dikenal (pilih {', '.join(WEIGHTS)})")
        elif weight == "legacy_0111" and len(raw_questions) != 9:
            problems.append("bobot legacy_0111 (0,111) hanya berlaku untuk 9 unsur")
        if scale and scale != 4:
            problems.append(f"SKM memakai skala 4, bukan {scale}")
        if not isinstance(multiplier, int) or isinstance(multiplier, bool) or multiplier <= 0:
            problems.append(f"pengali IKM {multiplier!r} tidak valid")
            multiplier = 25
        bands = _parse_bands(settings.get("grade_bands"), problems)
    else:
        if conversion not in CONVERSIONS:
            problems.append(f"aturan konversi {conversion!r} tidak dikenal (pilih {', '.join(CONVERSIONS)})")
        elif conversion == "identity" and scale and scale != 4:
            problems.append(
                f"konversi identity hanya untuk skala 4; skala {scale} perlu linear atau proportional"
            )
    if not isinstance(confidence, (int, float)) or not 0 < float(confidence) < 1:
        problems.append(f"tingkat kepercayaan {confidence!r} harus di antara 0 dan 1")
        confidence = 0.95

    if problems:
        raise InstrumentInvalid(problems)
    known = {"code", "kind", "name", "regulation", "scale", "settings", "questions", "profile"}
    return InstrumentDef(
        code=code,
        kind=kind,
        name=name,
        regulation=_text(data.get("regulation")),
        scale=scale,
        questions=tuple(questions),
        profile=profile,
        weight=weight,
        multiplier=multiplier,
        grade_bands=tuple(bands),
        conversion=conversion,
        confidence=float(confidence),
        min_respondents=min_respondents,
        rounds=rounds if kind == "skm" else "quarter",
        legacy_weight=legacy_weight,
        legacy_weight_label=legacy_label,
        numberings=numberings,
        extra={k: v for k, v in data.items() if k not in known},
    )


def _parse_numberings(raw: Any, codes: list[str], problems: list[str]) -> dict[str, Numbering]:
    if not isinstance(raw, dict):
        problems.append("numberings harus berupa pemetaan (nama → label dan kode)")
        return {}
    result: dict[str, Numbering] = {}
    for name, entry in raw.items():
        where = f"penomoran {name}"
        if not isinstance(entry, dict) or not isinstance(entry.get("codes"), dict):
            problems.append(f"{where}: perlu label dan codes (kode dalam berkas → kode instrumen)")
            continue
        mapping = {str(k): str(v) for k, v in entry["codes"].items()}
        unknown = sorted(set(mapping) - set(codes) | set(mapping.values()) - set(codes))
        if unknown:
            problems.append(f"{where}: kode tidak dikenal {', '.join(unknown)}")
        elif sorted(mapping) != sorted(mapping.values()):
            problems.append(f"{where}: codes harus saling menukar kode (setiap kode tujuan tepat satu kali)")
        result[str(name)] = Numbering(str(name), _text(entry.get("label")) or str(name), mapping)
    return result


def _parse_profile(raw: Any, problems: list[str]) -> tuple[ProfileField, ...]:
    if not isinstance(raw, list):
        problems.append("profile harus berupa daftar")
        return ()
    fields: list[ProfileField] = []
    seen: set[str] = set()
    for entry in raw:
        if not isinstance(entry, dict):
            problems.append("profile: setiap isian harus berupa pemetaan")
            continue
        fcode = _text(entry.get("code"))
        where = f"profil {fcode or '?'}"
        if fcode not in PROFILE_CODES:
            problems.append(f"{where}: kode tidak dikenal (pilih {', '.join(PROFILE_CODES)})")
        if fcode in seen:
            problems.append(f"{where}: kode ganda")
        seen.add(fcode)
        ftype = entry.get("type")
        if ftype not in PROFILE_TYPES:
            problems.append(f"{where}: tipe {ftype!r} tidak dikenal")
        choices: list[tuple[str, str]] = []
        for choice in entry.get("choices") or []:
            if not isinstance(choice, dict) or not _text(str(choice.get("value", ""))):
                problems.append(f"{where}: pilihan harus punya value dan label")
                continue
            choices.append((str(choice["value"]), _text(choice.get("label")) or str(choice["value"])))
        if ftype == "choice" and not choices:
            problems.append(f"{where}: tipe choice tanpa pilihan")
        if len({v for v, _ in choices}) != len(choices):
            problems.append(f"{where}: nilai pilihan ganda")
        bands: list[tuple[int, str]] = []
        for band in entry.get("bands") or []:
            if not isinstance(band, dict) or not isinstance(band.get("max"), int):
                problems.append(f"{where}: setiap kelompok (bands) perlu max bilangan bulat")
                continue
            bands.append((band["max"], _text(band.get("label")) or f"≤ {band['max']}"))
        if [b for b, _ in bands] != sorted(b for b, _ in bands):
            problems.append(f"{where}: kelompok (bands) harus urut naik")
        fields.append(
            ProfileField(
                code=fcode,
                label=_text(entry.get("label")) or fcode,
                type=str(ftype),
                choices=tuple(choices),
                min=entry.get("min"),
                max=entry.get("max"),
                bands=tuple(bands),
            )
        )
    return tuple(fields)


def _parse_bands(raw: Any, problems: list[str]) -> list[GradeBand]:
    if raw is None:
        return [GradeBand(g, Decimal(m), label) for g, m, label in DEFAULT_GRADE_BANDS]
    if not isinstance(raw, list) or not raw:
        problems.append("grade_bands harus berupa daftar")
        return []
    bands: list[GradeBand] = []
    for entry in raw:
        try:
            bands.append(GradeBand(str(entry["grade"]), Decimal(str(entry["min"])), str(entry["label"])))
        except (KeyError, TypeError, InvalidOperation):
            problems.append(f"grade_bands: isian {entry!r} perlu grade, min (angka) dan label")
    mins = [b.min for b in bands]
    if mins != sorted(mins, reverse=True) or len(set(mins)) != len(mins):
        problems.append("grade_bands: batas bawah harus urut turun tanpa duplikat (A dulu)")
    return bands


@functools.lru_cache(maxsize=64)
def _def_from_json(text: str) -> InstrumentDef:
    return parse_instrument(json.loads(text))


_by_row: dict[tuple[Any, str], InstrumentDef] = {}


def instrument_def(instrument: Any) -> InstrumentDef:
    """The parsed definition of a loaded `Instrument` row (anything with `.definition`) or of a raw mapping.

    Cached (by the row's id and content hash, or by content), so calling it per request is cheap.
    """
    if isinstance(instrument, Mapping):
        return _def_from_json(json.dumps(instrument, sort_keys=True, ensure_ascii=False, default=str))
    key = (getattr(instrument, "pk", None), getattr(instrument, "content_hash", "") or "")
    if key[0] is None or not key[1]:
        return _def_from_json(
            json.dumps(instrument.definition, sort_keys=True, ensure_ascii=False, default=str)
        )
    found = _by_row.get(key)
    if found is None:
        found = _def_from_json(
            json.dumps(instrument.definition, sort_keys=True, ensure_ascii=False, default=str)
        )
        if len(_by_row) > 256:
            _by_row.clear()
        _by_row[key] = found
    return found
