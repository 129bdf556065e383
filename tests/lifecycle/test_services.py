from __future__ import annotations

import datetime as dt

import filetype
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.lifecycle.helpers import (
    PATH_TO_WBK,
    PDF_BYTES,
    counts,
    days_ago,
    move,
    pdf,
    png_named_pdf,
    today,
    walk,
    walk_to_wbk,
)
from zona.audit.models import AuditEvent
from zona.documents.models import Blob, Document
from zona.lifecycle.models import LifecycleEvent
from zona.lifecycle.services import allowed_next_stages, stage_transition
from zona.units import services as unit_services
from zona.units.models import Instansi, Stage

pytestmark = pytest.mark.django_db


def assert_refused(unit, message: str, **kwargs) -> ValidationError:
    """Run a transition that must be refused with `message`, and check that nothing was written."""
    before = counts(unit)
    documents_before = Document.objects.count()
    with pytest.raises(ValidationError) as caught:
        stage_transition(unit=unit, **kwargs)
    assert any(message in text for text in caught.value.messages), caught.value.messages
    assert counts(unit) == before
    assert Document.objects.count() == documents_before
    return caught.value


def test_minimal_pdf_is_recognised_as_pdf_by_content():
    assert filetype.guess(PDF_BYTES).mime == "application/pdf"


def test_happy_path_to_wbk_by_the_right_roles(regency):
    r, unit = regency, regency.unit_a
    steps = [
        (Stage.DITETAPKAN, r.koordinator, days_ago(800), {}),
        (Stage.PENCANANGAN, r.operator_a, days_ago(790), {"files": [pdf()], "signatory_count": 37}),
        (Stage.PEMBANGUNAN, r.ketua_a, days_ago(780), {}),
        (Stage.PENILAIAN_MANDIRI, r.ketua_a, days_ago(400), {}),
        (Stage.EVALUASI_TPI, r.evaluator, days_ago(390), {"note": "LHE TPI: memenuhi"}),
        (Stage.DIUSULKAN, r.koordinator, days_ago(380), {}),
        (Stage.WBK, r.koordinator, days_ago(200), {"sk_number": "KEP-123/2025", "sk_date": days_ago(201)}),
    ]
    for stage, actor, date, extra in steps:
        stage_transition(unit=unit, to_stage=stage, actor=actor, date=date, **extra)
    unit.refresh_from_db()
    assert unit.stage == Stage.WBK and unit.stage_since == days_ago(200)
    events = list(LifecycleEvent.objects.filter(unit=unit).order_by("date", "id"))
    assert [(e.from_stage, e.to_stage) for e in events] == list(
        zip([Stage.BELUM, *PATH_TO_WBK[:-1]], PATH_TO_WBK, strict=True)
    )
    pakta = events[1]
    assert pakta.signatory_count == 37 and pakta.actor == r.operator_a
    assert [d.kind for d in pakta.documents.all()] == [Document.Kind.PAKTA_INTEGRITAS]
    assert events[-1].sk_number == "KEP-123/2025" and events[-1].sk_date == days_ago(201)
    audits = AuditEvent.objects.filter(event="lifecycle.transition").order_by("seq")
    assert [a.changes["stage"] for a in audits] == [[e.from_stage, e.to_stage] for e in events]
    assert audits[1].changes["signatory_count"] == 37 and audits[1].actor == r.operator_a
    assert audits[6].changes["sk_number"] == "KEP-123/2025"


def test_skipping_a_stage_is_refused(regency):
    assert_refused(
        regency.unit_a,
        "tidak dapat dipindahkan",
        to_stage=Stage.PENCANANGAN,
        actor=regency.koordinator,
        date=days_ago(1),
        files=[pdf()],
        signatory_count=3,
    )


def test_unknown_stage_is_refused(regency):
    with pytest.raises(PermissionDenied):
        stage_transition(unit=regency.unit_a, to_stage="juara", actor=regency.koordinator, date=days_ago(1))


