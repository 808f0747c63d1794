from __future__ import annotations

import datetime as dt

import pytest

from crawler.extract.dates import FoundDate, date_from_url, find_dates, infer_year, parse_date

TODAY = dt.date(2026, 12, 15)
D = dt.date


def only(text: str, today: dt.date = TODAY, **kw: bool) -> FoundDate:
    found = find_dates(text, today, **kw)
    assert len(found) == 1, found
    return found[0]


# ---------------------------------------------------------------- full dates
@pytest.mark.parametrize(
    "text, expected",
    [
        ("2026-11-03", D(2026, 11, 3)),
        ("2026-11-3", D(2026, 11, 3)),
        ("2026-1-5", D(2026, 1, 5)),
        ("2026/11/03", D(2026, 11, 3)),
        ("2026.11.03", D(2026, 11, 3)),
        ("2026年11月3日", D(2026, 11, 3)),
        ("2026年11月03日", D(2026, 11, 3)),
        ("2026 年 11 月 3 日", D(2026, 11, 3)),
        ("２０２６－１１－０３", D(2026, 11, 3)),
        ("２０２６年１１月３日", D(2026, 11, 3)),
        ("２０２６／１１／０３", D(2026, 11, 3)),
        ("二〇二六年十一月三日", D(2026, 11, 3)),
        ("二○二六年十一月三十日", D(2026, 11, 30)),  # ○ U+25CB
        ("二零二六年一月十五日", D(2026, 1, 15)),
        ("二ＯＯ六年十二月二十一日", D(2006, 12, 21)),  # Ｏ full-width O
        ("二〇二六年十月二十日", D(2026, 10, 20)),
        ("二〇二五年十二月三十一日", D(2025, 12, 31)),
        ("二〇二六年 十一月 三日", D(2026, 11, 3)),
        ("1949-10-01", D(1949, 10, 1)),
        ("2027-01-01", D(2027, 1, 1)),  # today.year + 1 is allowed
    ],
)
def test_full_date_forms(text: str, expected: dt.date) -> None:
    found = only(text)
    assert found.value == expected
    assert (found.has_year, found.has_day, found.time) == (True, True, None)
    assert (found.start, found.end, found.text) == (0, len(text), text)


def test_offsets_and_text_point_into_the_original_string() -> None:
    text = "发布时间：２０２６－１１－０３　来源：本网"
    found = only(text)
    assert found.text == "２０２６－１１－０３"
    assert text[found.start : found.end] == found.text
    assert found.start == 5


def test_dates_in_order_with_surrounding_text() -> None:
    text = "本办法自2026年1月1日起施行，2025-12-31 发布；有效期至二〇二八年十二月三十一日。"
    values = [f.value for f in find_dates(text, D(2028, 6, 1))]
    assert values == [D(2026, 1, 1), D(2025, 12, 31), D(2028, 12, 31)]


def test_date_followed_by_more_digits_after_a_dash_still_matches() -> None:
    found = only("2026-11-03-01")
    assert found.value == D(2026, 11, 3)
    assert found.text == "2026-11-03"


def test_date_range_with_dash_between_dates() -> None:
    values = [f.value for f in find_dates("2026.1.1-2026.12.31", TODAY)]
    assert values == [D(2026, 1, 1), D(2026, 12, 31)]


# ---------------------------------------------------------------- times
@pytest.mark.parametrize(
    "text, value, time",
    [
        ("2026-07-20 10:32", D(2026, 7, 20), "10:32"),
        ("2026-05-16 12:34:05", D(2026, 5, 16), "12:34:05"),
        ("2026年7月20日 10:32", D(2026, 7, 20), "10:32"),
        ("2026年7月20日10:32", D(2026, 7, 20), "10:32"),
        ("2026-07-20 10：32", D(2026, 7, 20), "10:32"),
        ("2026-07-20  9:05", D(2026, 7, 20), "09:05"),
        ("２０２６－０７－２０　１０：３２：５９", D(2026, 7, 20), "10:32:59"),
        ("[07-20 10:32]", D(2026, 7, 20), "10:32"),
    ],
)
def test_trailing_time(text: str, value: dt.date, time: str) -> None:
    found = only(text)
    assert (found.value, found.time) == (value, time)
    # The time is part of the match: it runs to the end of the input (bar "]").
    assert found.end == len(text.rstrip("]"))


@pytest.mark.parametrize("text", ["2026-07-20 25:00", "2026-07-20 10:75", "2026-07-20 103:20"])
def test_invalid_or_detached_time_is_ignored(text: str) -> None:
    found = only(text)
    assert found.value == D(2026, 7, 20)
    assert found.time is None
    assert found.text == "2026-07-20"


