"""Chinese working-day calendar (工作日) for deadline rules.

Official rule: a working day is a Monday-Friday that is not an official
holiday, or an official make-up working day (调休上班).  Spans are counted
from the day AFTER the start date up to and including the end date.

Official data comes from ``chinese_calendar``.  A user-supplied holiday file
extends or overrides it (e.g. for a year the package does not cover yet).
Where neither covers a year, Monday-Friday is used and the result says so
(``WorkdayCount.fallback_years``).

User file format (JSON, UTF-8)::

    {"holidays": ["2027-01-01", ...], "workdays": ["2027-02-07", ...]}
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from collections.abc import Iterable

import chinese_calendar

_ONE_DAY = timedelta(days=1)
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_FILE_KEYS = ("holidays", "workdays")

# Years chinese_calendar has data for (it raises NotImplementedError outside).
_OFFICIAL_FIRST_YEAR = min(chinese_calendar.holidays).year
_OFFICIAL_LAST_YEAR = max(chinese_calendar.holidays).year


@dataclass(frozen=True)
class WorkdayCount:
    workdays: int  # official count
    naive: int  # plain Mon-Fri count over the same span
    fallback_years: tuple[int, ...]  # years in the span with no holiday data (Mon-Fri used)


def _is_weekday(d: date) -> bool:
    return d.weekday() < 5


def _days_after(start: date, end: date) -> Iterable[date]:
    """start+1 .. end inclusive (nothing if end <= start)."""
    d = start + _ONE_DAY
    while d <= end:
        yield d
        d += _ONE_DAY


class WorkdayCalendar:
    """Official Chinese working days, with optional user overrides."""

    def __init__(
        self, extra_holidays: Iterable[date] = (), extra_workdays: Iterable[date] = ()
    ) -> None:
        self._holidays = frozenset(extra_holidays)
        self._workdays = frozenset(extra_workdays)
        both = sorted(self._holidays & self._workdays)
        if both:
            listed = ", ".join(d.isoformat() for d in both)
            raise ValueError(f"dates listed both as holidays and as workdays: {listed}")
        self._user_years = frozenset(d.year for d in self._holidays | self._workdays)

    @classmethod
    def from_file(cls, path: str | Path) -> WorkdayCalendar:
        """Load a user holiday file; ValueError on malformed content."""
        path = Path(path)
        raw = path.read_text(encoding="utf-8-sig")
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise ValueError(f"holiday file {path}: not valid JSON ({exc})") from None
        holidays, workdays = _parse_holiday_data(data, str(path))
        try:
            return cls(extra_holidays=holidays, extra_workdays=workdays)
        except ValueError as exc:
            raise ValueError(f"holiday file {path}: {exc}") from None

    def covers(self, year: int) -> bool:
        """True if official data or the user file has holiday data for `year`."""
        return year in self._user_years or _OFFICIAL_FIRST_YEAR <= year <= _OFFICIAL_LAST_YEAR

    def is_workday(self, d: date) -> bool:
        if d in self._workdays:
            return True
        if d in self._holidays:
            return False
        if _OFFICIAL_FIRST_YEAR <= d.year <= _OFFICIAL_LAST_YEAR:
            return _official_workday(d)
        return _is_weekday(d)

    def workdays_between(self, start: date, end: date) -> WorkdayCount:
        """Working days from the day after `start` to `end` inclusive (0 if end <= start)."""
        official = naive = 0
        for d in _days_after(start, end):
            official += self.is_workday(d)
            naive += _is_weekday(d)
        years = range((start + _ONE_DAY).year, end.year + 1) if end > start else range(0)
        fallback = tuple(y for y in years if not self.covers(y))
        return WorkdayCount(workdays=official, naive=naive, fallback_years=fallback)

    def add_workdays(self, start: date, n: int) -> date:
        """The n-th working day after `start` (`start` itself when n == 0)."""
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        d = start
        while n > 0:
            d += _ONE_DAY
            if self.is_workday(d):
                n -= 1
        return d


@lru_cache(maxsize=None)
def _official_workday(d: date) -> bool:
    """chinese_calendar.is_workday, remembered: it validates every date it is asked about, which
    dominated counting the working days of thousands of documents (a few thousand days in all)."""
    return chinese_calendar.is_workday(d)


def _parse_holiday_data(data: object, source: str) -> tuple[list[date], list[date]]:
    """Validate the decoded JSON of a holiday file."""
    if not isinstance(data, dict):
        raise ValueError(
            f"holiday file {source}: expected a JSON object with keys "
            f'"holidays" and/or "workdays", got {type(data).__name__}'
        )
    unknown = sorted(set(data) - set(_FILE_KEYS))
    if unknown:
        raise ValueError(
            f"holiday file {source}: unknown key(s) {', '.join(map(repr, unknown))}; "
            f'allowed keys are "holidays" and "workdays"'
        )
    if not any(key in data for key in _FILE_KEYS):
        raise ValueError(f'holiday file {source}: needs a "holidays" and/or "workdays" list')
    holidays = _parse_date_list(data.get("holidays", []), "holidays", source)
    workdays = _parse_date_list(data.get("workdays", []), "workdays", source)
    return holidays, workdays


def _parse_date_list(values: object, key: str, source: str) -> list[date]:
    if not isinstance(values, list):
        raise ValueError(
            f'holiday file {source}: "{key}" must be a list of "YYYY-MM-DD" strings, '
            f"got {type(values).__name__}"
        )
    out: list[date] = []
    for i, value in enumerate(values):
        if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
            raise ValueError(
                f'holiday file {source}: "{key}"[{i}] = {value!r} is not a "YYYY-MM-DD" date'
            )
        try:
            out.append(date.fromisoformat(value))
        except ValueError:
            raise ValueError(
                f'holiday file {source}: "{key}"[{i}] = {value!r} is not a real calendar date'
            ) from None
    return out
