"""Survey arithmetic, pure Python (no Django): SKM (IKM), SPKP/SPAK indices, intervals, sample sizes.

Everything is computed from integer aggregates (n, per-question count and sum, and the count, sum and sum
of squares of the per-respondent row sum), exactly, with `Fraction`; only the figures shown are rounded,
half up, to two decimals. The selectors get those aggregates from SQL; the CLI from a CSV file.

Rules (PermenPANRB 14/2017 and Zona's defaults in shared/domain/README.md):
- NRR of a question = its sum / its number of answers.
- IKM (25–100) = multiplier (25) × Σ NRR_u × weight, weight exactly 1/U ("exact") or 0,111 ("legacy_0111",
  which reproduces the spreadsheets and caps the IKM at 99,90).
- Grade: lower bounds on the IKM rounded to two decimals (A ≥ 88,31, B ≥ 76,61, C ≥ 65,00, else D).
- SPKP/SPAK index (0–4) = conversion(mean of the question means): 4-point "identity"; 1–6 "linear"
  1 + (m − 1) × 3/5 (default) or "proportional" m × 4/6. The rule is recorded with the result.
- 95 % CI of the mean answer over respondents: mean of the per-respondent row means ± t(n−1) × s/√n, with
  Student's t (Cornish–Fisher expansion beyond the tabulated degrees of freedom), then mapped by the same
  (monotone) rule as the figure it brackets. Only complete responses enter the CI.
- Sample size: Krejcie & Morgan from the published table (krejcie-morgan-1970.yaml: the row for the next N
  at or above the population; the formula χ² = 3,841, P = 0,5, d = 0,05, rounded, only beyond the table),
  and Slovin N / (1 + N e²), rounded up.
"""

from __future__ import annotations

import bisect
import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path
from statistics import NormalDist

import yaml

from .instruments import DEFAULT_GRADE_BANDS, GradeBand, InstrumentDef

LEGACY_WEIGHT = Fraction("0.111")
TWO = Decimal("0.01")

CONVERSION_TEXT = {
    "identity": "skala 4: indeks = rata-rata (tanpa konversi)",
    "linear": "skala 1–{s}: indeks = 1 + (rata-rata − 1) × 3/{d} (linear)",
    "proportional": "skala 1–{s}: indeks = rata-rata × 4/{s} (proporsional)",
}
OTHER_CONVERSION = {"linear": "proportional", "proportional": "linear"}  # the open reading F5
WEIGHT_TEXT = {"exact": "bobot tepat 1/{u}", "legacy_0111": "bobot 0,111 (lembar kerja lama)"}

# Student's t, two-sided 95 %, for 1..30 degrees of freedom.
_T95 = (
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
)  # fmt: skip


def round2(value: Fraction | Decimal | float | int) -> Decimal:
    """Half-up rounding to two decimals of an exact value (as the figure shown and compared)."""
    if isinstance(value, Fraction):
        return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(TWO, ROUND_HALF_UP)
    return Decimal(str(value)).quantize(TWO, ROUND_HALF_UP)


