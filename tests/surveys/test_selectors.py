"""Results from SQL aggregates equal the pure computation over the same responses, computed in Python here."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from fractions import Fraction

import pytest

from tests.surveys.core_helpers import add_responses, make_campaign, random_rows
from zona.surveys import selectors, services
from zona.surveys.computation import Aggregates, compute_result, round2
from zona.surveys.instruments import instrument_def
from zona.units.models import ServiceType

pytestmark = pytest.mark.django_db


def python_result(definition, rows):
    """The reference: aggregates computed by plain Python loops over the rows."""
    cols = definition.columns
    counts, sums = defaultdict(int), defaultdict(int)
    complete = row_sum = row_sum_sq = 0
    for row in rows:
        values = [row.get(q.code) for q in definition.questions]
        for q, v in zip(definition.questions, values, strict=True):
            if v is not None:
                counts[q.column] += 1
                sums[q.column] += v
        if all(v is not None for v in values):
            complete += 1
            row_sum += sum(values)
            row_sum_sq += sum(values) ** 2
    return compute_result(
        definition,
        Aggregates(
            n=len(rows),
            counts={c: counts[c] for c in cols},
            sums={c: sums[c] for c in cols},
            complete=complete,
            row_sum=row_sum,
            row_sum_sq=row_sum_sq,
        ),
    )


@pytest.mark.parametrize("code", ["skm-permenpanrb-14-2017", "spak-6", "spkp-4"])
def test_sql_results_equal_the_pure_computation(regency, code):
    campaign = make_campaign(regency, code)
    rows = random_rows(campaign, 157, seed=7)
    rows[3][instrument_def(campaign.instrument).questions[0].code] = None  # an incomplete paper form
    add_responses(campaign, rows)
    definition = instrument_def(campaign.instrument)
    got = selectors.campaign_results(campaign).overall
    want = python_result(definition, rows)
    assert got.n == want.n == 157
    assert [q.mean for q in got.questions] == [q.mean for q in want.questions]
    assert (got.ikm, got.index, got.grade) == (want.ikm, want.index, want.grade)
    assert got.ci == want.ci and got.ci.n == 156
    if definition.is_skm:
        nrr = [
            Fraction(
                sum(r[q.code] for r in rows if r[q.code] is not None),
                sum(1 for r in rows if r[q.code] is not None),
            )
            for q in definition.questions
        ]
        assert got.ikm == round2(25 * sum(nrr) / 9)
    # weakest first
    means = [q.mean for q in got.weakest]
    assert means == sorted(means)


def test_breakdowns_are_grouped_in_sql(regency, django_assert_max_num_queries):
    st1 = ServiceType.objects.create(unit=regency.unit_a, name="KTP-el")
    st2 = ServiceType.objects.create(unit=regency.unit_a, name="Akta Kelahiran")
    campaign = make_campaign(regency)
    rows = random_rows(campaign, 80, seed=3, service_types=[st1, st2])
    add_responses(campaign, rows)
    with django_assert_max_num_queries(7):
        results = selectors.campaign_results(campaign)
    by_key = {b.key: b for b in results.breakdowns}
    assert set(by_key) == {"service_type", "gender", "age", "education", "occupation"}
    definition = instrument_def(campaign.instrument)
    ktp = dict(by_key["service_type"].groups)["KTP-el"]
    assert ktp.ikm == python_result(definition, [r for r in rows if r.get("service_type") == st1]).ikm
    women = dict(by_key["gender"].groups)["Perempuan"]
    assert women.ikm == python_result(definition, [r for r in rows if r["gender"] == "P"]).ikm
    young = dict(by_key["age"].groups)["≤ 24"]
    assert young.n == sum(1 for r in rows if r["age"] == 19)
    assert sum(g.n for _, g in by_key["education"].groups) == 80


def test_unit_results_combine_the_years_campaigns_of_each_kind(regency):
    first = make_campaign(regency)
    second = make_campaign(regency)
    spak = make_campaign(regency, "spak-4")
    r1, r2, r3 = (
        random_rows(first, 40, seed=1),
        random_rows(second, 25, seed=2),
        random_rows(spak, 30, seed=3),
    )
    add_responses(first, r1)
    add_responses(second, r2)
    add_responses(spak, r3)
    other = make_campaign(regency, unit=regency.unit_a1, actor=regency.koordinator)
    add_responses(other, random_rows(other, 10, seed=4))
    results = selectors.unit_results(regency.unit_a, first.year)
    assert [(r.kind, r.result.n, r.campaigns) for r in results] == [("skm", 65, 2), ("spak", 30, 1)]
    definition = instrument_def(first.instrument)
    assert results[0].result.ikm == python_result(definition, r1 + r2).ikm
    assert results[1].result.index == python_result(instrument_def(spak.instrument), r3).index
    # per unit/year, the IPAK/IPKP index has its 95 % CI; the SKM (graded, not estimated) does not
    assert results[1].result.ci == python_result(instrument_def(spak.instrument), r3).ci
    assert results[0].result.ci is None
    many = selectors.results_for_units([regency.unit_a, regency.unit_a1, regency.unit_b], first.year)
    assert set(many) == {regency.unit_a.pk, regency.unit_a1.pk}
    assert many[regency.unit_a1.pk][0].result.n == 10


def test_published_results_show_only_published_campaigns(regency):
    campaign = make_campaign(regency)
    add_responses(campaign, random_rows(campaign, 12))
    assert selectors.published_results(regency.unit_a) == []
    services.campaign_publish(campaign=campaign, actor=regency.koordinator)
    published = selectors.published_results(regency.unit_a)
    assert len(published) == 1 and published[0].campaign == campaign
    assert published[0].result.n == 12 and isinstance(published[0].result.ikm, Decimal)
