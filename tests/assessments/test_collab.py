from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tests.assessments.helpers import assessment_of, open_period
from zona.assessments.models import Comment, ItemAssignment
from zona.assessments.services.collab import assignment_set, comment_add
from zona.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def assessment(regency):
    return assessment_of(open_period(regency), regency.unit_a)


def test_ketua_assigns_areas_and_items_and_it_is_audited(regency, assessment):
    assignment_set(
        assessment=assessment,
        user=regency.anggota_a,
        areas=[1, 3],
        item_codes=["a.ii.1.I.a", " "],
        actor=regency.ketua_a,
    )
    rows = ItemAssignment.objects.filter(assessment=assessment, user=regency.anggota_a)
    assert sorted((r.area or 0, r.item_code) for r in rows) == [(0, "A.II.1.i.a"), (1, ""), (3, "")]
    event = AuditEvent.objects.get(event="assignment.set")
    assert event.changes["areas"] == [[], [1, 3]] and event.changes["items"] == [[], ["A.II.1.i.a"]]
    # saving again replaces (and an unchanged set writes nothing)
    assignment_set(
        assessment=assessment, user=regency.anggota_a, areas=[2], item_codes=[], actor=regency.koordinator
    )
    assert list(rows.values_list("area", flat=True)) == [2]
    assignment_set(
        assessment=assessment, user=regency.anggota_a, areas=[2], item_codes=[], actor=regency.koordinator
    )
    assert AuditEvent.objects.filter(event="assignment.set").count() == 2


def test_assignment_rules(regency, assessment):
    with pytest.raises(PermissionDenied):
        assignment_set(
            assessment=assessment, user=regency.anggota_a, areas=[1], item_codes=[], actor=regency.operator_a
        )
    with pytest.raises(ValidationError, match="tidak memiliki peran pada unit ini"):
        assignment_set(
            assessment=assessment, user=regency.operator_b, areas=[1], item_codes=[], actor=regency.ketua_a
        )
    with pytest.raises(ValidationError, match=r"Kode butir tidak dikenal: Z\.9"):
        assignment_set(
            assessment=assessment,
            user=regency.operator_a,
            areas=[],
            item_codes=["Z.9"],
            actor=regency.ketua_a,
        )
    with pytest.raises(ValidationError, match="Area 7 tidak ada"):
        assignment_set(
            assessment=assessment, user=regency.operator_a, areas=[7], item_codes=[], actor=regency.ketua_a
        )
    assert not ItemAssignment.objects.exists()


def test_assignment_form_on_the_worksheet(client, regency, assessment):
    url = reverse("assessments:assignment_set", kwargs={"pk": assessment.pk})
    client.force_login(regency.ketua_a)
    page = client.get(reverse("assessments:worksheet", kwargs={"pk": assessment.pk})).content.decode()
    members = page[
        page.index('id="pokja-anggota"') : page.index("</select>", page.index('id="pokja-anggota"'))
    ]
    assert f'value="{regency.operator_a.pk}"' in members and f'value="{regency.anggota_a.pk}"' in members
    assert (
        f'value="{regency.operator_b.pk}"' not in members and f'value="{regency.evaluator.pk}"' not in members
    )
    response = client.post(
        url, {"user": regency.operator_a.pk, "areas": ["4"], "item_codes": "A.I.1.i.a, B.I.a"}
    )
    assert response.status_code == 302 and response["Location"].endswith("#pokja")
    assert ItemAssignment.objects.filter(user=regency.operator_a).count() == 3
    page = client.get(reverse("assessments:worksheet", kwargs={"pk": assessment.pk})).content.decode()
    assert "Area 4" in page and "Pokja:</strong>" in page
    client.force_login(regency.operator_a)
    assert client.post(url, {"user": regency.operator_a.pk, "areas": ["1"]}).status_code == 403
    client.force_login(regency.operator_b)
    assert client.post(url, {"user": regency.operator_a.pk, "areas": ["1"]}).status_code == 404


def test_anyone_who_can_view_comments_and_it_is_audited(client, regency, assessment):
    comment_add(
        assessment=assessment,
        item_code="A.I.1.i.a",
        text="  SK belum ditandatangani  ",
        actor=regency.evaluator,
    )
    comment = Comment.objects.get()
    assert comment.text == "SK belum ditandatangani" and comment.author == regency.evaluator
    assert AuditEvent.objects.filter(event="comment.added", actor=regency.evaluator).exists()
    with pytest.raises(PermissionDenied):
        comment_add(assessment=assessment, item_code="A.I.1.i.a", text="x", actor=regency.operator_b)
    with pytest.raises(ValidationError, match="komentar tidak boleh kosong"):
        comment_add(assessment=assessment, item_code="A.I.1.i.a", text="   ", actor=regency.operator_a)
    with pytest.raises(ValidationError, match=r"Kode butir X\.1 tidak ada"):
        comment_add(assessment=assessment, item_code="X.1", text="x", actor=regency.operator_a)

    client.force_login(regency.anggota_a)  # read-only on answers, but may comment
    url = reverse("assessments:comment_add", kwargs={"pk": assessment.pk, "code": "A.I.1.i.a"})
    response = client.post(url, {"text": "Sudah diminta ke bagian umum"}, headers=HTMX)
    html = response.content.decode()
    assert 'id="komentar-A-I-1-i-a"' in html
    assert "SK belum ditandatangani" in html and "Sudah diminta ke bagian umum" in html
    assert Comment.objects.count() == 2
    client.force_login(regency.operator_b)
    assert client.post(url, {"text": "x"}, headers=HTMX).status_code == 404
    assert Comment.objects.count() == 2