def test_time_must_follow_on_the_same_line() -> None:
    assert only("2026-07-20\n10:32").time is None


# ---------------------------------------------------------------- year-less
@pytest.mark.parametrize(
    "text, date_text",
    [
        ("[11-03]", "11-03"),
        ("11-03", "11-03"),
        ("(11-03)", "11-03"),
        ("（11-03）", "11-03"),
        ("【11-03】", "11-03"),
        ("通知公告 11-03", "11-03"),
        ("关于开展检查的通知11-03", "11-03"),
        ("发布时间：11-03", "11-03"),
        ("11月3日", "11月3日"),
        ("11 月 3 日", "11 月 3 日"),
        ("１１月３日", "１１月３日"),
    ],
)
def test_yearless_forms(text: str, date_text: str) -> None:
    found = only(text)
    assert found.value == D(2026, 11, 3)
    assert (found.has_year, found.has_day) == (False, True)
    assert found.text == date_text


@pytest.mark.parametrize(
    "text, today, expected",
    [
        ("[01-05]", D(2026, 12, 15), D(2026, 1, 5)),
        ("[12-20]", D(2026, 1, 3), D(2025, 12, 20)),
        ("[12-20]", D(2026, 12, 15), D(2025, 12, 20)),
        ("[12-15]", D(2026, 12, 15), D(2026, 12, 15)),  # today itself is not "after today"
        ("12月20日", D(2026, 1, 3), D(2025, 12, 20)),
    ],
)
def test_yearless_year_is_inferred_from_today(text: str, today: dt.date, expected: dt.date) -> None:
    assert only(text, today).value == expected


@pytest.mark.parametrize(
    "text",
    [
        "0571-11-03",  # phone-like: no date at all
        "abc11-03",
        "x11-03y",
        "11-03-05",
        "1011-03",
        "10:11-03",  # time range, not a date
        "第10-12页",
        "共10-12人",
        "第10-12，",  # ordinal range, only the left side tells
        "[13-01]",
        "[02-30]",
        "3-5",
    ],
)
def test_yearless_false_positives(text: str) -> None:
    assert find_dates(text, TODAY) == []


def test_yearless_not_matched_inside_a_full_date() -> None:
    for text in ["2026年11月3日", "2026-11-03", "二〇二六年十一月三日"]:
        found = find_dates(text, TODAY)
        assert [(f.has_year, f.start) for f in found] == [(True, 0)], text


def test_yearless_not_matched_inside_an_invalid_full_date() -> None:
    # The explicit year is implausible; the day must not be re-read as year-less.
    assert find_dates("1800年11月3日", TODAY) == []
    assert find_dates("2026年2月30日", TODAY) == []


# ---------------------------------------------------------------- month precision
@pytest.mark.parametrize(
    "text, expected, date_text",
    [
        ("2023年5月", D(2023, 5, 1), "2023年5月"),
        ("（2023年5月）", D(2023, 5, 1), "2023年5月"),
        ("2023 年 12 月", D(2023, 12, 1), "2023 年 12 月"),
        ("二〇二三年五月", D(2023, 5, 1), "二〇二三年五月"),
    ],
)
def test_month_precision_only_when_asked(text: str, expected: dt.date, date_text: str) -> None:
    assert find_dates(text, TODAY) == []
    found = only(text, month_only=True)
    assert (found.value, found.has_year, found.has_day, found.text) == (
        expected,
        True,
        False,
        date_text,
    )


def test_month_only_still_reports_full_dates_with_day() -> None:
    found = find_dates("2023年5月6日 与 2023年7月", TODAY, month_only=True)
    assert [(f.value, f.has_day) for f in found] == [(D(2023, 5, 6), True), (D(2023, 7, 1), False)]


def test_month_precision_rejects_invalid_month() -> None:
    assert find_dates("2023年13月", TODAY, month_only=True) == []


# ---------------------------------------------------------------- rejections
@pytest.mark.parametrize(
    "text",
    [
        "2026-02-30",
        "2026-13-01",
        "2026-00-10",
        "2026年2月30日",
        "2026年13月1日",
        "二〇二六年二月三十日",
        "二〇二六年十三月一日",
        "1948-12-31",  # before 1949
        "2028-01-01",  # after today.year + 1
        "二〇二八年一月一日",
        "0571-87654321",
        "〔2026〕12号",
        "赣府发〔2026〕12号",
        "1.2.3",
        "192.168.1.1",
        "version 2026.1.2.3",
        "12026-11-03",
        "2026-11-0312",
        "20261103",
        "2026-11/03",  # mixed separators
        "一二〇二六年十一月三日",
    ],
)
def test_rejected(text: str) -> None:
    assert find_dates(text, TODAY) == []


