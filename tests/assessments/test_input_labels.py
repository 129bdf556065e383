"""Pages a person reads show a % item's inputs by their labels from the framework, never by raw keys."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.assessments.test_review_support import draft_with_answers, stages
from zona.assessments.selectors.core import engine_for
from zona.assessments.services.answers import answer_save
from zona.assessments.services.review import assessment_submit
from zona.lke.answers import answer_display, parse_answer

pytestmark = pytest.mark.django_db

RAW_KEY = re.compile(r"\b[a-z]+_[a-z_]+=")
CODE = "A.II.3.iii"  # Penurunan pelanggaran disiplin pegawai: inputs pelanggaran_lalu, _kini, _disanksi
UNIT_INPUTS = {"pelanggaran_lalu": 23, "pelanggaran_kini": 5, "pelanggaran_disanksi": 4}
STAGE_INPUTS = {"pelanggaran_lalu": 23, "pelanggaran_kini": 9, "pelanggaran_disanksi": 4}


def visible_text(html: str) -> str:
    """What a reader sees: the page without scripts, styles and tags."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S | re.I)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def assert_no_raw_input_key(html: str) -> None:
    found = RAW_KEY.findall(visible_text(html))
    assert not found, f"raw input keys shown: {found[:5]}"


@pytest.fixture
def reviewed(regency):
    assessment = draft_with_answers(regency)
    answer_save(
        assessment=assessment, item_code=CODE, value={"inputs": UNIT_INPUTS}, actor=regency.operator_a
    )
    assessment_submit(assessment=assessment, actor=regency.ketua_a, acknowledge_incomplete=True)
    assessment.refresh_from_db()
    answer_save(
        assessment=assessment,
        item_code=CODE,
        value={"inputs": STAGE_INPUTS},
        actor=regency.evaluator,
        stage=stages(assessment)[0],
        note="Data kepegawaian dicek ulang",
    )
    return assessment


def test_answer_display_with_the_item_names_each_input_by_its_label(regency, reviewed):
    framework = engine_for(reviewed)
    item = framework.items[CODE]
    answer = parse_answer(framework, item, {"inputs": UNIT_INPUTS})
    text = answer_display(answer, item)
    assert text.startswith("Jumlah pelanggaran tahun sebelumnya: 23; Jumlah pelanggaran tahun ini: 5; ")
    assert not RAW_KEY.search(text)


@pytest.mark.parametrize("page", ["review", "worksheet"])
def test_review_and_worksheet_pages_show_input_labels_not_raw_keys(client, regency, reviewed, page):
    client.force_login(regency.evaluator)
    response = client.get(reverse(f"assessments:{page}", kwargs={"pk": reviewed.pk}), {"area": "3"})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="item-{CODE}"' in html
    assert_no_raw_input_key(html)
    if page == "review":
        assert "Jumlah pelanggaran tahun sebelumnya: 23" in visible_text(html)


def test_the_raw_key_check_can_fail():
    with pytest.raises(AssertionError):
        assert_no_raw_input_key("<p>pelanggaran_lalu=23, pelanggaran_kini=5</p>")
