"""The 90/2021 jo. 5/2024 lifecycle rules beyond Tabel 5, read from data/rules-5-2024.yaml."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from zona.lifecycle.policy import load, monitoring_due, policy
from zona.lifecycle.rules import Move, predicate_since
from zona.units.models import Stage


def test_the_six_pemda_unit_types_of_5_2024_bab_ii_a():
    assert list(policy().early_types) == [
        "rsud",
        "dukcapil",
        "samsat",
        "ptsp",
        "pendidikan",
        "ketenagakerjaan",
    ]
    assert (
        policy()
        .early_exemption(service_type="samsat", instansi_kind="pemda")
        .startswith("Sistem administrasi")
    )
    assert policy().early_exemption(service_type="samsat", instansi_kind="kl") == ""
    assert policy().early_exemption(service_type="", instansi_kind="pemda") == ""


@pytest.mark.parametrize(
    ("signatories", "staff", "majority"),
    [(51, 100, True), (50, 100, False), (1, 1, True), (3, 5, True), (2, 4, False), (0, 0, False)],
)
def test_pakta_integritas_signed_by_all_or_most_staff(signatories, staff, majority):
    # 90/2021 Lampiran I Bab II B: "seluruh atau sebagian besar pegawainya"; "sebagian besar" read as > 50 %.
    assert policy().pakta_majority(signatories=signatories, staff=staff) is majority


def test_monitoring_is_due_two_years_after_the_predicate():
    # 90/2021 Lampiran II Bab IV A.3-4: PMPZI monitoring at least every two years.
    history = [
        Move(Stage.DIUSULKAN, Stage.WBK, dt.date(2023, 12, 11)),
        Move(Stage.WBK, Stage.PEMBANGUNAN, dt.date(2024, 1, 5)),
    ]
    assert predicate_since(history) == dt.date(2023, 12, 11)
    assert monitoring_due(predicate_since(history)) == dt.date(2025, 12, 11)
    revoked = [*history, Move(Stage.PEMBANGUNAN, Stage.DICABUT, dt.date(2024, 6, 1))]
    assert predicate_since(revoked) is None and monitoring_due(None) is None


def test_kawasan_integration_minimum_is_data():
    # 90/2021 Lampiran II Bab III D.2 (Tabel 7/8): >= 6,5 for WBK, >= 7,5 for WBBM.
    assert policy().kawasan_minimum == {"wbk": Decimal("6.5"), "wbbm": Decimal("7.5")}


def test_a_broken_rules_file_is_refused(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text(
        "early_proposal: {unit_types: {}}\npakta_integritas: {majority_above_percent: 50}\n"
        "monitoring: {every_years: 0}\nkawasan_integration_minimum: {wbk: 6.5, wbbm: 7.5}\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="every_years"):
        load(path)
