from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
import pytest

from audits.workdays import WorkdayCalendar, WorkdayCount

D = date


@pytest.fixture
def cal() -> WorkdayCalendar:
    return WorkdayCalendar()


def write_json(tmp_path: Path, content: object, name: str = "holidays.json") -> Path:
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return path


# ------------------------------------------------------- 2026 National Day (国庆)
# chinese_calendar 1.11 data for 2026: 10-01..10-07 off; make-up working days
# on Sunday 09-20 and Saturday 10-10.  Mid-Autumn 09-25 (Fri)..09-27 is off.
def test_2026_national_day_data_is_what_we_expect_from_chinese_calendar() -> None:
    # Guard: if the installed package data changes, the tests below need review.
    for day in range(1, 8):
        assert chinese_calendar.get_holiday_detail(D(2026, 10, day)) == (True, "National Day")
    assert chinese_calendar.get_holiday_detail(D(2026, 10, 10)) == (False, "National Day")
    assert chinese_calendar.get_holiday_detail(D(2026, 9, 20)) == (False, "National Day")


@pytest.mark.parametrize("day", range(1, 8))
def test_2026_national_day_holidays(cal: WorkdayCalendar, day: int) -> None:
    d = D(2026, 10, day)
    assert not cal.is_workday(d)


def test_2026_national_day_holidays_include_weekdays(cal: WorkdayCalendar) -> None:
    # 10-01 Thu, 10-02 Fri, 10-05 Mon .. 10-07 Wed are weekdays yet not working days.
    weekdays_off = [D(2026, 10, d) for d in (1, 2, 5, 6, 7)]
    assert all(d.weekday() < 5 for d in weekdays_off)
    assert not any(cal.is_workday(d) for d in weekdays_off)


def test_2026_national_day_make_up_days(cal: WorkdayCalendar) -> None:
    assert D(2026, 10, 10).weekday() == 5  # Saturday
    assert cal.is_workday(D(2026, 10, 10))
    assert D(2026, 9, 20).weekday() == 6  # Sunday
    assert cal.is_workday(D(2026, 9, 20))
    assert not cal.is_workday(D(2026, 10, 11))  # ordinary Sunday
    assert cal.is_workday(D(2026, 10, 8))  # back to work on Thursday


def test_twenty_working_days_across_national_day(cal: WorkdayCalendar) -> None:
    # Start Thu 2026-09-24.  09-25..27 Mid-Autumn, 09-28..30 = 1..3,
    # 10-01..07 off, 10-08 = 4, 10-09 = 5, 10-10 (Sat, make-up) = 6,
    # 10-12..16 = 7..11, 10-19..23 = 12..16, 10-26..29 = 17..20.
    start = D(2026, 9, 24)
    deadline = cal.add_workdays(start, 20)
    assert deadline == D(2026, 10, 29)
    count = cal.workdays_between(start, deadline)
    assert count == WorkdayCount(workdays=20, naive=25, fallback_years=())
    # A naive Mon-Fri calendar would have put the deadline a week earlier.
    assert cal.workdays_between(start, D(2026, 10, 22)) == WorkdayCount(15, 20, ())


# ------------------------------------------------------- Spring Festival 2026
def test_2026_spring_festival_data_is_what_we_expect_from_chinese_calendar() -> None:
    for day in range(15, 24):
        assert chinese_calendar.get_holiday_detail(D(2026, 2, day)) == (True, "Spring Festival")
    for day in (14, 28):
        assert chinese_calendar.get_holiday_detail(D(2026, 2, day)) == (False, "Spring Festival")


def test_2026_spring_festival(cal: WorkdayCalendar) -> None:
    assert all(not cal.is_workday(D(2026, 2, day)) for day in range(15, 24))
    # Saturdays 02-14 and 02-28 are make-up working days.
    for make_up in (D(2026, 2, 14), D(2026, 2, 28)):
        assert make_up.weekday() == 5
        assert cal.is_workday(make_up)
    assert cal.is_workday(D(2026, 2, 24))


