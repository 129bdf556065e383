from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.lifecycle.helpers import PATH_TO_WBK, counts, days_ago, pdf, png_named_pdf, walk, walk_to_wbk
from zona.audit.models import AuditEvent
from zona.lifecycle.models import LifecycleEvent, Prerequisite
from zona.lifecycle.services import prerequisite_save, stage_transition
from zona.units.models import Stage

pytestmark = pytest.mark.django_db


def overview_url(unit, **query) -> str:
    url = reverse("lifecycle:overview", kwargs={"unit_pk": unit.pk})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def transition_url(unit) -> str:
    return reverse("lifecycle:transition", kwargs={"unit_pk": unit.pk})


def offered_moves(body: str) -> list[str]:
    return re.findall(r'name="to_stage" value="([a-z_]+)"', body)


@pytest.mark.parametrize(
    ("stage_path", "who", "expected"),
    [
        ([], "koordinator", ["ditetapkan"]),
        ([], "operator_a", []),
        (PATH_TO_WBK[:1], "operator_a", ["pencanangan"]),
        (PATH_TO_WBK[:3], "koordinator", ["penilaian_mandiri"]),
        (PATH_TO_WBK[:3], "ketua_a", ["penilaian_mandiri"]),
        (PATH_TO_WBK[:3], "operator_a", []),
        (PATH_TO_WBK[:4], "evaluator", ["evaluasi_tpi"]),
        (PATH_TO_WBK[:4], "ketua_a", []),
        (PATH_TO_WBK[:4], "anggota_a", []),
        (PATH_TO_WBK[:4], "pimpinan", []),
        (PATH_TO_WBK[:6], "koordinator", ["wbk", "pembangunan"]),
        (PATH_TO_WBK[:6], "operator_a", ["pembangunan"]),
    ],
)
def test_overview_offers_only_the_moves_of_the_role(client, regency, stage_path, who, expected):
    unit = regency.unit_a
    walk(unit, regency.koordinator, stage_path, [days_ago(2000 - 300 * i) for i in range(len(stage_path))])
    client.force_login(getattr(regency, who))
    response = client.get(overview_url(unit))
    assert response.status_code == 200
    assert offered_moves(response.content.decode()) == expected


def test_overview_shows_the_history_with_its_evidence(client, regency):
    r, unit = regency, regency.unit_a
    walk_to_wbk(unit, r.koordinator)
    client.force_login(r.pimpinan)
    body = client.get(overview_url(unit)).content.decode()
    assert "Predikat Menuju WBK" in body and "SK-wbk-001" in body
    assert "42" in body  # Pakta Integritas signatories
    pakta = LifecycleEvent.objects.get(unit=unit, to_stage=Stage.PENCANANGAN).documents.get()
    assert reverse("lifecycle:document", kwargs={"unit_pk": unit.pk, "doc_pk": pakta.pk}) in body
    assert offered_moves(body) == []


def test_overview_form_asks_what_the_move_needs(client, regency):
    unit = regency.unit_a
    walk(unit, regency.koordinator, PATH_TO_WBK[:1], [days_ago(10)])
    client.force_login(regency.operator_a)
    body = client.get(overview_url(unit)).content.decode()
    assert 'name="ke-pencanangan-signatory_count"' in body
    assert 'type="file" name="ke-pencanangan-attachments"' in body and "multiple" in body
    assert "ke-pencanangan-sk_number" not in body


def test_overview_query_count_does_not_grow_with_the_history(client, regency):
    r = regency
    walk(r.unit_b, r.koordinator, PATH_TO_WBK[:1], [days_ago(3)])
    walk_to_wbk(r.unit_a, r.koordinator)
    for code, value in [("opini_bpk", "WTP"), ("sakip_instansi", "BB")]:
        prerequisite_save(
            instansi=r.instansi,
            year=2025,
            code=code,
            value=value,
            actor=r.koordinator,
            files=[pdf(f"{code}.pdf", b"%PDF-1.4\n" + code.encode())],
        )
    client.force_login(r.koordinator)
    used = []
    for unit in (r.unit_b, r.unit_a):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(overview_url(unit, tahun=2025)).status_code == 200
        used.append(len(queries))
    assert used[0] == used[1] <= 18  # with the instansi pencanangan, KKN records and evaluasi mandiri


@pytest.mark.parametrize("who", ["operator_b", "other_koordinator", "nobody"])
def test_overview_is_404_for_those_who_cannot_see_the_unit(client, regency, who):
    client.force_login(getattr(regency, who))
    assert client.get(overview_url(regency.unit_a)).status_code == 404


def test_overview_requires_login(client, regency):
    response = client.get(overview_url(regency.unit_a))
    assert response.status_code == 302 and "next=" in response["Location"]


