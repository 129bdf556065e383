"""The review pages: what each role sees and may do, conflicts, history, query counts."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.assessments.test_review_support import (
    add_evidence,
    fill_everything,
    in_review,
    other_team_evaluator,
    second_evaluator,
    stages,
)
from zona.assessments.models import Answer, Assessment, ReturnedItem
from zona.assessments.selectors.core import assessment_score
from zona.assessments.services.answers import answer_save
from zona.assessments.services.review import review_advance, review_return
from zona.audit.models import AuditEvent
from zona.lke.numbers import format_id

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name: str, assessment: Assessment, **kwargs: str) -> str:
    return reverse(f"assessments:{name}", kwargs={"pk": assessment.pk, **kwargs})


def article(html: str, code: str) -> str:
    match = re.search(rf'<article[^>]*id="item-{re.escape(code)}".*?</article>', html, re.S)
    assert match, code
    return match.group(0)


def scores_row(html: str, label: str) -> list[str]:
    table = re.search(r'<table[^>]*id="rv-scores".*?</table>', html, re.S)
    assert table
    row = re.search(rf"<th scope=\"row\"[^>]*>{label}</th>(.*?)</tr>", table.group(0), re.S)
    assert row, label
    return [v.strip() for v in re.findall(r'data-(?:score|area)="(?:unit|stage)">([^<]*)', row.group(1))]


def test_review_page_highlights_differences_and_shows_both_scores(client, regency):
    assessment = in_review(regency)
    stage1 = stages(assessment)[0]
    answer_save(
        assessment=assessment,
        item_code="A.I.1.i.b",
        value="C",
        actor=regency.evaluator,
        stage=stage1,
        note="Tanpa seleksi",
    )
    answer_save(
        assessment=assessment, item_code="A.I.1.i.a", value="Ya", actor=regency.evaluator, stage=stage1
    )
    client.force_login(regency.evaluator)
    response = client.get(url("review", assessment))
    assert response.status_code == 200
    html = response.content.decode()
    changed = article(html, "A.I.1.i.b")
    assert "rv-different" in changed and "berbeda" in changed
    agreed = article(html, "A.I.1.i.a")
    assert "rv-different" not in agreed and "berbeda" not in agreed
    assert "Penjelasan A.I.1.i.b" in changed and "Tanpa seleksi" in changed

    unit = assessment_score(assessment)
    tpi = assessment_score(assessment, stage1)
    assert unit.total != tpi.total
    assert scores_row(html, "Nilai total") == [format_id(unit.total), format_id(tpi.total)]
    assert scores_row(html, "Pengungkit") == [format_id(unit.pengungkit), format_id(tpi.pengungkit)]
    area1_unit, area1_tpi = unit.areas[0], tpi.areas[0]
    assert scores_row(html, area1_unit.name) == [
        f"{format_id(area1_unit.score)} ({format_id(area1_unit.percent)} %)",
        f"{format_id(area1_tpi.score)} ({format_id(area1_tpi.percent)} %)",
    ]
    only_different = client.get(url("review", assessment), {"beda": "1"}).content.decode()
    assert 'id="item-A.I.1.i.b"' in only_different and 'id="item-A.I.1.i.a"' not in only_different
    area2 = client.get(url("review", assessment), {"area": "2"}).content.decode()
    assert 'id="item-A.I.2.i.a"' in area2 and 'id="item-A.I.1.i.b"' not in area2


def test_stage_answer_saves_over_htmx_and_the_form_comes_back_with_the_new_version(client, regency):
    assessment = in_review(regency)
    stage1 = stages(assessment)[0]
    client.force_login(regency.evaluator)
    response = client.post(
        url("review_answer", assessment, code="A.I.1.i.b"),
        {"value": "b", "note": "Sebagian unsur", "version": "0"},
        **HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-state="saved"' in html and 'name="version" value="1"' in html
    saved = Answer.objects.get(item_code="A.I.1.i.b", stage=stage1)
    assert (saved.value, saved.note, saved.updated_by) == ("B", "Sebagian unsur", regency.evaluator)
    assert Answer.objects.get(item_code="A.I.1.i.b", stage__isnull=True).value == "A"

    percent = client.post(
        url("review_answer", assessment, code="A.II.1.i.a"),
        {"input-perubahan": "3", "input-agen": "4", "version": "0"},
        **HTMX,
    )
    assert 'data-state="saved"' in percent.content.decode()
    assert Answer.objects.get(item_code="A.II.1.i.a", stage=stage1).value == {
        "inputs": {"perubahan": 3, "agen": 4}
    }

    bad = client.post(
        url("review_answer", assessment, code="A.I.1.i.b"), {"value": "F", "version": "1"}, **HTMX
    )
    assert 'data-state="error"' in bad.content.decode() and "A.I.1.i.b: pilihan" in bad.content.decode()
    assert Answer.objects.get(item_code="A.I.1.i.b", stage=stage1).value == "B"


def test_second_stage_saver_gets_a_conflict_with_the_newer_value_who_and_when(client, regency):
    assessment = in_review(regency)
    stage1 = stages(assessment)[0]
    other = second_evaluator(regency)
    client.force_login(regency.evaluator)
    client.post(url("review_answer", assessment, code="A.I.1.i.b"), {"value": "C", "version": "0"}, **HTMX)
    client.force_login(other)
    response = client.post(
        url("review_answer", assessment, code="A.I.1.i.b"),
        {"value": "A", "note": "Setuju dengan unit", "version": "0"},
        **HTMX,
    )
    html = response.content.decode()
    assert 'data-state="conflict"' in html
    assert str(regency.evaluator) in html and "\u201cC\u201d" in html and "Setuju dengan unit" in html
    assert 'name="version" value="1"' in html  # the form now starts from the newer version
    assert Answer.objects.get(item_code="A.I.1.i.b", stage=stage1).value == "C"


def test_operator_cannot_write_a_stage_answer(client, regency):
    assessment = in_review(regency)
    client.force_login(regency.operator_a)
    response = client.post(
        url("review_answer", assessment, code="A.I.1.i.b"), {"value": "C", "version": "0"}, **HTMX
    )
    assert response.status_code == 403
    assert not Answer.objects.filter(stage__isnull=False).exists()
    assert AuditEvent.objects.filter(event="access.denied", actor=regency.operator_a).exists()
    assert client.post(url("review_return", assessment), {"kembalikan": ["A.I.1.i.b"]}).status_code == 403
    assert (
        client.post(url("review_advance", assessment), {"tahap": stages(assessment)[0].pk}).status_code == 403
    )


def test_evaluator_of_another_units_team_gets_404(client, regency):
    assessment = in_review(regency)
    client.force_login(other_team_evaluator(regency))
    assert client.get(url("review", assessment)).status_code == 404
    assert client.get(url("answer_history", assessment, code="A.I.1.i.a")).status_code == 404
    assert (
        client.post(
            url("review_answer", assessment, code="A.I.1.i.b"), {"value": "C", "version": "0"}
        ).status_code
        == 404
    )
    assert not Answer.objects.filter(stage__isnull=False).exists()


def test_read_only_roles_see_the_state_and_the_stage_notes_only_once_returned(client, regency):
    assessment = in_review(regency)
    stage1 = stages(assessment)[0]
    answer_save(
        assessment=assessment,
        item_code="A.I.1.i.b",
        value="C",
        actor=regency.evaluator,
        stage=stage1,
        note="Catatan rahasia tahap 1",
    )
    for user in (regency.operator_a, regency.pimpinan, regency.koordinator):
        client.force_login(user)
        html = client.get(url("review", assessment)).content.decode()
        assert "Reviu TPI" in html and "rv-stage-form" not in html and 'id="rv-return"' not in html
        assert "Catatan rahasia tahap 1" not in html
    review_return(
        assessment=assessment,
        stage=stage1,
        items={"A.I.1.i.b": "Lengkapi bukti seleksi"},
        actor=regency.evaluator,
    )
    client.force_login(regency.operator_a)
    html = client.get(url("review", assessment)).content.decode()
    item = article(html, "A.I.1.i.b")
    assert (
        "Catatan rahasia tahap 1" in item and "Lengkapi bukti seleksi" in item and "rv-stage-form" not in html
    )
    returned_only = client.get(url("review", assessment), {"dikembalikan": "1"}).content.decode()
    assert returned_only.count("<article") == 1


def test_review_actions_through_the_pages_return_advance_and_finalise(client, regency):
    assessment = in_review(regency)
    stage1, stage2, stage3 = stages(assessment)
    client.force_login(regency.evaluator)
    missing = client.post(
        url("review_return", assessment),
        {
            "tahap": stage1.pk,
            "kembalikan": ["A.I.1.i.b", "A.I.1.ii.a"],
            "komentar-A.I.1.i.b": "Perbaiki bukti",
        },
    )
    assert missing.status_code == 400
    html = missing.content.decode()
    assert "catatan perbaikan untuk butir A.I.1.ii.a" in html and "Perbaiki bukti</textarea>" in html
    assert not ReturnedItem.objects.exists()

    advanced = client.post(url("review_advance", assessment), {"tahap": stage1.pk})
    assert advanced.status_code == 302
    assessment.refresh_from_db()
    assert assessment.current_stage == stage2
    client.post(url("review_advance", assessment), {"tahap": stage2.pk})
    page = client.get(url("review", assessment)).content.decode()
    assert "Finalkan" in page and "Lanjut ke tahap berikutnya" not in page
    finalised = client.post(url("review_finalise", assessment), {"tahap": stage3.pk})
    assert finalised.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.FINAL
    page = client.get(url("review", assessment)).content.decode()
    assert "rv-stage-form" not in page and "Finalkan" not in page


def test_history_lists_every_revision_in_order(client, regency):
    assessment = in_review(regency)  # operator-a answered A.I.1.i.b "A" (v1)
    stage1 = stages(assessment)[0]
    answer_save(
        assessment=assessment,
        item_code="A.I.1.i.b",
        value="C",
        actor=regency.evaluator,
        stage=stage1,
        note="Belum diseleksi",
    )
    answer_save(
        assessment=assessment,
        item_code="A.I.1.i.b",
        value="B",
        actor=regency.evaluator,
        stage=stage1,
        note="Sebagian diseleksi",
    )
    review_return(
        assessment=assessment, stage=stage1, items={"A.I.1.i.b": "Lampirkan notulen"}, actor=regency.evaluator
    )
    answer_save(
        assessment=assessment,
        item_code="A.I.1.i.b",
        value="A",
        actor=regency.operator_a,
        narrative="Notulen terlampir",
    )
    client.force_login(regency.operator_a)
    html = client.get(url("answer_history", assessment, code="A.I.1.i.b")).content.decode()
    assert re.findall(r"<td data-value>([^<]*)</td>", html) == ["A", "C", "B", "A"]
    assert html.index("Belum diseleksi") < html.index("Sebagian diseleksi") < html.index("Notulen terlampir")
    assert client.get(url("answer_history", assessment, code="X.9")).status_code == 404


def test_history_hides_stage_revisions_from_the_unit_while_in_review(client, regency):
    assessment = in_review(regency)
    answer_save(
        assessment=assessment,
        item_code="A.I.1.i.b",
        value="C",
        actor=regency.evaluator,
        stage=stages(assessment)[0],
        note="Belum diseleksi",
    )
    client.force_login(regency.pimpinan)
    html = client.get(url("answer_history", assessment, code="A.I.1.i.b")).content.decode()
    assert re.findall(r"<td data-value>([^<]*)</td>", html) == ["A"] and "Belum diseleksi" not in html
    client.force_login(regency.evaluator)
    html = client.get(url("answer_history", assessment, code="A.I.1.i.b")).content.decode()
    assert re.findall(r"<td data-value>([^<]*)</td>", html) == ["A", "C"]


def test_review_page_costs_the_same_queries_with_no_or_all_answers(client, regency):
    assessment = in_review(regency)
    Answer.objects.filter(assessment=assessment).delete()
    assessment.evidence.all().delete()
    stage1, stage2, _stage3 = stages(assessment)
    review_advance(assessment=assessment, stage=stage1, actor=regency.evaluator)
    client.force_login(regency.evaluator)
    page = url("review", assessment)
    client.get(page)  # warm the framework cache
    with CaptureQueriesContext(connection) as empty:
        assert client.get(page).status_code == 200
    fill_everything(assessment, regency.operator_a)
    add_evidence(assessment, regency.operator_a, ["A.I.1.i.a", "A.I.1.i.b"])
    for stage, value in ((stage1, "Tidak"), (stage2, "Ya")):
        for code in ("A.I.1.i.a", "A.I.1.ii.a", "A.I.2.i.a"):
            Answer.objects.create(
                assessment=assessment,
                stage=stage,
                item_code=code,
                value=value,
                note="catatan",
                updated_by=regency.evaluator,
            )
    review_return(
        assessment=assessment,
        stage=stage2,
        items={"A.I.1.i.a": "x", "A.I.2.i.a": "y"},
        actor=regency.evaluator,
    )
    Assessment.objects.filter(pk=assessment.pk).update(status=Assessment.Status.IN_REVIEW)
    with CaptureQueriesContext(connection) as full:
        response = client.get(page)
    assert response.status_code == 200 and response.content.decode().count("<article") == 113
    assert len(full) == len(empty), [q["sql"] for q in full.captured_queries]
    # 16 for the page, plus one for the evaluators named for the current stage (separation of duties)
    assert len(full) <= 17, "\n".join(q["sql"][:150] for q in full.captured_queries)


def test_last_stage_writes_area_findings_and_recommendations_audited(client, regency):
    assessment = in_review(regency)
    stage1, stage2, stage3 = stages(assessment)
    client.force_login(regency.evaluator)
    early = client.post(url("review_area_note", assessment, number="3"), {"findings": "x"})
    assert early.status_code == 403 or "tidak sedang direviu pada tahap" in early.content.decode()
    assert not assessment.area_notes.exists()
    page = client.get(url("review", assessment)).content.decode()
    assert 'id="area-notes"' not in page  # only at the last stage
    review_advance(assessment=assessment, stage=stage1, actor=regency.evaluator)
    review_advance(assessment=assessment, stage=stage2, actor=regency.evaluator)
    page = client.get(url("review", assessment)).content.decode()
    assert 'id="area-note-3"' in page and "Penataan Sistem Manajemen SDM Aparatur" in page
    saved = client.post(
        url("review_area_note", assessment, number="3"),
        {"findings": "Pola mutasi belum ditetapkan.", "recommendations": "Tetapkan SK pola mutasi."},
    )
    assert saved.status_code == 302
    note = assessment.area_notes.get(area=3)
    assert note.findings == "Pola mutasi belum ditetapkan." and note.updated_by == regency.evaluator
    event = AuditEvent.objects.filter(event="assessment.area_note_saved").get()
    assert event.changes["area"] == 3 and event.changes["stage"] == stage3.name
    assert event.changes["findings"] == ["", "Pola mutasi belum ditetapkan."]
    unknown = client.post(url("review_area_note", assessment, number="9"), {"findings": "x"})
    assert unknown.status_code == 400 and "Area 9 tidak ada dalam LKE ini." in unknown.content.decode()
    too_long = client.post(url("review_area_note", assessment, number="1"), {"findings": "x" * 5001})
    assert too_long.status_code == 400 and "terlalu panjang (5001 karakter" in too_long.content.decode()
    client.force_login(regency.operator_a)
    denied = client.post(url("review_area_note", assessment, number="3"), {"findings": "ganti"})
    assert denied.status_code in (403, 404)
    assert assessment.area_notes.get(area=3).findings == "Pola mutasi belum ditetapkan."


def _confirm_of(html: str, action: str) -> dict[str, str]:
    """The data-zona-confirm attributes of the submit buttons of the form posting to `action`."""
    import html as html_lib

    found = {}
    for form in re.findall(rf'<form[^>]*action="{re.escape(action)}".*?</form>', html, re.S):
        for attrs in re.findall(r"<button([^>]*)>", form):
            for name, value in re.findall(r'(data-zona-confirm(?:-count)?)="([^"]*)"', attrs):
                found[name] = html_lib.unescape(value)
    return found


def test_returning_advancing_and_finalising_ask_a_confirmation_that_says_what_will_happen(client, regency):
    assessment = in_review(regency)
    client.force_login(regency.evaluator)
    html = client.get(url("review", assessment)).content.decode()
    returning = _confirm_of(html, url("review_return", assessment))
    assert returning["data-zona-confirm-count"] == "kembalikan"  # zona.js puts the ticked count in {n}
    assert returning["data-zona-confirm"].startswith("Kembalikan {n} butir ke unit?")
    assert html.count('data-zona-confirm-count="kembalikan"') == 2  # the bottom button asks as well
    first, second, last = stages(assessment)
    advancing = _confirm_of(html, url("review_advance", assessment))
    assert f"“{first.name}” ditutup" in advancing["data-zona-confirm"]
    assert f"ke tahap “{second.name}”" in advancing["data-zona-confirm"]

    assessment.current_stage = last
    assessment.save(update_fields=["current_stage"])
    html = client.get(url("review", assessment)).content.decode()
    finalising = _confirm_of(html, url("review_finalise", assessment))
    assert f"Finalkan penilaian {regency.unit_a.name}?" in finalising["data-zona-confirm"]
    assert "tidak dapat dibatalkan" in finalising["data-zona-confirm"]
