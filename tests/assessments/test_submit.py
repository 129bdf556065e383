"""Submission: completeness check, who may submit, lateness, the submit page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tests.assessments.helpers import assessment_of, open_period
from tests.assessments.test_review_support import draft_with_answers, fill_everything, stages
from zona.assessments.models import Assessment
from zona.assessments.services.review import IncompleteAssessment, assessment_completeness, assessment_submit
from zona.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_completeness_lists_unanswered_items_and_items_without_active_evidence(regency):
    assessment = draft_with_answers(regency)
    check = assessment_completeness(assessment)
    unanswered = {item.code for item in check.unanswered}
    without = {item.code for item in check.without_evidence}
    assert check.total == 113 and len(unanswered) == 110 and len(without) == 112
    assert "A.I.1.i.a" not in unanswered and "A.I.1.i.b" not in unanswered and "A.I.1.ii.b" in unanswered
    assert "A.I.1.i.a" not in without and "A.I.1.i.b" in without
    first = next(item for item in check.unanswered if item.code == "A.I.1.ii.b")
    assert first.question.startswith("Dalam dokumen pembangunan") and first.area == 1
    assessment.evidence.update(removed_at=dt.datetime.now(dt.UTC))
    assert "A.I.1.i.a" in {item.code for item in assessment_completeness(assessment).without_evidence}


def test_incomplete_submission_is_refused_unless_acknowledged_and_then_audited(regency):
    assessment = draft_with_answers(regency)
    with pytest.raises(IncompleteAssessment) as excinfo:
        assessment_submit(assessment=assessment, actor=regency.ketua_a)
    assert "110 butir belum dijawab" in excinfo.value.messages[0]
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.DRAFT and assessment.submitted_at is None
    assert not AuditEvent.objects.filter(event="assessment.submitted").exists()

    assessment_submit(assessment=assessment, actor=regency.ketua_a, acknowledge_incomplete=True)
    assessment.refresh_from_db()
    first_stage = stages(assessment)[0]
    assert assessment.status == Assessment.Status.IN_REVIEW and assessment.current_stage == first_stage
    assert assessment.submitted_at is not None
    event = AuditEvent.objects.get(event="assessment.submitted")
    assert event.changes["status"] == ["draft", "in_review"]
    assert event.changes["stage"] == [None, "Anggota tim"]
    assert len(event.changes["incomplete_acknowledged"]["unanswered"]) == 110
    assert "late_days" not in event.changes and event.actor == regency.ketua_a


def test_complete_assessment_submits_without_acknowledgement(regency):
    assessment = assessment_of(open_period(regency), regency.unit_a)
    fill_everything(assessment, regency.operator_a)
    assert assessment_completeness(assessment).complete
    assessment_submit(assessment=assessment, actor=regency.koordinator)
    assert assessment.status == Assessment.Status.IN_REVIEW
    assert "incomplete_acknowledged" not in AuditEvent.objects.get(event="assessment.submitted").changes


def test_only_the_unit_head_or_coordinator_submits_and_only_a_draft_or_returned(regency):
    assessment = draft_with_answers(regency)
    for user in (
        regency.operator_a,
        regency.anggota_a,
        regency.evaluator,
        regency.operator_b,
        regency.pimpinan,
    ):
        with pytest.raises(PermissionDenied):
            assessment_submit(assessment=assessment, actor=user, acknowledge_incomplete=True)
    assessment_submit(assessment=assessment, actor=regency.ketua_a, acknowledge_incomplete=True)
    with pytest.raises(ValidationError, match="tidak dapat diajukan"):
        assessment_submit(assessment=assessment, actor=regency.ketua_a, acknowledge_incomplete=True)


def test_late_submission_is_allowed_and_recorded_as_late(regency):
    today = dt.date.today()
    assessment = draft_with_answers(
        regency,
        self_start=today - dt.timedelta(days=40),
        self_end=today - dt.timedelta(days=10),
        review_start=today - dt.timedelta(days=9),
    )
    assessment_submit(assessment=assessment, actor=regency.ketua_a, acknowledge_incomplete=True)
    event = AuditEvent.objects.get(event="assessment.submitted")
    assert event.changes["late_days"] == 10
    assert event.changes["deadline"] == (today - dt.timedelta(days=10)).isoformat()


def _section(html: str, section_id: str) -> str:
    match = re.search(rf'id="{section_id}">(.*?)</details>', html, re.S)
    assert match, section_id
    return match.group(1)


def test_submit_page_shows_the_check_and_the_operator_gets_403_on_post(client, regency):
    assessment = draft_with_answers(regency)
    url = reverse("assessments:submit", kwargs={"pk": assessment.pk})
    client.force_login(regency.operator_a)
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    unanswered = _section(html, "belum-dijawab")
    assert "A.I.1.ii.b" in unanswered and "A.I.1.i.b<" not in unanswered
    assert "A.I.1.i.b" in _section(html, "tanpa-data-dukung")
    assert 'name="acknowledge_incomplete"' not in html  # the operator sees the check, not the button
    assert client.post(url, {"acknowledge_incomplete": "on"}).status_code == 403
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.DRAFT
    denial = AuditEvent.objects.filter(event="access.denied").latest("seq")
    assert denial.actor == regency.operator_a and denial.changes["action"] == "submit"


def test_submit_view_needs_the_checkbox_when_incomplete(client, regency):
    assessment = draft_with_answers(regency)
    url = reverse("assessments:submit", kwargs={"pk": assessment.pk})
    client.force_login(regency.ketua_a)
    assert 'name="acknowledge_incomplete"' in client.get(url).content.decode()
    refused = client.post(url, {})
    assert refused.status_code == 400
    assert "Penilaian belum lengkap" in refused.content.decode()
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.DRAFT
    done = client.post(url, {"acknowledge_incomplete": "on"})
    assert done.status_code == 302 and done["Location"] == reverse(
        "assessments:review", kwargs={"pk": assessment.pk}
    )
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.IN_REVIEW


def test_submit_page_of_another_unit_is_404(client, regency):
    assessment = draft_with_answers(regency)
    client.force_login(regency.operator_b)
    assert client.get(reverse("assessments:submit", kwargs={"pk": assessment.pk})).status_code == 404