def test_valid_leap_day_and_invalid_non_leap_day() -> None:
    assert only("2024-02-29").value == D(2024, 2, 29)
    assert find_dates("2025-02-29", TODAY) == []


# ---------------------------------------------------------------- parse_date
def test_parse_date_returns_first_full_date() -> None:
    assert parse_date("索引号：123 发布日期：2026-11-03 成文日期：2026-10-30", TODAY) == D(2026, 11, 3)


def test_parse_date_skips_month_precision_and_returns_none_without_a_date() -> None:
    assert parse_date("2023年5月 工作总结，发布于 2023年6月2日", TODAY) == D(2023, 6, 2)
    assert parse_date("电话：0571-87654321，文号〔2026〕12号", TODAY) is None


def test_parse_date_year_less() -> None:
    assert parse_date("[12-20] 通知", D(2026, 1, 3)) == D(2025, 12, 20)


# ---------------------------------------------------------------- infer_year
@pytest.mark.parametrize(
    "month, day, today, expected",
    [
        (1, 5, D(2026, 12, 15), D(2026, 1, 5)),
        (12, 20, D(2026, 1, 3), D(2025, 12, 20)),
        (12, 20, D(2026, 12, 15), D(2025, 12, 20)),
        (12, 15, D(2026, 12, 15), D(2026, 12, 15)),
        (2, 29, D(2026, 3, 1), D(2024, 2, 29)),
        (2, 29, D(2028, 2, 28), D(2024, 2, 29)),
        (2, 29, D(2028, 2, 29), D(2028, 2, 29)),
        (2, 29, D(2104, 3, 1), D(2104, 2, 29)),
        (2, 29, D(2103, 12, 31), D(2096, 2, 29)),  # 2100 is not a leap year
    ],
)
def test_infer_year(month: int, day: int, today: dt.date, expected: dt.date) -> None:
    assert infer_year(month, day, today) == expected


@pytest.mark.parametrize("month, day", [(2, 30), (4, 31), (13, 1), (0, 1), (1, 0), (1, 32)])
def test_infer_year_impossible(month: int, day: int) -> None:
    assert infer_year(month, day, TODAY) is None


# ---------------------------------------------------------------- date_from_url
@pytest.mark.parametrize(
    "url, expected",
    [
        ("http://www.example.gov.cn/zwgk/202611/t20261103_123456.html", D(2026, 11, 3)),
        ("https://www.example.gov.cn/xxgk/t20261103_9.shtml", D(2026, 11, 3)),
        ("http://www.example.gov.cn/art/2026/11/3/art_1229_5678.html", D(2026, 11, 3)),
        ("http://www.example.gov.cn/art/2026/1/15/art_1_2.html", D(2026, 1, 15)),
        ("http://www.example.gov.cn/news/202611/abc.html", D(2026, 11, 1)),
        ("http://www.example.gov.cn/content/2026-11/03/content_1.htm", D(2026, 11, 3)),
        ("http://www.example.gov.cn/c/20261103/x.html", D(2026, 11, 3)),
    ],
)
def test_date_from_url(url: str, expected: dt.date) -> None:
    assert date_from_url(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        "http://www.example.gov.cn/col/col123/index.html",
        "http://www.example.gov.cn/zwgk/202613/t20261303_1.html",  # month 13
        "http://www.example.gov.cn/a/123456/b.html",  # id, not a year
        "http://www.example.gov.cn/list.html?t20261103_1",  # query is not the path
        "http://www.example.gov.cn/att20261103_1.html",  # 't' inside a word
    ],
)
def test_date_from_url_absent(url: str) -> None:
    assert date_from_url(url) is None


# ---------------------------------------------------------------- speed
def test_large_page_is_fast() -> None:
    import time

    chunk = (
        "发布时间：2026-11-03 10:32 来源：某某市人民政府办公室 电话：0571-87654321 "
        "〔2026〕12号 [11-03] 二〇二六年十一月三日 关于印发《某某办法》的通知。"
    )
    text = chunk * 300  # ~30,000 characters, 900 dates
    started = time.perf_counter()
    found = find_dates(text, TODAY)
    elapsed = time.perf_counter() - started
    assert len(found) == 900
    assert elapsed < 0.5  # generous bound for slow CI; typically ~15 ms
