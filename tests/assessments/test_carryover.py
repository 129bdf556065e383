"""Carrying a unit's 52/2014 LKE over to its new 90/2021 draft: the preview, the apply, who may do it."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tests.assessments.helpers import assessment_of, lke_2021, open_period
from zona.assessments.models import Answer, AnswerRevision, Evidence
from zona.assessments.selectors.carryover import (
    CarryoverUnavailable,
    carryover_candidates,
    carryover_preview,
    carryover_source,
)
from zona.assessments.services.answers import answer_save
from zona.assessments.services.carryover import carryover_apply
from zona.assessments.services.evidence import evidence_link
from zona.assessments.services.review import assessment_submit
from zona.audit.models import AuditEvent
from zona.frameworks.models import Framework

pytestmark = pytest.mark.django_db

EARLIER_ANSWERS = {
    "A.I.1.a": "Ya",  # -> A.I.1.i.a same question: carries
    "A.I.1.b": "A",  # -> A.I.1.i.b only data dukung (criteria changed): answered anew
    "A.I.2.a": "Ya",  # -> A.I.1.ii.a same question, but the new draft already says Tidak: kept
    "A.I.3.a": "B",  # -> A.I.1.iii.a same question: carries
    "A.III.4.c": "C",  # -> A.I.3.iv.c same question (A-E in both): carries
    "A.IV.2.e": "Tidak",  # -> A.I.4.ii.e same question: carries
    "A.IV.1.a": "Ya",  # -> A.I.4.i.a Y/T became A/B/C: answered anew
    "B.I.1": "3.5",  # IPAK of an earlier year: nothing carries to B.I.a
}
EARLIER_LINKS = {
    "A.I.1.a": "https://contoh.go.id/sk-tim-zi-2020.pdf",  # -> A.I.1.i.a
    "A.I.1.b": "https://contoh.go.id/notulen-seleksi-2020.pdf",  # -> A.I.1.i.b (evidence only)
    "A.VI.2.c": "https://contoh.go.id/sk-sanksi-kompensasi.pdf",  # -> A.I.6.ii.c and A.I.6.ii.d
    "B.I.1": "https://contoh.go.id/survei-2020.pdf",  # -> nothing
}
CARRIED = {"A.I.1.i.a": "Ya", "A.I.1.iii.a": "B", "A.I.3.iv.c": "C", "A.I.4.ii.e": "Tidak"}


@pytest.fixture
def two_periods(regency):
    """Unit A answered its 2020 LKE under 52/2014; its new draft under 90/2021 has one answer and one link."""
    lke_2021()  # loads the shipped frameworks
    lke_2014 = Framework.objects.get(code="permenpanrb-52-2014")
    earlier_period = open_period(
        regency, framework=lke_2014, year=2020, units=[regency.unit_a, regency.unit_b]
    )
    earlier = assessment_of(earlier_period, regency.unit_a)
    for code, value in EARLIER_ANSWERS.items():
        answer_save(assessment=earlier, item_code=code, value=value, actor=regency.operator_a)
    for code, url in EARLIER_LINKS.items():
        evidence_link(
            assessment=earlier, item_code=code, url=url, title=f"Data dukung {code}", actor=regency.operator_a
        )
    target = assessment_of(open_period(regency), regency.unit_a)
    answer_save(assessment=target, item_code="A.I.1.ii.a", value="Tidak", actor=regency.operator_a)
    evidence_link(
        assessment=target, item_code="A.I.6.ii.d", url="https://contoh.go.id/kompensasi-2025.pdf",
        title="Kompensasi", actor=regency.operator_a,
    )  # fmt: skip
    return earlier, target


def _state(assessment):
    return (
        sorted(Answer.objects.filter(assessment=assessment).values_list("item_code", "value")),
        sorted(Evidence.objects.filter(assessment=assessment).values_list("item_code", "url")),
    )


def test_preview_shows_what_carries_over_and_writes_nothing(two_periods, regency):
    earlier, target = two_periods
    before = _state(target), AuditEvent.objects.count()
    assert carryover_source(target) == earlier
    preview = carryover_preview(source=earlier, target=target)
    assert {row.code: row.source_answer for row in preview.answers} == CARRIED
    rows = {row.code: row for row in preview.rows}
    assert len(rows) == 113
    assert rows["A.I.1.ii.a"].status == "kept" and rows["A.I.1.ii.a"].source_display == "Ya"
    assert rows["A.I.1.i.b"].status == "anew" and rows["A.I.1.i.b"].kind == "same_evidence"
    assert rows["A.I.4.i.a"].status == "anew" and not rows["A.I.4.i.a"].answer_carries
    assert rows["B.I.a"].kind == "none" and rows["B.I.a"].status == "anew" and not rows["B.I.a"].evidence
    links = {row.code: [e.url for e in row.evidence] for row in preview.rows if row.evidence}
    assert links == {
        "A.I.1.i.a": [EARLIER_LINKS["A.I.1.a"]],
        "A.I.1.i.b": [EARLIER_LINKS["A.I.1.b"]],
        "A.I.6.ii.c": [EARLIER_LINKS["A.VI.2.c"]],  # A.I.6.ii.d keeps its own data dukung
    }
    assert preview.evidence_count == 3
    assert len(preview.anew) == 113 - len(CARRIED) - 1
    assert preview.source_layer == "jawaban unit (penilaian mandiri)"
    assert (_state(target), AuditEvent.objects.count()) == before


def test_apply_fills_only_blanks_in_one_audited_transaction(two_periods, regency):
    earlier, target = two_periods
    preview = carryover_preview(source=earlier, target=target)
    result = carryover_apply(source=earlier, target=target, actor=regency.operator_a, token=preview.token)
    assert (result.answers, result.evidence) == (4, 3)
    unit_answers = dict(
        Answer.objects.filter(assessment=target, stage=None).values_list("item_code", "value")
    )
    assert unit_answers == {**CARRIED, "A.I.1.ii.a": "Tidak"}  # the existing answer is not overwritten
    carried = Answer.objects.get(assessment=target, item_code="A.I.3.iv.c")
    assert carried.version == 1 and carried.updated_by == regency.operator_a
    assert carried.narrative == "Dibawa dari penilaian 2020 (permenpanrb-52-2014), butir A.III.4.c."
    assert AnswerRevision.objects.filter(answer=carried, version=1, value="C").exists()
    copied = Evidence.objects.filter(assessment=target, url=EARLIER_LINKS["A.VI.2.c"])
    assert list(copied.values_list("item_code", flat=True)) == ["A.I.6.ii.c"]
    target.refresh_from_db()
    assert target.copied_from == earlier
    event = AuditEvent.objects.get(event="assessment.carried_over")
    assert event.actor_id == regency.operator_a.pk
    assert set(event.changes["answers"]) == set(CARRIED)
    assert event.changes["answers"]["A.I.3.iv.c"] == {"from": ["A.III.4.c"], "value": "C"}
    assert event.changes["mapping"] == "permenpanrb-52-2014 → permenpanrb-90-2021"
    again = carryover_preview(source=earlier, target=target)
    assert not again.has_changes  # everything that could carry has, and nothing is copied twice


def test_a_stale_preview_is_refused_and_nothing_is_written(two_periods, regency):
    earlier, target = two_periods
    preview = carryover_preview(source=earlier, target=target)
    answer_save(assessment=target, item_code="A.I.1.iii.a", value="D", actor=regency.operator_a)
    before = _state(target)
    with pytest.raises(ValidationError, match="berubah sejak pratinjau"):
        carryover_apply(source=earlier, target=target, actor=regency.operator_a, token=preview.token)
    assert _state(target) == before
    assert not AuditEvent.objects.filter(event="assessment.carried_over").exists()


def test_only_the_units_team_or_koordinator_on_a_draft(two_periods, regency):
    earlier, target = two_periods
    token = carryover_preview(source=earlier, target=target).token
    for outsider in (regency.operator_b, regency.evaluator, regency.pimpinan):
        with pytest.raises(PermissionDenied):
            carryover_apply(source=earlier, target=target, actor=outsider, token=token)
    other = assessment_of(earlier.period, regency.unit_b)
    with pytest.raises(ValidationError, match="unit yang sama"):
        carryover_apply(source=other, target=target, actor=regency.koordinator, token=token)
    assert not AuditEvent.objects.filter(event="assessment.carried_over").exists()
    result = carryover_apply(source=earlier, target=target, actor=regency.koordinator, token=token)
    assert result.answers == 4


def test_same_framework_or_no_earlier_assessment_offers_nothing(two_periods, regency):
    earlier, target = two_periods
    with pytest.raises(CarryoverUnavailable):
        carryover_source(earlier)  # nothing before the 2020 LKE
    same = assessment_of(
        open_period(regency, year=target.period.year - 1, units=[regency.unit_a]), regency.unit_a
    )
    assert list(carryover_candidates(target)) == [earlier]  # the 90/2021 one is "mulai dari periode lalu"
    assert same.period.framework == target.period.framework


def test_a_submitted_draft_takes_nothing(two_periods, regency):
    earlier, target = two_periods
    token = carryover_preview(source=earlier, target=target).token
    assessment_submit(assessment=target, actor=regency.ketua_a, acknowledge_incomplete=True)
    with pytest.raises(ValidationError, match="berstatus draf"):
        carryover_apply(source=earlier, target=target, actor=regency.ketua_a, token=token)
    assert not Answer.objects.filter(assessment=target, item_code="A.I.1.i.a").exists()


# ---- the page ------------------------------------------------------------------------------------------


def url(assessment):
    return reverse("assessments:carryover", kwargs={"pk": assessment.pk})


def test_page_shows_the_preview_then_applies_it_on_confirmation(client, two_periods, regency):
    earlier, target = two_periods
    client.force_login(regency.operator_a)
    worksheet = client.get(reverse("assessments:worksheet", kwargs={"pk": target.pk})).content.decode()
    assert url(target) in worksheet and "Lihat pratinjau" in worksheet
    before = _state(target)
    page = client.get(url(target))
    assert page.status_code == 200
    body = page.content.decode()
    assert _state(target) == before  # looking writes nothing
    assert "Penilaian ZI 2020" in body and "LKE Zona Integritas PermenPANRB 52/2014" in body
    assert 'id="butir-A.I.3.iv.c"' in body and "Jawaban C dibawa." in body
    assert "Sudah dijawab (Tidak); tetap." in body
    assert "Salin 4 jawaban dan data dukungnya ke draf" in body
    token = page.context["preview"].token
    response = client.post(url(target), {"token": token, "dari": str(earlier.pk)})
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:worksheet", kwargs={"pk": target.pk})
    assert Answer.objects.filter(assessment=target, stage=None).count() == 5
    assert "Tidak ada lagi yang dapat dibawa" in client.get(url(target)).content.decode()


def test_page_refuses_a_stale_confirmation_with_the_new_preview(client, two_periods, regency):
    earlier, target = two_periods
    client.force_login(regency.koordinator)
    response = client.post(url(target), {"token": "0" * 32, "dari": str(earlier.pk)})
    assert response.status_code == 409
    assert "berubah sejak pratinjau" in response.content.decode()
    assert not Answer.objects.filter(assessment=target, item_code="A.I.1.i.a").exists()


def test_another_units_operator_gets_404_and_a_viewer_403(client, two_periods, regency):
    earlier, target = two_periods
    token = carryover_preview(source=earlier, target=target).token
    before = _state(target)
    client.force_login(regency.operator_b)
    assert client.get(url(target)).status_code == 404
    assert client.post(url(target), {"token": token}).status_code == 404
    client.force_login(regency.pimpinan)
    assert client.get(url(target)).status_code == 403
    client.force_login(regency.evaluator)
    assert client.post(url(target), {"token": token}).status_code == 403
    assert _state(target) == before
    assert AuditEvent.objects.filter(event="access.denied", actor=regency.operator_b).exists()