def round4(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.0001"), ROUND_HALF_UP)


# --- SKM ---------------------------------------------------------------------------------------------


def skm_weight(rule: str, unsur_count: int, legacy: Fraction = LEGACY_WEIGHT) -> Fraction:
    if rule == "exact":
        return Fraction(1, unsur_count)
    if rule == "legacy_0111":
        return legacy
    raise ValueError(f"unknown SKM weight rule {rule!r}")


def default_bands() -> tuple[GradeBand, ...]:
    return tuple(GradeBand(g, Decimal(m), label) for g, m, label in DEFAULT_GRADE_BANDS)


def grade_for(ikm: Decimal, bands: Sequence[GradeBand] = ()) -> GradeBand:
    """The band whose lower bound the two-decimal IKM reaches (bands descending); the last band otherwise."""
    bands = tuple(bands) or default_bands()
    shown = round2(ikm)
    for band in bands:
        if shown >= band.min:
            return band
    return bands[-1]


@dataclass(frozen=True)
class SkmResult:
    n: int
    nrr: dict[str, Fraction]  # unsur code -> NRR (1–4), exact
    ikm_exact: Fraction
    ikm: Decimal  # two decimals
    grade: str
    label: str
    weight: str

    @property
    def nrr_rounded(self) -> dict[str, Decimal]:
        return {code: round4(value) for code, value in self.nrr.items()}


def skm_ikm(
    *,
    totals: Mapping[str, int],
    counts: Mapping[str, int],
    weight: str = "exact",
    multiplier: int = 25,
    bands: Sequence[GradeBand] = (),
    legacy: Fraction = LEGACY_WEIGHT,
) -> SkmResult:
    """IKM from per-unsur sums and answer counts. Every unsur needs at least one answer."""
    if not totals:
        raise ValueError("no unsur")
    nrr: dict[str, Fraction] = {}
    for code, total in totals.items():
        count = counts[code]
        if count <= 0:
            raise ValueError(f"unsur {code} has no answer")
        nrr[code] = Fraction(total, count)
    w = skm_weight(weight, len(nrr), legacy)
    ikm_exact = multiplier * w * sum(nrr.values(), Fraction(0))
    ikm = round2(ikm_exact)
    band = grade_for(ikm, bands)
    return SkmResult(
        n=max(counts.values()),
        nrr=nrr,
        ikm_exact=ikm_exact,
        ikm=ikm,
        grade=band.grade,
        label=band.label,
        weight=weight,
    )


# --- Index conversion ----------------------------------------------------------------------------------


def convert_index(mean: Fraction, *, scale: int, rule: str) -> Fraction:
    """A mean answer on 1..scale mapped to the LKE's 0–4 index by the named rule."""
    if rule == "identity":
        if scale != 4:
            raise ValueError("identity conversion needs a 4-point scale")
        return mean
    if rule == "linear":
        return 1 + (mean - 1) * Fraction(3, scale - 1)
    if rule == "proportional":
        return mean * Fraction(4, scale)
    raise ValueError(f"unknown conversion rule {rule!r}")


def conversion_text(rule: str, scale: int) -> str:
    return CONVERSION_TEXT[rule].format(s=scale, d=scale - 1)


# --- Confidence interval ------------------------------------------------------------------------------


def t_critical(df: int, confidence: float = 0.95) -> float:
    """Two-sided Student's t quantile: tabulated for 95 % up to 30 df, Cornish–Fisher expansion otherwise."""
    if df < 1:
        raise ValueError("df must be ≥ 1")
    if abs(confidence - 0.95) < 1e-12 and df <= len(_T95):
        return _T95[df - 1]
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    v = float(df)
    return (
        z
        + (z**3 + z) / (4 * v)
        + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * v**2)
        + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * v**3)
    )


@dataclass(frozen=True)
class Interval:
    mean: float
    low: float
    high: float
    n: int
    method: str = "t"


def mean_ci(*, n: int, total: float, total_sq: float, confidence: float = 0.95) -> Interval | None:
    """CI of a mean from n, Σx and Σx² (Student's t with n − 1 df). None when n < 2."""
    if n < 2:
        return None
    mean = total / n
    variance = max((total_sq - total * total / n) / (n - 1), 0.0)
    half = t_critical(n - 1, confidence) * math.sqrt(variance / n)
    return Interval(mean=mean, low=mean - half, high=mean + half, n=n)


def row_mean_ci(
    *, n: int, row_sum: int, row_sum_sq: int, items: int, confidence: float = 0.95
) -> Interval | None:
    """CI of the per-respondent mean answer, from aggregates of the row sums of `items` items."""
    return mean_ci(n=n, total=row_sum / items, total_sq=row_sum_sq / (items * items), confidence=confidence)


# --- Sample size --------------------------------------------------------------------------------------


def _ceil(value: Fraction) -> int:
    return math.ceil(value)


KREJCIE_MORGAN_FILE = Path(__file__).with_name("krejcie-morgan-1970.yaml")


@functools.cache
def krejcie_morgan_table() -> tuple[tuple[int, int], ...]:
    """The published table's (N, S) rows, ascending by N (data: krejcie-morgan-1970.yaml)."""
    data = yaml.safe_load(KREJCIE_MORGAN_FILE.read_text(encoding="utf-8"))
    rows = tuple((int(n), int(s)) for n, s in data["rows"])
    if list(rows) != sorted(rows) or any(s > n for n, s in rows):
        raise ValueError(f"{KREJCIE_MORGAN_FILE.name}: rows must ascend and S must not exceed N")
    return rows


def krejcie_morgan_formula(population: int) -> Fraction:
    """S = χ²NP(1−P) / (d²(N−1) + χ²P(1−P)), χ² = 3,841, P = 0,5, d = 0,05, exactly."""
    chi2, p, d = Fraction("3.841"), Fraction(1, 2), Fraction(1, 20)
    return chi2 * population * p * (1 - p) / (d * d * (population - 1) + chi2 * p * (1 - p))