def test_pencanangan_needs_a_pakta_pdf_and_signatories(regency):
    unit, k = regency.unit_a, regency.koordinator
    move(unit, Stage.DITETAPKAN, k, days_ago(10))
    assert_refused(
        unit, "Pakta Integritas", to_stage=Stage.PENCANANGAN, actor=k, date=days_ago(5), signatory_count=10
    )
    assert_refused(
        unit,
        "penanda tangan",
        to_stage=Stage.PENCANANGAN,
        actor=k,
        date=days_ago(5),
        files=[pdf()],
        signatory_count=0,
    )
    assert_refused(
        unit, "penanda tangan", to_stage=Stage.PENCANANGAN, actor=k, date=days_ago(5), files=[pdf()]
    )
    assert_refused(
        unit,
        "Tanggal wajib diisi",
        to_stage=Stage.PENCANANGAN,
        actor=k,
        date=None,
        files=[pdf()],
        signatory_count=10,
    )


def test_a_png_renamed_pdf_is_refused_as_pakta(regency):
    unit, k = regency.unit_a, regency.koordinator
    move(unit, Stage.DITETAPKAN, k, days_ago(10))
    blobs = Blob.objects.count()
    assert_refused(
        unit,
        "bukan PDF",
        to_stage=Stage.PENCANANGAN,
        actor=k,
        date=days_ago(5),
        files=[png_named_pdf()],
        signatory_count=10,
    )
    assert Blob.objects.count() == blobs


def test_a_real_png_is_refused_as_pakta_too(regency):
    unit, k = regency.unit_a, regency.koordinator
    move(unit, Stage.DITETAPKAN, k, days_ago(10))
    assert_refused(
        unit,
        "hanya pdf",
        to_stage=Stage.PENCANANGAN,
        actor=k,
        date=days_ago(5),
        files=[png_named_pdf("pakta.png")],
        signatory_count=10,
    )


def test_dates_may_not_be_in_the_future_nor_before_the_previous_move(regency):
    unit, k = regency.unit_a, regency.koordinator
    assert_refused(
        unit, "masa depan", to_stage=Stage.DITETAPKAN, actor=k, date=today() + dt.timedelta(days=1)
    )
    move(unit, Stage.DITETAPKAN, k, days_ago(10))
    assert_refused(
        unit,
        "sebelum tanggal tahap sebelumnya",
        to_stage=Stage.PENCANANGAN,
        actor=k,
        date=days_ago(11),
        files=[pdf()],
        signatory_count=5,
    )
    move(unit, Stage.PENCANANGAN, k, days_ago(10))  # the same day is fine


def test_wbk_needs_sk_number_and_date(regency):
    unit, k = regency.unit_a, regency.koordinator
    walk(unit, k, PATH_TO_WBK[:-1], [days_ago(n) for n in (800, 790, 780, 400, 390, 380)])
    assert_refused(unit, "Nomor SK", to_stage=Stage.WBK, actor=k, date=days_ago(5), sk_date=days_ago(5))
    assert_refused(unit, "Tanggal SK", to_stage=Stage.WBK, actor=k, date=days_ago(5), sk_number="KEP-1")
    assert_refused(
        unit,
        "Tanggal SK tidak boleh di masa depan",
        to_stage=Stage.WBK,
        actor=k,
        date=days_ago(5),
        sk_number="KEP-1",
        sk_date=today() + dt.timedelta(days=3),
    )


def test_sk_predikat_upload_is_stored_as_sk_kind(regency):
    unit, k = regency.unit_a, regency.koordinator
    walk(unit, k, PATH_TO_WBK[:-1], [days_ago(n) for n in (800, 790, 780, 400, 390, 380)])
    event = move(unit, Stage.WBK, k, days_ago(5), files=[pdf("sk-wbk.pdf", PDF_BYTES + b"sk")])
    assert [d.kind for d in event.documents.all()] == [Document.Kind.SK_PREDIKAT]


def test_operator_cannot_set_wbk(regency):
    unit = regency.unit_a
    walk(unit, regency.koordinator, PATH_TO_WBK[:-1], [days_ago(n) for n in (800, 790, 780, 400, 390, 380)])
    before = counts(unit)
    with pytest.raises(PermissionDenied):
        move(unit, Stage.WBK, regency.operator_a, days_ago(5))
    assert counts(unit) == before


