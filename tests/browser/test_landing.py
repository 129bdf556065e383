from __future__ import annotations

import pytest

from tests.browser.fixtures import axe_violations

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_landing_page_renders_in_indonesian_without_serious_axe_violations(live_server, page):
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "id"
    assert page.get_by_role("heading", level=1).inner_text() != ""
    assert axe_violations(page) == []