def test_post_transition_moves_the_unit(client, regency):
    unit = regency.unit_a
    walk(unit, regency.koordinator, PATH_TO_WBK[:1], [days_ago(10)])
    client.force_login(regency.operator_a)
    response = client.post(
        transition_url(unit),
        {
            "to_stage": "pencanangan",
            "tahun": "2025",
            "ke-pencanangan-date": days_ago(2).isoformat(),
            "ke-pencanangan-signatory_count": "25",
            "ke-pencanangan-staff_count": "30",
            "ke-pencanangan-leader_signed": "on",
            "ke-pencanangan-attachments": [pdf("pakta-1.pdf"), pdf("pakta-2.pdf", b"%PDF-1.4\nkedua")],
            "ke-pencanangan-note": "Pencanangan bersama Bupati",
        },
    )
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.stage == Stage.PENCANANGAN
    event = LifecycleEvent.objects.get(unit=unit, to_stage=Stage.PENCANANGAN)
    assert event.documents.count() == 2 and event.signatory_count == 25
    assert event.staff_count == 30 and event.leader_signed is True


def test_post_pencanangan_with_a_png_renamed_pdf_is_refused_in_the_form(client, regency):
    unit = regency.unit_a
    walk(unit, regency.koordinator, PATH_TO_WBK[:1], [days_ago(10)])
    client.force_login(regency.operator_a)
    before = counts(unit)
    response = client.post(
        transition_url(unit),
        {
            "to_stage": "pencanangan",
            "ke-pencanangan-date": days_ago(2).isoformat(),
            "ke-pencanangan-signatory_count": "25",
            "ke-pencanangan-staff_count": "30",
            "ke-pencanangan-leader_signed": "on",
            "ke-pencanangan-attachments": [png_named_pdf()],
        },
    )
    assert response.status_code == 400
    assert "bukan PDF yang sebenarnya" in response.content.decode()
    assert counts(unit) == before


