from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.assessments.helpers import assessment_of, open_period
from tests.conftest import best_raw
from zona.assessments.models import Answer, Assessment, Comment, Evidence, ReturnedItem
from zona.assessments.selectors.core import engine_for
from zona.assessments.services.answers import answer_save
from zona.assessments.services.collab import assignment_set
from zona.audit.models import AuditEvent
from zona.lke.answers import answer_to_json, parse_answer
from zona.teams.models import TeamMember, ZiTeam

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
ITEM_ID = re.compile(r'<article id="item-([A-Za-z0-9.]+)"')


@pytest.fixture
def assessment(regency):
    return assessment_of(open_period(regency), regency.unit_a)


def worksheet_url(assessment, **query):
    url = reverse("assessments:worksheet", kwargs={"pk": assessment.pk})
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return url


def item_url(assessment, code):
    return reverse("assessments:answer_save", kwargs={"pk": assessment.pk, "code": code})


def items_shown(response) -> list[str]:
    return ITEM_ID.findall(response.content.decode())


def figure(html: str, name: str, element_id: str) -> str:
    """The number inside `data-figure=name` of the element `element_id` (out of band or not)."""
    start = html.index(f'id="{element_id}"')
    match = re.search(rf'data-figure="{name}">([^<]+)<', html[start:])
    assert match, f"{name} not found in #{element_id}"
    return match.group(1).strip()


def test_worksheet_shows_every_item_of_the_lke_with_its_controls(client, regency, assessment):
    client.force_login(regency.operator_a)
    response = client.get(worksheet_url(assessment))
    assert response.status_code == 200
    html = response.content.decode()
    codes = items_shown(response)
    assert len(codes) == 113 == len(set(codes))
    assert codes[0] == "A.I.1.i.a" and codes[-1] == "B.II.a"
    # choice: the option texts are the radio labels; evidence guidance shown
    assert "Ya, jika tim telah dibentuk di dalam unit kerja" in html
    assert "SK Tim Kerja Pembangunan ZI" in html
    # percent with named inputs, index 0-4 in steps of 0.01, hasil items rendered like any other
    assert 'name="input_agen"' in html and 'id="hitung-A-II-1-i-a"' in html
    assert re.search(r'name="value" id="nilai-B-I-a" value=""', html)
    # numbers are text inputs read by autosave.js (a type=number in an English browser turns 3,12 into 312)
    assert 'data-number="index" data-min="0" data-max="4"' in html and 'type="number"' not in html
    assert 'id="area-hasil"' in html and "Laporan survei persepsi anti korupsi" in html
    assert html.count('<form id="form-') == 113


def test_worksheet_costs_the_same_queries_with_no_answers_or_all_answers(client, regency, assessment):
    client.force_login(regency.operator_a)
    client.get(worksheet_url(assessment))  # warm the engine cache and the session
    with CaptureQueriesContext(connection) as empty:
        assert client.get(worksheet_url(assessment)).status_code == 200

    framework = engine_for(assessment)
    rows = []
    for code, raw in best_raw(framework).items():
        rows.append(
            Answer(
                assessment=assessment,
                item_code=code,
                value=answer_to_json(parse_answer(framework, framework.items[code], raw)),
                narrative="Sudah dilaksanakan",
                updated_by=regency.operator_a,
            )
        )
    Answer.objects.bulk_create(rows)
    Evidence.objects.bulk_create(
        Evidence(
            assessment=assessment,
            item_code=code,
            url=f"https://zona.example/{code}",
            title=code,
            added_by=regency.ketua_a,
        )
        for code in framework.items
    )
    Comment.objects.bulk_create(
        Comment(assessment=assessment, item_code=code, author=regency.evaluator, text="Cek lagi")
        for code in framework.items
    )
    with CaptureQueriesContext(connection) as full:
        response = client.get(worksheet_url(assessment))
    assert response.status_code == 200
    assert len(full) == len(empty), [q["sql"] for q in full.captured_queries]
    assert len(full) <= 15
    assert figure(response.content.decode(), "total", "ws-total") == "100,00"


