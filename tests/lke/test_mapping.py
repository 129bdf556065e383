"""The reviewed 52/2014 -> 90/2021 item mapping and the rules its validator enforces."""

from __future__ import annotations

import copy

import pytest

from tests.conftest import DATA_DIR
from zona.lke.framework import FrameworkInvalid
from zona.lke.mapping import build_mapping, read_mapping_data

MAPPING = DATA_DIR / "mappings" / "52-2014_to_90-2021.yaml"


@pytest.fixture(scope="module")
def mapping_data():
    return read_mapping_data(MAPPING)


def problems_of(data, lke2014, lke2021) -> list[str]:
    with pytest.raises(FrameworkInvalid) as excinfo:
        build_mapping(data, lke2014, lke2021)
    return excinfo.value.problems


def entry(data, code):
    return next(raw for raw in data["items"] if raw["to"] == code)


def test_shipped_mapping_covers_every_90_2021_item_once(mapping_data, lke2014, lke2021):
    mapping = build_mapping(mapping_data, lke2014, lke2021)
    assert list(mapping.entries) == list(lke2021.items)
    assert mapping.counts() == {"same_question": 30, "same_evidence": 51, "none": 32}
    # nothing carries to Reform or Hasil: they measure the assessment year itself
    assert all(e.kind == "none" for code, e in mapping.entries.items() if code.startswith(("A.II.", "B.")))
    # every 52/2014 pengungkit item is used somewhere except two that 90/2021 no longer asks:
    # internalisation of the WBS (V.4.a) and SOP for the service standards (VI.1.c)
    used = {source for e in mapping.entries.values() for source in e.sources}
    unused = {code for code in lke2014.items if code.startswith("A.")} - used
    assert unused == {"A.V.4.a", "A.VI.1.c"}


@pytest.mark.parametrize(
    ("target", "source", "why"),
    [
        ("A.I.1.i.b", "A.I.1.b", "stricter criteria (mewakili seluruh unsur)"),
        ("A.I.1.iii.b", "A.I.3.b", "frequency ladder replaced"),
        ("A.I.2.i.b", "A.II.1.b", "A-D became A-E"),
        ("A.I.4.i.a", "A.IV.1.a", "Y/T became A/B/C"),
        ("A.I.5.v.b", "A.V.5.b", "scope unit kerja became layanan"),
    ],
)
def test_changed_questions_carry_evidence_only(mapping_data, lke2014, lke2021, target, source, why):
    mapping = build_mapping(mapping_data, lke2014, lke2021)
    assert mapping.entry(target).kind == "same_evidence", why
    assert mapping.entry(target).sources == (source,)
    assert not mapping.entry(target).carries_answer and mapping.entry(target).carries_evidence


def test_same_question_must_have_the_same_answer_type(mapping_data, lke2014, lke2021):
    data = copy.deepcopy(mapping_data)
    entry(data, "A.I.1.iv.b")["kind"] = "same_question"  # 2014 Y/T -> 2021 A/B/C
    entry(data, "A.I.2.i.b")["kind"] = "same_question"  # 2014 A-D -> 2021 A-E
    problems = problems_of(data, lke2014, lke2021)
    assert "A.I.1.iv.b: same_question but options differ (Ya/Tidak vs A/B/C); use same_evidence" in problems
    assert "A.I.2.i.b: same_question but options differ (A/B/C/D vs A/B/C/D/E); use same_evidence" in problems


def test_every_problem_is_named_at_once(mapping_data, lke2014, lke2021):
    data = copy.deepcopy(mapping_data)
    data["to"] = "permenpanrb-1-1999"
    data["items"] = [raw for raw in data["items"] if raw["to"] != "B.II.a"]
    entry(data, "A.I.1.i.a")["from"] = ["A.I.9.z"]
    entry(data, "A.I.1.ii.a")["kind"] = "mungkin"
    entry(data, "A.I.4.ii.g")["from"] = ["A.IV.2.a"]  # kind none with a source
    entry(data, "A.I.1.iii.a")["note"] = ""
    entry(data, "A.I.1.iv.a")["from"] = ["A.I.4.a", "A.I.4.b"]
    data["items"].append(dict(entry(data, "A.I.1.i.b")))
    problems = problems_of(data, lke2014, lke2021)
    assert problems == [
        "to: 'permenpanrb-1-1999' is not the target framework 'permenpanrb-90-2021'",
        "A.I.1.i.a: A.I.9.z not item(s) of permenpanrb-52-2014",
        "A.I.1.ii.a: kind 'mungkin' is not one of same_question, same_evidence, none",
        "A.I.1.iii.a: note missing (say why the items do or do not correspond)",
        "A.I.1.iv.a: same_question takes exactly one source item",
        "A.I.4.ii.g: kind none takes no source items",
        "A.I.1.i.b: listed twice",
        "items: no entry for B.II.a (every permenpanrb-90-2021 item needs one, kind none if need be)",
    ]
