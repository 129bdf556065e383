from __future__ import annotations

from fractions import Fraction

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.assessments.helpers import assessment_of, open_period
from zona.assessments.models import Answer, AnswerRevision, Assessment
from zona.assessments.selectors.core import assessment_score, effective_answers
from zona.assessments.services.answers import AnswerConflict, answer_save
from zona.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_unit_answer_is_validated_scored_revised_and_audited(regency):
    assessment = assessment_of(open_period(regency), regency.unit_a)
    result = answer_save(assessment=assessment, item_code="A.I.1.i.a", value="ya", actor=regency.operator_a)
    assert result.changed and result.answer.value == "Ya" and result.answer.version == 1
    answer_save(
        assessment=assessment,
        item_code="A.I.1.i.b",
        value="b",
        actor=regency.operator_a,
        narrative="Tim dipilih melalui rapat",
        expected_version=0,
    )
    score = assessment_score(assessment)
    assert score.node("A.I.1.i") == Fraction("0.375")
    assert AnswerRevision.objects.count() == 2
    event = AuditEvent.objects.filter(event="answer.saved").latest("seq")
    assert event.changes["value"] == [None, "B"] and event.unit_id == regency.unit_a.pk


def test_bad_answer_names_the_item_and_writes_nothing(regency):
    assessment = assessment_of(open_period(regency), regency.unit_a)
    with pytest.raises(ValidationError, match=r"A\.I\.1\.i\.b: pilihan 'F' tidak ada"):
        answer_save(assessment=assessment, item_code="A.I.1.i.b", value="F", actor=regency.operator_a)
    with pytest.raises(ValidationError, match=r"Kode butir X\.1 tidak ada"):
        answer_save(assessment=assessment, item_code="X.1", value="A", actor=regency.operator_a)
    assert Answer.objects.count() == 0


def test_second_saver_gets_a_conflict_with_the_newer_value(regency):
    assessment = assessment_of(open_period(regency), regency.unit_a)
    first = answer_save(
        assessment=assessment, item_code="A.I.1.i.b", value="A", actor=regency.operator_a, expected_version=0
    )
    answer_save(
        assessment=assessment, item_code="A.I.1.i.b", value="B", actor=regency.ketua_a, expected_version=1
    )
    with pytest.raises(AnswerConflict) as excinfo:
        answer_save(
            assessment=assessment,
            item_code="A.I.1.i.b",
            value="C",
            actor=regency.operator_a,
            expected_version=first.answer.version,
        )
    assert excinfo.value.answer.value == "B" and excinfo.value.answer.version == 2
    assert Answer.objects.get().value == "B"


def test_other_unit_evaluator_and_reader_cannot_write_the_unit_answer(regency):
    assessment = assessment_of(open_period(regency), regency.unit_a)
    for user in (regency.operator_b, regency.evaluator, regency.anggota_a, regency.pimpinan):
        with pytest.raises(PermissionDenied):
            answer_save(assessment=assessment, item_code="A.I.1.i.a", value="Ya", actor=user)
    assert Answer.objects.count() == 0


def test_submitted_assessment_is_locked_for_the_unit(regency):
    assessment = assessment_of(open_period(regency), regency.unit_a)
    Assessment.objects.filter(pk=assessment.pk).update(status=Assessment.Status.SUBMITTED)
    with pytest.raises(ValidationError, match="terkunci"):
        answer_save(assessment=assessment, item_code="A.I.1.i.a", value="Ya", actor=regency.operator_a)


def test_stage_answers_overlay_the_unit_answers_in_order(regency):
    period = open_period(regency)
    assessment = assessment_of(period, regency.unit_a)
    answer_save(assessment=assessment, item_code="A.I.1.i.a", value="Ya", actor=regency.operator_a)
    answer_save(assessment=assessment, item_code="A.I.1.i.b", value="A", actor=regency.operator_a)
    stage1, stage2, _stage3 = period.stages.all()
    Assessment.objects.filter(pk=assessment.pk).update(
        status=Assessment.Status.IN_REVIEW, current_stage=stage1
    )
    assessment.refresh_from_db()
    answer_save(
        assessment=assessment,
        item_code="A.I.1.i.b",
        value="C",
        actor=regency.evaluator,
        stage=stage1,
        note="SK tim tanpa mekanisme seleksi",
    )
    assert effective_answers(assessment) == {"A.I.1.i.a": "Ya", "A.I.1.i.b": "A"}
    assert effective_answers(assessment, stage1) == {"A.I.1.i.a": "Ya", "A.I.1.i.b": "C"}
    assert effective_answers(assessment, stage2) == {"A.I.1.i.a": "Ya", "A.I.1.i.b": "C"}
    with pytest.raises(ValidationError):
        answer_save(
            assessment=assessment, item_code="A.I.1.i.b", value="B", actor=regency.evaluator, stage=stage2
        )


def test_copy_previous_period_starts_from_last_answers(regency):
    first = open_period(regency, year=2025, units=[regency.unit_a])
    old = assessment_of(first, regency.unit_a)
    answer_save(assessment=old, item_code="A.I.1.i.a", value="Ya", actor=regency.operator_a)
    second = open_period(regency, year=2026, units=[regency.unit_a], copy_previous=True)
    new = assessment_of(second, regency.unit_a)
    assert effective_answers(new) == {"A.I.1.i.a": "Ya"}
    assert new.copied_from_id == old.pk and new.status == Assessment.Status.DRAFT
