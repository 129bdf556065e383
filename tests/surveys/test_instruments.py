"""Instrument files: shipped ones are valid and keep the Permen body order; the validator names problems."""

from __future__ import annotations

import copy

import pytest

from tests.surveys.test_public_support import DATA
from zona.surveys.instruments import (
    InstrumentInvalid,
    instrument_def,
    load_instrument_file,
    read_instrument_data,
)

SKM = DATA / "skm-permenpanrb-14-2017.yaml"


def skm_data() -> dict:
    return copy.deepcopy(read_instrument_data(SKM))


def problems_of(data: dict) -> list[str]:
    with pytest.raises(InstrumentInvalid) as exc:
        instrument_def(data)
    return exc.value.problems


def test_skm_keeps_body_order_u8_pengaduan_u9_sarana_and_questionnaire_display_order():
    skm = load_instrument_file(SKM)
    assert skm.codes == tuple(f"U{i}" for i in range(1, 10))
    assert skm.question("U8").column == "a8" and "pengaduan" in skm.question("U8").text
    assert skm.question("U9").column == "a9" and "sarana" in skm.question("U9").text
    assert skm.question("U8").labels == (
        "Tidak ada",
        "Ada tetapi tidak berfungsi",
        "Berfungsi kurang maksimal",
        "Dikelola dengan baik",
    )
    assert skm.question("U9").labels == ("Buruk", "Cukup", "Baik", "Sangat baik")
    assert skm.question("U4").labels[-1] == "Gratis"
    # the printed questionnaire shows sarana (Q8) before pengaduan (Q9): display only
    assert [q.code for q in skm.display_questions][-2:] == ["U9", "U8"]
    assert skm.weight == "exact" and [b.grade for b in skm.grade_bands] == ["A", "B", "C", "D"]
    assert {f.code for f in skm.profile} == {"gender", "age", "education", "occupation", "service_type"}


@pytest.mark.parametrize(
    ("name", "kind", "scale", "count", "conversion"),
    [
        ("spkp-4.yaml", "spkp", 4, 8, "identity"),
        ("spkp-6.yaml", "spkp", 6, 8, "proportional"),  # the conservative default (F5)
        ("spak-4.yaml", "spak", 4, 5, "identity"),
        ("spak-6.yaml", "spak", 6, 5, "proportional"),
    ],
)
def test_perception_instruments(name, kind, scale, count, conversion):
    definition = load_instrument_file(DATA / name)
    assert (definition.kind, definition.scale, len(definition.questions), definition.conversion) == (
        kind,
        scale,
        count,
        conversion,
    )
    assert all(len(q.labels) == scale and q.help for q in definition.questions)


def test_spak_items_are_the_five_of_the_template():
    names = " ".join(q.name.lower() for q in load_instrument_file(DATA / "spak-4.yaml").questions)
    for word in ("diskriminasi", "kecurangan", "gratifikasi", "pungli", "percaloan"):
        assert word in names


def test_duplicate_codes_are_named():
    data = skm_data()
    data["questions"][1]["code"] = "U1"
    assert "pertanyaan U1: kode ganda" in problems_of(data)


def test_more_than_twelve_questions_is_refused():
    data = skm_data()
    extra = copy.deepcopy(data["questions"][:4])
    for i, q in enumerate(extra):
        q["code"] = f"X{i}"
    data["questions"] += extra
    assert any("13 pertanyaan: paling banyak 12" in p for p in problems_of(data))


def test_labels_count_must_match_the_scale():
    data = skm_data()
    data["questions"][2]["labels"] = ["Tidak cepat", "Cepat", "Sangat cepat"]
    assert "pertanyaan U3: 3 label, padahal skala 4 (satu label per nilai)" in problems_of(data)


def test_unknown_conversion_and_identity_on_six_points():
    data = read_instrument_data(DATA / "spak-6.yaml")
    data["settings"]["conversion"] = "cubic"
    assert any("aturan konversi 'cubic' tidak dikenal" in p for p in problems_of(data))
    data["settings"]["conversion"] = "identity"
    assert any("konversi identity hanya untuk skala 4" in p for p in problems_of(data))


def test_every_problem_is_reported_at_once():
    data = skm_data()
    data["kind"] = "ipk"
    data["questions"][0]["text"] = ""
    data["settings"]["weight"] = "0.1111"
    found = problems_of(data)
    assert any("jenis 'ipk'" in p for p in found)
    assert "pertanyaan U1: teks pertanyaan kosong" in found
