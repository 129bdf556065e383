"""Survey services: instrument loading, campaigns, publication, and feeding the LKE."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.assessments.helpers import assessment_of, open_period
from tests.surveys.core_helpers import add_responses, instruments, make_campaign
from zona.assessments.models import Answer, Evidence
from zona.audit.models import AuditEvent
from zona.surveys import services
from zona.surveys.models import Campaign, Instrument
from zona.units.models import ServiceType

pytestmark = pytest.mark.django_db


def test_loading_is_idempotent_and_a_changed_file_is_a_new_version(tmp_path):
    first = services.instruments_load_shipped()
    assert len(first) == 5 and all(r.created for r in first)
    assert not any(r.created for r in services.instruments_load_shipped())
    source = services.DATA_DIR / "spak-4.yaml"
    changed = tmp_path / "spak-4.yaml"
    changed.write_text(source.read_text(encoding="utf-8").replace("skala 4", "skala empat"), encoding="utf-8")
    result = services.instrument_load_file(path=changed)
    assert result.created and result.instrument.version == 2
    assert Instrument.objects.filter(code="spak-4").count() == 2


def test_campaign_create_computes_target_and_short_code(regency):
    st = ServiceType.objects.create(unit=regency.unit_a, name="KTP-el")
    campaign = make_campaign(regency, population=1000, sample_method="slovin_5", service_types=[st])
    assert campaign.target_sample == 286
    assert campaign.status == Campaign.Status.DRAFT
    assert len(campaign.short_code) == 7 and set(campaign.short_code) <= set(services.SHORT_CODE_ALPHABET)
    assert list(campaign.service_types.all()) == [st]
    event = AuditEvent.objects.get(event="survey.campaign_created")
    assert event.changes["target_sample"] == [None, 286]


def test_campaign_create_refuses_other_units_service_types_and_bad_dates(regency):
    foreign = ServiceType.objects.create(unit=regency.unit_b, name="Surat pindah")
    with pytest.raises(ValidationError) as exc:
        make_campaign(regency, service_types=[foreign])
    assert "service_types" in exc.value.error_dict
    today = timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        make_campaign(regency, starts_on=today, ends_on=today - dt.timedelta(days=1))
    assert "ends_on" in exc.value.error_dict
    assert not Campaign.objects.exists()


def test_operator_b_cannot_create_for_unit_a(regency):
    with pytest.raises(PermissionDenied):
        make_campaign(regency, actor=regency.operator_b)


def test_open_close_and_publish_only_by_koordinator(regency):
    campaign = make_campaign(regency)
    services.campaign_open(campaign=campaign, actor=regency.operator_a)
    add_responses(campaign, [dict.fromkeys([f"U{i}" for i in range(1, 10)], 3)])
    services.campaign_close(campaign=campaign, actor=regency.operator_a)
    with pytest.raises(ValidationError):
        services.campaign_close(campaign=campaign, actor=regency.operator_a)
    for actor in (regency.operator_a, regency.ketua_a):
        with pytest.raises(PermissionDenied):
            services.campaign_publish(campaign=campaign, actor=actor)
    published = services.campaign_publish(campaign=campaign, actor=regency.koordinator)
    assert published.published_at is not None and published.published_by == regency.koordinator
    assert AuditEvent.objects.filter(event="survey.campaign_published", actor=regency.koordinator).exists()
    services.campaign_unpublish(campaign=campaign, actor=regency.koordinator)
    campaign.refresh_from_db()
    assert campaign.published_at is None


def test_publishing_an_empty_campaign_is_refused(regency):
    campaign = make_campaign(regency)
    with pytest.raises(ValidationError):
        services.campaign_publish(campaign=campaign, actor=regency.koordinator)


def _closed(regency, code, rows, **kw):
    campaign = make_campaign(regency, code, **kw)
    services.campaign_open(campaign=campaign, actor=regency.operator_a)
    add_responses(campaign, rows)
    return services.campaign_close(campaign=campaign, actor=regency.operator_a)


def test_spak_feeds_b_i_a_with_the_rounded_index_and_evidence(regency):
    period = open_period(regency)
    assessment = assessment_of(period, regency.unit_a)
    codes = [f"K{i}" for i in range(1, 6)]
    # 6-point: 3 respondents all 6, 2 respondents all 5 → mean 5.6 → proportional 5.6·4/6 = 3.7333 → 3.73
    # (the shipped default, F5; linear would give 1 + 4.6·0.6 = 3.76)
    rows = [dict.fromkeys(codes, 6)] * 3 + [dict.fromkeys(codes, 5)] * 2
    campaign = _closed(regency, "spak-6", rows, year=period.year)
    result = services.campaign_feed_lke(campaign=campaign, assessment=assessment, actor=regency.operator_a)
    assert (result.item_code, result.value) == ("B.I.a", Decimal("3.73"))
    answer = Answer.objects.get(assessment=assessment, item_code="B.I.a", stage__isnull=True)
    assert answer.value == pytest.approx(3.73)
    evidence = Evidence.objects.get(assessment=assessment, item_code="B.I.a")
    assert evidence.url.endswith(f"/survei/{campaign.pk}/")
    assert "n = 5" in evidence.title and "proporsional" in evidence.title
    audit = AuditEvent.objects.get(event="survey.fed_lke")
    assert audit.changes["item"] == "B.I.a" and audit.changes["value"] == [None, "3.73"]
    assert AuditEvent.objects.filter(event="answer.saved", actor=regency.operator_a).exists()
    # again: nothing duplicated
    again = services.campaign_feed_lke(campaign=campaign, assessment=assessment, actor=regency.operator_a)
    assert not again.changed and again.evidence_added == 0


def test_spkp_feeds_b_ii_a_and_does_not_overwrite_without_confirmation(regency):
    from zona.assessments.services.answers import answer_save

    period = open_period(regency)
    assessment = assessment_of(period, regency.unit_a)
    answer_save(assessment=assessment, item_code="B.II.a", value="3.1", actor=regency.operator_a)
    codes = [f"P{i}" for i in range(1, 9)]
    campaign = _closed(
        regency, "spkp-4", [dict.fromkeys(codes, 4), dict.fromkeys(codes, 3)], year=period.year
    )
    with pytest.raises(services.FeedNeedsConfirmation) as exc:
        services.campaign_feed_lke(campaign=campaign, assessment=assessment, actor=regency.operator_a)
    assert exc.value.current == pytest.approx(3.1)
    assert Answer.objects.get(assessment=assessment, item_code="B.II.a").value == pytest.approx(3.1)
    services.campaign_feed_lke(
        campaign=campaign, assessment=assessment, actor=regency.operator_a, confirm=True
    )
    assert Answer.objects.get(assessment=assessment, item_code="B.II.a").value == pytest.approx(3.5)


def test_an_open_campaign_or_another_year_does_not_feed(regency):
    period = open_period(regency)
    assessment = assessment_of(period, regency.unit_a)
    campaign = make_campaign(regency, "spak-4", year=period.year)
    with pytest.raises(ValidationError):
        services.campaign_feed_lke(campaign=campaign, assessment=assessment, actor=regency.operator_a)
    other = make_campaign(
        regency,
        "spak-4",
        year=period.year - 1,
        starts_on=dt.date(period.year - 1, 1, 1),
        ends_on=dt.date(period.year - 1, 12, 31),
    )
    services.campaign_open(campaign=other, actor=regency.operator_a)
    services.campaign_close(campaign=other, actor=regency.operator_a)
    with pytest.raises(ValidationError):
        services.campaign_feed_lke(campaign=other, assessment=assessment, actor=regency.operator_a)
    assert not Answer.objects.filter(assessment=assessment, item_code="B.I.a").exists()


@pytest.mark.parametrize(("count", "option"), [(0, "E"), (1, "D"), (2, "C"), (3, "B"), (4, "A"), (6, "A")])
def test_skm_count_option(count, option):
    assert services.skm_count_option(count) == option


def test_skm_campaigns_suggest_a_i_6_iv_a_with_each_as_evidence(regency):
    period = open_period(regency)
    assessment = assessment_of(period, regency.unit_a)
    row = dict.fromkeys([f"U{i}" for i in range(1, 10)], 3)
    first = _closed(regency, "skm-permenpanrb-14-2017", [row], year=period.year, **_quarter(period.year, 1))
    second = _closed(
        regency, "skm-permenpanrb-14-2017", [row, row], year=period.year, **_quarter(period.year, 2)
    )
    make_campaign(regency, year=period.year)  # still a draft: not counted
    result = services.campaign_feed_lke(campaign=second, assessment=assessment, actor=regency.operator_a)
    assert (result.item_code, result.value, result.evidence_added) == ("A.I.6.iv.a", "C", 2)
    urls = set(Evidence.objects.filter(item_code="A.I.6.iv.a").values_list("url", flat=True))
    assert {u.rsplit("/survei/", 1)[1] for u in urls} == {f"{first.pk}/", f"{second.pk}/"}
    assert Answer.objects.get(assessment=assessment, item_code="A.I.6.iv.a").value == "C"


def _quarter(year: int, quarter: int, day: int = 10) -> dict:
    start = dt.date(year, 3 * quarter - 2, day)
    return {"starts_on": start, "ends_on": start + dt.timedelta(days=20)}


def test_a_i_6_iv_a_counts_rounds_with_responses_not_campaign_records(regency):
    """F13 (90/2021 Lampiran III A.I.6.iv.a: "SKM dilakukan minimal 4 kali dalam setahun", a frequency):
    two concurrent campaigns in triwulan I (one per layanan) are one survey held, a closed campaign
    without responses is none: Q1 (2 campaigns) + Q3 = 2 rounds -> C, where counting records gave 4 -> A."""
    period = open_period(regency)
    assessment = assessment_of(period, regency.unit_a)
    row = dict.fromkeys([f"U{i}" for i in range(1, 10)], 4)
    skm = "skm-permenpanrb-14-2017"
    _closed(regency, skm, [row], year=period.year, title="SKM KTP Q1", **_quarter(period.year, 1))
    _closed(regency, skm, [row], year=period.year, title="SKM KK Q1", **_quarter(period.year, 1, 20))
    _closed(regency, skm, [], year=period.year, title="SKM Q2 kosong", **_quarter(period.year, 2))
    last = _closed(regency, skm, [row, row], year=period.year, title="SKM Q3", **_quarter(period.year, 3))
    result = services.campaign_feed_lke(campaign=last, assessment=assessment, actor=regency.operator_a)
    assert result.value == "C" and result.evidence_added == 3
    assert result.note == (
        f"2 putaran SKM dengan respons pada tahun {period.year}: "
        "triwulan I (2 survei), triwulan III (1 survei) → pilihan C; 1 survei tanpa respons tidak dihitung"
    )


def test_spak_below_30_respondents_warns_in_the_feed_note(regency):
    """F12 (90/2021 Lampiran II Bab III C.2.d: minimal 30 responden untuk satu unit kerja)."""
    period = open_period(regency)
    assessment = assessment_of(period, regency.unit_a)
    codes = [f"K{i}" for i in range(1, 6)]
    campaign = _closed(regency, "spak-4", [dict.fromkeys(codes, 4)] * 29, year=period.year)
    result = services.campaign_feed_lke(campaign=campaign, assessment=assessment, actor=regency.operator_a)
    assert "n = 29: di bawah minimal 30 responden untuk satu unit kerja" in result.note
    answer = Answer.objects.get(assessment=assessment, item_code="B.I.a", stage__isnull=True)
    assert "di bawah minimal 30 responden" in answer.note
    enough = _closed(regency, "spak-4", [dict.fromkeys(codes, 4)] * 30, year=period.year)
    again = services.campaign_feed_lke(
        campaign=enough, assessment=assessment, actor=regency.operator_a, confirm=True
    )
    assert "minimal 30 responden" not in again.note


def test_spkp_feed_notes_when_the_other_conversion_changes_the_verdict(regency):
    """F5: a 1–6 SPKP mean of 4.70 is 3.13 proportional (shipped default: B.II 17.5 x 3.13/4 = 13.69, WBK
    fails B.II >= 14) but 3.22 linear (14.09, passes). Every other item best, B.I.a 4: the feed says so."""
    from tests.assessments.test_review_support import fill_everything

    period = open_period(regency)
    assessment = assessment_of(period, regency.unit_a)
    fill_everything(assessment, regency.operator_a)
    codes = [f"P{i}" for i in range(1, 9)]
    # 10 respondents: 7 answer 5 everywhere, 3 answer 4: mean 4.70 (hand: (7 x 5 + 3 x 4) / 10)
    rows = [dict.fromkeys(codes, 5)] * 7 + [dict.fromkeys(codes, 4)] * 3
    campaign = _closed(regency, "spkp-6", rows, year=period.year)
    result = services.campaign_feed_lke(
        campaign=campaign, assessment=assessment, actor=regency.operator_a, confirm=True
    )
    assert result.value == Decimal("3.13")
    assert (
        "Menuju WBK: Dengan konversi skala 1–6: indeks = 1 + (rata-rata − 1) × 3/5 (linear) (indeks 3,22): "
        "memenuhi"
    ) in result.note
    assert "Menuju WBBM" not in result.note  # B.II 15.75 fails under both readings


def test_feed_needs_a_unit_writer(regency):
    period = open_period(regency)
    assessment = assessment_of(period, regency.unit_a)
    campaign = _closed(
        regency, "spak-4", [dict.fromkeys([f"K{i}" for i in range(1, 6)], 4)], year=period.year
    )
    with pytest.raises(PermissionDenied):
        services.campaign_feed_lke(campaign=campaign, assessment=assessment, actor=regency.anggota_a)
    assert instruments()  # still loadable, unchanged
