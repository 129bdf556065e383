"""Separation of duties: the coordinator may name who acts at each review stage."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.assessments.test_review_support import in_review, second_evaluator, stages
from zona.assessments.services.answers import answer_save
from zona.assessments.services.periods import stage_evaluators_set
from zona.assessments.services.review import review_advance, review_finalise
from zona.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_unnamed_stage_is_open_to_every_evaluator_and_a_named_stage_only_to_its_evaluators(regency):
    assessment = in_review(regency)
    other = second_evaluator(regency)
    first, second, last = stages(assessment)
    stage_evaluators_set(stage=second, users=[other], actor=regency.koordinator)
    stage_evaluators_set(stage=last, users=[other], actor=regency.koordinator)
    answer_save(
        assessment=assessment, item_code="A.I.1.i.a", value="Tidak", actor=regency.evaluator, stage=first
    )
    review_advance(assessment=assessment, stage=first, actor=regency.evaluator)
    assessment.refresh_from_db()
    with pytest.raises(PermissionDenied, match="ditugaskan kepada evaluator lain"):
        answer_save(
            assessment=assessment, item_code="A.I.1.i.a", value="Ya", actor=regency.evaluator, stage=second
        )
    with pytest.raises(PermissionDenied):
        review_advance(assessment=assessment, stage=second, actor=regency.evaluator)
    review_advance(assessment=assessment, stage=second, actor=other)
    assessment.refresh_from_db()
    with pytest.raises(PermissionDenied):
        review_finalise(assessment=assessment, actor=regency.evaluator)
    review_finalise(assessment=assessment, actor=other)
    assessment.refresh_from_db()
    assert assessment.status == "final"
    event = AuditEvent.objects.filter(event="period.stage_evaluators").latest("seq")
    assert event.changes["evaluators"] == [[], [other.pk]]


def test_only_the_coordinator_names_evaluators_and_only_tpi_evaluators_can_be_named(regency):
    assessment = in_review(regency)
    stage = stages(assessment)[0]
    with pytest.raises(PermissionDenied):
        stage_evaluators_set(stage=stage, users=[regency.evaluator], actor=regency.evaluator)
    with pytest.raises(ValidationError, match="Bukan evaluator TPI"):
        stage_evaluators_set(stage=stage, users=[regency.operator_a], actor=regency.koordinator)
    assert stage.evaluators.count() == 0


def test_the_period_page_names_evaluators_per_stage(regency, client):
    assessment = in_review(regency)
    stage = stages(assessment)[1]
    client.force_login(regency.koordinator)
    url = f"/penilaian/periode/{assessment.period_id}/tahap/{stage.pk}/evaluator/"
    response = client.post(url, {"evaluators": [str(regency.evaluator.pk), "x"]})
    assert response.status_code == 302
    assert list(stage.evaluators.all()) == [regency.evaluator]
    page = client.get(f"/penilaian/periode/{assessment.period_id}/").content.decode()
    assert "Tugaskan evaluator per tahap" in page
    client.force_login(regency.operator_a)
    assert client.post(url, {"evaluators": []}).status_code in (403, 404)
    assert list(stage.evaluators.all()) == [regency.evaluator]