def test_evaluator_moves_assigned_unit_but_not_another(regency):
    r = regency
    for unit in (r.unit_a, r.unit_b):
        walk(unit, r.koordinator, PATH_TO_WBK[:4], [days_ago(n) for n in (100, 90, 80, 70)])
    event = move(r.unit_a, Stage.EVALUASI_TPI, r.evaluator, days_ago(1))
    assert event.actor == r.evaluator
    before = counts(r.unit_b)
    with pytest.raises(PermissionDenied):
        move(r.unit_b, Stage.EVALUASI_TPI, r.evaluator, days_ago(1))
    assert counts(r.unit_b) == before


def test_proposal_needs_a_year_of_building(regency):
    unit, k = regency.unit_a, regency.koordinator
    walk(unit, k, PATH_TO_WBK[:5], [days_ago(n) for n in (400, 390, 300, 20, 10)])
    assert_refused(unit, "sekurang-kurangnya 1 tahun", to_stage=Stage.DIUSULKAN, actor=k, date=days_ago(1))


def test_a_typed_exception_reason_no_longer_lifts_the_year_of_building(regency):
    # 5/2024 Lampiran II Bab II A names six unit types; a sentence in a form is not one of them (F7).
    unit, k = regency.unit_a, regency.koordinator
    walk(unit, k, PATH_TO_WBK[:5], [days_ago(n) for n in (400, 390, 300, 20, 10)])
    assert_refused(
        unit,
        "sekurang-kurangnya 1 tahun",
        to_stage=Stage.DIUSULKAN,
        actor=k,
        date=days_ago(1),
        exception_reason="Unit layanan Dukcapil (PermenPANRB 5/2024)",
    )


def test_a_pemda_unit_of_an_early_proposal_type_is_proposed_before_a_year_and_it_is_recorded(regency):
    unit, k = regency.unit_a, regency.koordinator
    unit_services.unit_update(unit=unit, actor=k, stranas_type="dukcapil")
    unit.refresh_from_db()
    walk(unit, k, PATH_TO_WBK[:5], [days_ago(n) for n in (400, 390, 300, 20, 10)])
    reason = "Diusulkan bersama RSUD"
    event = move(unit, Stage.DIUSULKAN, k, days_ago(1), exception_reason=reason)
    assert event.exception_reason == reason
    audit = AuditEvent.objects.filter(event="lifecycle.transition").latest("seq")
    assert audit.changes["exception_reason"] == reason
    assert audit.changes["early_exemption"] == "Dinas kependudukan dan pencatatan sipil (Dukcapil)"


def test_the_early_proposal_types_apply_only_in_a_pemda(regency):
    unit, k = regency.unit_a, regency.koordinator
    unit_services.unit_update(unit=unit, actor=k, stranas_type="rsud")
    Instansi.objects.filter(pk=unit.instansi_id).update(kind=Instansi.Kind.KEMENTERIAN)
    unit.refresh_from_db()
    walk(unit, k, PATH_TO_WBK[:5], [days_ago(n) for n in (400, 390, 300, 20, 10)])
    assert_refused(unit, "sekurang-kurangnya 1 tahun", to_stage=Stage.DIUSULKAN, actor=k, date=days_ago(1))


def test_an_unknown_early_proposal_type_is_refused(regency):
    with pytest.raises(ValidationError, match="Stranas PK tidak dikenal"):
        unit_services.unit_update(unit=regency.unit_a, actor=regency.koordinator, stranas_type="puskesmas")


def test_proposal_exactly_one_year_after_building_started_is_allowed(regency):
    unit, k = regency.unit_a, regency.koordinator
    start = dt.date(today().year - 2, 3, 10)
    walk(
        unit,
        k,
        PATH_TO_WBK[:5],
        [start, start, start, start + dt.timedelta(days=100), start + dt.timedelta(days=200)],
    )
    assert_refused(unit, "1 tahun", to_stage=Stage.DIUSULKAN, actor=k, date=dt.date(start.year + 1, 3, 9))
    move(unit, Stage.DIUSULKAN, k, dt.date(start.year + 1, 3, 10))


