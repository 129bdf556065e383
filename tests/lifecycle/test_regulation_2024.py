"""Lifecycle rules of 90/2021 jo. 5/2024 beyond Tabel 5: pencanangan by the instansi and the Pakta
Integritas majority (F17), KKN voiding the year's proposals (F18), evaluasi mandiri (5/2024 Bab II B)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tests.lifecycle.helpers import PATH_TO_WBK, counts, days_ago, move, pdf, today, walk
from zona.audit.models import AuditEvent
from zona.lifecycle.models import EvaluasiMandiri, InstansiPencanangan, KknOffence
from zona.lifecycle.services import (
    allowed_next_stages,
    evaluasi_mandiri_set,
    instansi_pencanangan_record,
    kkn_offence_record,
    stage_transition,
)
from zona.units.models import Stage

pytestmark = pytest.mark.django_db


def refused(message: str, **kwargs) -> None:
    with pytest.raises(ValidationError) as caught:
        stage_transition(**kwargs)
    assert any(message in text for text in caught.value.messages), caught.value.messages


def test_a_unit_pakta_signed_by_half_the_staff_or_without_the_leader_is_refused(regency):
    # 90/2021 Lampiran I Bab II B: "pimpinan dan seluruh atau sebagian besar pegawainya"; > 50 % (data).
    unit, k = regency.unit_a, regency.koordinator
    move(unit, Stage.DITETAPKAN, k, days_ago(10))
    before = counts(unit)
    common = {"unit": unit, "to_stage": Stage.PENCANANGAN, "actor": k, "date": days_ago(5)}
    refused(
        "20 dari 40 pegawai", **common, files=[pdf()], signatory_count=20, staff_count=40, leader_signed=True
    )
    refused("melebihi jumlah pegawai", **common, files=[pdf()], signatory_count=41, staff_count=40)
    refused(
        "Pimpinan unit harus ikut",
        **common,
        files=[pdf()],
        signatory_count=40,
        staff_count=40,
        leader_signed=False,
    )
    assert counts(unit) == before
    event = stage_transition(**common, files=[pdf()], signatory_count=21, staff_count=40, leader_signed=True)
    assert (event.signatory_count, event.staff_count, event.leader_signed) == (21, 40, True)
    audit = AuditEvent.objects.filter(event="lifecycle.transition").latest("seq")
    assert audit.changes["staff_count"] == 40 and audit.changes["leader_signed"] is True


def test_instansi_pencanangan_is_the_coordinators_needs_a_majority_and_precedes_designation(regency):
    r = regency
    kwargs = {
        "instansi": r.instansi,
        "date": days_ago(30),
        "leader_signed": True,
        "signatory_count": 300,
        "staff_count": 400,
        "files": [pdf()],
    }
    with pytest.raises(PermissionDenied):
        instansi_pencanangan_record(**kwargs, actor=r.operator_a)
    with pytest.raises(ValidationError) as caught:
        instansi_pencanangan_record(
            **{**kwargs, "signatory_count": 200, "leader_signed": False}, actor=r.koordinator
        )
    assert set(caught.value.message_dict) == {"signatory_count", "leader_signed"}
    assert not InstansiPencanangan.objects.exists()
    record = instansi_pencanangan_record(**kwargs, actor=r.koordinator)
    assert record.documents.get().kind == "pakta_integritas"
    audit = AuditEvent.objects.get(event="lifecycle.instansi_pencanangan")
    assert audit.changes["signatory_count"] == 300 and audit.changes["staff_count"] == 400
    # Tahap II follows Tahap I: a designation dated before the instansi's pencanangan is refused
    refused(
        "tindak lanjut pencanangan instansi",
        unit=r.unit_a,
        to_stage=Stage.DITETAPKAN,
        actor=r.koordinator,
        date=days_ago(31),
    )
    move(r.unit_a, Stage.DITETAPKAN, r.koordinator, days_ago(29))


def test_designation_without_an_instansi_pencanangan_is_flagged_on_the_overview(client, regency):
    r = regency
    move(r.unit_a, Stage.DITETAPKAN, r.koordinator, days_ago(3))
    client.force_login(r.koordinator)
    url = reverse("lifecycle:overview", kwargs={"unit_pk": r.unit_a.pk})
    assert 'data-warning="pencanangan"' in client.get(url).content.decode()
    instansi_pencanangan_record(
        instansi=r.instansi,
        date=days_ago(5),
        leader_signed=True,
        signatory_count=10,
        staff_count=12,
        files=[pdf()],
        actor=r.koordinator,
    )
    page = client.get(url).content.decode()
    assert 'data-warning="pencanangan"' not in page and "10 dari 12 pegawai" in page


def test_a_kkn_offence_voids_the_years_proposals(client, regency):
    # 90/2021 Lampiran II Bab IV (Penutup): a KKN act in the proposal year voids the TPI's proposals.
    r = regency
    unit, k = r.unit_a, r.koordinator
    walk(unit, k, PATH_TO_WBK[:6], [days_ago(n) for n in (500, 490, 480, 60, 50, 0)])
    unit.refresh_from_db()
    assert Stage.WBK in allowed_next_stages(unit=unit, user=k)
    with pytest.raises(PermissionDenied):
        kkn_offence_record(
            instansi=r.instansi,
            year=today().year,
            date=today(),
            description="OTT",
            by_top_leader=True,
            actor=r.operator_a,
        )
    with pytest.raises(ValidationError):
        kkn_offence_record(
            instansi=r.instansi, year=today().year, date=today(), description=" ", by_top_leader=True, actor=k
        )
    kkn_offence_record(
        instansi=r.instansi,
        year=today().year,
        date=today(),
        description="OTT KPK terhadap kepala daerah",
        by_top_leader=True,
        actor=k,
    )
    audit = AuditEvent.objects.get(event="lifecycle.kkn_recorded")
    assert audit.changes["proposals_voided"] == [unit.pk]
    assert Stage.WBK not in allowed_next_stages(unit=unit, user=k)
    refused("batal", unit=unit, to_stage=Stage.WBK, actor=k, date=today(), sk_number="SK-1", sk_date=today())
    client.force_login(k)
    page = client.get(reverse("lifecycle:overview", kwargs={"unit_pk": unit.pk})).content.decode()
    assert "data-proposal-void" in page
    # the unit goes back to pembangunan; proposing it again in the voided year is refused
    move(unit, Stage.PEMBANGUNAN, k, today())
    walk(unit, k, [Stage.PENILAIAN_MANDIRI, Stage.EVALUASI_TPI], [today(), today()])
    refused("batal", unit=unit, to_stage=Stage.DIUSULKAN, actor=k, date=today())
    assert KknOffence.objects.count() == 1


def test_evaluasi_mandiri_is_recorded_audited_and_shown(client, regency):
    r = regency
    year = today().year
    with pytest.raises(PermissionDenied):
        evaluasi_mandiri_set(instansi=r.instansi, year=year, basis="x", enabled=True, actor=r.pimpinan)
    with pytest.raises(ValidationError):
        evaluasi_mandiri_set(instansi=r.instansi, year=year, basis="", enabled=True, actor=r.koordinator)
    assert evaluasi_mandiri_set(
        instansi=r.instansi, year=year, basis="Surat MenPANRB B/123/2025", enabled=True, actor=r.koordinator
    )
    client.force_login(r.koordinator)
    url = reverse("lifecycle:overview", kwargs={"unit_pk": r.unit_a.pk}) + f"?tahun={year}"
    assert "secara mandiri (Surat MenPANRB B/123/2025)" in client.get(url).content.decode()
    assert not evaluasi_mandiri_set(
        instansi=r.instansi, year=year, basis="", enabled=False, actor=r.koordinator
    )
    assert not EvaluasiMandiri.objects.exists()
    events = AuditEvent.objects.filter(event="lifecycle.evaluasi_mandiri").order_by("seq")
    assert [e.changes["enabled"] for e in events] == [[False, True], [True, False]]


def test_the_coordinator_records_instansi_facts_from_the_unit_page_and_bad_input_names_the_field(
    client, regency
):
    r = regency
    url = reverse("lifecycle:instansi_record", kwargs={"unit_pk": r.unit_a.pk, "what": "pencanangan"})
    client.force_login(r.koordinator)
    page = client.get(reverse("lifecycle:overview", kwargs={"unit_pk": r.unit_a.pk})).content.decode()
    assert "Catat pencanangan instansi" in page
    response = client.post(
        url,
        {
            "pencanangan-instansi-date": days_ago(3).isoformat(),
            "pencanangan-instansi-leader_signed": "on",
            "pencanangan-instansi-signatory_count": "5",
            "pencanangan-instansi-staff_count": "12",
            "pencanangan-instansi-attachments": [pdf()],
        },
        follow=True,
    )
    assert "Tidak disimpan. Jumlah penanda tangan: Pakta Integritas ditandatangani 5 dari 12 pegawai" in (
        response.content.decode()
    )
    assert not InstansiPencanangan.objects.exists()
    client.post(
        url,
        {
            "pencanangan-instansi-date": days_ago(3).isoformat(),
            "pencanangan-instansi-leader_signed": "on",
            "pencanangan-instansi-signatory_count": "11",
            "pencanangan-instansi-staff_count": "12",
            "pencanangan-instansi-attachments": [pdf()],
        },
    )
    assert InstansiPencanangan.objects.get().signatory_count == 11
    client.force_login(r.operator_a)
    assert (
        "Catat pencanangan instansi"
        not in client.get(reverse("lifecycle:overview", kwargs={"unit_pk": r.unit_a.pk})).content.decode()
    )
    response = client.post(
        reverse("lifecycle:instansi_record", kwargs={"unit_pk": r.unit_a.pk, "what": "kkn"}),
        {"kkn-year": str(today().year), "kkn-date": today().isoformat(), "kkn-description": "OTT"},
    )
    assert response.status_code == 403 and not KknOffence.objects.exists()


def test_a_wbk_granted_in_a_year_of_evaluasi_mandiri_records_it(regency):
    r = regency
    unit, k = r.unit_a, r.koordinator
    walk(unit, k, PATH_TO_WBK[:6], [days_ago(n) for n in (500, 490, 480, 60, 50, 1)])
    evaluasi_mandiri_set(instansi=r.instansi, year=today().year, basis="Izin MenPANRB", enabled=True, actor=k)
    move(unit, Stage.WBK, k, today())
    audit = AuditEvent.objects.filter(event="lifecycle.transition").latest("seq")
    assert audit.changes["stage"] == [Stage.DIUSULKAN, Stage.WBK]
    assert audit.changes["evaluasi_mandiri"] == "Izin MenPANRB"
