from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.surveys.test_public_support import SKM_ANSWERS, campaign, payload
from zona.surveys.models import Campaign, Response

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def skm(regency):
    return campaign(regency)


def form_url(c: Campaign, **query: str) -> str:
    url = reverse("survey_public:form", kwargs={"short_code": c.short_code})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_public_form_renders_for_anonymous_on_open_campaign(client, skm):
    page = client.get(form_url(skm))
    assert page.status_code == 200
    html = page.content.decode()
    assert skm.unit.name in html
    assert skm.title in html
    assert html.count("<fieldset") == 1 + 9 + 3  # service type, nine unsur, gender/education/occupation
    assert "Kartu Tanda Penduduk" in html and "Akta Kelahiran" in html
    assert "Sangat sopan dan ramah" in html
    assert 'name="website"' in html and 'tabindex="-1"' in html and 'aria-hidden="true"' in html
    # Light page: no Bootstrap JS, no chart library, no HTMX.
    assert "bootstrap.bundle" not in html and "chart" not in html.lower() and "htmx" not in html
    assert "<script" not in html


def test_questions_follow_questionnaire_order(client, skm):
    html = client.get(form_url(skm)).content.decode()
    # The printed questionnaire asks sarana (U9) before pengaduan (U8).
    assert html.index('name="q_U9"') < html.index('name="q_U8"')


def test_valid_submission_stores_one_response_by_code_and_shows_thanks(client, skm):
    page = client.post(
        form_url(skm), payload(skm, gender="P", age="34", education="s1", suggestion=" Antrean cepat ")
    )
    assert page.status_code == 302
    assert page["Location"] == reverse("survey_public:thanks", kwargs={"short_code": skm.short_code})
    assert Response.objects.count() == 1
    response = Response.objects.get()
    # Columns follow the instrument's order (U1..U9 → a1..a9), whatever order the form showed.
    assert [getattr(response, f"a{i}") for i in range(1, 10)] == [SKM_ANSWERS[f"U{i}"] for i in range(1, 10)]
    assert response.a10 is None
    assert response.channel == Response.Channel.WEB
    assert response.service_type.name == "Akta Kelahiran"
    assert (response.gender, response.age, response.education, response.occupation) == ("P", 34, "s1", "")
    assert response.suggestion == "Antrean cepat"
    assert response.entered_by is None
    thanks = client.get(page["Location"])
    assert thanks.status_code == 200
    assert "Terima kasih" in thanks.content.decode()


def test_missing_answer_is_shown_in_indonesian_and_nothing_stored(client, skm):
    data = payload(skm)
    del data["q_U4"]
    page = client.post(form_url(skm), data)
    assert page.status_code == 200
    assert "Pilih salah satu jawaban untuk pertanyaan ini." in page.content.decode()
    assert 'href="#id_q_U4"' in page.content.decode()
    assert Response.objects.count() == 0


def test_value_outside_scale_is_refused(client, skm):
    page = client.post(form_url(skm), payload(skm, q_U1="5"))
    assert page.status_code == 200
    assert Response.objects.count() == 0


def test_service_type_of_another_unit_is_refused(client, regency, skm):
    other = campaign(regency, unit=regency.unit_b, short_code="gantung", service_types=("Surat Pindah",))
    foreign = other.service_types.get()
    page = client.post(form_url(skm), payload(skm, service_type=str(foreign.pk)))
    assert page.status_code == 200
    assert Response.objects.count() == 0


def test_campaign_never_opened_is_not_public_at_all(client, regency):
    c = campaign(regency, status=Campaign.Status.DRAFT)
    page = client.get(form_url(c))
    assert page.status_code == 404 and c.title not in page.content.decode()
    assert client.post(form_url(c), payload(c)).status_code == 404
    assert Response.objects.count() == 0


@pytest.mark.parametrize("status", [Campaign.Status.CLOSED])
def test_campaign_not_open_shows_closed_page_and_refuses_responses(client, regency, status):
    c = campaign(regency, status=status)
    page = client.get(form_url(c))
    assert page.status_code == 200
    assert "Survei tidak sedang dibuka" in page.content.decode()
    assert 'name="q_U1"' not in page.content.decode()
    client.post(form_url(c), payload(c))
    assert Response.objects.count() == 0


def test_unknown_short_code_is_404(client, skm):
    assert client.get("/s/tidak-ada/").status_code == 404


def test_kiosk_mode_records_channel_and_returns_to_a_fresh_form(client, skm):
    page = client.post(form_url(skm, kiosk="1"), payload(skm))
    assert page.status_code == 302
    assert page["Location"].endswith("?kiosk=1")
    assert Response.objects.get().channel == Response.Channel.KIOSK
    thanks = client.get(page["Location"]).content.decode()
    assert 'http-equiv="refresh"' in thanks
    assert form_url(skm, kiosk="1") in thanks


def test_expired_form_is_handed_back_with_answers_kept(client, skm):
    from zona.surveys import services_public

    stale = services_public.form_token(now=0)
    page = client.post(form_url(skm), payload(skm, started=stale))
    assert page.status_code == 200
    html = page.content.decode()
    assert "terlalu lama terbuka" in html
    assert html.count("checked") == 10  # the nine answers and the service type are kept
    assert Response.objects.count() == 0
    # The page carries a fresh token: sending it again (after a human pause) works.
    fresh = page.context["form"].data["started"]
    assert fresh != stale


def test_tampered_token_is_not_accepted(client, skm):
    page = client.post(form_url(skm), payload(skm, started="1700000000.0:forged"))
    assert page.status_code == 200
    assert Response.objects.count() == 0


def test_thanks_page_for_closed_campaign_still_renders(client, regency):
    c = campaign(regency, status=Campaign.Status.CLOSED)
    page = client.get(reverse("survey_public:thanks", kwargs={"short_code": c.short_code}))
    assert page.status_code == 200


def test_thanks_page_shows_the_units_published_results(client, regency, skm):
    from django.utils import timezone

    last_year = campaign(regency, short_code="skm-2025", status=Campaign.Status.CLOSED)
    last_year.title = "SKM Dukcapil 2025"
    last_year.year = 2025
    last_year.save()
    from zona.surveys import services_public
    from zona.surveys.instruments import instrument_def

    definition = instrument_def(last_year.instrument)
    for answers in ({f"U{i}": 4 for i in range(1, 10)}, {f"U{i}": 3 for i in range(1, 10)}):
        services_public.response_build(
            campaign=last_year,
            data=services_public.ResponseData(answers=answers),
            channel="paper",
            definition=definition,
        ).save()
    thanks_url = reverse("survey_public:thanks", kwargs={"short_code": skm.short_code})
    assert "SKM Dukcapil 2025" not in client.get(thanks_url).content.decode()  # not yet published
    last_year.published_at = timezone.now()
    last_year.published_by = regency.koordinator
    last_year.save()
    html = client.get(thanks_url).content.decode()
    assert "SKM Dukcapil 2025" in html
    assert "87.50" in html or "87,50" in html  # IKM = 25 × 3.5
    assert "Baik" in html
