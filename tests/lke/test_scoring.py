"""Scoring cases computed by hand from lke-zi.md (§3.3, §3.4, §5.1), and properties of the engine."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import LKE_2014, best_raw, framework_data, worst_raw
from zona.lke.answers import parse_answers
from zona.lke.framework import build_framework
from zona.lke.numbers import round_half_up
from zona.lke.scoring import score


def scored(framework, raw: dict[str, Any]):
    answers, problems = parse_answers(framework, raw)
    assert problems == []
    return score(framework, answers)


def two(value) -> Fraction:
    return round_half_up(value, 2)


def test_all_best_answers_score_exactly_100_and_pass_both_predicates(lke2021):
    result = scored(lke2021, best_raw(lke2021))
    assert result.total == 100
    assert result.pengungkit == 60 and result.hasil == 40
    assert result.pemenuhan == 30 and result.reform == 30
    assert all(area.percent == 100 for area in result.areas)
    assert result.predicates["wbk"].eligible and result.predicates["wbbm"].eligible
    assert result.gains == []
    assert result.completeness.answered == result.completeness.total == 113


def test_no_answers_score_zero_and_report_every_item_missing(lke2021):
    result = scored(lke2021, {})
    assert result.total == 0
    assert result.completeness.answered == 0
    assert len(result.completeness.missing) == 113
    assert not result.predicates["wbk"].eligible
    assert "Nilai total 0,00 di bawah minimal 75,00" in result.predicates["wbk"].failed


def test_worked_example_pn_serang_2022(lke2021):
    """§3.3: A.I.1.i = 0.50 (100 %), A.I.1.ii = 0.67 (66.67 %), A.I.1 = 3.67 (91.67 %)."""
    raw = best_raw(lke2021)
    raw.update(
        {"A.I.1.i.a": "Ya", "A.I.1.i.b": "A", "A.I.1.ii.a": "Ya", "A.I.1.ii.b": "C", "A.I.1.ii.c": "A"}
    )
    result = scored(lke2021, raw)
    assert result.node("A.I.1.i") == Fraction(1, 2)
    assert two(result.node("A.I.1.ii")) == Fraction("0.67")
    assert two(result.node("A.I.1.ii") / 1 * 100) == Fraction("66.67")
    assert two(result.node("A.I.1")) == Fraction("3.67")
    assert two(result.node("A.I.1") / 4 * 100) == Fraction("91.67")


def test_worked_example_synthetic_section_3_4(lke2021):
    raw = {
        "A.I.3.iii.a": "ya",
        "A.I.3.iii.b": "b",
        "A.I.3.iii.c": "A",
        "A.I.3.iii.d": "C",
        "A.I.3.iii.e": "A",
        "A.I.3.iii.f": "B",
        "A.II.3.iii": {"pelanggaran_lalu": 4, "pelanggaran_kini": 1},
        "A.II.5.iii.i": {"kepala": 1, "wajib": 2, "lainnya": 0, "sudah": 3},
        "A.II.5.iii.ii": {"administrator": 5, "pengawas": 15, "fungsional": 30, "sudah": 45},
        "B.I.a": 3.65,
        "B.I.b": "B",
        "B.II.a": 3.40,
    }
    result = scored(lke2021, raw)
    # mean(1, 0.67, 1, 0.33, 1, 0.5) = 0.75 exactly with the spreadsheet's 0.67/0.33
    assert result.node("A.I.3.iii") == Fraction("0.9375")
    assert result.node("A.II.3.iii") == Fraction("1.5")
    assert result.node("A.II.5.iii") == Fraction("1.9")
    assert result.node("B.I.a") == Fraction("15.96875")
    assert result.node("B.I.b") == Fraction("3.75")
    assert result.node("B.II.a") == Fraction("14.875")
    assert two(result.hasil) == Fraction("34.59")
    assert two(result.node("B.I")) == Fraction("19.72")
    wbk_failures = result.predicates["wbk"].failed
    assert not any("IPAK" in f or "capaian" in f or "prima" in f or "bersih" in f for f in wbk_failures)


def test_total_above_75_still_fails_wbk_on_one_area_below_60_percent(lke2021):
    raw = best_raw(lke2021)
    for code in lke2021.items:
        if lke2021.area_of(code) == 5:
            raw[code] = worst_raw(lke2021, code)
    result = scored(lke2021, raw)
    assert result.total == 85
    assert result.pengungkit == 45
    assert result.predicates["wbk"].failed == (
        "Nilai area Penguatan Pengawasan 0,00 % di bawah minimal 60,00 %",
    )
    assert not result.predicates["wbk"].eligible


def test_failing_only_on_ipak(lke2021):
    raw = best_raw(lke2021)
    raw["B.I.a"] = 3.45  # 3.45 / 4 x 17.5 = 15.09375
    result = scored(lke2021, raw)
    assert two(result.total) == Fraction("97.59")
    assert result.predicates["wbk"].failed == ("Nilai IPAK 15,09 di bawah minimal 15,75",)
    assert "Nilai IPAK 15,09 di bawah minimal 15,75" in result.predicates["wbbm"].failed


@pytest.mark.parametrize(
    ("index", "eligible"),
    # the index first counts as the report prints it (F15): 3.598 -> 3.60 -> 15.75; 3.594 -> 3.59 -> 15.71
    [(3.60, True), (3.599, True), (3.598, True), (3.594, False)],
)
def test_thresholds_are_tested_on_the_two_decimal_figure_shown(lke2021, index, eligible):
    raw = best_raw(lke2021)
    raw["B.I.a"] = index
    assert scored(lke2021, raw).predicates["wbk"].eligible is eligible


@pytest.mark.parametrize(
    ("index", "eligible"),
    [(3.599, True), (3.598, False)],  # 15.74625 shows as 15.75; 15.7425 shows as 15.74
)
def test_without_index_rounding_the_points_shown_decide(index, eligible):
    data = framework_data()
    del data["answer_types"]["IDX"]["decimals"]
    framework = build_framework(data)
    raw = best_raw(framework)
    raw["B.I.a"] = index
    assert scored(framework, raw).predicates["wbk"].eligible is eligible


def test_wbbm_is_stricter_on_capaian_kinerja(lke2021):
    raw = best_raw(lke2021)
    raw["B.I.b"] = "C"  # 2.50: enough for WBK (2.50), not for WBBM (3.75)
    result = scored(lke2021, raw)
    assert result.predicates["wbk"].eligible
    assert result.predicates["wbbm"].failed == ("Nilai capaian kinerja 2,50 di bawah minimal 3,75",)
    assert result.predicates["wbbm"].requires == ("wbk",)


def test_percent_items_clamp_and_take_inputs_or_a_percentage(lke2021):
    over = scored(lke2021, {"A.II.1.i.a": {"perubahan": 6, "agen": 4}})
    assert over.values["A.II.1.i.a"] == 1
    direct = scored(lke2021, {"A.II.1.i.a": 80})
    assert direct.values["A.II.1.i.a"] == Fraction(4, 5)
    no_complaints = scored(lke2021, {"A.II.5.ii": {"harus": 0, "diproses": 0, "selesai": 0}})
    assert no_complaints.values["A.II.5.ii"] == 1  # if_zero from the framework file
    worse = scored(lke2021, {"A.II.3.iii": {"pelanggaran_lalu": 2, "pelanggaran_kini": 5}})
    assert worse.values["A.II.3.iii"] == 0  # more violations than last year: clamped at 0


def test_gain_list_is_sorted_and_adds_up_to_what_is_missing(lke2021):
    raw = best_raw(lke2021)
    raw.update({"A.I.5.i.a": "C", "A.I.1.i.b": "B", "B.I.a": 3.2})
    result = scored(lke2021, raw)
    gains = [(g.code, g.points) for g in result.gains]
    assert gains == [
        ("B.I.a", Fraction("3.5")),  # 17.5 x (1 - 3.2/4)
        ("A.I.5.i.a", Fraction("0.75")),  # 1.5 / 2 items x (1 - 0)
        ("A.I.1.i.b", Fraction("0.125")),  # 0.5 / 2 items x (1 - 0.5)
    ]
    assert sum(p for _, p in gains) == 100 - result.total
    assert result.gains[1].current == "C" and result.gains[1].best == "A"


def test_per_aspect_area_rule_is_a_setting():
    data = framework_data()
    data["settings"]["area_rule"] = "per_aspect"
    framework = build_framework(data)
    raw = best_raw(framework)
    for code in framework.items:
        if framework.area_of(code) == 1 and framework.aspect_of(code) == "reform":
            raw[code] = worst_raw(framework, code)
    result = scored(framework, raw)
    # Area 1 combined is 4/8 = 50 % (fails either way); per aspect only Reform is named.
    assert result.predicates["wbk"].failed == (
        "Nilai area Manajemen Perubahan (Reform) 0,00 % di bawah minimal 60,00 %",
    )
    assert result.to_dict()["settings"]["area_rule"] == "per_aspect"


def test_exact_thirds_are_a_setting_too():
    data = framework_data()
    data["answer_types"]["ABCD"]["options"] = {"A": 1, "B": "2/3", "C": "1/3", "D": 0}
    framework = build_framework(data)
    result = scored(framework, {"A.I.1.iii.a": "B", "A.I.1.iii.b": "B", "A.I.1.iii.c": "B"})
    assert result.node("A.I.1.iii") == Fraction(2, 3)


def test_lke_2014_scores_hasil_with_its_own_weights():
    framework = build_framework(framework_data(LKE_2014))
    result = scored(framework, {"B.I.1": 3.6, "B.I.2": 80, "B.II.1": 3.2})
    assert result.node("B.I.1") == Fraction("13.5")
    assert result.node("B.I.2") == 4
    assert result.node("B.II.1") == 16
    assert result.to_dict()["areas"]["1"]["pemenuhan"] is None


# ---- properties -------------------------------------------------------------------------------


def answer_strategy(framework):
    def for_item(code):
        answer_type = framework.answer_type(framework.items[code])
        if answer_type.kind == "choice":
            return st.sampled_from([None, *answer_type.options])
        if answer_type.kind == "index":
            return st.one_of(st.none(), st.decimals(0, 4, places=2).map(str))
        # a % answer as the web form sends it, as text with a percent sign, or a bare number above 1
        return st.one_of(
            st.none(),
            st.integers(0, 150).map(lambda v: {"percent": v}),
            st.integers(0, 150).map(lambda v: f"{v}%"),
            st.integers(2, 150),
        )

    return st.fixed_dictionaries({code: for_item(code) for code in framework.items})


_framework = build_framework(framework_data())


def _raise(framework, code, raw):
    answer_type = framework.answer_type(framework.items[code])
    if answer_type.kind == "choice":
        return answer_type.best_option
    return 4 if answer_type.kind == "index" else 100


@settings(max_examples=60, deadline=None)
@given(answer_strategy(_framework), st.sampled_from(sorted(_framework.items)))
def test_raising_any_answer_never_lowers_the_total(raw, code):
    before = scored(_framework, raw)
    raised = dict(raw, **{code: _raise(_framework, code, raw.get(code))})
    after = scored(_framework, raised)
    assert after.total >= before.total
    assert after.node(_framework.items[code].indicator) >= before.node(_framework.items[code].indicator)


@settings(max_examples=60, deadline=None)
@given(answer_strategy(_framework))
def test_every_part_stays_within_its_weight_and_total_is_pengungkit_plus_hasil(raw):
    result = scored(_framework, raw)
    for code, node in _framework.nodes.items():
        assert 0 <= result.node(code) <= node.weight, code
    assert result.total == result.pengungkit + result.hasil
    assert result.pengungkit == result.pemenuhan + result.reform
    assert sum(area.score for area in result.areas) == result.pengungkit
    assert 0 <= result.total <= 100
