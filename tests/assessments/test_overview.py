from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.assessments.helpers import assessment_of, open_period
from zona.assessments.models import Answer, Assessment, Period
from zona.assessments.selectors.core import assessment_score
from zona.assessments.selectors.overview import OverviewFilters, overdue_reason, period_overview
from zona.assessments.services.answers import answer_save
from zona.units.models import Unit
from zona.units.services import PATH_WIDTH

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


def late_period(regency, **kwargs):
    """Self-assessment ended yesterday; the TPI review runs until next week."""
    return open_period(
        regency,
        self_start=TODAY - dt.timedelta(days=40),
        self_end=TODAY - dt.timedelta(days=1),
        review_start=TODAY - dt.timedelta(days=1),
        review_end=TODAY + dt.timedelta(days=7),
        revision_end=TODAY + dt.timedelta(days=14),
        **kwargs,
    )


def set_status(assessment, status, stage=None):
    Assessment.objects.filter(pk=assessment.pk).update(status=status, current_stage=stage)
    assessment.refresh_from_db()


def detail_url(period):
    return f"/penilaian/periode/{period.pk}/"


def unit_names(response):
    return [row.unit.name for row in response.context["overview"].rows]


def reviewed(regency):
    """Unit A in review at stage 1 with the TPI lowering one answer; unit B a draft with one answer."""
    period = late_period(regency)
    a, b = assessment_of(period, regency.unit_a), assessment_of(period, regency.unit_b)
    answer_save(assessment=a, item_code="A.I.1.i.a", value="Ya", actor=regency.operator_a)
    answer_save(assessment=a, item_code="A.I.1.i.b", value="A", actor=regency.operator_a)
    answer_save(assessment=b, item_code="A.I.1.i.a", value="Ya", actor=regency.operator_b)
    stage1 = period.stages.get(order=1)
    set_status(a, Assessment.Status.IN_REVIEW, stage1)
    answer_save(assessment=a, item_code="A.I.1.i.b", value="C", actor=regency.evaluator, stage=stage1)
    return period, a, b, stage1


def test_rows_carry_engine_scores_status_stage_and_verdicts(client, regency):
    period, a, b, stage1 = reviewed(regency)
    client.force_login(regency.koordinator)
    response = client.get(detail_url(period))
    assert response.status_code == 200
    rows = {row.assessment.pk: row for row in response.context["overview"].rows}
    assert rows[a.pk].unit_total.value == assessment_score(a).total
    assert rows[a.pk].tpi.total.value == assessment_score(a, stage1).total != assessment_score(a).total
    assert rows[b.pk].tpi is None and rows[b.pk].unit_total.value == assessment_score(b).total
    wbk = rows[a.pk].wbk
    assert not wbk.eligible and wbk.problem_count == len(assessment_score(a, stage1).predicates["wbk"].failed)
    assert rows[a.pk].wbbm.problem_count == len(assessment_score(a, stage1).predicates["wbbm"].failed) + 1
    body = response.content.decode()
    assert "Anggota tim" in body and "belum direviu" in body and "syarat belum terpenuhi" in body
    chart = json.loads(
        re.search(r'id="overview-chart-data" type="application/json">(.*?)</script>', body, re.S).group(1)
    )
    assert chart["type"] == "bar" and chart["labels"] == unit_names(response)
    assert [d["label"] for d in chart["datasets"]] == ["Nilai unit", "Nilai TPI"]
    index_a = chart["labels"].index(regency.unit_a.name)
    assert chart["datasets"][1]["data"][index_a] == float(round(assessment_score(a, stage1).total, 2))
    assert chart["datasets"][1]["data"][chart["labels"].index(regency.unit_b.name)] is None
    assert "vendor/chartjs/chart.umd.min.js" in body


def test_final_assessment_shows_its_frozen_total(regency):
    period, a, _b, _stage1 = reviewed(regency)
    frozen = assessment_score(a).to_dict()
    frozen["total"] = 91.25
    Assessment.objects.filter(pk=a.pk).update(status=Assessment.Status.FINAL, final_result=frozen)
    row = next(
        r for r in period_overview(period=period, user=regency.koordinator).rows if r.assessment.pk == a.pk
    )
    assert str(row.tpi.total) == "91,25" and row.tpi.source == "final"


