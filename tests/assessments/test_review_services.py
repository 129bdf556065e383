"""The staged TPI review: return, resubmit, advance, finalise (services)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.assessments.test_review_support import in_review, stages
from zona.assessments.models import Answer, Assessment, ReturnedItem
from zona.assessments.selectors.core import assessment_score
from zona.assessments.services.answers import answer_save
from zona.assessments.services.review import (
    assessment_submit,
    review_advance,
    review_finalise,
    review_return,
)
from zona.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

RETURNED = {
    "A.I.1.i.b": "Lampirkan notulen rapat pemilihan anggota tim.",
    "A.I.1.ii.a": "Rencana kerja belum ditandatangani.",
}


def test_stage_one_returns_two_items_and_only_those_are_unlocked_for_the_unit(regency):
    assessment = in_review(regency)
    stage1 = stages(assessment)[0]
    answer_save(
        assessment=assessment,
        item_code="A.I.1.i.b",
        value="B",
        actor=regency.evaluator,
        stage=stage1,
        note="Mekanisme pemilihan tidak terdokumentasi",
    )
    rows = review_return(assessment=assessment, stage=stage1, items=RETURNED, actor=regency.evaluator)
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.RETURNED and assessment.current_stage == stage1
    assert sorted(r.item_code for r in rows) == sorted(RETURNED)
    assert {r.item_code: r.comment for r in ReturnedItem.objects.all()} == RETURNED
    event = AuditEvent.objects.get(event="assessment.returned")
    assert event.changes["status"] == ["in_review", "returned"] and event.changes["items"] == RETURNED

    answer_save(
        assessment=assessment,
        item_code="A.I.1.i.b",
        value="A",
        actor=regency.operator_a,
        narrative="Notulen rapat terlampir",
    )
    answer_save(assessment=assessment, item_code="A.I.1.ii.a", value="Tidak", actor=regency.operator_a)
    for code in ("A.I.1.i.a", "A.I.1.ii.b", "B.I.a"):
        with pytest.raises(ValidationError, match="terkunci"):
            answer_save(assessment=assessment, item_code=code, value="A", actor=regency.operator_a)
    # while returned, the stage cannot write either
    with pytest.raises(ValidationError):
        answer_save(
            assessment=assessment, item_code="A.I.1.i.a", value="Tidak", actor=regency.evaluator, stage=stage1
        )


def test_each_returned_item_needs_a_comment_and_nothing_is_half_written(regency):
    assessment = in_review(regency)
    stage1 = stages(assessment)[0]
    with pytest.raises(ValidationError, match=r"catatan perbaikan untuk butir A\.I\.1\.ii\.a"):
        review_return(
            assessment=assessment,
            stage=stage1,
            items={"A.I.1.i.b": "Perbaiki", "A.I.1.ii.a": "  "},
            actor=regency.evaluator,
        )
    with pytest.raises(ValidationError, match=r"X\.9"):
        review_return(assessment=assessment, stage=stage1, items={"X.9": "?"}, actor=regency.evaluator)
    with pytest.raises(ValidationError, match="sedikitnya satu butir"):
        review_return(assessment=assessment, stage=stage1, items={}, actor=regency.evaluator)
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.IN_REVIEW and not ReturnedItem.objects.exists()


def test_only_the_units_evaluator_reviews(regency):
    assessment = in_review(regency)
    stage1 = stages(assessment)[0]
    for user in (regency.operator_a, regency.ketua_a, regency.koordinator, regency.pimpinan):
        with pytest.raises(PermissionDenied):
            review_return(assessment=assessment, stage=stage1, items=RETURNED, actor=user)
        with pytest.raises(PermissionDenied):
            review_advance(assessment=assessment, stage=stage1, actor=user)
        with pytest.raises(PermissionDenied):
            answer_save(assessment=assessment, item_code="A.I.1.i.a", value="Tidak", actor=user, stage=stage1)
    assert not Answer.objects.filter(stage__isnull=False).exists()


def test_resubmission_goes_back_to_the_stage_that_returned_and_resolves_the_items(regency):
    assessment = in_review(regency)
    stage1, stage2, _stage3 = stages(assessment)
    review_advance(assessment=assessment, stage=stage1, actor=regency.evaluator)
    assert assessment.current_stage == stage2
    review_return(assessment=assessment, stage=stage2, items=RETURNED, actor=regency.evaluator)
    answer_save(
        assessment=assessment,
        item_code="A.I.1.i.b",
        value="A",
        actor=regency.operator_a,
        narrative="Diperbaiki",
    )
    assessment_submit(assessment=assessment, actor=regency.ketua_a, acknowledge_incomplete=True)
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.IN_REVIEW and assessment.current_stage == stage2
    assert not ReturnedItem.objects.filter(resolved_at__isnull=True).exists()
    assert ReturnedItem.objects.count() == 2
    event = AuditEvent.objects.get(event="assessment.resubmitted")
    assert event.changes["status"] == ["returned", "in_review"] and event.changes["stage"] == [
        "Ketua tim",
        "Ketua tim",
    ]
    assert event.changes["resolved"] == sorted(RETURNED)
    with pytest.raises(ValidationError, match="terkunci"):
        answer_save(assessment=assessment, item_code="A.I.1.i.b", value="B", actor=regency.operator_a)


def test_stages_advance_in_order_and_the_last_finalises_with_both_scores_frozen(regency):
    assessment = in_review(regency)
    stage1, stage2, stage3 = stages(assessment)
    answer_save(
        assessment=assessment,
        item_code="A.I.1.i.a",
        value="Tidak",
        actor=regency.evaluator,
        stage=stage1,
        note="SK tim belum ada",
    )
    with pytest.raises(ValidationError, match="tahap terakhir"):
        review_finalise(assessment=assessment, actor=regency.evaluator)
    review_advance(assessment=assessment, stage=stage1, actor=regency.evaluator)
    with pytest.raises(ValidationError, match="tidak sedang direviu pada tahap Anggota tim"):
        review_advance(assessment=assessment, stage=stage1, actor=regency.evaluator)  # a stale page
    answer_save(
        assessment=assessment, item_code="A.I.1.ii.a", value="Tidak", actor=regency.evaluator, stage=stage2
    )
    review_advance(assessment=assessment, stage=stage2, actor=regency.evaluator)
    assert assessment.current_stage == stage3
    with pytest.raises(ValidationError, match="tahap terakhir"):
        review_advance(assessment=assessment, stage=stage3, actor=regency.evaluator)
    answer_save(
        assessment=assessment,
        item_code="A.I.1.i.a",
        value="Ya",
        actor=regency.evaluator,
        stage=stage3,
        note="SK tim ditunjukkan saat wawancara",
    )
    with pytest.raises(PermissionDenied):
        review_finalise(assessment=assessment, actor=regency.ketua_a)

    tpi_before = assessment_score(assessment, stage3).to_dict()
    unit_before = assessment_score(assessment).to_dict()
    assert tpi_before["total"] != unit_before["total"]
    review_finalise(assessment=assessment, actor=regency.evaluator)
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.FINAL and assessment.finalised_at is not None
    result = assessment.final_result
    assert result["tpi"] == tpi_before and result["unit"] == unit_before
    assert result["stage"] == "Pengendali teknis" and result["framework"].startswith("permenpanrb-90-2021 v")
    assert (
        result["answers"]["tpi"]["A.I.1.ii.a"] == "Tidak" and result["answers"]["unit"]["A.I.1.ii.a"] == "Ya"
    )
    assert AuditEvent.objects.get(event="assessment.finalised").changes["status"] == ["in_review", "final"]
    assert [
        e.changes["stage"] for e in AuditEvent.objects.filter(event="assessment.advanced").order_by("seq")
    ] == [
        ["Anggota tim", "Ketua tim"],
        ["Ketua tim", "Pengendali teknis"],
    ]

    for actor, stage in ((regency.operator_a, None), (regency.ketua_a, None), (regency.evaluator, stage3)):
        with pytest.raises(ValidationError):
            answer_save(assessment=assessment, item_code="A.I.1.i.a", value="Tidak", actor=actor, stage=stage)
    with pytest.raises(ValidationError):
        review_return(assessment=assessment, stage=stage3, items=RETURNED, actor=regency.evaluator)
    with pytest.raises(ValidationError):
        review_finalise(assessment=assessment, actor=regency.evaluator)
    with pytest.raises(ValidationError):
        assessment_submit(assessment=assessment, actor=regency.ketua_a, acknowledge_incomplete=True)
    assert assessment_score(assessment, stage3).to_dict()["total"] == result["tpi"]["total"]
    assessment.refresh_from_db()
    assert assessment.final_result == result
