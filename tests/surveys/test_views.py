"""Staff survey pages: access, creation, actions, results, the LKE feed."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.assessments.helpers import assessment_of, open_period
from tests.surveys.core_helpers import add_responses, instruments, make_campaign, random_rows
from zona.assessments.models import Answer, Evidence
from zona.surveys.models import Campaign

pytestmark = pytest.mark.django_db


def test_operator_b_gets_404_on_unit_a_campaign(regency, client):
    campaign = make_campaign(regency)
    client.force_login(regency.operator_b)
    assert client.get(reverse("surveys:detail", kwargs={"pk": campaign.pk})).status_code == 404
    assert (
        client.post(reverse("surveys:action", kwargs={"pk": campaign.pk, "action": "open"})).status_code
        == 404
    )
    assert client.get(reverse("surveys:feed_lke", kwargs={"pk": campaign.pk})).status_code == 404
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DRAFT
    page = client.get(reverse("surveys:list"))
    assert campaign.title not in page.content.decode()


def test_publish_only_by_koordinator(regency, client):
    campaign = make_campaign(regency)
    add_responses(campaign, random_rows(campaign, 5))
    url = reverse("surveys:action", kwargs={"pk": campaign.pk, "action": "publish"})
    client.force_login(regency.operator_a)
    assert client.post(url).status_code == 403
    page = client.get(reverse("surveys:detail", kwargs={"pk": campaign.pk})).content.decode()
    assert "Publikasikan hasil" not in page
    campaign.refresh_from_db()
    assert campaign.published_at is None
    client.force_login(regency.koordinator)
    assert client.post(url).status_code == 302
    campaign.refresh_from_db()
    assert campaign.published_by == regency.koordinator


def test_create_campaign_through_the_form(regency, client):
    instruments()
    from zona.surveys.models import Instrument

    skm = Instrument.objects.get(code="skm-permenpanrb-14-2017")
    client.force_login(regency.operator_a)
    today = timezone.localdate()
    response = client.post(
        reverse("surveys:create"),
        {
            "unit": regency.unit_a.pk,
            "instrument": skm.pk,
            "title": "SKM Triwulan I",
            "year": today.year,
            "starts_on": today.isoformat(),
            "ends_on": today.isoformat(),
            "population": 500,
            "sample_method": "krejcie_morgan",
        },
    )
    campaign = Campaign.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "surveys:detail", kwargs={"pk": campaign.pk}
    )
    # Krejcie & Morgan (1970) Table 1: N = 500 -> S = 217 (finding F14)
    assert campaign.target_sample == 217 and campaign.created_by == regency.operator_a


def test_create_form_shows_an_indonesian_error_and_writes_nothing(regency, client):
    instruments()
    from zona.surveys.models import Instrument

    client.force_login(regency.operator_a)
    response = client.post(
        reverse("surveys:create"),
        {
            "unit": regency.unit_a.pk,
            "instrument": Instrument.objects.first().pk,
            "title": "X",
            "year": 2026,
            "starts_on": "2026-05-01",
            "ends_on": "2026-04-01",
            "sample_method": "krejcie_morgan",
        },
    )
    assert response.status_code == 200
    assert "Tanggal selesai tidak boleh sebelum tanggal mulai." in response.content.decode()
    assert not Campaign.objects.exists()


def test_operator_b_cannot_create_for_unit_a_through_the_form(regency, client):
    instruments()
    client.force_login(regency.operator_b)
    assert client.get(reverse("surveys:create") + f"?unit={regency.unit_a.pk}").status_code == 404


def test_target_preview(regency, client):
    client.force_login(regency.operator_a)
    page = client.get(reverse("surveys:target"), {"population": 1000, "sample_method": "slovin_5"})
    assert "286" in page.content.decode()


def test_detail_shows_progress_link_and_weakest_first(regency, client, django_assert_max_num_queries):
    campaign = make_campaign(regency, population=100)  # target 80
    rows = [dict.fromkeys([f"U{i}" for i in range(1, 10)], 4) | {"U8": 1} for _ in range(20)]
    add_responses(campaign, rows)
    client.force_login(regency.anggota_a)
    with django_assert_max_num_queries(25):
        page = client.get(reverse("surveys:detail", kwargs={"pk": campaign.pk}))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'aria-valuenow="25"' in html  # 20 / 80
    assert f"/s/{campaign.short_code}/" in html
    table = html[html.index("dari yang terlemah") :]
    assert table.index(">U8<") < table.index(">U1<")
    assert "Kirim ke LKE" not in html  # anggota tim: read only
    assert "chart-campaign" in html


def test_feed_page_fills_b_i_a(regency, client):
    period = open_period(regency)
    assessment = assessment_of(period, regency.unit_a)
    campaign = make_campaign(regency, "spak-4", year=period.year)
    add_responses(campaign, [dict.fromkeys([f"K{i}" for i in range(1, 6)], 4)] * 3)
    campaign.status = Campaign.Status.CLOSED
    campaign.save()
    client.force_login(regency.ketua_a)
    url = reverse("surveys:feed_lke", kwargs={"pk": campaign.pk})
    assert "B.I.a" in client.get(url).content.decode()
    response = client.post(url, {"assessment": assessment.pk}, HTTP_HOST="localhost")
    assert response.status_code == 302
    assert Answer.objects.get(assessment=assessment, item_code="B.I.a").value == 4.0
    assert (
        Evidence.objects.get(assessment=assessment, item_code="B.I.a").url
        == f"http://localhost/survei/{campaign.pk}/"
    )


def test_list_and_unit_results_pages(regency, client):
    campaign = make_campaign(regency)
    add_responses(campaign, random_rows(campaign, 9))
    client.force_login(regency.koordinator)
    assert campaign.title in client.get(reverse("surveys:list")).content.decode()
    page = client.get(
        reverse("surveys:unit_results", kwargs={"unit_pk": regency.unit_a.pk, "year": campaign.year})
    )
    assert page.status_code == 200 and "n = 9" in page.content.decode()
    client.force_login(regency.operator_b)
    assert (
        client.get(
            reverse("surveys:unit_results", kwargs={"unit_pk": regency.unit_a.pk, "year": campaign.year})
        ).status_code
        == 404
    )


def test_spak_detail_shows_index_ci_and_conversion(regency, client):
    campaign = make_campaign(regency, "spak-6")
    add_responses(campaign, random_rows(campaign, 30, seed=11))
    client.force_login(regency.operator_a)
    html = client.get(reverse("surveys:detail", kwargs={"pk": campaign.pk})).content.decode()
    assert "Indeks Persepsi Anti Korupsi" in html
    assert "Selang kepercayaan 95 %" in html
    assert "rata-rata × 4/6 (proporsional)" in html
    assert "1 + (rata-rata − 1) × 3/5 (linear)" in html  # the other reading, shown beside it (F5)
    assert "Menurut Jenis kelamin" in html


@pytest.mark.urls("tests.surveys.test_public_support")
def test_detail_links_to_paper_entry_and_import_when_mounted(regency, client):
    campaign = make_campaign(regency)
    client.force_login(regency.operator_a)
    html = client.get(reverse("surveys:detail", kwargs={"pk": campaign.pk})).content.decode()
    assert reverse("survey_entry:paper", kwargs={"campaign_pk": campaign.pk}) in html
    assert reverse("survey_public:poster", kwargs={"short_code": campaign.short_code}) in html


def test_results_below_30_respondents_carry_a_warning(regency, client):
    """F12: 29 responses for one unit are below the minimum of 90/2021 Lampiran II Bab III C.2.d."""
    campaign = make_campaign(regency, "spak-4")
    add_responses(campaign, random_rows(campaign, 29, seed=3))
    client.force_login(regency.operator_a)
    html = client.get(reverse("surveys:detail", kwargs={"pk": campaign.pk})).content.decode()
    assert "data-minimum-warning" in html and "n = 29: di bawah minimal 30 responden" in html
    add_responses(campaign, random_rows(campaign, 1, seed=4))
    html = client.get(reverse("surveys:detail", kwargs={"pk": campaign.pk})).content.decode()
    assert "data-minimum-warning" not in html