def krejcie_morgan(population: int) -> int:
    """The table's S for the next tabulated N at or above the population; beyond the table the formula
    rounded half up (as the table is built), never below the last row; below the first row everyone (F14)."""
    if population <= 0:
        return 0
    table = krejcie_morgan_table()
    if population < table[0][0]:
        return population
    index = bisect.bisect_left([n for n, _s in table], population)
    if index < len(table):
        return min(table[index][1], population)
    # the table's last row (384) is the formula's limit, not its value at that N (382.6): never go below it
    return max(table[-1][1], math.floor(krejcie_morgan_formula(population) + Fraction(1, 2)))


def slovin(population: int, error: Fraction | str = "0.05") -> int:
    """n = N / (1 + N e²), rounded up."""
    if population <= 0:
        return 0
    e = Fraction(error)
    return min(_ceil(Fraction(population) / (1 + population * e * e)), population)


SAMPLE_METHODS = {
    "krejcie_morgan": krejcie_morgan,
    "slovin_5": lambda population: slovin(population, "0.05"),
    "slovin_10": lambda population: slovin(population, "0.10"),
}


def sample_size(method: str, population: int | None) -> int | None:
    if not population:
        return None
    return SAMPLE_METHODS[method](population)


# --- A whole result ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionStat:
    code: str
    name: str
    text: str
    column: str
    count: int
    total: int
    mean: Fraction | None  # NRR, on the instrument's scale

    @property
    def mean_display(self) -> Decimal | None:
        return None if self.mean is None else round2(self.mean)

    @property
    def mean4(self) -> Decimal | None:
        return None if self.mean is None else round4(self.mean)


@dataclass(frozen=True)
class Aggregates:
    """What SQL (or a CSV) provides for one group of responses."""

    n: int
    counts: Mapping[str, int]  # column -> number of answers
    sums: Mapping[str, int]  # column -> sum of answers
    complete: int = 0  # responses with every question answered
    row_sum: int = 0  # Σ over complete responses of the row sum
    row_sum_sq: int = 0  # Σ over complete responses of the squared row sum


@dataclass(frozen=True)
class SurveyResult:
    kind: str
    scale: int
    n: int
    questions: tuple[QuestionStat, ...]
    mean: Fraction | None  # mean of the question means, on the instrument's scale
    ci: Interval | None  # on the reported figure's scale (IKM ×25 or the 0–4 index)
    # SKM
    ikm_exact: Fraction | None = None
    ikm: Decimal | None = None
    grade: str = ""
    grade_label: str = ""
    weight: str = ""
    weight_text: str = ""
    # SPKP / SPAK
    index_exact: Fraction | None = None
    index: Decimal | None = None
    conversion: str = ""
    conversion_text: str = ""
    multiplier: int = 25
    notes: list[str] = field(default_factory=list)
    min_respondents: int = 0  # the instrument's minimum per unit (F12); 0 = no check
    # SPKP / SPAK on a 1–6 scale: the index under the other conversion rule (F5), shown beside it
    alternative_conversion: str = ""
    alternative_index: Decimal | None = None
    alternative_conversion_text: str = ""

    @property
    def below_minimum(self) -> bool:
        return 0 < self.n < self.min_respondents

    @property
    def minimum_warning(self) -> str:
        """A sentence when fewer respondents answered than the minimum (empty otherwise)."""
        if not self.below_minimum:
            return ""
        return (
            f"n = {self.n}: di bawah minimal {self.min_respondents} responden untuk satu unit kerja "
            "(PermenPANRB 90/2021 Lampiran II Bab III C.2.d); hasil belum dapat diandalkan"
        )

    @property
    def weakest(self) -> list[QuestionStat]:
        """Questions by ascending mean (weakest first), unanswered ones last."""
        return sorted(self.questions, key=lambda q: (q.mean is None, q.mean or 0, q.column))

    @property
    def empty(self) -> bool:
        return self.n == 0

    def x25(self, q: QuestionStat) -> Decimal | None:
        return None if q.mean is None else round2(q.mean * self.multiplier)

    @property
    def rows(self) -> list[dict[str, object]]:
        """Per-question rows for templates and JSON (weakest first)."""
        out: list[dict[str, object]] = []
        for q in self.weakest:
            row: dict[str, object] = {
                "code": q.code,
                "name": q.name,
                "text": q.text,
                "count": q.count,
                "mean": q.mean_display,
                "mean4": q.mean4,
            }
            if self.kind == "skm":
                row["x25"] = self.x25(q)
            elif q.mean is not None:
                row["index"] = round2(convert_index(q.mean, scale=self.scale, rule=self.conversion))
            out.append(row)
        return out

    def to_dict(self) -> dict[str, object]:
        data: dict[str, object] = {
            "kind": self.kind,
            "n": self.n,
            "questions": {q.code: None if q.mean is None else float(round4(q.mean)) for q in self.questions},
        }
        if self.kind == "skm":
            data.update(
                ikm=None if self.ikm is None else float(self.ikm), grade=self.grade, weight=self.weight
            )
        else:
            data.update(
                index=None if self.index is None else float(self.index),
                conversion=self.conversion,
                ci=None if self.ci is None else [round(self.ci.low, 2), round(self.ci.high, 2)],
            )
            if self.alternative_conversion:
                data["alternative"] = {
                    "conversion": self.alternative_conversion,
                    "index": None if self.alternative_index is None else float(self.alternative_index),
                }
        data["min_respondents"] = self.min_respondents
        data["warning"] = self.minimum_warning
        return data


