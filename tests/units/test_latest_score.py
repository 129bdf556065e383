"""The dashboard's "Nilai terakhir" and the unit page's "Penilaian" section, filled from assessments."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tests.assessments.helpers import assessment_of, open_period
from tests.factories import make_unit
from zona.assessments.models import Assessment
from zona.assessments.selectors.core import assessment_score
from zona.assessments.services.answers import answer_save
from zona.lke.numbers import format_id
from zona.units.selectors import unit_detail, unit_detail_queryset, units_dashboard

pytestmark = pytest.mark.django_db


def test_dashboard_shows_the_latest_assessment_total_tpi_when_reviewed(client, regency):
    year = dt.date.today().year
    old = assessment_of(open_period(regency, year=year - 1, units=[regency.unit_a]), regency.unit_a)
    answer_save(assessment=old, item_code="A.I.1.i.a", value="Ya", actor=regency.operator_a)
    period = open_period(regency)
    a, b = assessment_of(period, regency.unit_a), assessment_of(period, regency.unit_b)
    answer_save(assessment=a, item_code="A.I.1.i.b", value="A", actor=regency.operator_a)
    answer_save(assessment=b, item_code="A.I.1.i.b", value="B", actor=regency.operator_b)
    stage1 = period.stages.get(order=1)
    Assessment.objects.filter(pk=a.pk).update(status=Assessment.Status.IN_REVIEW, current_stage=stage1)
    a.refresh_from_db()
    answer_save(assessment=a, item_code="A.I.1.i.b", value="B", actor=regency.evaluator, stage=stage1)

    rows = {row.unit.pk: row for row in units_dashboard(user=regency.koordinator).rows}
    latest_a = rows[regency.unit_a.pk].latest_score
    assert latest_a.assessment == a and latest_a.source == "tpi"
    assert latest_a.total.value == assessment_score(a, stage1).total != assessment_score(a).total
    assert rows[regency.unit_b.pk].latest_score.source == "unit"
    assert rows[regency.unit_b.pk].latest_score.total.value == assessment_score(b).total
    assert rows[regency.unit_a1.pk].latest_score is None

    client.force_login(regency.koordinator)
    body = client.get("/").content.decode()
    assert (
        f'href="{reverse("assessments:scores", kwargs={"pk": a.pk})}" class="zona-latest-score">'
        f"{format_id(assessment_score(a, stage1).total)}</a>" in body
    )
    assert "reviu TPI" in body and "Belum ada penilaian" in body


def test_opening_a_future_period_keeps_the_previous_final_score_on_the_home_page(client, regency):
    """Issue 12: "Nilai terakhir" is the latest score that exists, never 0,00 for a period not yet begun."""
    from tests.assessments.test_exports_support import fill, finalise, review

    year = dt.date.today().year
    done = open_period(regency, year=year, units=[regency.unit_a])
    earlier = assessment_of(done, regency.unit_a)
    fill(earlier, regency.operator_a)
    review(earlier, done, regency.evaluator)
    frozen = finalise(earlier, done)
    final_total = format_id(assessment_score(earlier, done.stages.order_by("-order").first()).total)
    assert final_total != format_id(0)
    open_period(regency, year=year + 1, units=[regency.unit_a, regency.unit_b])  # no answers yet

    rows = {row.unit.pk: row for row in units_dashboard(user=regency.koordinator).rows}
    latest = rows[regency.unit_a.pk].latest_score
    assert latest is not None and latest.assessment == earlier and latest.source == "final"
    assert rows[regency.unit_b.pk].latest_score is None  # only an empty assessment: no score, not 0,00

    client.force_login(regency.koordinator)
    body = client.get("/").content.decode()
    url = reverse("assessments:scores", kwargs={"pk": earlier.pk})
    assert f'href="{url}" class="zona-latest-score">{final_total}</a>' in body
    assert frozen["tpi"]["total"] is not None
    assert f'class="zona-latest-score">{format_id(0)}</a>' not in body


def test_dashboard_stays_within_its_query_budget_with_assessments(
    client, regency, django_assert_max_num_queries
):
    units = [make_unit(regency.instansi, f"Unit dinilai {i:02d}") for i in range(25)]
    period = open_period(regency, units=[regency.unit_a, *units])
    for unit in units[:10]:
        answer_save(
            assessment=assessment_of(period, unit),
            item_code="A.I.1.i.a",
            value="Ya",
            actor=regency.koordinator,
        )
    client.force_login(regency.koordinator)
    with django_assert_max_num_queries(15):
        response = client.get("/")
    assert response.status_code == 200
    # the 16 with only an empty assessment have no score yet (never 0,00)
    scored = sum(1 for row in response.context["dashboard"].rows if row.latest_score is not None)
    assert scored == 10


def test_unit_page_lists_the_units_assessments_newest_first(client, regency):
    year = dt.date.today().year
    old_period = open_period(regency, year=year - 1, units=[regency.unit_a])
    period = open_period(regency, units=[regency.unit_a])
    answer_save(
        assessment=assessment_of(period, regency.unit_a),
        item_code="A.I.1.i.a",
        value="Ya",
        actor=regency.operator_a,
    )
    unit = unit_detail_queryset().get(pk=regency.unit_a.pk)
    detail = unit_detail(user=regency.operator_a, unit=unit)
    assert [assessment.period for assessment, _headline in detail.assessments] == [period, old_period]
    client.force_login(regency.operator_a)
    body = client.get(reverse("units:detail", kwargs={"pk": regency.unit_a.pk})).content.decode()
    assert 'id="assessments-heading">Penilaian</h2>' in body
    assert reverse("assessments:scores", kwargs={"pk": assessment_of(period, regency.unit_a).pk}) in body
    body = client.get(reverse("units:detail", kwargs={"pk": regency.unit_a1.pk})).content.decode()
    assert "Unit ini belum pernah dinilai" in body
