"""Survey reads. Results come from SQL aggregates (COUNT/SUM per answer column and over the row sum, one
GROUP BY per breakdown); responses are never loaded into Python. The arithmetic on those aggregates is
`zona.surveys.computation`, the same code the CLI uses on a CSV file.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import reduce
from operator import add
from typing import Any

from django.db.models import Case, Count, F, IntegerField, Max, Q, QuerySet, Sum, Value, When
from django.db.models.expressions import Combinable

from zona.accounts import permissions
from zona.units.models import ServiceType, Unit

from .computation import Aggregates, SurveyResult, compute_result
from .instruments import InstrumentDef, instrument_def
from .models import ANSWER_COLUMNS, Campaign, Instrument, Response

# --- Aggregation helpers -----------------------------------------------------------------------------


def _row_sum(columns: Iterable[str]) -> Combinable:
    """a1 + a2 + … (NULL when any answer is missing, so only complete responses count)."""
    return reduce(add, (F(column) for column in columns))


def _aggregate_exprs(columns: tuple[str, ...], prefix: str = "") -> dict[str, Any]:
    row = _row_sum(f"{prefix}{c}" for c in columns)
    exprs: dict[str, Any] = {"n": Count("pk" if not prefix else f"{prefix}pk")}
    for column in columns:
        exprs[f"c_{column}"] = Count(f"{prefix}{column}")
        exprs[f"s_{column}"] = Sum(f"{prefix}{column}")
    exprs["complete"] = Count(row, output_field=IntegerField())
    exprs["row_sum"] = Sum(row, output_field=IntegerField())
    exprs["row_sum_sq"] = Sum(row * row, output_field=IntegerField())
    return exprs


def _to_aggregates(row: Mapping[str, Any], columns: tuple[str, ...]) -> Aggregates:
    return Aggregates(
        n=row["n"] or 0,
        counts={c: row[f"c_{c}"] or 0 for c in columns},
        sums={c: int(row[f"s_{c}"] or 0) for c in columns},
        complete=row["complete"] or 0,
        row_sum=int(row["row_sum"] or 0),
        row_sum_sq=int(row["row_sum_sq"] or 0),
    )


def _merge(parts: Iterable[Aggregates], columns: tuple[str, ...]) -> Aggregates:
    parts = list(parts)
    return Aggregates(
        n=sum(p.n for p in parts),
        counts={c: sum(p.counts.get(c, 0) for p in parts) for c in columns},
        sums={c: sum(p.sums.get(c, 0) for p in parts) for c in columns},
        complete=sum(p.complete for p in parts),
        row_sum=sum(p.row_sum for p in parts),
        row_sum_sq=sum(p.row_sum_sq for p in parts),
    )


def _age_band_expr(bands: tuple[tuple[int, str], ...]) -> Case:
    whens = [When(age__lte=upper, then=Value(label)) for upper, label in bands]
    return Case(*whens, default=Value(""))


# --- Campaign results ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Breakdown:
    key: str
    label: str
    groups: list[tuple[str, SurveyResult]]


@dataclass(frozen=True)
class CampaignResults:
    campaign: Campaign
    definition: InstrumentDef
    overall: SurveyResult
    breakdowns: list[Breakdown] = field(default_factory=list)

    @property
    def chart(self) -> dict[str, Any]:
        """Data for the per-question bar chart (codes in column order)."""
        return {
            "labels": [q.code for q in self.overall.questions],
            "names": [q.name for q in self.overall.questions],
            "values": [None if q.mean is None else float(q.mean4 or 0) for q in self.overall.questions],
            "max": self.definition.scale,
        }


def campaign_results(campaign: Campaign, *, breakdowns: bool = True) -> CampaignResults:
    """The campaign's result, and (optionally) its breakdowns by service type and respondent profile.

    One aggregate query for the whole, one GROUP BY query per breakdown.
    """
    definition = instrument_def(campaign.instrument)
    columns = definition.columns
    responses = Response.objects.filter(campaign_id=campaign.pk)
    exprs = _aggregate_exprs(columns)
    overall = compute_result(definition, _to_aggregates(responses.aggregate(**exprs), columns))
    parts: list[Breakdown] = []
    if breakdowns and overall.n:
        parts.append(_breakdown_service_type(responses, definition, exprs))
        for key, label, labeler in _profile_dimensions(definition):
            expr = _age_band_expr(_age_bands(definition)) if key == "age" else F(key)
            rows = responses.annotate(group=expr).values("group").annotate(**exprs).order_by("group")
            groups = [
                (labeler(row["group"]), compute_result(definition, _to_aggregates(row, columns)))
                for row in rows
            ]
            parts.append(Breakdown(key=key, label=label, groups=groups))
    return CampaignResults(campaign=campaign, definition=definition, overall=overall, breakdowns=parts)


def _age_bands(definition: InstrumentDef) -> tuple[tuple[int, str], ...]:
    age = definition.profile_field("age")
    if age is not None and age.bands:
        return age.bands
    return ((24, "≤ 24"), (34, "25–34"), (44, "35–44"), (54, "45–54"), (200, "≥ 55"))


def _profile_dimensions(definition: InstrumentDef) -> list[tuple[str, str, Any]]:
    dims: list[tuple[str, str, Any]] = []
    unknown = "Tidak diisi"
    for key, default_label in (
        ("gender", "Jenis kelamin"),
        ("age", "Kelompok usia"),
        ("education", "Pendidikan"),
        ("occupation", "Pekerjaan"),
    ):
        profile = definition.profile_field(key)
        labels: dict[str, str]
        if key == "gender":
            labels = {str(k): str(v) for k, v in Response.Gender.choices}
        elif profile is not None:
            labels = dict(profile.choices)
        else:
            labels = {}
        label = default_label if key == "age" or profile is None else profile.label
        dims.append(
            (key, label, lambda value, labels=labels: str(labels.get(value, value)) if value else unknown)
        )
    return dims


def _breakdown_service_type(
    responses: QuerySet[Response], definition: InstrumentDef, exprs: dict[str, Any]
) -> Breakdown:
    columns = definition.columns
    rows = list(
        responses.values("service_type_id", "service_type__name")
        .annotate(**exprs)
        .order_by("service_type__name")
    )
    groups = [
        (row["service_type__name"] or "Tidak diisi", compute_result(definition, _to_aggregates(row, columns)))
        for row in rows
    ]
    return Breakdown(key="service_type", label="Jenis layanan", groups=groups)


# --- Campaign lists --------------------------------------------------------------------------------


def campaign_list(*, user: Any, unit: Unit | None = None, year: int | None = None) -> QuerySet[Campaign]:
    """Campaigns the user may see, with their response count (one query)."""
    qs = permissions.scope_filter(user, Campaign.objects.all()).select_related("unit", "instrument")
    if unit is not None:
        qs = qs.filter(unit=unit)
    if year is not None:
        qs = qs.filter(year=year)
    return qs.annotate(n=Count("responses")).order_by("-year", "unit__path", "-starts_on", "-pk")


def campaign_detail_queryset() -> QuerySet[Campaign]:
    return Campaign.objects.select_related("unit", "instrument", "published_by", "created_by").annotate(
        n=Count("responses")
    )


def campaign_service_types(campaign: Campaign) -> list[ServiceType]:
    return list(campaign.service_types.order_by("name"))


def closed_skm_campaigns(*, unit: Unit, year: int) -> list[Campaign]:
    return list(
        Campaign.objects.filter(
            unit=unit, year=year, status=Campaign.Status.CLOSED, instrument__kind=Instrument.Kind.SKM
        )
        .annotate(n=Count("responses"))
        .order_by("starts_on", "pk")
    )


QUARTERS = ("I", "II", "III", "IV")
MONTHS_ID = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")


@dataclass(frozen=True)
class SkmRound:
    key: str
    label: str
    campaigns: list[Campaign]


@dataclass(frozen=True)
class SkmRounds:
    """The SKM surveys a unit held in a year, for A.I.6.iv.a ("SKM dilakukan minimal 4 kali dalam setahun").

    A survey held is a round with at least one response: a closed SKM campaign of the unit that year with
    ≥ 1 response, grouped by the instrument's `rounds` setting — the calendar quarter its period starts
    in (default), its month, or each campaign on its own. Concurrent campaigns (e.g. one per layanan in
    the same quarter) are one round; a campaign without responses is no survey held (finding F13).
    """

    rule: str
    rounds: list[SkmRound]
    without_responses: list[Campaign]

    @property
    def count(self) -> int:
        return len(self.rounds)

    @property
    def campaigns(self) -> list[Campaign]:
        return [campaign for one in self.rounds for campaign in one.campaigns]


def _round_key(campaign: Campaign, rule: str) -> tuple[str, str]:
    start = campaign.starts_on
    if rule == "month":
        return f"{start.year}-{start.month:02d}", f"{MONTHS_ID[start.month - 1]} {start.year}"
    if rule == "campaign":
        return str(campaign.pk), campaign.title
    quarter = (start.month - 1) // 3
    return f"{start.year}-Q{quarter + 1}", f"triwulan {QUARTERS[quarter]}"


def skm_rounds(*, unit: Unit, year: int, rule: str = "quarter") -> SkmRounds:
    rounds: dict[str, SkmRound] = {}
    empty = []
    for campaign in closed_skm_campaigns(unit=unit, year=year):
        if not campaign.n:  # type: ignore[attr-defined]
            empty.append(campaign)
            continue
        key, label = _round_key(campaign, rule)
        rounds.setdefault(key, SkmRound(key, label, [])).campaigns.append(campaign)
    return SkmRounds(rule=rule, rounds=sorted(rounds.values(), key=lambda r: r.key), without_responses=empty)


def instrument_choices() -> QuerySet[Instrument]:
    """The latest version of each instrument."""
    latest = Instrument.objects.values("code").annotate(v=Max("version"))
    q = Q(pk__in=[])
    for row in latest:
        q |= Q(code=row["code"], version=row["v"])
    return Instrument.objects.filter(q).order_by("kind", "code")


def lke_assessments_for(campaign: Campaign) -> list[Any]:
    """The unit's assessments of the campaign's year (open periods first)."""
    from zona.assessments.models import Assessment, Period

    return list(
        Assessment.objects.filter(unit_id=campaign.unit_id, period__year=campaign.year)
        .select_related("period", "unit")
        .order_by(
            Case(When(period__status=Period.Status.OPEN, then=Value(0)), default=Value(1)),
            "-period__semester",
            "-pk",
        )
    )


def lke_current_answer(assessment: Any, item_code: str) -> Any:
    from zona.assessments.models import Answer

    answer = Answer.objects.filter(assessment=assessment, item_code=item_code, stage__isnull=True).first()
    return None if answer is None else answer.value


# --- Per unit and year -----------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitKindResult:
    unit_id: int
    kind: str
    definition: InstrumentDef
    result: SurveyResult
    campaigns: int


def _grouped_results(unit_ids: list[int], year: int) -> dict[int, list[UnitKindResult]]:
    """GROUP BY (unit, instrument) in SQL (one query for SKM, one for SPKP/SPAK); the groups of a unit
    with compatible instruments (same kind, scale and questions, e.g. versions of one file) are summed,
    then computed."""
    campaigns = Campaign.objects.filter(unit_id__in=unit_ids, year=year)
    instruments = {
        i.pk: (i, instrument_def(i))
        for i in Instrument.objects.filter(pk__in=campaigns.values("instrument_id").distinct())
    }
    if not instruments:
        return {}
    campaign_counts = {
        (row["unit_id"], row["instrument_id"]): row["c"]
        for row in campaigns.values("unit_id", "instrument_id").annotate(c=Count("pk")).order_by()
    }
    # SKM results carry no confidence interval here (the IKM is graded, not estimated), so their rows
    # skip the per-response row aggregates, which cost about as much again as the per-column ones.
    skm_ids = [pk for pk, (_, d) in instruments.items() if d.is_skm]
    other_ids = [pk for pk in instruments if pk not in skm_ids]
    rows: list[dict[str, Any]] = []
    for ids, with_rows in ((skm_ids, False), (other_ids, True)):
        if ids:
            rows += _unit_instrument_rows(unit_ids, year, [instruments[pk][1] for pk in ids], ids, with_rows)
    Key = tuple[int, str, int, tuple[str, ...]]
    buckets: dict[Key, list[tuple[Aggregates, int]]] = defaultdict(list)
    definitions: dict[Key, InstrumentDef] = {}
    for row in rows:
        definition = instruments[row["campaign__instrument_id"]][1]
        key = (row["campaign__unit_id"], definition.kind, definition.scale, definition.codes)
        cols, width = definition.columns, len(definition.columns)
        agg = Aggregates(
            n=row["n"],
            counts={c: row[f"c_{c}"] or 0 for c in cols},
            sums={c: int(row[f"s_{c}"] or 0) for c in cols},
            complete=row.get(f"complete_{width}") or 0,
            row_sum=int(row.get(f"row_sum_{width}") or 0),
            row_sum_sq=int(row.get(f"row_sum_sq_{width}") or 0),
        )
        buckets[key].append(
            (agg, campaign_counts.get((row["campaign__unit_id"], row["campaign__instrument_id"]), 0))
        )
        definitions[key] = definition
    kinds = list(Instrument.Kind.values)
    out: dict[int, list[UnitKindResult]] = defaultdict(list)
    for key, parts in buckets.items():
        definition = definitions[key]
        merged = _merge((p for p, _ in parts), definition.columns)
        out[key[0]].append(
            UnitKindResult(
                unit_id=key[0],
                kind=key[1],
                definition=definition,
                result=compute_result(definition, merged),
                campaigns=sum(c for _, c in parts),
            )
        )
    for results in out.values():
        results.sort(key=lambda r: (kinds.index(r.kind), -r.result.n))
    return dict(out)


def _unit_instrument_rows(
    unit_ids: list[int],
    year: int,
    definitions: list[InstrumentDef],
    instrument_ids: list[int],
    with_rows: bool,
) -> list[dict[str, Any]]:
    """One GROUP BY (unit, instrument) over the responses of these instruments' campaigns."""
    widths = sorted({len(d.questions) for d in definitions})
    columns = ANSWER_COLUMNS[: widths[-1]]
    exprs: dict[str, Any] = {"n": Count("pk")}
    for column in columns:
        exprs[f"c_{column}"] = Count(column)
        exprs[f"s_{column}"] = Sum(column)
    for width in widths if with_rows else ():
        row = _row_sum(columns[:width])
        exprs[f"complete_{width}"] = Count(row, output_field=IntegerField())
        exprs[f"row_sum_{width}"] = Sum(row, output_field=IntegerField())
        exprs[f"row_sum_sq_{width}"] = Sum(row * row, output_field=IntegerField())
    rows: Any = (
        Response.objects.filter(
            campaign__unit_id__in=unit_ids, campaign__year=year, campaign__instrument_id__in=instrument_ids
        )
        .values("campaign__unit_id", "campaign__instrument_id")
        .annotate(**exprs)
        .order_by()
    )
    return list(rows)


def results_for_units(units: Iterable[Unit | int], year: int) -> dict[int, list[UnitKindResult]]:
    """Per unit id, the year's results per instrument kind (all of a kind's campaigns combined)."""
    ids = [u if isinstance(u, int) else u.pk for u in units]
    return _grouped_results(ids, year)


def unit_results(unit: Unit, year: int) -> list[UnitKindResult]:
    return results_for_units([unit], year).get(unit.pk, [])


@dataclass(frozen=True)
class PublishedResult:
    campaign: Campaign
    definition: InstrumentDef
    result: SurveyResult


def published_results(unit: Unit) -> list[PublishedResult]:
    """The unit's latest published campaign of each instrument kind, with its overall result."""
    campaigns = (
        Campaign.objects.filter(unit=unit, published_at__isnull=False)
        .select_related("instrument", "unit")
        .order_by("-year", "-published_at")
    )
    seen: set[str] = set()
    out: list[PublishedResult] = []
    for campaign in campaigns:
        if campaign.instrument.kind in seen:
            continue
        seen.add(campaign.instrument.kind)
        results = campaign_results(campaign, breakdowns=False)
        out.append(PublishedResult(campaign=campaign, definition=results.definition, result=results.overall))
    return out