def compute_result(
    defn: InstrumentDef,
    agg: Aggregates,
    *,
    weight: str | None = None,
    conversion: str | None = None,
) -> SurveyResult:
    """The full result of one group of responses of an instrument (SKM or SPKP/SPAK)."""
    questions = tuple(
        QuestionStat(
            code=q.code,
            name=q.name,
            text=q.text,
            column=q.column,
            count=agg.counts.get(q.column, 0),
            total=agg.sums.get(q.column, 0) or 0,
            mean=(
                Fraction(agg.sums.get(q.column, 0) or 0, agg.counts[q.column])
                if agg.counts.get(q.column)
                else None
            ),
        )
        for q in defn.questions
    )
    answered = [q.mean for q in questions if q.mean is not None]
    mean = sum(answered, Fraction(0)) / len(answered) if len(answered) == len(questions) else None
    k = len(defn.questions)
    raw_ci = row_mean_ci(
        n=agg.complete, row_sum=agg.row_sum, row_sum_sq=agg.row_sum_sq, items=k, confidence=defn.confidence
    )
    if defn.is_skm:
        rule = weight or defn.weight
        common = {"kind": defn.kind, "scale": defn.scale, "n": agg.n, "questions": questions, "mean": mean}
        if mean is None:
            return SurveyResult(
                **common,  # type: ignore[arg-type]
                ci=None,
                weight=rule,
                multiplier=defn.multiplier,
                min_respondents=defn.min_respondents,
            )
        w = skm_weight(rule, k, Fraction(defn.legacy_weight))
        ikm_exact = defn.multiplier * w * sum(answered, Fraction(0))
        ikm = round2(ikm_exact)
        band = grade_for(ikm, defn.grade_bands)
        factor = float(defn.multiplier * w * k)
        ci = (
            None
            if raw_ci is None
            else Interval(raw_ci.mean * factor, raw_ci.low * factor, raw_ci.high * factor, raw_ci.n)
        )
        return SurveyResult(
            **common,  # type: ignore[arg-type]
            ci=ci,
            ikm_exact=ikm_exact,
            ikm=ikm,
            grade=band.grade,
            grade_label=band.label,
            weight=rule,
            weight_text=(
                defn.legacy_weight_label
                if rule == "legacy_0111" and defn.legacy_weight_label
                else WEIGHT_TEXT[rule].format(u=k)
            ),
            multiplier=defn.multiplier,
            min_respondents=defn.min_respondents,
        )
    rule = conversion or defn.conversion
    other = OTHER_CONVERSION.get(rule, "")
    index_exact = None if mean is None else convert_index(mean, scale=defn.scale, rule=rule)

    def conv(x: float) -> float:
        return float(convert_index(Fraction(x), scale=defn.scale, rule=rule))

    ci = (
        None if raw_ci is None else Interval(conv(raw_ci.mean), conv(raw_ci.low), conv(raw_ci.high), raw_ci.n)
    )
    return SurveyResult(
        kind=defn.kind,
        scale=defn.scale,
        n=agg.n,
        questions=questions,
        mean=mean,
        ci=ci,
        index_exact=index_exact,
        index=None if index_exact is None else round2(index_exact),
        conversion=rule,
        conversion_text=conversion_text(rule, defn.scale),
        min_respondents=defn.min_respondents,
        alternative_conversion=other,
        alternative_index=None
        if other == "" or mean is None
        else round2(convert_index(mean, scale=defn.scale, rule=other)),
        alternative_conversion_text=conversion_text(other, defn.scale) if other else "",
    )


def age_band(age: int | None, bands: Sequence[tuple[int, str]]) -> str:
    if age is None:
        return ""
    for upper, label in bands:
        if age <= upper:
            return label
    return bands[-1][1] if bands else str(age)