def test_overdue_flags_follow_each_status_deadline(regency):
    period, a, b, _stage1 = reviewed(regency)
    rows = {row.assessment.pk: row for row in period_overview(period=period, user=regency.koordinator).rows}
    assert rows[b.pk].overdue.startswith("Penilaian mandiri melewati batas")  # draft after self_end
    assert rows[a.pk].overdue == ""  # in review before review_end
    late = Period(
        self_end=TODAY - dt.timedelta(days=30),
        review_end=TODAY - dt.timedelta(days=2),
        revision_end=TODAY - dt.timedelta(days=1),
    )
    assert overdue_reason(Assessment.Status.IN_REVIEW, late, TODAY).startswith("Reviu TPI melewati batas")
    assert overdue_reason(Assessment.Status.SUBMITTED, late, TODAY).startswith("Reviu TPI melewati batas")
    assert overdue_reason(Assessment.Status.RETURNED, late, TODAY).startswith("Perbaikan melewati batas")
    assert overdue_reason(Assessment.Status.FINAL, late, TODAY) == ""
    on_time = Period(self_end=TODAY, review_end=TODAY, revision_end=TODAY)
    for status in Assessment.Status.values:
        assert overdue_reason(status, on_time, TODAY) == ""


def test_filters_by_status_stage_wbk_overdue_and_search(client, regency):
    period, _a, _b, stage1 = reviewed(regency)
    client.force_login(regency.koordinator)
    url = detail_url(period)
    assert unit_names(client.get(url, {"status": "draft"})) == [regency.unit_b.name]
    assert unit_names(client.get(url, {"stage": stage1.pk})) == [regency.unit_a.name]
    assert unit_names(client.get(url, {"overdue": "on"})) == [regency.unit_b.name]
    assert unit_names(client.get(url, {"q": "gantung"})) == [regency.unit_b.name]
    assert unit_names(client.get(url, {"wbk": "ya"})) == []
    assert sorted(unit_names(client.get(url, {"wbk": "tidak"}))) == sorted(
        [regency.unit_a.name, regency.unit_b.name]
    )
    response = client.get(url, {"status": "nonsense", "stage": "x"})  # an invalid filter is not applied
    assert response.status_code == 200 and len(unit_names(response)) == 2
    response = client.get(url, {"status": "final"})
    assert "Tidak ada penilaian yang cocok" in response.content.decode()
    overview = response.context["overview"]
    assert overview.total == 2 and overview.overdue_count == 1
    assert {c.status: c.count for c in overview.status_counts} == {"draft": 1, "in_review": 1}


def test_wbk_filter_keeps_an_eligible_assessment(regency):
    period = open_period(regency, units=[regency.unit_a, regency.unit_b])
    a = assessment_of(period, regency.unit_a)
    from tests.conftest import best_raw
    from zona.assessments.selectors.core import engine_for

    for code, value in best_raw(engine_for(a)).items():
        Answer.objects.create(assessment=a, item_code=code, value=value, updated_by=regency.operator_a)
    assert assessment_score(a).predicates["wbk"].eligible
    rows = period_overview(period=period, user=regency.koordinator, filters=OverviewFilters(wbk="ya")).rows
    assert [row.assessment.pk for row in rows] == [a.pk]
    assert rows[0].wbk.eligible and not rows[0].wbbm.eligible  # WBBM also needs WBK held


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("koordinator", {"unit_a", "unit_b"}),
        ("pimpinan", {"unit_a", "unit_b"}),
        ("evaluator", {"unit_a"}),
        ("operator_a", {"unit_a"}),
        ("ketua_a", {"unit_a"}),
        ("operator_b", {"unit_b"}),
        ("pengawas", {"unit_b"}),
    ],
)
def test_each_role_sees_only_the_assessments_it_may(client, regency, who, expected):
    period = open_period(regency)
    client.force_login(getattr(regency, who))
    response = client.get(detail_url(period))
    assert response.status_code == 200
    assert set(unit_names(response)) == {getattr(regency, name).name for name in expected}
    body = response.content.decode()
    for name in {"unit_a", "unit_b"} - expected:
        assert getattr(regency, name).name not in body


