"""The survey arithmetic, hand-computed (PermenPANRB 14/2017 tables and the traps of the research notes)."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import pytest

from tests.surveys.test_public_support import DATA
from zona.surveys.computation import (
    Aggregates,
    compute_result,
    convert_index,
    grade_for,
    krejcie_morgan,
    mean_ci,
    round2,
    sample_size,
    skm_ikm,
    slovin,
    t_critical,
)
from zona.surveys.instruments import load_instrument_file

UNSUR = [f"U{i}" for i in range(1, 10)]
GASPUL = dict(zip(UNSUR, [105, 101, 100, 116, 102, 105, 106, 105, 115], strict=True))


def test_gaspul_vector_exact_weight_gives_91_48():
    result = skm_ikm(totals=GASPUL, counts=dict.fromkeys(UNSUR, 29))
    assert result.ikm == Decimal("91.48")
    assert result.ikm_exact == Fraction(25 * 955, 9 * 29)
    assert (result.grade, result.label) == ("A", "Sangat Baik")
    assert result.nrr["U4"] == Fraction(116, 29) == 4


def test_gaspul_vector_legacy_0111_weight_gives_91_38():
    result = skm_ikm(totals=GASPUL, counts=dict.fromkeys(UNSUR, 29), weight="legacy_0111")
    assert result.ikm == Decimal("91.38")


def test_legacy_weight_caps_the_ikm_at_99_90():
    best = dict.fromkeys(UNSUR, 4)
    assert skm_ikm(totals=best, counts=dict.fromkeys(UNSUR, 1)).ikm == Decimal("100.00")
    assert skm_ikm(totals=best, counts=dict.fromkeys(UNSUR, 1), weight="legacy_0111").ikm == Decimal("99.90")


@pytest.mark.parametrize(
    ("ikm", "grade", "label"),
    [
        ("100.00", "A", "Sangat Baik"),
        ("88.31", "A", "Sangat Baik"),
        ("88.30", "B", "Baik"),
        ("88.305", "A", "Sangat Baik"),  # the two-decimal figure shown (88.31) is what is graded
        ("76.61", "B", "Baik"),
        ("76.60", "C", "Kurang Baik"),
        ("65.00", "C", "Kurang Baik"),
        ("64.99", "D", "Tidak Baik"),
        ("64.995", "C", "Kurang Baik"),
        ("25.00", "D", "Tidak Baik"),
    ],
)
def test_grade_bands_are_lower_bounds_on_the_two_decimal_ikm(ikm, grade, label):
    band = grade_for(Decimal(ikm))
    assert (band.grade, band.label) == (grade, label)


def test_ikm_grade_boundary_from_answers():
    # 9 unsur, n = 1: sum of answers s gives IKM = 25 s / 9. s = 32 → 88.888… (A); s = 31 → 86.11 (B)
    lower = {**dict.fromkeys(UNSUR, 4), "U1": 3, "U2": 3, "U3": 3, "U4": 3, "U5": 3}
    assert sum(lower.values()) == 31
    below = skm_ikm(totals=lower, counts=dict.fromkeys(UNSUR, 1))
    assert (below.ikm, below.grade) == (Decimal("86.11"), "B")
    totals = {**dict.fromkeys(UNSUR, 4), "U1": 3, "U2": 3, "U3": 3, "U4": 3}
    assert sum(totals.values()) == 32
    result = skm_ikm(totals=totals, counts=dict.fromkeys(UNSUR, 1))
    assert (result.ikm, result.grade) == (Decimal("88.89"), "A")


def test_index_conversions():
    assert convert_index(Fraction("3.2"), scale=4, rule="identity") == Fraction("3.2")
    assert round2(convert_index(Fraction("5.4"), scale=6, rule="linear")) == Decimal("3.64")
    assert round2(convert_index(Fraction("5.4"), scale=6, rule="proportional")) == Decimal("3.60")
    assert convert_index(Fraction(1), scale=6, rule="linear") == 1
    assert convert_index(Fraction(6), scale=6, rule="linear") == 4
    assert convert_index(Fraction(6), scale=6, rule="proportional") == 4
    with pytest.raises(ValueError):
        convert_index(Fraction(3), scale=6, rule="identity")
    with pytest.raises(ValueError):
        convert_index(Fraction(3), scale=6, rule="cubic")


def test_mean_ci_matches_a_hand_computed_t_interval():
    values = [2, 3, 3, 4, 4, 4]
    ci = mean_ci(n=len(values), total=sum(values), total_sq=sum(v * v for v in values))
    assert ci is not None and ci.method == "t"
    mean = 20 / 6
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / 5)
    half = 2.571 * sd / math.sqrt(6)  # t(0.975, 5)
    assert ci.mean == pytest.approx(mean)
    assert (ci.low, ci.high) == (pytest.approx(mean - half), pytest.approx(mean + half))
    assert mean_ci(n=1, total=3, total_sq=9) is None


def test_t_critical_table_and_expansion():
    assert t_critical(1) == 12.706
    assert t_critical(30) == 2.042
    assert t_critical(40) == pytest.approx(2.021, abs=1e-3)
    assert t_critical(120) == pytest.approx(1.980, abs=1e-3)
    assert t_critical(100000) == pytest.approx(1.960, abs=1e-3)


@pytest.mark.parametrize(
    ("population", "expected"),
    [
        # Krejcie & Morgan (1970) Table 1, as finding F14 reads it
        (15, 14),
        (20, 19),
        (50, 44),
        (150, 108),
        (400, 196),
        (500, 217),
        (750, 254),
        (2000, 322),
        (50000, 381),
        (100000, 384),
        # between rows: the row for the next N at or above (51 -> the row of 55)
        (51, 48),
        (401, 201),
        # below the first row: everyone; beyond the last: the formula rounded (384.16... -> 384)
        (7, 7),
        (1_000_000, 384),
        (0, 0),
    ],
)
def test_krejcie_morgan_follows_the_published_table(population, expected):
    assert krejcie_morgan(population) == expected


def test_krejcie_morgan_beyond_the_table_is_the_rounded_formula():
    from zona.surveys.computation import krejcie_morgan_formula

    # N = 200 000: 3.841 x 200000 x 0.25 / (0.0025 x 199999 + 0.96025) = 383.4 -> 383, but the table's
    # last row (100 000 -> 384) is the formula's limit 384.1: never below it
    assert round(float(krejcie_morgan_formula(200_000)), 1) == 383.4
    assert round(float(krejcie_morgan_formula(100_000)), 1) == 382.6
    assert krejcie_morgan(200_000) == 384


def test_slovin():
    assert slovin(1000) == 286  # 1000 / 3.5 = 285.71
    assert slovin(1000, "0.10") == 91  # 1000 / 11 = 90.9
    assert slovin(100) == 80
    assert sample_size("slovin_10", 400) == 80
    assert sample_size("krejcie_morgan", None) is None


def test_compute_result_for_a_six_point_spak_records_the_rule_and_ci():
    definition = load_instrument_file(DATA / "spak-6.yaml")
    # 5 respondents answer every item 5, 5 answer 6: item mean 5.5 → proportional 5.5·4/6 = 3.67 (the
    # shipped default, F5); linear 1 + 4.5·3/5 = 3.70 is shown beside it
    rows = [[5] * 5] * 5 + [[6] * 5] * 5
    columns = definition.columns
    agg = Aggregates(
        n=10,
        counts=dict.fromkeys(columns, 10),
        sums={c: 55 for c in columns},
        complete=10,
        row_sum=sum(sum(r) for r in rows),
        row_sum_sq=sum(sum(r) ** 2 for r in rows),
    )
    result = compute_result(definition, agg, conversion="linear")
    assert result.index == Decimal("3.70")
    assert result.conversion == "linear" and "3/5" in result.conversion_text
    assert result.ci is not None and result.ci.low < 3.70 < result.ci.high
    assert (result.alternative_conversion, result.alternative_index) == ("proportional", Decimal("3.67"))
    proportional = compute_result(definition, agg)
    assert proportional.index == Decimal("3.67") and proportional.conversion == "proportional"
    assert (proportional.alternative_conversion, proportional.alternative_index) == (
        "linear",
        Decimal("3.70"),
    )
    assert proportional.to_dict()["alternative"] == {"conversion": "linear", "index": 3.7}
