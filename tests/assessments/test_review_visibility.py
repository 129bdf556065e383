"""Findings of the independent review: what the unit sees of a TPI review in progress, who writes the
official LHE, who may comment, and that every 403 is in the audit trail."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.assessments.test_review_support import in_review, stages
from zona.assessments.models import Assessment, Comment
from zona.assessments.services.answers import answer_save
from zona.assessments.services.collab import comment_add
from zona.assessments.services.review import lhe_generate_after_commit, review_advance, review_finalise
from zona.audit.models import AuditEvent, DenialTally
from zona.documents.models import Document

pytestmark = pytest.mark.django_db


def stage_one_changed(regency):
    assessment = in_review(regency)
    stage = stages(assessment)[0]
    answer_save(
        assessment=assessment,
        item_code="A.I.1.i.b",
        value="C",
        actor=regency.evaluator,
        stage=stage,
        note="Catatan TPI rahasia sampai dikembalikan",
    )
    return assessment


def test_unit_team_cannot_read_the_tpi_layer_while_review_is_under_way(regency, client):
    assessment = stage_one_changed(regency)
    client.force_login(regency.operator_a)
    assert client.get(f"/penilaian/{assessment.pk}/unduh/lke.xlsx?lapis=tpi").status_code == 403
    assert client.get(f"/penilaian/{assessment.pk}/lhe.pdf").status_code == 403
    assert client.get(f"/penilaian/{assessment.pk}/unduh/lke.xlsx").status_code == 200
    scores = client.get(f"/penilaian/{assessment.pk}/nilai/").content.decode()
    assert "Reviu TPI (tahap" not in scores
    client.force_login(regency.evaluator)
    assert client.get(f"/penilaian/{assessment.pk}/unduh/lke.xlsx?lapis=tpi").status_code == 200
    assert client.get(f"/penilaian/{assessment.pk}/lhe.pdf").status_code == 200
    assert "Reviu TPI (tahap" in client.get(f"/penilaian/{assessment.pk}/nilai/").content.decode()
    denied = AuditEvent.objects.get(event="access.denied", actor=regency.operator_a)  # folded per minute
    assert DenialTally.objects.get(pk=denied.changes["denial_tally"]).count == 2


def test_the_official_lhe_is_written_at_finalisation_by_the_evaluator(
    regency, client, django_capture_on_commit_callbacks
):
    assessment = in_review(regency)
    for stage in stages(assessment)[:-1]:
        review_advance(assessment=assessment, stage=stage, actor=regency.evaluator)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        review_finalise(assessment=assessment, actor=regency.evaluator)
        assessment.refresh_from_db()
        assert assessment.lhe_document_id is None  # not rendered inside the finalising transaction
    assert [cb for cb in callbacks if getattr(cb, "func", None) is lhe_generate_after_commit]  # after COMMIT
    assessment.refresh_from_db()
    document = Document.objects.get(pk=assessment.lhe_document_id)
    assert document.kind == Document.Kind.LHE and document.uploaded_by == regency.evaluator
    client.force_login(regency.pimpinan)
    before = AuditEvent.objects.count()
    response = client.get(f"/penilaian/{assessment.pk}/lhe.pdf")
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert AuditEvent.objects.count() == before  # reading the LHE writes nothing


def test_read_only_roles_do_not_comment_and_nobody_comments_a_final_assessment(regency):
    assessment = in_review(regency)
    for reader in (regency.pimpinan,):
        with pytest.raises(PermissionDenied):
            comment_add(assessment=assessment, item_code="A.I.1.i.a", text="Catatan", actor=reader)
    comment_add(assessment=assessment, item_code="A.I.1.i.a", text="Mohon notulen", actor=regency.evaluator)
    Assessment.objects.filter(pk=assessment.pk).update(status=Assessment.Status.FINAL)
    assessment.refresh_from_db()
    with pytest.raises(ValidationError):
        comment_add(assessment=assessment, item_code="A.I.1.i.a", text="Terlambat", actor=regency.evaluator)
    assert Comment.objects.count() == 1


def test_every_403_is_audited_once(regency, client):
    client.force_login(regency.operator_a)
    assert client.get("/unit/baru/").status_code == 403
    assert client.get("/audit/").status_code == 403
    # folded: one audit record for the person's refusals of the minute, with their count
    denied = AuditEvent.objects.get(event="access.denied", actor=regency.operator_a)
    assert denied.changes["path"] == "/unit/baru/"
    assert DenialTally.objects.get(pk=denied.changes["denial_tally"]).count == 2


def test_a_failed_lhe_render_keeps_the_finalisation_is_recorded_and_retried(
    regency, client, django_capture_on_commit_callbacks, monkeypatch
):
    from zona.assessments.services import lhe

    assessment = in_review(regency)
    for stage in stages(assessment)[:-1]:
        review_advance(assessment=assessment, stage=stage, actor=regency.evaluator)

    def broken(*args, **kwargs):
        raise OSError("no fonts")

    monkeypatch.setattr(lhe, "lhe_render", broken)
    with django_capture_on_commit_callbacks(execute=True):
        review_finalise(assessment=assessment, actor=regency.evaluator)
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.FINAL and assessment.lhe_document_id is None
    failed = AuditEvent.objects.get(event="assessment.lhe_failed")
    assert failed.changes == {"error": "OSError: no fonts"} and failed.object_id == str(assessment.pk)
    monkeypatch.undo()
    client.force_login(regency.evaluator)  # the evaluator's next download writes it
    response = client.get(f"/penilaian/{assessment.pk}/lhe.pdf")
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assessment.refresh_from_db()
    assert Document.objects.get(pk=assessment.lhe_document_id).kind == Document.Kind.LHE
