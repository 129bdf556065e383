"""The server side of the worksheet's autosave script: outcomes it can tell apart, idempotent retries, CSP."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.assessments.helpers import assessment_of, open_period
from zona.assessments.models import Answer
from zona.assessments.services.answers import answer_save

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def assessment(regency):
    return assessment_of(open_period(regency), regency.unit_a)


def item_url(assessment, code):
    return reverse("assessments:answer_save", kwargs={"pk": assessment.pk, "code": code})


def test_each_htmx_save_says_what_became_of_it(client, regency, assessment):
    client.force_login(regency.operator_a)
    saved = client.post(item_url(assessment, "A.I.1.i.a"), {"value": "Ya", "version": "0"}, headers=HTMX)
    assert saved["X-Zona-Save"] == "saved" and "Tersimpan" in saved.content.decode()
    refused = client.post(item_url(assessment, "B.I.a"), {"value": "5", "version": "0"}, headers=HTMX)
    assert refused["X-Zona-Save"] == "invalid"
    assert "di luar rentang" in refused.content.decode()  # the server's message, shown in the item
    answer_save(assessment=assessment, item_code="A.I.1.i.b", value="A", actor=regency.ketua_a)
    conflict = client.post(item_url(assessment, "A.I.1.i.b"), {"value": "C", "version": "0"}, headers=HTMX)
    assert (
        conflict["X-Zona-Save"] == "conflict" and "baru saja diubah orang lain" in conflict.content.decode()
    )
    fresh = client.get(item_url(assessment, "A.I.1.i.b"), headers=HTMX)
    assert "X-Zona-Save" not in fresh  # a GET saves nothing
    assert Answer.objects.get(item_code="A.I.1.i.b").value == "A"


def test_a_retried_save_whose_first_attempt_was_stored_is_saved_not_a_conflict(client, regency, assessment):
    client.force_login(regency.operator_a)
    data = {"value": "3,12", "version": "0", "narrative": " Laporan survei 2025 "}
    first = client.post(item_url(assessment, "B.I.a"), data, headers=HTMX)
    assert first["X-Zona-Save"] == "saved"
    # the answer to the first attempt never arrived: the script sends the same again from version 0
    again = client.post(item_url(assessment, "B.I.a"), {**data, "value": "3.12"}, headers=HTMX)
    assert again["X-Zona-Save"] == "saved"
    assert 'id="versi-B-I-a" value="1" hx-swap-oob="true"' in again.content.decode()
    answer = Answer.objects.get(item_code="B.I.a")
    assert answer.version == 1 and answer.narrative == "Laporan survei 2025"
    # a different value from the same old version is a conflict, and so is the same value by someone else
    other = client.post(item_url(assessment, "B.I.a"), {**data, "value": "3,2"}, headers=HTMX)
    assert other["X-Zona-Save"] == "conflict"
    client.force_login(regency.ketua_a)
    theirs = client.post(item_url(assessment, "B.I.a"), data, headers=HTMX)
    assert theirs["X-Zona-Save"] == "conflict"
    assert Answer.objects.get(item_code="B.I.a").version == 1


def test_worksheet_content_has_no_inline_script_style_or_handler(client, regency, assessment):
    client.force_login(regency.operator_a)
    html = client.get(reverse("assessments:worksheet", kwargs={"pk": assessment.pk})).content.decode()
    main = html[html.index('<main id="main"') : html.index("</main>")]
    assert ' style="' not in main and "<style" not in main
    assert not re.search(r"\son[a-z]+=", main)
    scripts = re.findall(r"<script[^>]*>", html)
    assert '<script id="ws-autosave-texts" type="application/json">' in scripts
    assert all(" src=" in tag or 'type="application/json"' in tag for tag in scripts), scripts
    assert '<script src="/static/zona/autosave.js" defer></script>' in html
    # what the script needs: whose answers, where to log in again, and its texts in Indonesian
    assert f'data-assessment="{assessment.pk}" data-user="{regency.operator_a.pk}"' in main
    assert 'data-session-url="/akun/sesi/"' in main and 'id="ws-relogin"' in main
    assert "Gagal menyimpan" in main