def test_autosave_over_htmx_saves_audits_and_returns_the_new_figures(client, regency, assessment):
    client.force_login(regency.operator_a)
    response = client.post(
        item_url(assessment, "A.I.1.i.a"),
        {"value": "Ya", "version": "0", "narrative": "SK Kepala Dinas No. 12/2025"},
        headers=HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tersimpan" in html
    assert 'id="versi-A-I-1-i-a" value="1" hx-swap-oob="true"' in html
    assert figure(html, "item", "poin-A-I-1-i-a") == "0,25"
    assert figure(html, "indicator", "skor-ind-A-I-1-i") == "0,25"
    assert figure(html, "area-score", "progres-area-1") == "0,25"
    assert figure(html, "area-percent", "progres-area-1") == "3,13"
    assert figure(html, "total", "ws-total") == "0,25"
    assert 'id="ws-total" class="d-flex flex-wrap gap-3 align-items-center small" hx-swap-oob="true"' in html
    answer = Answer.objects.get(assessment=assessment, item_code="A.I.1.i.a")
    assert answer.value == "Ya" and answer.narrative == "SK Kepala Dinas No. 12/2025" and answer.version == 1
    event = AuditEvent.objects.filter(event="answer.saved").latest("seq")
    assert event.actor == regency.operator_a and event.changes["value"] == [None, "Ya"]

    # the next change carries the new version; an index item of the hasil component scores too
    response = client.post(item_url(assessment, "B.I.a"), {"value": "3.6", "version": "0"}, headers=HTMX)
    html = response.content.decode()
    assert figure(html, "item", "poin-B-I-a") == "15,75"
    assert figure(html, "total", "ws-total") == "16,00"
    assert figure(html, "hasil", "ws-total") == "15,75"


def test_percent_item_shows_the_computed_percentage(client, regency, assessment):
    client.force_login(regency.operator_a)
    response = client.post(
        item_url(assessment, "A.II.1.i.a"),
        {"input_perubahan": "3", "input_agen": "4", "version": "0"},
        headers=HTMX,
    )
    html = response.content.decode()
    assert '<output id="hitung-A-II-1-i-a" hx-swap-oob="true">75,00</output>' in html
    assert Answer.objects.get(item_code="A.II.1.i.a").value == {"inputs": {"perubahan": 3, "agen": 4}}


def test_without_javascript_the_form_saves_and_returns_to_the_item(client, regency, assessment):
    client.force_login(regency.operator_a)
    response = client.post(item_url(assessment, "A.I.1.i.b"), {"value": "B", "version": "0"})
    assert response.status_code == 302
    assert response["Location"] == worksheet_url(assessment) + "#item-A.I.1.i.b"
    assert Answer.objects.get(item_code="A.I.1.i.b").value == "B"


def test_stale_version_gets_the_conflict_fragment_and_saves_nothing(client, regency, assessment):
    answer_save(
        assessment=assessment,
        item_code="A.I.1.i.b",
        value="A",
        narrative="Seleksi terbuka",
        actor=regency.ketua_a,
        expected_version=0,
    )
    client.force_login(regency.operator_a)
    response = client.post(item_url(assessment, "A.I.1.i.b"), {"value": "C", "version": "0"}, headers=HTMX)
    assert response.status_code == 200
    assert response["HX-Retarget"] == '[id="item-A.I.1.i.b"]'
    html = response.content.decode()
    assert "baru saja diubah orang lain" in html
    assert re.search(r'data-conflict="value">A<', html)
    assert "ketua-a" in html or regency.ketua_a.full_name in html
    assert "Seleksi terbuka" in html
    assert "Pakai nilai terbaru" in html and "Timpa dengan jawaban saya" in html
    assert re.search(r'value="C" checked', html)  # the person's typed value stays visible
    assert 'name="version" id="versi-A-I-1-i-b" value="1"' in html  # overwriting posts the newer version
    assert 'data-autosave="submit"' in html  # no silent autosave over the newer value
    assert Answer.objects.get(item_code="A.I.1.i.b").value == "A"

    assert 'name="whole" value="1"' in html
    response = client.post(
        item_url(assessment, "A.I.1.i.b"), {"value": "C", "version": "1", "whole": "1"}, headers=HTMX
    )
    html = response.content.decode()
    assert "Tersimpan" in html and "baru saja diubah" not in html  # the item is redrawn without the conflict
    assert response["HX-Retarget"] == '[id="item-A.I.1.i.b"]'
    assert Answer.objects.get(item_code="A.I.1.i.b").value == "C"


def test_invalid_option_is_refused_with_a_message_naming_the_item(client, regency, assessment):
    client.force_login(regency.operator_a)
    response = client.post(item_url(assessment, "A.I.1.i.b"), {"value": "F", "version": "0"}, headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "A.I.1.i.b: pilihan &#x27;F&#x27; tidak ada" in html
    assert "Jawaban tidak disimpan." in html
    assert not Answer.objects.exists()
    response = client.post(item_url(assessment, "B.I.a"), {"value": "5", "version": "0"})
    assert response.status_code == 400 and "di luar rentang" in response.content.decode()
    assert not Answer.objects.exists()


def test_other_unit_gets_404_and_readers_get_403_on_saving(client, regency, assessment):
    client.force_login(regency.operator_b)
    assert client.get(worksheet_url(assessment)).status_code == 404
    assert client.post(item_url(assessment, "A.I.1.i.a"), {"value": "Ya"}, headers=HTMX).status_code == 404
    for user in (regency.evaluator, regency.anggota_a):
        client.force_login(user)
        page = client.get(worksheet_url(assessment))
        assert page.status_code == 200
        assert '<form id="form-' not in page.content.decode()
        assert "tidak dapat mengubahnya" in page.content.decode()
        response = client.post(
            item_url(assessment, "A.I.1.i.a"), {"value": "Ya", "version": "0"}, headers=HTMX
        )
        assert response.status_code == 403
        assert AuditEvent.objects.filter(event="access.denied", actor=user).exists()
    assert not Answer.objects.exists()


def test_pimpinan_and_unrelated_users(client, regency, assessment):
    client.force_login(regency.pimpinan)
    assert client.get(worksheet_url(assessment)).status_code == 200
    client.force_login(regency.pengawas)  # unit B only was published to the overseer
    assert client.get(worksheet_url(assessment)).status_code == 404
    page = client.get(worksheet_url(assessment_of(assessment.period, regency.unit_b)))
    assert page.status_code == 200 and '<form id="form-' not in page.content.decode()
    assert len(items_shown(page)) == 113
    client.force_login(regency.other_koordinator)
    assert client.get(worksheet_url(assessment)).status_code == 404


def test_submitted_assessment_is_read_only_and_saving_is_refused(client, regency, assessment):
    answer_save(assessment=assessment, item_code="A.I.1.i.a", value="Ya", actor=regency.operator_a)
    Assessment.objects.filter(pk=assessment.pk).update(status=Assessment.Status.SUBMITTED)
    client.force_login(regency.operator_a)
    html = client.get(worksheet_url(assessment)).content.decode()
    assert '<form id="form-' not in html
    assert "Terkunci: penilaian berstatus Diajukan." in html
    assert "Unggah berkas" not in html
    response = client.post(
        item_url(assessment, "A.I.1.i.a"), {"value": "Tidak", "version": "1"}, headers=HTMX
    )
    assert "terkunci" in response.content.decode()
    assert Answer.objects.get(item_code="A.I.1.i.a").value == "Ya"


def test_returned_assessment_unlocks_only_the_returned_items(client, regency, assessment):
    stage = assessment.period.stages.first()
    Assessment.objects.filter(pk=assessment.pk).update(status=Assessment.Status.RETURNED, current_stage=stage)
    ReturnedItem.objects.create(
        assessment=assessment,
        stage=stage,
        item_code="A.I.1.i.a",
        comment="Lampirkan SK tim yang ditandatangani",
        returned_by=regency.evaluator,
    )
    client.force_login(regency.operator_a)
    html = client.get(worksheet_url(assessment)).content.decode()
    assert html.count('<form id="form-') == 1 and 'id="form-A-I-1-i-a"' in html
    assert "Lampirkan SK tim yang ditandatangani" in html
    assert "Terkunci: butir ini tidak dikembalikan untuk perbaikan." in html
    refused = client.post(item_url(assessment, "A.I.1.i.b"), {"value": "A", "version": "0"}, headers=HTMX)
    assert "terkunci" in refused.content.decode()
    saved = client.post(item_url(assessment, "A.I.1.i.a"), {"value": "Ya", "version": "0"}, headers=HTMX)
    assert "Tersimpan" in saved.content.decode()
    assert list(Answer.objects.values_list("item_code", flat=True)) == ["A.I.1.i.a"]


def test_my_items_filter_uses_assignments_and_team_areas(client, regency, assessment):
    assignment_set(
        assessment=assessment,
        user=regency.operator_a,
        areas=[],
        item_codes=["A.II.6.i.a"],
        actor=regency.ketua_a,
    )
    team = ZiTeam.objects.create(unit=regency.unit_a, year=assessment.period.year)
    TeamMember.objects.create(
        team=team,
        user=regency.operator_a,
        name="Operator A",
        team_role=TeamMember.TeamRole.ANGGOTA,
        areas=[2],
    )
    framework = engine_for(assessment)
    area2 = [code for code in framework.items if framework.area_of(code) == 2]
    client.force_login(regency.operator_a)
    response = client.get(worksheet_url(assessment, saya="1"))
    assert sorted(items_shown(response)) == sorted([*area2, "A.II.6.i.a"])
    # another member sees nothing of theirs and is told what to do
    client.force_login(regency.ketua_a)
    response = client.get(worksheet_url(assessment, saya="1"))
    assert items_shown(response) == []
    assert "Tidak ada butir yang ditugaskan kepada Anda" in response.content.decode()


def test_area_and_status_filters(client, regency, assessment):
    answer_save(assessment=assessment, item_code="A.I.1.i.a", value="Ya", actor=regency.operator_a)
    client.force_login(regency.operator_a)
    assert len(items_shown(client.get(worksheet_url(assessment, status="belum")))) == 112
    assert items_shown(client.get(worksheet_url(assessment, area="hasil"))) == ["B.I.a", "B.I.b", "B.II.a"]
    framework = engine_for(assessment)
    area1 = [code for code in framework.items if framework.area_of(code) == 1]
    shown = items_shown(client.get(worksheet_url(assessment, area="1", status="belum")))
    assert shown == [code for code in area1 if code != "A.I.1.i.a"]
    # an unknown filter value is ignored rather than an error
    assert len(items_shown(client.get(worksheet_url(assessment, area="9", status="x")))) == 113


def test_item_fragment_get_gives_the_latest_value(client, regency, assessment):
    answer_save(assessment=assessment, item_code="A.I.1.i.b", value="B", actor=regency.ketua_a)
    client.force_login(regency.operator_a)
    response = client.get(item_url(assessment, "A.I.1.i.b"), headers=HTMX)
    html = response.content.decode()
    assert re.search(r'value="B" checked', html) and 'value="1"' in html
    assert client.get(item_url(assessment, "X.9")).status_code == 404