def test_a_user_without_assessments_sees_an_empty_state(client, regency):
    period = open_period(regency, units=[regency.unit_b])
    client.force_login(regency.operator_a)
    response = client.get(detail_url(period))
    assert response.status_code == 200 and unit_names(response) == []
    assert "Belum ada penilaian yang dapat Anda lihat" in response.content.decode()


def _many_assessments(regency, count):
    """`count` units (bulk, with their tree paths) with assessments in one period; answers on every 3rd."""
    base = regency.unit_a.pk
    units = Unit.objects.bulk_create(
        Unit(
            instansi=regency.instansi,
            name=f"Unit nilai {i:03d}",
            slug=f"unit-nilai-{base}-{i}",
            kind=Unit.Kind.DINAS,
        )
        for i in range(count)
    )
    units = list(Unit.objects.filter(name__startswith="Unit nilai"))
    for unit in units:
        unit.path = f"/{unit.pk:0{PATH_WIDTH}d}/"
    Unit.objects.bulk_update(units, ["path"])
    period = open_period(regency, units=[regency.unit_a])
    stages = list(period.stages.order_by("order"))
    Assessment.objects.bulk_create(
        Assessment(
            period=period,
            unit=unit,
            status=Assessment.Status.IN_REVIEW if i % 4 == 0 else Assessment.Status.DRAFT,
            current_stage=stages[i % 3] if i % 4 == 0 else None,
        )
        for i, unit in enumerate(units)
    )
    answers = []
    for i, assessment in enumerate(
        Assessment.objects.filter(period=period, unit__name__startswith="Unit nilai")
    ):
        if i % 3:
            continue
        for code, value in (("A.I.1.i.a", "Ya"), ("A.I.1.i.b", "B"), ("B.I.a", "3.5"), ("A.II.1.i.a", "Ya")):
            answers.append(
                Answer(assessment=assessment, item_code=code, value=value, updated_by=regency.operator_a)
            )
        if assessment.status == Assessment.Status.IN_REVIEW:
            answers.append(
                Answer(
                    assessment=assessment,
                    stage=stages[0],
                    item_code="A.I.1.i.b",
                    value="C",
                    updated_by=regency.evaluator,
                )
            )
    Answer.objects.bulk_create(answers)
    return period


def _overview_queries(client, user, period):
    client.force_login(user)
    with CaptureQueriesContext(connection) as context:
        response = client.get(detail_url(period))
    assert response.status_code == 200
    return len(context.captured_queries), response


def test_overview_of_200_assessments_costs_a_constant_number_of_queries(
    client, regency, django_assert_max_num_queries
):
    few_period = open_period(regency, year=TODAY.year - 1, units=[regency.unit_a, regency.unit_b])
    answer_save(
        assessment=assessment_of(few_period, regency.unit_a),
        item_code="A.I.1.i.a",
        value="Ya",
        actor=regency.operator_a,
    )
    few, _response = _overview_queries(client, regency.koordinator, few_period)

    period = _many_assessments(regency, 199)
    assert Assessment.objects.filter(period=period).count() == 200
    many, response = _overview_queries(client, regency.koordinator, period)
    assert many <= few
    assert len(response.context["overview"].rows) == 200
    reviewed_rows = [row for row in response.context["overview"].rows if row.tpi is not None]
    assert reviewed_rows and all(row.tpi.total.value < row.unit_total.value for row in reviewed_rows)
    client.force_login(regency.koordinator)
    with django_assert_max_num_queries(16):
        assert client.get(detail_url(period)).status_code == 200
    with django_assert_max_num_queries(16):
        assert (
            client.get(detail_url(period), {"wbk": "tidak", "overdue": "on", "q": "nilai"}).status_code == 200
        )
