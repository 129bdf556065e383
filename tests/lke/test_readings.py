"""Zero denominators (F2) and the readings the regulation leaves open (F3, F4), hand-computed.

The answer sets are those of lke-fidelity-findings.md §5 (every item not listed answered best). Their
figures were computed by hand from PermenPANRB 90/2021 Lampiran III (the LKE: weights, items) and
Lampiran II Tabel 6 / Bab III A.3-4 (WBK: total >= 75, pengungkit >= 40, every area >= 60 %).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest

from tests.conftest import best_raw, framework_data
from zona.lke.answers import parse_answers
from zona.lke.framework import FrameworkInvalid, build_framework
from zona.lke.numbers import round_half_up
from zona.lke.scoring import AnswerReading, score


def set1(framework) -> dict[str, Any]:
    """§5 set 1: every WBK minimum met exactly (total 75.00; SDM, AK, PW at 60 %)."""
    raw = best_raw(framework)
    raw.update(
        {
            "A.II.1.i.a": {"perubahan": 0, "agen": 3},
            "A.II.1.i.b": 0,
            "A.II.2.i": "D",
            "A.II.2.ii.a": "C",
            "A.II.2.ii.b": "B",
            "A.II.3.i": "C",
            "A.II.3.ii": "C",
            "A.II.3.iii": {"pelanggaran_lalu": 4, "pelanggaran_kini": 2},
            "A.II.4.i": {"sasaran": 10, "tercapai": 5},
            "A.II.4.ii": "D",
            "A.II.4.iii": "D",
            "A.II.5.i": "E",
            "A.II.5.ii": {"harus": 10, "diproses": 4, "selesai": 0},
            "A.II.5.iii.i": {"kepala": 1, "wajib": 1, "lainnya": 2, "sudah": 2},
            "B.I.a": 3.60,
            "B.I.b": "C",
            "B.II.a": 3.20,
        }
    )
    return raw


def set2(framework) -> dict[str, Any]:
    """§5 set 2: blanks, % over 100, zero denominators, an IPAK rounding edge."""
    raw = best_raw(framework)
    for code in ("A.I.1.i.b", "A.I.6.iv.a", "A.I.6.iv.b", "A.I.6.iv.c"):
        del raw[code]
    raw.update(
        {
            "A.II.1.i.a": {"perubahan": 5, "agen": 2},
            "A.II.1.i.b": 150,
            "A.II.3.iii": {"pelanggaran_lalu": 0, "pelanggaran_kini": 3},
            "A.II.5.ii": {"harus": 0, "diproses": 0, "selesai": 0},
            "A.II.5.iii.i": {"kepala": 1, "wajib": 0, "lainnya": 0, "sudah": 1},
            "A.II.5.iii.ii": {"administrator": 2, "pengawas": 5, "fungsional": 20, "sudah": 30},
            "B.I.a": "3.5985",
            "B.I.b": "B",
            "B.II.a": 3.60,
        }
    )
    return raw


def set3(framework) -> dict[str, Any]:
    """§5 set 3: set 1 minus 0.005 (A.II.4.i 49.975 %; A.II.6.i.b 2491 of 2500)."""
    raw = set1(framework)
    raw["A.II.4.i"] = "49.975"
    raw["A.II.6.i.b"] = {"terdata": 2500, "dipermudah": 2491}
    return raw


def scored(framework, raw, **kwargs):
    answers, problems = parse_answers(framework, raw)
    assert problems == []
    return score(framework, answers, **kwargs)


def variant(**settings: Any):
    data = framework_data()
    data["settings"].update(settings)
    return build_framework(data)


# --- F2: zero denominators --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lalu", "kini", "expected"),
    [
        (0, 0, Fraction(1)),  # no violations either year: full (0/0 rule)
        (0, 3, Fraction(0)),  # 0 -> 3: violations rose, 0 % (n/0 rule; F2's example)
        (4, 2, Fraction(1, 2)),  # (4 - 2) / 4 = 50 % (the printed formula)
        (4, 6, Fraction(0)),  # (4 - 6) / 4 = -50 %, clamped to 0
    ],
)
def test_a_ii_3_iii_penurunan_pelanggaran_zero_rule(lke2021, lalu, kini, expected):
    result = scored(lke2021, {"A.II.3.iii": {"pelanggaran_lalu": lalu, "pelanggaran_kini": kini}})
    assert result.values["A.II.3.iii"] == expected


def test_set2_scores_0_to_3_violations_as_zero_and_prints_the_rule(lke2021):
    """Set 2 by hand: pemenuhan 30 - 0.25 - 1.00 = 28.75; reform 30 - 2 (A.II.3.iii 0 %) = 28.00;
    hasil 17.5 x 3.60/4 (IPAK 3.5985 as the report prints it, F15) + 3.75 + 15.75 = 35.25; total 92.00;
    SDM (5 + 3) / 10 = 80 %."""
    result = scored(lke2021, set2(lke2021))
    assert result.pemenuhan == Fraction("28.75")
    assert result.reform == 28
    assert result.hasil == Fraction("35.25")
    assert result.total == 92
    assert result.areas[2].percent == 80
    notes = {entry.code: entry for entry in result.zero_denominators}
    assert set(notes) == {"A.II.3.iii", "A.II.5.ii"}
    assert notes["A.II.3.iii"].case == "nonzero_over_zero" and notes["A.II.3.iii"].value == 0
    assert notes["A.II.5.ii"].case == "zero_over_zero" and notes["A.II.5.ii"].value == 1
    assert notes["A.II.3.iii"].message == (
        "A.II.3.iii: pembagi 0, pembilang bukan 0 → 0,00 % (aturan kerangka: 0/0 = 100 %, n/0 = 0 %)"
    )
    shown = result.to_dict()["zero_denominators"]
    assert [entry["code"] for entry in shown] == ["A.II.3.iii", "A.II.5.ii"]
    assert shown[0]["value"] == 0.0 and "pelanggaran naik" in shown[0]["note"]


def test_every_shipped_formula_states_both_zero_cases(lke2021):
    formulas = {code: item.formula for code, item in lke2021.items.items() if item.formula is not None}
    assert len(formulas) == 8
    for code, formula in formulas.items():
        assert formula.if_zero is not None, code
        assert formula.if_zero.note, code
        assert formula.if_zero.nonzero_over_zero == 0, code


def _with_formula(formula: dict[str, Any]):
    data = framework_data()
    item = data["tree"][0]["children"][1]["children"][0]["children"][0]["items"][0]
    assert item["code"] == "A.II.1.i.a"
    item["formula"] = formula
    return data


def test_validator_requires_the_zero_rule_where_a_division_can_be_by_zero():
    with pytest.raises(FrameworkInvalid) as caught:
        build_framework(_with_formula({"numerator": "perubahan", "denominator": "agen + 1 - 1"}))
    assert any("A.II.1.i.a.formula.if_zero: missing" in p for p in caught.value.problems)
    # a constant divisor cannot be 0: no rule needed
    framework = build_framework(_with_formula({"numerator": "perubahan", "denominator": "4"}))
    assert framework.items["A.II.1.i.a"].formula.if_zero is None
    # a division inside the numerator counts too
    with pytest.raises(FrameworkInvalid):
        build_framework(_with_formula({"numerator": "perubahan / agen", "denominator": "1"}))


def test_validator_names_a_bad_zero_rule():
    with pytest.raises(FrameworkInvalid) as caught:
        build_framework(
            _with_formula(
                {"numerator": "perubahan", "denominator": "agen", "if_zero": {"zero_over_zero": 2, "x": 1}}
            )
        )
    problems = caught.value.problems
    assert any("zero_over_zero: 2 must be between 0 and 1" in p for p in problems)
    assert any("unknown key(s) x" in p for p in problems)
    assert any("nonzero_over_zero: missing" in p for p in problems)


def test_older_single_number_if_zero_still_reads_as_both_cases():
    framework = build_framework(
        _with_formula({"numerator": "perubahan", "denominator": "agen", "if_zero": 1})
    )
    rule = framework.items["A.II.1.i.a"].formula.if_zero
    assert rule.zero_over_zero == rule.nonzero_over_zero == 1


# --- F3 / F4: the open readings, with notes when a verdict would change ------------------------------


def test_set1_passes_wbk_exactly_and_notes_the_per_aspect_reading(lke2021):
    """Set 1: total 75.00, areas 75 / 82.14 / 60 / 60 / 60 / 100 %: WBK passes at equality (combined).
    Per aspect (Reform MP 2/4, SDM 1/5, AK 1/5, PW 1.5/7.5) it fails: findings F4."""
    result = scored(lke2021, set1(lke2021))
    assert result.total == 75 and result.pengungkit == Fraction("42.75") and result.hasil == Fraction("32.25")
    assert [round_half_up(a.percent, 2) for a in result.areas] == [75, Fraction("82.14"), 60, 60, 60, 100]
    wbk = result.predicates["wbk"]
    assert wbk.eligible
    assert [note.setting for note in wbk.readings] == [
        "area_rule"
    ]  # exact at equality: rounding changes nothing
    note = wbk.readings[0]
    assert note.current == "combined" and note.alternative == "per_aspect" and not note.eligible
    assert note.failed == (
        "Nilai area Manajemen Perubahan (Reform) 50,00 % di bawah minimal 60,00 %",
        "Nilai area Penataan Sistem Manajemen SDM Aparatur (Reform) 20,00 % di bawah minimal 60,00 %",
        "Nilai area Penguatan Akuntabilitas (Reform) 20,00 % di bawah minimal 60,00 %",
        "Nilai area Penguatan Pengawasan (Reform) 20,00 % di bawah minimal 60,00 %",
    )
    assert len(result.predicates["wbbm"].failed) == 8
    assert result.predicates["wbbm"].readings == ()  # fails under every reading


def test_set3_passes_only_when_rounded_and_says_so(lke2021):
    """Set 3: AK 10 - 4.0005 = 5.9995 (59.995 %), total 74.995: 75,00 and 60,00 when rounded (pass),
    below both minima when read raw (Tabel 6 states no rounding rule: finding F3)."""
    result = scored(lke2021, set3(lke2021))
    assert result.total == Fraction("74.995")
    assert result.areas[3].percent == Fraction("59.995")
    assert result.areas[5].percent == Fraction("99.955")
    wbk = result.predicates["wbk"]
    assert wbk.eligible
    by_setting = {note.setting: note for note in wbk.readings}
    assert by_setting["threshold_rounding"].message == (
        "Memenuhi bila dibulatkan; nilai mentah: Nilai total 74,995 di bawah minimal 75,00; "
        "Nilai area Penguatan Akuntabilitas 59,995 % di bawah minimal 60,00 %"
    )
    assert not by_setting["area_rule"].eligible
    shown = result.to_dict()["predicates"]["wbk"]["readings"]
    assert [entry["setting"] for entry in shown] == ["threshold_rounding", "area_rule"]


def test_set3_under_the_raw_reading_fails_and_notes_the_rounded_one():
    framework = variant(threshold_rounding="raw")
    result = scored(framework, set3(framework))
    wbk = result.predicates["wbk"]
    assert not wbk.eligible
    assert wbk.failed == (
        "Nilai total 74,995 di bawah minimal 75,00",
        "Nilai area Penguatan Akuntabilitas 59,995 % di bawah minimal 60,00 %",
    )
    rounding = next(note for note in wbk.readings if note.setting == "threshold_rounding")
    assert rounding.eligible and rounding.message.startswith("Belum memenuhi dengan nilai mentah")


def test_set1_under_per_aspect_fails_and_notes_the_combined_reading():
    framework = variant(area_rule="per_aspect")
    result = scored(framework, set1(framework))
    wbk = result.predicates["wbk"]
    assert not wbk.eligible and len(wbk.failed) == 4
    assert [(note.setting, note.eligible) for note in wbk.readings] == [("area_rule", True)]


def test_best_answers_have_no_reading_notes(lke2021):
    result = scored(lke2021, best_raw(lke2021))
    assert result.reading_notes == []


def test_an_answer_reading_changes_the_verdict_and_is_noted(lke2021):
    """F5: a raw 1–6 mean of 4.70 is 3.22 linear (B.II 17.5 x 3.22/4 = 14.09 passes) but 3.13 proportional
    (13.69 fails); on set 1 the total moves from 75.09 to 74.69."""
    raw = set1(lke2021)
    raw["B.II.a"] = "3.22"
    reading = AnswerReading(
        "survey_conversion", "linear", "proportional", {"B.II.a": Fraction("3.13")}, "konversi proporsional"
    )
    result = scored(lke2021, raw, readings=[reading])
    wbk = result.predicates["wbk"]
    assert wbk.eligible
    note = next(note for note in wbk.readings if note.setting == "survey_conversion")
    assert not note.eligible
    assert note.message == (
        "Dengan konversi proporsional: belum memenuhi "
        "(Nilai total 74,69 di bawah minimal 75,00; "
        "Nilai pelayanan publik yang prima 13,69 di bawah minimal 14,00)"
    )


@pytest.mark.parametrize(
    ("typed", "points", "wbk_fails_on_ipak"),
    [
        ("3.5985", Fraction("15.75"), False),  # shown 3,60 in a survey report: 17.5 x 3.60 / 4 = 15.75
        ("3.5949", Fraction("15.70625"), True),  # 3,59: 17.5 x 3.59 / 4 = 15.70625 (15,71 < 15,75)
        ("3.6", Fraction("15.75"), False),
    ],
)
def test_an_index_with_more_decimals_counts_as_the_report_prints_it(
    lke2021, typed, points, wbk_fails_on_ipak
):
    """F15 (90/2021 Bab III A.5: "minimal 15,75 atau minimal skor survei 3,60")."""
    raw = best_raw(lke2021)
    raw["B.I.a"] = typed
    result = scored(lke2021, raw)
    assert result.node("B.I.a") == points
    assert any("IPAK" in failure for failure in result.predicates["wbk"].failed) is wbk_fails_on_ipak
