"""Dynamic HTML is compressed (issue 8, item 8: the worksheet was 880 KB on the wire); files are not."""

from __future__ import annotations

import gzip
import re

import pytest
from django.urls import reverse

from tests.assessments.helpers import assessment_of, open_period

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"|"X-CSRFToken": "([^"]+)"')


@pytest.fixture
def worksheet(client, regency):
    assessment = assessment_of(open_period(regency), regency.unit_a)
    client.force_login(regency.operator_a)
    return reverse("assessments:worksheet", kwargs={"pk": assessment.pk}), assessment


def test_worksheet_is_sent_gzip_compressed_to_a_browser_that_accepts_it(client, worksheet):
    url, _assessment = worksheet
    plain = client.get(url)
    packed = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert plain.status_code == packed.status_code == 200
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    html = gzip.decompress(packed.content).decode()
    assert "Lembar kerja penilaian mandiri" in html
    # The same page apart from the per-response CSRF masking (the BREACH defence, see below).
    assert TOKEN.sub("", html) == TOKEN.sub("", plain.content.decode())
    assert int(packed["Content-Length"]) == len(packed.content) < len(plain.content) / 5


def test_csrf_token_is_masked_differently_in_every_compressed_response(client, worksheet):
    url, _assessment = worksheet
    tokens = [
        {
            "".join(match)
            for match in TOKEN.findall(
                gzip.decompress(client.get(url, headers={"Accept-Encoding": "gzip"}).content).decode()
            )
        }
        for _ in range(2)
    ]
    assert tokens[0] and tokens[1]
    assert tokens[0].isdisjoint(tokens[1])


def test_spreadsheets_and_files_are_not_recompressed(client, worksheet):
    _url, assessment = worksheet
    response = client.get(
        reverse("assessments:export_xlsx", kwargs={"pk": assessment.pk}), headers={"Accept-Encoding": "gzip"}
    )
    assert response.status_code == 200
    assert "Content-Encoding" not in response
    assert b"".join(response.streaming_content if response.streaming else [response.content])[:2] == b"PK"
