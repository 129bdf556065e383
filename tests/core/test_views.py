from __future__ import annotations

import pytest

from zona.frameworks import services

pytestmark = pytest.mark.django_db


def test_home_page_lists_loaded_frameworks_in_indonesian(client):
    services.frameworks_load_shipped()
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="id">' in body
    assert "permenpanrb-90-2021" in body and "Kerangka LKE yang dimuat" in body


def test_home_page_says_what_to_do_when_nothing_is_loaded(client):
    body = client.get("/").content.decode()
    assert "zona frameworks load" in body


def test_healthz(client):
    assert client.get("/healthz").json() == {"status": "ok"}