def test_2026_spring_festival_span(cal: WorkdayCalendar) -> None:
    # After Fri 02-13: 02-14 (Sat, make-up) = 1, 02-24..27 = 2..5, 02-28 (Sat) = 6.
    assert cal.workdays_between(D(2026, 2, 13), D(2026, 2, 28)) == WorkdayCount(6, 10, ())
    assert cal.add_workdays(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert cal.add_workdays(D(2026, 2, 14), 1) == D(2026, 2, 24)


# ------------------------------------------------------- boundaries
def test_day_after_start_is_day_one(cal: WorkdayCalendar) -> None:
    # Thu 2026-10-08 -> Fri 10-09: one working day; the start day itself is not counted.
    assert cal.workdays_between(D(2026, 10, 8), D(2026, 10, 9)).workdays == 1
    assert cal.add_workdays(D(2026, 10, 8), 1) == D(2026, 10, 9)
    # Starting on a holiday: the first working day after it is day 1.
    assert cal.workdays_between(D(2026, 10, 7), D(2026, 10, 8)).workdays == 1
    assert cal.add_workdays(D(2026, 9, 30), 1) == D(2026, 10, 8)


def test_end_equal_or_before_start_is_zero(cal: WorkdayCalendar) -> None:
    assert cal.workdays_between(D(2026, 10, 9), D(2026, 10, 9)) == WorkdayCount(0, 0, ())
    assert cal.workdays_between(D(2026, 10, 9), D(2026, 10, 1)) == WorkdayCount(0, 0, ())
    assert cal.workdays_between(D(2027, 3, 3), D(2027, 3, 3)) == WorkdayCount(0, 0, ())


def test_add_workdays_zero_and_negative(cal: WorkdayCalendar) -> None:
    assert cal.add_workdays(D(2026, 10, 3), 0) == D(2026, 10, 3)
    with pytest.raises(ValueError):
        cal.add_workdays(D(2026, 10, 3), -1)


def test_add_workdays_agrees_with_workdays_between(cal: WorkdayCalendar) -> None:
    start = D(2026, 1, 1)
    for n in (1, 5, 20, 60, 150):
        end = cal.add_workdays(start, n)
        assert cal.workdays_between(start, end).workdays == n
        assert cal.workdays_between(start, end - timedelta(days=1)).workdays == n - 1


# ------------------------------------------------------- fallback (no data)
def test_2027_is_not_covered_by_official_data(cal: WorkdayCalendar) -> None:
    assert cal.covers(2026)
    assert not cal.covers(2027)
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(D(2027, 1, 4))


def test_2027_span_falls_back_to_monday_to_friday(cal: WorkdayCalendar) -> None:
    # Span 2027-01-01 .. 2027-01-31 (the day after 2026-12-31 is day 1).
    count = cal.workdays_between(D(2026, 12, 31), D(2027, 1, 31))
    assert count.fallback_years == (2027,)
    assert count.workdays == count.naive == 21
    assert cal.is_workday(D(2027, 1, 1))  # Friday; without data it counts


def test_span_across_covered_and_uncovered_years(cal: WorkdayCalendar) -> None:
    # 2026-12-31 (Thu) is an ordinary working day in the 2026 data; 2027 is Mon-Fri.
    count = cal.workdays_between(D(2026, 12, 30), D(2027, 1, 8))
    assert count.fallback_years == (2027,)
    assert count.workdays == 1 + 6
    # The start day is not in the span: only the year of start + 1 day onwards counts.
    assert cal.workdays_between(D(2027, 12, 31), D(2028, 1, 3)).fallback_years == (2028,)
    assert cal.workdays_between(D(2025, 12, 31), D(2026, 12, 31)).fallback_years == ()


# ------------------------------------------------------- user holiday file
# Fictitious 2027 arrangement, for the test only.
HOLIDAYS_2027 = {
    "holidays": ["2027-01-01", "2027-02-05", "2027-02-08", "2027-02-09"],
    "workdays": ["2027-02-06"],
}


def test_user_file_supplies_2027(tmp_path: Path) -> None:
    cal = WorkdayCalendar.from_file(write_json(tmp_path, HOLIDAYS_2027))
    assert cal.covers(2027)
    assert not cal.covers(2028)
    assert not cal.is_workday(D(2027, 1, 1))  # Friday holiday
    assert cal.is_workday(D(2027, 2, 6))  # Saturday make-up
    count = cal.workdays_between(D(2026, 12, 31), D(2027, 1, 31))
    assert count == WorkdayCount(workdays=20, naive=21, fallback_years=())
    # Fri 02-05 off, Sat 02-06 on, Mon 02-08 + Tue 02-09 off, Wed 02-10 on.
    assert cal.add_workdays(D(2027, 2, 4), 2) == D(2027, 2, 10)


def test_user_file_keeps_official_data_for_other_years(tmp_path: Path) -> None:
    cal = WorkdayCalendar.from_file(str(write_json(tmp_path, HOLIDAYS_2027)))
    assert not cal.is_workday(D(2026, 10, 1))
    assert cal.is_workday(D(2026, 10, 10))


def test_user_dates_override_official_data() -> None:
    cal = WorkdayCalendar(extra_holidays=[D(2026, 10, 9)], extra_workdays=[D(2026, 10, 3)])
    assert not cal.is_workday(D(2026, 10, 9))
    assert cal.is_workday(D(2026, 10, 3))


def test_user_file_with_utf8_bom_and_only_holidays(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_text('\ufeff{"holidays": ["2028-01-03"]}', encoding="utf-8")
    cal = WorkdayCalendar.from_file(path)
    assert cal.covers(2028)
    assert not cal.is_workday(D(2028, 1, 3))


@pytest.mark.parametrize(
    "content, message",
    [
        ("{not json", "not valid JSON"),
        (["2027-01-01"], "expected a JSON object"),
        ({}, '"holidays" and/or "workdays"'),
        ({"holiday": ["2027-01-01"]}, "unknown key"),
        ({"holidays": "2027-01-01"}, "must be a list"),
        ({"holidays": ["2027/01/01"]}, '"holidays"[0]'),
        ({"holidays": [20270101]}, "is not a \"YYYY-MM-DD\" date"),
        ({"workdays": ["2027-02-30"]}, "not a real calendar date"),
        ({"holidays": ["2027-01-01"], "workdays": ["2027-01-01"]}, "both as holidays and as workdays"),
    ],
)
def test_bad_user_file(tmp_path: Path, content: object, message: str) -> None:
    path = write_json(tmp_path, content)
    with pytest.raises(ValueError) as excinfo:
        WorkdayCalendar.from_file(path)
    assert message in str(excinfo.value)
    assert str(path) in str(excinfo.value)
