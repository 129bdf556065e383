"""PermenPANRB 52/2014: the LKE of the Lampiran (pp. 26-43 of BN 2014/1813), scored against hand computations.

Weights and answer types as printed on the scanned sheet; the option values (Y/T 1/0, A/B/C 1/0.5/0,
A/B/C/D 1/0.67/0.33/0, A-E 1/0.75/0.5/0.25/0) and "indicator = weight x mean of its items" are the
framework's documented inferences. Thresholds: Bab III B.4 (pp. 22-23).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest

from tests.conftest import best_raw
from zona.lke.answers import parse_answers
from zona.lke.numbers import round_half_up
from zona.lke.scoring import score


def scored(framework, raw: dict[str, Any]):
    answers, problems = parse_answers(framework, raw)
    assert problems == []
    return score(framework, answers)


def two(value) -> Fraction:
    return round_half_up(value, 2)


# Indicator weights and answer types read on each page (the test fails if the file drifts from the print).
PRINTED = {
    # p. 26-27: I. MANAJEMEN PERUBAHAN (5)
    "A.I.1": ("1", ["YT", "ABC"]),
    "A.I.2": ("1", ["YT", "ABC", "YT"]),
    "A.I.3": ("2", ["ABCD", "ABCD", "ABCD"]),
    "A.I.4": ("1", ["YT", "YT", "YT", "ABCD"]),
    # p. 28-29: II. PENATAAN TATALAKSANA (5)
    "A.II.1": ("1.5", ["ABCD", "ABCD", "ABCD"]),
    "A.II.2": ("2", ["ABC", "ABC", "ABC", "ABCD"]),
    "A.II.3": ("1.5", ["YT", "YT"]),
    # p. 29-33: III. PENATAAN SISTEM MANAJEMEN SDM (15)
    "A.III.1": ("2", ["YT", "ABCD", "YT"]),
    "A.III.2": ("2", ["YT", "ABCD", "YT"]),
    "A.III.3": ("3", ["YT", "ABCD", "ABCD", "ABCD", "ABCD", "ABCD"]),
    "A.III.4": ("4", ["ABCD", "ABCD", "ABCDE", "ABCD"]),
    "A.III.5": ("3", ["ABCD"]),
    "A.III.6": ("1", ["ABCD"]),
    # p. 33-35: IV. PENGUATAN AKUNTABILITAS (10)
    "A.IV.1": ("5", ["YT", "YT", "YT"]),
    "A.IV.2": ("5", ["ABC", "ABCD", "ABC", "ABCD", "YT", "ABCD", "ABCD", "ABC"]),
    # p. 35-39: V. PENGUATAN PENGAWASAN (15)
    "A.V.1": ("3", ["ABC", "ABC"]),
    "A.V.2": ("3", ["ABCD", "ABCD", "ABC", "ABC"]),
    "A.V.3": ("3", ["ABCD", "ABCD", "ABCD", "ABC"]),
    "A.V.4": ("3", ["YT", "ABCD", "ABCD", "ABCD"]),
    "A.V.5": ("3", ["YT", "ABCD", "ABCD", "ABC", "ABCD"]),
    # p. 40-42: VI. PENINGKATAN KUALITAS PELAYANAN PUBLIK (10)
    "A.VI.1": ("3", ["ABC", "ABCD", "ABCD", "ABC"]),
    "A.VI.2": ("3", ["ABCD", "ABC", "ABC", "ABCD", "ABCD"]),
    "A.VI.3": ("4", ["ABC", "ABC", "ABCD"]),
    # p. 43: B. HASIL (40)
    "B.I.1": ("15", ["IDX"]),
    "B.I.2": ("5", ["PCT"]),
    "B.II.1": ("20", ["IDX"]),
}


def test_every_indicator_weight_and_answer_type_is_as_printed(lke2014):
    indicators = {code: node for code, node in lke2014.nodes.items() if node.is_indicator}
    assert set(indicators) == set(PRINTED)
    for code, (weight, types) in PRINTED.items():
        node = indicators[code]
        assert node.weight == Fraction(weight), code
        assert [lke2014.items[item].type for item in node.items] == types, code
    pengungkit = [code for code in lke2014.items if code.startswith("A.")]
    assert len(pengungkit) == 81  # 12 + 9 + 18 + 11 + 19 + 12
    areas = [lke2014.nodes[f"A.{n}"].weight for n in ("I", "II", "III", "IV", "V", "VI")]
    assert areas == [5, 5, 15, 10, 15, 10]
    assert lke2014.nodes["A"].weight == 60 and lke2014.nodes["B"].weight == 40
    assert lke2014.nodes["B.I"].weight == 20 and lke2014.nodes["B.II"].weight == 20


def test_all_best_answers_score_exactly_100_and_pass_both_predicates(lke2014):
    result = scored(lke2014, best_raw(lke2014))
    assert result.total == 100
    assert result.pengungkit == 60 and result.hasil == 40
    assert result.pemenuhan is None and result.reform is None
    assert [area.percent for area in result.areas] == [100] * 6
    assert result.predicates["wbk"].eligible and result.predicates["wbbm"].eligible
    assert result.completeness.answered == result.completeness.total == 84


# A mixed answer set. Every item of the sheet is listed; A.III.6.a is left blank (counts 0).
MIXED = {
    # I. MP (p. 26-27)
    "A.I.1.a": "Ya", "A.I.1.b": "B",
    "A.I.2.a": "Ya", "A.I.2.b": "C", "A.I.2.c": "Ya",
    "A.I.3.a": "B", "A.I.3.b": "C", "A.I.3.c": "A",
    "A.I.4.a": "Ya", "A.I.4.b": "Tidak", "A.I.4.c": "Ya", "A.I.4.d": "B",
    # II. TT (p. 28-29)
    "A.II.1.a": "A", "A.II.1.b": "B", "A.II.1.c": "D",
    "A.II.2.a": "A", "A.II.2.b": "B", "A.II.2.c": "C", "A.II.2.d": "B",
    "A.II.3.a": "Ya", "A.II.3.b": "Tidak",
    # III. SDM (p. 29-33)
    "A.III.1.a": "Ya", "A.III.1.b": "A", "A.III.1.c": "Ya",
    "A.III.2.a": "Ya", "A.III.2.b": "C", "A.III.2.c": "Tidak",
    "A.III.3.a": "Ya", "A.III.3.b": "A", "A.III.3.c": "B",
    "A.III.3.d": "B", "A.III.3.e": "C", "A.III.3.f": "D",
    "A.III.4.a": "A", "A.III.4.b": "B", "A.III.4.c": "C", "A.III.4.d": "A",
    "A.III.5.a": "B",
    # A.III.6.a blank
    # IV. AK (p. 33-35)
    "A.IV.1.a": "Ya", "A.IV.1.b": "Ya", "A.IV.1.c": "Tidak",
    "A.IV.2.a": "A", "A.IV.2.b": "B", "A.IV.2.c": "B", "A.IV.2.d": "C",
    "A.IV.2.e": "Ya", "A.IV.2.f": "A", "A.IV.2.g": "D", "A.IV.2.h": "B",
    # V. PW (p. 35-39)
    "A.V.1.a": "A", "A.V.1.b": "A",
    "A.V.2.a": "A", "A.V.2.b": "B", "A.V.2.c": "A", "A.V.2.d": "B",
    "A.V.3.a": "B", "A.V.3.b": "B", "A.V.3.c": "C", "A.V.3.d": "A",
    "A.V.4.a": "Ya", "A.V.4.b": "A", "A.V.4.c": "D", "A.V.4.d": "B",
    "A.V.5.a": "Ya", "A.V.5.b": "A", "A.V.5.c": "A", "A.V.5.d": "C", "A.V.5.e": "B",
    # VI. PP (p. 40-42)
    "A.VI.1.a": "A", "A.VI.1.b": "A", "A.VI.1.c": "B", "A.VI.1.d": "A",
    "A.VI.2.a": "A", "A.VI.2.b": "A", "A.VI.2.c": "B", "A.VI.2.d": "C", "A.VI.2.e": "D",
    "A.VI.3.a": "A", "A.VI.3.b": "B", "A.VI.3.c": "A",
    # B. HASIL (p. 43)
    "B.I.1": 3.62, "B.I.2": 72, "B.II.1": 3.40,
}  # fmt: skip

# The hand computation (indicator = weight x mean of item values; A-D B = 0.67, C = 0.33; A-C B = 0.5;
# A-E C = 0.5; blank = 0):
#   I.   A.I.1   1   x (1 + 0.5)/2                       = 0.75
#        A.I.2   1   x (1 + 0 + 1)/3                     = 0.666667
#        A.I.3   2   x (0.67 + 0.33 + 1)/3               = 1.333333
#        A.I.4   1   x (1 + 0 + 1 + 0.67)/4              = 0.6675
#        MP                                              = 3.4175    of 5  = 68.35 %
#   II.  A.II.1  1.5 x (1 + 0.67 + 0)/3                  = 0.835
#        A.II.2  2   x (1 + 0.5 + 0 + 0.67)/4            = 1.085
#        A.II.3  1.5 x (1 + 0)/2                         = 0.75
#        TT                                              = 2.67      of 5  = 53.40 %
#   III. A.III.1 2   x (1 + 1 + 1)/3                     = 2
#        A.III.2 2   x (1 + 0.33 + 0)/3                  = 0.886667
#        A.III.3 3   x (1 + 1 + 0.67 + 0.67 + 0.33 + 0)/6 = 1.835
#        A.III.4 4   x (1 + 0.67 + 0.5 + 1)/4            = 3.17
#        A.III.5 3   x 0.67                              = 2.01
#        A.III.6 1   x 0 (blank)                         = 0
#        SDM                                             = 9.901667  of 15 = 66.01 %
#   IV.  A.IV.1  5   x (1 + 1 + 0)/3                     = 3.333333
#        A.IV.2  5   x (1 + .67 + .5 + .33 + 1 + 1 + 0 + .5)/8 = 3.125
#        AK                                              = 6.458333  of 10 = 64.58 %
#   V.   A.V.1   3   x (1 + 1)/2                         = 3
#        A.V.2   3   x (1 + 0.67 + 1 + 0.5)/4            = 2.3775
#        A.V.3   3   x (0.67 + 0.67 + 0.33 + 1)/4        = 2.0025
#        A.V.4   3   x (1 + 1 + 0 + 0.67)/4              = 2.0025
#        A.V.5   3   x (1 + 1 + 1 + 0 + 0.67)/5          = 2.202
#        PW                                              = 11.5845   of 15 = 77.23 %
#   VI.  A.VI.1  3   x (1 + 1 + 0.67 + 1)/4              = 2.7525
#        A.VI.2  3   x (1 + 1 + 0.5 + 0.33 + 0)/5        = 1.698
#        A.VI.3  4   x (1 + 0.5 + 1)/3                   = 3.333333
#        PP                                              = 7.783833  of 10 = 77.84 %
#   PROSES = 3.4175 + 2.67 + 9.901667 + 6.458333 + 11.5845 + 7.783833 = 41.815833 -> 41.82
#   HASIL  B.I.1 3.62/4 x 15 = 13.575; B.I.2 72 % x 5 = 3.6; B.I = 17.175; B.II.1 3.40/4 x 20 = 17
#          = 34.175 -> 34.18 (shown 34,18; 13,58 / 3,60 / 17,18 / 17,00)
#   TOTAL  = 75.990833 -> 75.99
#   WBK (p. 22): total 75.99 >= 75, IPAK 13.58 >= 13.5, TLHP 3.60 >= 3.5, but bersih 17.18 < 18: not met.
#   WBBM (p. 23): total < 85 and bersih < 18 (IPAK, TLHP and pelayanan 17 >= 16 met).
HAND = {
    "areas": ["3.4175", "2.67", "9.901667", "6.458333", "11.5845", "7.783833"],
    "area_percent": ["68.35", "53.40", "66.01", "64.58", "77.23", "77.84"],
    "proses": "41.82",
    "B.I.1": "13.58",
    "B.I.2": "3.60",
    "B.I": "17.18",
    "B.II.1": "17.00",
    "hasil": "34.18",
    "total": "75.99",
}


def test_mixed_answer_set_scores_as_the_hand_computation(lke2014):
    assert len(MIXED) == 83  # 84 items, A.III.6.a blank
    result = scored(lke2014, MIXED)
    assert [two(area.score) for area in result.areas] == [two(Fraction(v)) for v in HAND["areas"]]
    assert [two(area.percent) for area in result.areas] == [Fraction(v) for v in HAND["area_percent"]]
    assert two(result.pengungkit) == Fraction(HAND["proses"])
    for code in ("B.I.1", "B.I.2", "B.I", "B.II.1"):
        assert two(result.node(code)) == Fraction(HAND[code]), code
    assert two(result.hasil) == Fraction(HAND["hasil"])
    assert two(result.total) == Fraction(HAND["total"])
    # exact where the hand figure is exact
    assert result.node("A.I.3") == Fraction(4, 3)
    assert result.node("A.III.4") == Fraction("3.17")
    assert result.node("B.I") == Fraction("17.175")
    assert result.completeness.missing == ("A.III.6.a",)
    wbk, wbbm = result.predicates["wbk"], result.predicates["wbbm"]
    assert not wbk.eligible
    assert wbk.failed == ("Nilai pemerintah yang bersih dan bebas KKN 17,18 di bawah minimal 18,00",)
    assert not wbbm.eligible
    assert wbbm.failed == (
        "Nilai total 75,99 di bawah minimal 85,00",
        "Nilai pemerintah yang bersih dan bebas KKN 17,18 di bawah minimal 18,00",
    )


def worst_of(lke2014, *indicators: str) -> dict[str, Any]:
    """Every item of the given indicators at its worst option."""
    result = {}
    for code in indicators:
        for item in lke2014.nodes[code].items:
            options = lke2014.answer_type(lke2014.items[item]).options
            result[item] = min(options, key=lambda key: options[key])
    return result


# Bab III B.4 (pp. 22-23): WBK total >= 75, bersih >= 18 with IPAK >= 13,5 and TLHP >= 3,5;
# WBBM total >= 85, the same bersih minima, pelayanan >= 16. There is no pengungkit or area minimum.
@pytest.mark.parametrize(
    ("overrides", "total", "wbk_failed", "wbbm_failed"),
    [
        # IPAK 3.60/4 x 15 = 13.50 (met); TLHP 90 % x 5 = 4.50; bersih 18.00 (met, at equality)
        ({"B.I.1": 3.6, "B.I.2": 90}, "98.00", (), ()),
        # IPAK 3.59 -> 13.4625, shown 13,46 < 13,50; bersih 18.46 still met
        (
            {"B.I.1": 3.59},
            "98.46",
            ("Nilai survei persepsi anti korupsi 13,46 di bawah minimal 13,50",),
            None,
        ),
        # TLHP 70 % -> 3.50 (met) with IPAK 13.50 (met): bersih 17.00 < 18 although both sub-minima are met
        (
            {"B.I.1": 3.6, "B.I.2": 70},
            "97.00",  # 100 - (15 - 13.5) - (5 - 3.5)
            ("Nilai pemerintah yang bersih dan bebas KKN 17,00 di bawah minimal 18,00",),
            None,
        ),
        # TLHP 69 % -> 3.45 < 3.50; bersih 18.45 met
        ({"B.I.2": 69}, "98.45", ("Nilai persentase TLHP 3,45 di bawah minimal 3,50",), None),
        # pelayanan 3.20/4 x 20 = 16.00: WBBM met at equality
        ({"B.II.1": 3.2}, "96.00", (), ()),
        # pelayanan 3.19 -> 15.95 < 16: only WBBM fails (WBK has no pelayanan minimum)
        ({"B.II.1": 3.19}, "95.95", (), ("Nilai kualitas pelayanan publik 15,95 di bawah minimal 16,00",)),
    ],
)
def test_hasil_thresholds(lke2014, overrides, total, wbk_failed, wbbm_failed):
    result = scored(lke2014, {**best_raw(lke2014), **overrides})
    assert two(result.total) == Fraction(total)
    assert result.predicates["wbk"].failed == wbk_failed
    assert result.predicates["wbk"].eligible == (not wbk_failed)
    expected_wbbm = wbk_failed if wbbm_failed is None else wbbm_failed
    assert result.predicates["wbbm"].failed == expected_wbbm


def test_total_thresholds_and_no_area_minimum(lke2014):
    # SDM (15) and AK (10) all at their worst: total 100 - 25 = 75.00, WBK met although two areas are at 0 %
    sdm_and_ak = [code for code in PRINTED if code.startswith(("A.III.", "A.IV."))]
    raw = {**best_raw(lke2014), **worst_of(lke2014, *sdm_and_ak)}
    result = scored(lke2014, raw)
    assert result.total == 75
    assert [area.percent for area in result.areas] == [100, 100, 0, 0, 100, 100]
    assert result.predicates["wbk"].eligible
    assert result.predicates["wbbm"].failed == ("Nilai total 75,00 di bawah minimal 85,00",)
    # ... and Keterbukaan Informasi b = Tidak as well: 75 - 1.5/2 = 74.25, WBK not met
    raw["A.II.3.b"] = "Tidak"
    result = scored(lke2014, raw)
    assert result.total == Fraction("74.25")
    assert result.predicates["wbk"].failed == ("Nilai total 74,25 di bawah minimal 75,00",)
    # AK (10), SDM Penegakan disiplin (3) and Pengembangan pegawai (3) at their worst: 84.00, WBBM not met
    raw = {**best_raw(lke2014), **worst_of(lke2014, "A.IV.1", "A.IV.2", "A.III.5", "A.III.3")}
    result = scored(lke2014, raw)
    assert result.total == 84  # 100 - 5 - 5 - 3 - 3
    assert result.predicates["wbk"].eligible
    assert result.predicates["wbbm"].failed == ("Nilai total 84,00 di bawah minimal 85,00",)
    raw.update({item: "Ya" for item in ("A.III.3.a",)})  # 3/6 of A.III.3 back: + 0.5
    result = scored(lke2014, raw)
    assert result.total == Fraction("84.5")
    raw.update(worst_of(lke2014, "A.III.6"))  # - 1
    raw["A.III.3.b"] = "A"
    raw["A.III.3.c"] = "A"
    raw["A.III.3.d"] = "A"  # + 1.5 in A.III.3: 85.00
    result = scored(lke2014, raw)
    assert result.total == 85
    assert result.predicates["wbbm"].eligible


def test_tlhp_percent_is_entered_directly_and_clamped(lke2014):
    result = scored(lke2014, {"B.I.2": "72%"})
    assert result.node("B.I.2") == Fraction("3.6")
    result = scored(lke2014, {"B.I.2": 120})
    assert result.node("B.I.2") == 5
    _answers, problems = parse_answers(lke2014, {"B.I.2": {"temuan": 10, "ditindaklanjuti": 8}})
    assert [p.message for p in problems] == ["butir ini tidak memiliki isian jumlah; isikan persentase"]