def test_a_return_after_belum_memenuhi_does_not_restart_the_building_year(regency):
    unit, k = regency.unit_a, regency.koordinator
    walk(
        unit,
        k,
        [*PATH_TO_WBK[:5], Stage.PEMBANGUNAN, Stage.PENILAIAN_MANDIRI, Stage.EVALUASI_TPI],
        [days_ago(n) for n in (500, 490, 480, 100, 90, 60, 30, 20)],
    )
    event = move(unit, Stage.DIUSULKAN, k, days_ago(10))
    assert event.exception_reason == ""


def test_no_new_wbk_proposal_for_two_years_after_revocation(regency):
    unit, k = regency.unit_a, regency.koordinator
    walk_to_wbk(unit, k, start_days_ago=1500)
    walk(
        unit,
        k,
        [Stage.DICABUT, Stage.PEMBANGUNAN, Stage.PENILAIAN_MANDIRI, Stage.EVALUASI_TPI],
        [days_ago(n) for n in (600, 590, 100, 90)],
    )
    unit.refresh_from_db()
    assert Stage.DIUSULKAN not in allowed_next_stages(unit=unit, user=k)
    assert_refused(
        unit,
        "2 tahun setelah pencabutan",
        to_stage=Stage.DIUSULKAN,
        actor=k,
        date=days_ago(1),
        exception_reason="RSUD",
    )


def test_proposal_after_the_two_year_bar_is_allowed(regency):
    unit, k = regency.unit_a, regency.koordinator
    walk_to_wbk(unit, k, start_days_ago=1500)
    walk(
        unit,
        k,
        [Stage.DICABUT, Stage.PEMBANGUNAN, Stage.PENILAIAN_MANDIRI, Stage.EVALUASI_TPI],
        [days_ago(n) for n in (1000, 990, 200, 190)],
    )
    move(unit, Stage.DIUSULKAN, k, days_ago(100))
    move(unit, Stage.WBK, k, days_ago(50))
    unit.refresh_from_db()
    assert unit.stage == Stage.WBK


def test_wbbm_without_a_prior_wbk_is_refused(regency):
    unit, k = regency.unit_a, regency.koordinator
    walk(unit, k, PATH_TO_WBK[:-1], [days_ago(n) for n in (800, 790, 780, 400, 390, 380)])
    assert_refused(
        unit,
        "sudah berpredikat Menuju WBK",
        to_stage=Stage.WBBM,
        actor=k,
        date=days_ago(5),
        sk_number="KEP-2",
        sk_date=days_ago(5),
    )


def test_wbbm_after_a_revoked_wbk_is_refused(regency):
    unit, k = regency.unit_a, regency.koordinator
    walk_to_wbk(unit, k, start_days_ago=2000)
    walk(
        unit,
        k,
        [Stage.DICABUT, Stage.PEMBANGUNAN, Stage.PENILAIAN_MANDIRI, Stage.EVALUASI_TPI, Stage.DIUSULKAN],
        [days_ago(n) for n in (1500, 1490, 200, 190, 100)],
    )
    assert_refused(
        unit,
        "sudah berpredikat Menuju WBK",
        to_stage=Stage.WBBM,
        actor=k,
        date=days_ago(5),
        sk_number="KEP-2",
        sk_date=days_ago(5),
    )


def test_wbk_unit_goes_on_toward_wbbm(regency):
    unit, k = regency.unit_a, regency.koordinator
    walk_to_wbk(unit, k, start_days_ago=1500)
    walk(
        unit,
        k,
        [Stage.PEMBANGUNAN, Stage.PENILAIAN_MANDIRI, Stage.EVALUASI_TPI],
        [days_ago(n) for n in (1000, 300, 200)],
    )
    move(unit, Stage.DIUSULKAN, k, days_ago(100))
    assert_refused(
        unit,
        "sudah memegang predikat Menuju WBK",
        to_stage=Stage.WBK,
        actor=k,
        date=days_ago(5),
        sk_number="KEP-3",
        sk_date=days_ago(5),
    )
    event = move(unit, Stage.WBBM, k, days_ago(5))
    unit.refresh_from_db()
    assert unit.stage == Stage.WBBM and event.from_stage == Stage.DIUSULKAN
    assert allowed_next_stages(unit=unit, user=k) == [Stage.DICABUT]


