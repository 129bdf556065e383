from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from zona.lifecycle import rules
from zona.lifecycle.rules import TRANSITIONS, Move
from zona.units.models import Stage

dates = st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2040, 12, 31))


def test_the_graph_covers_every_stage_and_reaches_each_from_belum():
    assert set(TRANSITIONS) == set(Stage.values)
    assert all(set(targets) <= set(Stage.values) for targets in TRANSITIONS.values())
    seen, frontier = {Stage.BELUM.value}, [Stage.BELUM.value]
    while frontier:
        for nxt in TRANSITIONS[frontier.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                frontier.append(nxt)
    assert seen == set(Stage.values)


@given(start=dates, end=dates)
def test_a_year_of_building_means_twelve_whole_months(start, end):
    """The checklist line (months) and the proposal rule (one year) agree on every pair of dates."""
    assert (rules.whole_months(start, end) >= 12) == (end >= rules.years_after(start, 1))


def test_leap_day_anniversary():
    assert rules.years_after(dt.date(2024, 2, 29), 1) == dt.date(2025, 3, 1)
    assert rules.years_after(dt.date(2024, 2, 29), 4) == dt.date(2028, 2, 29)


def test_revocation_ends_the_predicate_and_starts_the_bar():
    history = [
        Move(Stage.DIUSULKAN, Stage.WBK, dt.date(2020, 12, 1)),
        Move(Stage.WBK, Stage.DICABUT, dt.date(2022, 6, 30)),
    ]
    assert not rules.holds_wbk(history)
    assert rules.revocation_bar_until(history) == dt.date(2024, 6, 30)
    assert rules.proposal_target(history) == Stage.WBK
    regained = [*history, Move(Stage.DIUSULKAN, Stage.WBK, dt.date(2025, 1, 2))]
    assert rules.holds_wbk(regained) and rules.revocation_bar_until(regained) is None


def test_building_start_ignores_returns_after_belum_memenuhi():
    history = [
        Move(Stage.PENCANANGAN, Stage.PEMBANGUNAN, dt.date(2023, 1, 1)),
        Move(Stage.EVALUASI_TPI, Stage.PEMBANGUNAN, dt.date(2023, 9, 1)),
        Move(Stage.DIUSULKAN, Stage.PEMBANGUNAN, dt.date(2023, 11, 1)),
    ]
    assert rules.building_start(history) == dt.date(2023, 1, 1)
    after_wbk = [*history, Move(Stage.WBK, Stage.PEMBANGUNAN, dt.date(2024, 5, 5))]
    assert rules.building_start(after_wbk) == dt.date(2024, 5, 5)