def test_post_a_blocked_move_shows_why(client, regency):
    unit = regency.unit_a
    walk(unit, regency.koordinator, PATH_TO_WBK[:5], [days_ago(n) for n in (400, 390, 300, 20, 10)])
    client.force_login(regency.koordinator)
    response = client.post(
        transition_url(unit), {"to_stage": "diusulkan", "ke-diusulkan-date": days_ago(1).isoformat()}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Perpindahan tahap ditolak" in body and "sekurang-kurangnya 1 tahun" in body


def test_operator_posting_wbk_gets_403(client, regency):
    unit = regency.unit_a
    walk(unit, regency.koordinator, PATH_TO_WBK[:-1], [days_ago(n) for n in (800, 790, 780, 400, 390, 380)])
    client.force_login(regency.operator_a)
    before = counts(unit)
    response = client.post(
        transition_url(unit),
        {
            "to_stage": "wbk",
            "ke-wbk-date": days_ago(1).isoformat(),
            "ke-wbk-sk_number": "KEP-9",
            "ke-wbk-sk_date": days_ago(1).isoformat(),
        },
    )
    assert response.status_code == 403
    assert AuditEvent.objects.filter(event="access.denied", actor=regency.operator_a).count() == 1
    assert counts(unit) == before


def test_evaluator_moves_unit_a_to_evaluasi_tpi_but_gets_404_on_unit_b(client, regency):
    r = regency
    for unit in (r.unit_a, r.unit_b):
        walk(unit, r.koordinator, PATH_TO_WBK[:4], [days_ago(n) for n in (100, 90, 80, 70)])
    client.force_login(r.evaluator)
    data = {"to_stage": "evaluasi_tpi", "ke-evaluasi_tpi-date": days_ago(1).isoformat()}
    assert client.post(transition_url(r.unit_a), data).status_code == 302
    r.unit_a.refresh_from_db()
    assert r.unit_a.stage == Stage.EVALUASI_TPI
    assert client.post(transition_url(r.unit_b), data).status_code == 404
    assert client.get(overview_url(r.unit_b)).status_code == 404
    r.unit_b.refresh_from_db()
    assert r.unit_b.stage == Stage.PENILAIAN_MANDIRI


class TestDocumentDownload:
    def _pakta(self, regency):
        walk(regency.unit_a, regency.koordinator, PATH_TO_WBK[:2], [days_ago(10), days_ago(9)])
        return LifecycleEvent.objects.get(unit=regency.unit_a, to_stage=Stage.PENCANANGAN).documents.get()

    def url(self, unit, doc) -> str:
        return reverse("lifecycle:document", kwargs={"unit_pk": unit.pk, "doc_pk": doc.pk})

    @pytest.mark.parametrize("who", ["koordinator", "operator_a", "evaluator", "pimpinan", "anggota_a"])
    def test_those_who_see_the_unit_download(self, client, regency, who):
        doc = self._pakta(regency)
        client.force_login(getattr(regency, who))
        response = client.get(self.url(regency.unit_a, doc))
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF-1.4")
        assert response["Content-Disposition"] == 'attachment; filename="pakta.pdf"'
        assert response["Content-Type"] == "application/pdf"

    @pytest.mark.parametrize("who", ["operator_b", "other_koordinator", "pengawas"])
    def test_others_get_404(self, client, regency, who):
        doc = self._pakta(regency)
        client.force_login(getattr(regency, who))
        assert client.get(self.url(regency.unit_a, doc)).status_code == 404

    def test_a_document_is_not_served_through_another_units_page(self, client, regency):
        doc = self._pakta(regency)
        client.force_login(regency.koordinator)
        assert client.get(self.url(regency.unit_b, doc)).status_code == 404

    def test_the_download_name_is_made_safe(self, client, regency):
        r = regency
        walk(r.unit_a, r.koordinator, PATH_TO_WBK[:1], [days_ago(10)])
        event = stage_transition(
            unit=r.unit_a,
            to_stage=Stage.PENCANANGAN,
            actor=r.koordinator,
            date=days_ago(5),
            signatory_count=3,
            files=[pdf('../"Pakta"\r\nX-Evil: 1.pdf')],
        )
        doc = event.documents.get()
        client.force_login(r.koordinator)
        disposition = client.get(self.url(r.unit_a, doc))["Content-Disposition"]
        assert disposition == 'attachment; filename="pakta-x-evil-1.pdf"'

    def test_instansi_prerequisite_evidence_is_reachable_from_a_unit(self, client, regency):
        r = regency
        record = prerequisite_save(
            instansi=r.instansi,
            year=2025,
            code="opini_bpk",
            value="WTP",
            files=[pdf("lhp-bpk.pdf")],
            actor=r.koordinator,
        )
        doc = record.documents.get()
        client.force_login(r.operator_b)
        assert client.get(self.url(r.unit_b, doc)).status_code == 200
        client.force_login(r.other_koordinator)
        assert client.get(self.url(r.unit_c, doc)).status_code == 404


class TestPrerequisiteEdit:
    def url(self, unit, code, year=2025) -> str:
        return (
            reverse("lifecycle:prerequisite_edit", kwargs={"unit_pk": unit.pk, "code": code})
            + f"?tahun={year}"
        )

    def test_koordinator_edits_an_instansi_line(self, client, regency):
        r = regency
        client.force_login(r.koordinator)
        page = client.get(self.url(r.unit_a, "indeks_rb"))
        assert page.status_code == 200
        assert '<option value="CC">CC</option>' in page.content.decode()
        response = client.post(
            self.url(r.unit_a, "indeks_rb"),
            {"tahun": "2025", "value": "CC", "note": "LHE RB 2025", "attachments": [pdf("lhe-rb.pdf")]},
        )
        assert response.status_code == 302 and "tahun=2025" in response["Location"]
        record = Prerequisite.objects.get(code="indeks_rb", year=2025)
        assert record.unit is None and record.value == "CC" and record.documents.count() == 1
        body = client.get(overview_url(r.unit_a, tahun=2025)).content.decode()
        assert "Indeks RB CC memenuhi minimal CC" in body and "Indeks RB CC di bawah minimal B" in body

    def test_operator_edits_a_unit_line_but_not_an_instansi_line(self, client, regency):
        r = regency
        client.force_login(r.operator_a)
        assert client.get(self.url(r.unit_a, "opini_bpk")).status_code == 403
        response = client.post(self.url(r.unit_a, "kepatuhan_lhkpn"), {"tahun": "2025", "value": "97,5"})
        assert response.status_code == 302
        assert Prerequisite.objects.get(code="kepatuhan_lhkpn").value == "97.5"
        body = client.get(overview_url(r.unit_a, tahun=2025)).content.decode()
        assert "Kepatuhan LHKPN 97,5% di bawah minimal 100%" in body

    def test_bad_value_is_shown_in_the_form(self, client, regency):
        client.force_login(regency.operator_a)
        response = client.post(self.url(regency.unit_a, "kepatuhan_lhkpn"), {"tahun": "2025", "value": "200"})
        assert response.status_code == 400
        assert "antara 0 dan 100" in response.content.decode()
        assert not Prerequisite.objects.exists()

    def test_derived_or_unknown_lines_are_404(self, client, regency):
        client.force_login(regency.koordinator)
        assert client.get(self.url(regency.unit_a, "lama_pembangunan")).status_code == 404
        assert client.get(self.url(regency.unit_a, "tidak_ada")).status_code == 404

    @pytest.mark.parametrize("who", ["pimpinan", "anggota_a", "evaluator"])
    def test_readers_cannot_edit_unit_lines(self, client, regency, who):
        client.force_login(getattr(regency, who))
        assert client.get(self.url(regency.unit_a, "kepatuhan_lhkpn")).status_code == 403

    def test_operator_b_gets_404_on_unit_a(self, client, regency):
        client.force_login(regency.operator_b)
        assert client.get(self.url(regency.unit_a, "kepatuhan_lhkpn")).status_code == 404