def test_wbbm_toward_proposal_also_needs_a_year_after_wbk(regency):
    unit, k = regency.unit_a, regency.koordinator
    walk_to_wbk(unit, k, start_days_ago=1500)
    walk(
        unit,
        k,
        [Stage.PEMBANGUNAN, Stage.PENILAIAN_MANDIRI, Stage.EVALUASI_TPI],
        [days_ago(n) for n in (200, 150, 100)],
    )
    assert_refused(unit, "1 tahun", to_stage=Stage.DIUSULKAN, actor=k, date=days_ago(5))


def test_documents_of_another_unit_cannot_be_attached(regency):
    from zona.documents.services import document_store

    r = regency
    other = document_store(
        instansi=r.instansi,
        unit=r.unit_b,
        uploaded=pdf(),
        actor=r.koordinator,
        kind=Document.Kind.PAKTA_INTEGRITAS,
    )
    move(r.unit_a, Stage.DITETAPKAN, r.koordinator, days_ago(10))
    assert_refused(
        r.unit_a,
        "bukan milik unit ini",
        to_stage=Stage.PENCANANGAN,
        actor=r.koordinator,
        date=days_ago(5),
        documents=[other],
        signatory_count=3,
    )


def test_an_existing_pakta_document_of_the_unit_counts(regency):
    from zona.documents.services import document_store

    r = regency
    pakta = document_store(
        instansi=r.instansi,
        unit=r.unit_a,
        uploaded=pdf(),
        actor=r.koordinator,
        kind=Document.Kind.PAKTA_INTEGRITAS,
    )
    move(r.unit_a, Stage.DITETAPKAN, r.koordinator, days_ago(10))
    event = stage_transition(
        unit=r.unit_a,
        to_stage=Stage.PENCANANGAN,
        actor=r.operator_a,
        date=days_ago(5),
        documents=[pakta],
        signatory_count=3,
    )
    assert list(event.documents.all()) == [pakta]


@pytest.mark.parametrize(
    ("stage_path", "who", "expected"),
    [
        ([], "koordinator", [Stage.DITETAPKAN]),
        ([], "ketua_a", []),
        ([Stage.DITETAPKAN], "operator_a", [Stage.PENCANANGAN]),
        ([Stage.DITETAPKAN], "koordinator", [Stage.PENCANANGAN, Stage.BELUM]),
        (PATH_TO_WBK[:3], "ketua_a", [Stage.PENILAIAN_MANDIRI]),
        (PATH_TO_WBK[:3], "operator_a", []),
        (PATH_TO_WBK[:4], "evaluator", [Stage.EVALUASI_TPI]),
        (PATH_TO_WBK[:4], "anggota_a", []),
        (PATH_TO_WBK[:4], "pimpinan", []),
        (PATH_TO_WBK[:5], "koordinator", [Stage.DIUSULKAN, Stage.PEMBANGUNAN]),
        (PATH_TO_WBK[:5], "operator_a", [Stage.PEMBANGUNAN]),
        (PATH_TO_WBK[:6], "koordinator", [Stage.WBK, Stage.PEMBANGUNAN]),
    ],
)
def test_allowed_next_stages_by_role_and_state(regency, stage_path, who, expected):
    unit = regency.unit_a
    walk(unit, regency.koordinator, stage_path, [days_ago(2000 - 300 * i) for i in range(len(stage_path))])
    unit.refresh_from_db()
    assert allowed_next_stages(unit=unit, user=getattr(regency, who)) == expected


def test_allowed_next_stages_is_empty_for_a_unit_the_user_cannot_see(regency):
    assert allowed_next_stages(unit=regency.unit_c, user=regency.koordinator) == []
    assert allowed_next_stages(unit=regency.unit_b, user=regency.operator_a) == []
