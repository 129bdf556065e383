"""The framework files are data; the validator must name the node and the problem."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from tests.conftest import LKE_2014, framework_data
from zona.lke.framework import FrameworkInvalid, build_framework, framework_warnings


def problems_of(data: dict[str, Any]) -> list[str]:
    with pytest.raises(FrameworkInvalid) as excinfo:
        build_framework(data)
    return excinfo.value.problems


def find_node(nodes: list[dict[str, Any]], code: str) -> dict[str, Any]:
    for node in nodes:
        if node["code"] == code:
            return node
        for key in ("children", "items"):
            if node.get(key):
                try:
                    return find_node(node[key], code)
                except KeyError:
                    pass
    raise KeyError(code)


def test_lke_2021_has_all_113_scored_items_in_the_regulations_counts(lke2021):
    aspects = Counter(lke2021.aspect_of(code) or "hasil" for code in lke2021.items)
    assert aspects == {"pemenuhan": 87, "reform": 23, "hasil": 3}
    pemenuhan_by_area = Counter(
        lke2021.area_of(c) for c in lke2021.items if lke2021.aspect_of(c) == "pemenuhan"
    )
    assert pemenuhan_by_area == {1: 12, 2: 9, 3: 18, 4: 11, 5: 18, 6: 19}
    reform_by_area = Counter(lke2021.area_of(c) for c in lke2021.items if lke2021.aspect_of(c) == "reform")
    assert reform_by_area == {1: 4, 2: 6, 3: 3, 4: 3, 5: 4, 6: 3}


def test_lke_2021_area_weights_follow_tabel_3(lke2021):
    weights = {area.number: sum(lke2021.nodes[c].weight for c in area.nodes) for area in lke2021.areas}
    assert weights == {1: 8, 2: 7, 3: 10, 4: 10, 5: 15, 6: 10}
    assert lke2021.nodes["B.I.a"].weight == 17.5
    assert lke2021.nodes["B.I.b"].weight == 5
    assert lke2021.nodes["B.II.a"].weight == 17.5


def test_one_question_indicator_is_answered_under_its_own_code(lke2021):
    assert lke2021.items["A.II.1.ii"].indicator == "A.II.1.ii"
    assert lke2021.items["A.II.5.iii.i"].type == "PCT"


def test_lke_2014_loads_complete_without_aspects_and_without_warnings(lke2014):
    assert lke2014.complete
    assert lke2014.aspects == {}
    assert framework_warnings(lke2014) == []
    assert [a.number for a in lke2014.areas] == [1, 2, 3, 4, 5, 6]
    assert lke2014.effective == "2014-10-02"  # Pasal 4 (finding F9)


def test_children_weights_that_do_not_add_up_name_the_node():
    data = framework_data()
    find_node(data["tree"], "A.I.1.ii")["weight"] = 1.25
    problems = problems_of(data)
    assert any(p.startswith("A.I.1 (Manajemen Perubahan): children weights add up to 4.25") for p in problems)


def test_area_weights_must_match_pengungkit():
    data = framework_data()
    data["areas"][5]["nodes"] = ["A.I.6"]
    problems = problems_of(data)
    assert any("area 6: needs exactly one node under each aspect" in p for p in problems)


def test_pemenuhan_and_reform_must_weigh_the_same_in_an_area():
    data = framework_data()
    # Move half a point from MP to TT in Pemenuhan only: sums still hold, the 50/50 split does not.
    find_node(data["tree"], "A.I.1")["weight"] = 3.5
    find_node(data["tree"], "A.I.1.iv")["weight"] = 1.0
    find_node(data["tree"], "A.I.2")["weight"] = 4.0
    find_node(data["tree"], "A.I.2.ii")["weight"] = 2.5
    problems = problems_of(data)
    assert any("area 1: Pemenuhan and Reform weights differ (3.5 vs 4)" in p for p in problems)


def test_repeated_code_is_refused():
    data = framework_data()
    find_node(data["tree"], "A.I.1.i")["items"][1]["code"] = "A.I.1.i.a"
    assert "A.I.1.i.a: code repeats" in problems_of(data)


def test_unknown_answer_type_is_refused():
    data = framework_data()
    find_node(data["tree"], "A.I.1.i.b")["type"] = "ABCX"
    assert any(p.startswith("A.I.1.i.b: unknown answer type 'ABCX'") for p in problems_of(data))


def test_option_value_that_is_not_a_number_is_refused():
    data = framework_data()
    data["answer_types"]["ABC"]["options"]["B"] = "half"
    assert "answer_types.ABC.options.B: 'half' is not a number" in problems_of(data)


def test_option_texts_must_match_the_answer_type():
    data = framework_data()
    find_node(data["tree"], "A.I.1.i.b")["options"].pop()
    assert any(
        "A.I.1.i.b: answer type ABC has 3 options but the item gives 2" in p for p in problems_of(data)
    )


def test_rule_referring_to_a_missing_node_is_refused():
    data = framework_data()
    data["predicates"][0]["requirements"].append({"metric": "node", "node": "B.IX", "min": 1, "label": "x"})
    assert any("refers to missing node B.IX" in p for p in problems_of(data))


def test_formula_referring_to_a_missing_input_is_refused():
    data = framework_data()
    find_node(data["tree"], "A.II.1.i.a")["formula"]["denominator"] = "agen_perubahan_x"
    assert any(
        "A.II.1.i.a.formula.denominator: refers to unknown input(s) agen_perubahan_x" in p
        for p in problems_of(data)
    )


def test_formula_cannot_call_functions():
    data = framework_data()
    find_node(data["tree"], "A.II.1.i.a")["formula"]["numerator"] = "__import__('os')"
    assert any("A.II.1.i.a.formula.numerator" in p and "not allowed" in p for p in problems_of(data))


def test_unknown_weight_only_in_an_incomplete_framework():
    data = framework_data()
    find_node(data["tree"], "A.I.1.i")["weight"] = None
    problems = problems_of(data)
    assert any("A.I.1.i: weight unknown (null) is allowed only" in p for p in problems)


def test_every_problem_is_reported_at_once():
    data = framework_data(LKE_2014)
    data["code"] = "Bad Code"
    data["answer_types"]["IDX"]["kind"] = "slider"
    problems = problems_of(data)
    assert any(p.startswith("code:") for p in problems)
    assert any(p.startswith("answer_types.IDX: unknown kind 'slider'") for p in problems)
