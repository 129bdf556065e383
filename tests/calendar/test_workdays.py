"""The pure working-day rules, checked against hand-computed 2026 dates.

2026 per the `holidays` package (holidays.Indonesia, public category): Isra Mikraj Fri 16 Jan, Nyepi Thu
19 Mar, Idul Fitri Sat 21 and Sun 22 Mar, Idul Adha Wed 27 May. Cuti bersama (SKB 3 Menteri, the shipped
data file): Wed 18, Fri 20, Mon 23 and Tue 24 Mar; Thu 28 May.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zona.calendar import workdays
from zona.calendar.defaults import national_cuti_bersama
from zona.calendar.workdays import add_working_days, is_working_day, working_days_between

D = dt.date
CUTI_2026 = frozenset(row["date"] for row in national_cuti_bersama() if row["date"].year == 2026)


def test_the_package_gives_the_2026_holidays_the_tests_rely_on():
    national = workdays.national_holidays(2026)
    assert {D(2026, 3, 21), D(2026, 3, 22)} <= set(national)
    assert "Idul Fitri" in national[D(2026, 3, 21)]
    assert "Nyepi" in national[D(2026, 3, 19)]
    assert "Idul Adha" in national[D(2026, 5, 27)]
    assert "Isra" in national[D(2026, 1, 16)]
    assert {D(2026, 3, 18), D(2026, 3, 20), D(2026, 3, 23), D(2026, 3, 24), D(2026, 5, 28)} <= CUTI_2026


def test_the_shipped_2026_cuti_bersama_agree_with_the_packages_government_calendar():
    import holidays

    government = holidays.Indonesia(years=2026, categories=("government",), language="id")
    assert set(government) == CUTI_2026
    for row in national_cuti_bersama():
        assert row["name"] == government[row["date"]]
        assert row["date"].weekday() < 5  # a cuti bersama on a weekend would be a typo


def test_weekends_are_off_and_weekdays_are_working():
    assert is_working_day(D(2026, 1, 14))  # Wednesday
    assert not is_working_day(D(2026, 1, 10))  # Saturday
    assert not is_working_day(D(2026, 1, 11))  # Sunday
    assert add_working_days(D(2026, 1, 9), 1) == D(2026, 1, 12)  # Friday + 1 = Monday
    assert add_working_days(D(2026, 1, 12), 5) == D(2026, 1, 20)  # Mon + 5 skips the weekend and Isra Mikraj


def test_a_deadline_across_idul_fitri_and_its_cuti_bersama():
    # Received Tue 17 Mar 2026, 3 hari kerja: 18 cuti, 19 Nyepi, 20 cuti, 21-22 Idul Fitri/weekend,
    # 23-24 cuti; day 1 = Wed 25, day 2 = Thu 26, day 3 = Fri 27.
    start = D(2026, 3, 17)
    assert add_working_days(start, 3, extra_off=CUTI_2026) == D(2026, 3, 27)
    # Without the cuti bersama only Nyepi and the weekend are skipped: 18, 20, 23.
    assert add_working_days(start, 3) == D(2026, 3, 23)
    assert working_days_between(start, D(2026, 3, 27), extra_off=CUTI_2026) == 3


def test_n_zero_is_the_day_itself_or_the_next_working_day():
    assert add_working_days(D(2026, 1, 14), 0) == D(2026, 1, 14)
    assert add_working_days(D(2026, 1, 10), 0) == D(2026, 1, 12)  # Saturday -> Monday
    assert add_working_days(D(2026, 3, 18), 0, extra_off=CUTI_2026) == D(2026, 3, 25)


def test_a_start_on_a_holiday_counts_from_the_next_working_day():
    # Received on Idul Adha (Wed 27 May 2026): day 1 is Thu 28, or Fri 29 when 28 is cuti bersama.
    assert add_working_days(D(2026, 5, 27), 1) == D(2026, 5, 28)
    assert add_working_days(D(2026, 5, 27), 1, extra_off=CUTI_2026) == D(2026, 5, 29)
    assert add_working_days(D(2026, 5, 27), 2, extra_off=CUTI_2026) == D(2026, 6, 2)  # 1 Jun Pancasila


def test_a_day_declared_working_overrides_weekend_holiday_and_extra_off():
    saturday, idul_fitri, cuti = D(2026, 1, 10), D(2026, 3, 21), D(2026, 3, 20)
    assert is_working_day(saturday, extra_on={saturday})
    assert is_working_day(idul_fitri, extra_on={idul_fitri})
    assert is_working_day(cuti, extra_off={cuti}, extra_on={cuti})
    assert add_working_days(D(2026, 1, 9), 1, extra_on={saturday}) == saturday


def test_between_is_signed_and_zero_on_the_same_day():
    assert working_days_between(D(2026, 1, 14), D(2026, 1, 14)) == 0
    assert working_days_between(D(2026, 1, 12), D(2026, 1, 9)) == -1
    assert working_days_between(D(2026, 1, 9), D(2026, 1, 12)) == 1


@pytest.mark.parametrize("n", [-1, workdays.MAX_DAYS + 1])
def test_n_out_of_bounds_is_refused(n):
    with pytest.raises(ValueError, match="n must be"):
        add_working_days(D(2026, 1, 1), n)


def test_an_endless_span_is_refused():
    with pytest.raises(ValueError, match="too long"):
        working_days_between(D(2000, 1, 1), D(2099, 1, 1))


days = st.dates(min_value=D(2024, 1, 1), max_value=D(2028, 12, 31))


@settings(max_examples=150, deadline=None)
@given(
    start=days,
    n=st.integers(min_value=0, max_value=120),
    off=st.frozensets(days, max_size=20),
    on=st.frozensets(days, max_size=5),
)
def test_the_result_is_a_working_day_and_between_inverts_it(start, n, off, on):
    end = add_working_days(start, n, extra_off=off, extra_on=on)
    assert end >= start
    assert is_working_day(end, extra_off=off, extra_on=on)
    expected = n if n or is_working_day(start, extra_off=off, extra_on=on) else 1
    assert working_days_between(start, end, extra_off=off, extra_on=on) == expected
    # No earlier day would do: the day before the deadline is short of n working days.
    if n >= 1:
        assert working_days_between(start, end - dt.timedelta(days=1), extra_off=off, extra_on=on) == n - 1
