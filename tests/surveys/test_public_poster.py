from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from tests.surveys.test_public_support import campaign

pytestmark = pytest.mark.django_db


@pytest.fixture
def skm(regency):
    return campaign(regency)


def poster_url(c) -> str:
    return reverse("survey_public:poster", kwargs={"short_code": c.short_code})


def test_poster_is_an_a4_pdf_with_the_short_link(client, regency, skm):
    client.force_login(regency.operator_a)
    page = client.get(poster_url(skm))
    assert page.status_code == 200
    assert page["Content-Type"] == "application/pdf"
    assert page.content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(page.content))
    assert len(reader.pages) == 1
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert round(width) == 595 and round(height) == 842  # A4 in points
    text = " ".join(reader.pages[0].extract_text().split())
    assert "http://testserver/s/dukcapil-skm/" in text
    assert "Bantu kami melayani lebih baik" in text
    assert regency.unit_a.name in text
    assert "Survei Kepuasan Masyarakat (PermenPANRB 14/2017)" in text


def test_poster_uses_the_public_url_setting(client, regency, skm, settings):
    settings.ZONA_PUBLIC_URL = "https://zona.beltim.go.id/"
    client.force_login(regency.pimpinan)  # read-only roles may print it too
    page = client.get(poster_url(skm))
    text = " ".join(PdfReader(io.BytesIO(page.content)).pages[0].extract_text().split())
    assert "https://zona.beltim.go.id/s/dukcapil-skm/" in text


def test_poster_needs_login(client, skm):
    page = client.get(poster_url(skm))
    assert page.status_code == 302
    assert "/akun/" in page["Location"]


def test_poster_of_another_units_campaign_is_404(client, regency, skm):
    client.force_login(regency.operator_b)
    assert client.get(poster_url(skm)).status_code == 404
    client.force_login(regency.other_koordinator)
    assert client.get(poster_url(skm)).status_code == 404
