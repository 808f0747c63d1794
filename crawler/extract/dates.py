"""Date extraction for Chinese government pages (pure functions, no Scrapy).

CONTRACT (callers rely on it):

    find_dates(text, today, *, month_only=False) -> list[FoundDate]  # every date in text, in order
    parse_date(text, today) -> datetime.date | None   # first full date (with a day) in text
    infer_year(month, day, today) -> datetime.date | None   # year-less MM-DD; None if impossible
    date_from_url(url) -> datetime.date | None   # t20261103_123.html, /art/2026/11/3/art_…, /202611/…

`today` is the reference date used to give a year to year-less dates: the
most recent occurrence not after `today`.  It also bounds plausible years
(1949 .. today.year + 1).  No function here reads the clock.

Supported forms (ASCII or full-width digits and separators):

* ``2026-11-03``, ``2026-11-3``, ``2026/11/03``, ``2026.11.03``
* ``2026年11月3日`` (optional spaces between the parts)
* ``二〇二六年十一月三日`` (zero as 〇, 零, ○, Ｏ or O)
* year-less ``11-03`` (only when delimited), ``[11-03]``, ``(11-03)``, ``11月3日``
* month precision ``2023年5月`` / ``二〇二三年五月`` only with ``month_only=True``
* a following time ``10:32`` or ``10:32:59`` (``：`` accepted), after optional spaces

``FoundDate.text``/``start``/``end`` cover the date plus its time (if any) but
not surrounding brackets.
"""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from collections.abc import Callable
from urllib.parse import urlsplit

MIN_YEAR = 1949


@dataclass(frozen=True)
class FoundDate:
    value: datetime.date
    text: str  # the matched substring of the input (date + optional time)
    start: int  # offsets in the input string
    end: int
    has_year: bool  # False for year-less forms like "[11-03]" or "11月3日"
    has_day: bool  # False for month precision "2023年5月" (value is then the 1st)
    time: str | None  # "10:32" or "10:32:59" when a time follows the date


# --------------------------------------------------------------------------
# Normalisation: one-to-one character mapping, so offsets stay valid.
# --------------------------------------------------------------------------
_NORMALISE = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},  # ０..９
        "\uff0d": "-",  # －
        "\uff0f": "/",  # ／
        "\uff0e": ".",  # ．
        "\uff1a": ":",  # ：
        "\u3000": " ",  # ideographic space
        "\xa0": " ",
    }
)

_FULLWIDTH_RUN = re.compile("[\uff10-\uff19\uff0d\uff0f\uff0e\uff1a\u3000\xa0]+")


def _normalise(text: str) -> str:
    """Full-width digits/separators to ASCII; same length, so offsets hold.

    Only the runs that need it are translated: str.translate over a whole
    CJK page is several times slower than all the date scans together.
    """
    return _FULLWIDTH_RUN.sub(lambda m: m.group().translate(_NORMALISE), text)


_SP = r"[ \t]*"  # spaces allowed inside the Chinese forms (after normalisation)

_CN_ZERO = "〇零○ＯO"
_CN_DIGITS = {ch: 0 for ch in _CN_ZERO}
_CN_DIGITS.update({ch: i for i, ch in enumerate("一二三四五六七八九", start=1)})
_CN_YEAR_CHAR = "[" + _CN_ZERO + "一二三四五六七八九]"
_CN_SMALL = r"(?:[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])"  # 1..39

# --------------------------------------------------------------------------
# Patterns.  Every pattern names its groups y/m/d (y and d optional).
# Each starts with a character class and puts its "not inside a longer
# number" look-behind after that first character: the regex engine then
# skips quickly over text that cannot start a match (several times faster on
# CJK pages than a leading look-behind).
# --------------------------------------------------------------------------
_D4 = r"\d(?<!\d\d)\d{3}"  # four digits not preceded by a digit
_D2 = r"\d(?<!\d\d)\d?"  # one or two digits not preceded by a digit
_CN_YEAR = rf"{_CN_YEAR_CHAR}(?<!{_CN_YEAR_CHAR}{_CN_YEAR_CHAR}){_CN_YEAR_CHAR}{{3}}"

_NUM_FULL = re.compile(
    r"(?P<y>\d(?<!\d\d)(?<!\d\.\d)\d{3})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?!\d)"
)
_CN_ARABIC_FULL = re.compile(
    rf"(?P<y>{_D4}){_SP}年{_SP}(?P<m>\d{{1,2}}){_SP}月{_SP}(?P<d>\d{{1,2}}){_SP}日"
)
_CN_NUMERAL_FULL = re.compile(
    rf"(?P<y>{_CN_YEAR}){_SP}年{_SP}(?P<m>{_CN_SMALL}){_SP}月{_SP}(?P<d>{_CN_SMALL}){_SP}日"
)
_CN_ARABIC_MONTH = re.compile(
    rf"(?P<y>{_D4}){_SP}年{_SP}(?P<m>\d{{1,2}}){_SP}月(?!{_SP}\d{{1,2}}{_SP}[日号])"
)
_CN_NUMERAL_MONTH = re.compile(
    rf"(?P<y>{_CN_YEAR}){_SP}年{_SP}(?P<m>{_CN_SMALL}){_SP}月(?!{_SP}{_CN_SMALL}{_SP}日)"
)
_CN_YEARLESS = re.compile(rf"(?P<m>{_D2}){_SP}月{_SP}(?P<d>\d{{1,2}}){_SP}日")
_NUM_YEARLESS = re.compile(r"(?P<m>\d(?<!\d\d)\d)-(?P<d>\d{2})(?!\d)")

_TIME = re.compile(r"[ \t]*(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?(?!\d)")

# Delimiters around a bare year-less "MM-DD".
_LEFT_PUNCT = frozenset(" \t\r\n[({<\"'“‘,;|")
_RIGHT_PUNCT = frozenset(" \t\r\n])}>\"'”’,;|")
# CJK characters that make "MM-DD" a range or count rather than a date:
# "第10-12页", "共10-12人".
_LEFT_STOP = frozenset("第共约")
_RIGHT_STOP = frozenset("页条款项章节名位岁个次期届号楼层室元人件户家所篇张")


# --------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------
def _is_cjk(ch: str) -> bool:
    """CJK ideographs, CJK punctuation and full-width forms."""
    o = ord(ch)
    return (
        0x3400 <= o <= 0x9FFF
        or 0x3000 <= o <= 0x303F
        or 0xFF00 <= o <= 0xFFEF
        or 0xF900 <= o <= 0xFAFF
    )


def _cn_year(s: str) -> int:
    return int("".join(str(_CN_DIGITS[ch]) for ch in s))


def _cn_small(s: str) -> int:
    """'三' -> 3, '十' -> 10, '十一' -> 11, '二十' -> 20, '三十一' -> 31."""
    if "十" not in s:
        return _CN_DIGITS[s]
    tens, _, units = s.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[units] if units else 0)


def _make_date(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _year_ok(year: int, today: datetime.date) -> bool:
    return MIN_YEAR <= year <= today.year + 1


def _yearless_delimited(norm: str, start: int, end: int) -> bool:
    """A bare "MM-DD" must stand alone: start/end, spaces, brackets or CJK around it."""
    if start > 0:
        left = norm[start - 1]
        if left in _LEFT_STOP:
            return False
        if left == ":":
            # "发布时间:11-03" is fine, "10:11-03" is not.
            if start >= 2 and norm[start - 2].isdigit():
                return False
        elif not (left in _LEFT_PUNCT or _is_cjk(left)):
            return False
    if end < len(norm):
        right = norm[end]
        if right in _RIGHT_STOP:
            return False
        if not (right in _RIGHT_PUNCT or _is_cjk(right)):
            return False
    return True


def _time_after(norm: str, pos: int) -> tuple[str | None, int]:
    """A valid H:MM / HH:MM(:SS) right after `pos` (after optional spaces)."""
    m = _TIME.match(norm, pos)
    if not m:
        return None, pos
    h, mi, s = int(m["h"]), int(m["mi"]), m["s"]
    if h > 23 or mi > 59 or (s is not None and int(s) > 59):
        return None, pos
    text = f"{h:02d}:{mi:02d}" + (f":{s}" if s is not None else "")
    return text, m.end()


# --------------------------------------------------------------------------
# Candidate evaluation.  Each evaluator returns (date, has_year, has_day) or
# None when the syntactic match is not a real date.
# --------------------------------------------------------------------------
_Result = tuple[datetime.date, bool, bool] | None  # (value, has_year, has_day)
_Eval = Callable[[re.Match[str], str, datetime.date], _Result]


def _eval_num_full(m: re.Match[str], norm: str, today: datetime.date) -> _Result:
    if m["sep"] == "." and re.match(r"\.\d", norm[m.end() : m.end() + 2]):
        return None  # version-like "2026.1.2.3"
    year = int(m["y"])
    if not _year_ok(year, today):
        return None
    d = _make_date(year, int(m["m"]), int(m["d"]))
    return (d, True, True) if d else None


def _eval_cn_arabic_full(m: re.Match[str], norm: str, today: datetime.date) -> _Result:
    year = int(m["y"])
    if not _year_ok(year, today):
        return None
    d = _make_date(year, int(m["m"]), int(m["d"]))
    return (d, True, True) if d else None


def _eval_cn_numeral_full(m: re.Match[str], norm: str, today: datetime.date) -> _Result:
    year = _cn_year(m["y"])
    if not _year_ok(year, today):
        return None
    d = _make_date(year, _cn_small(m["m"]), _cn_small(m["d"]))
    return (d, True, True) if d else None


def _eval_cn_arabic_month(m: re.Match[str], norm: str, today: datetime.date) -> _Result:
    year = int(m["y"])
    if not _year_ok(year, today):
        return None
    d = _make_date(year, int(m["m"]), 1)
    return (d, True, False) if d else None


def _eval_cn_numeral_month(m: re.Match[str], norm: str, today: datetime.date) -> _Result:
    year = _cn_year(m["y"])
    if not _year_ok(year, today):
        return None
    d = _make_date(year, _cn_small(m["m"]), 1)
    return (d, True, False) if d else None


def _eval_cn_yearless(m: re.Match[str], norm: str, today: datetime.date) -> _Result:
    d = infer_year(int(m["m"]), int(m["d"]), today)
    return (d, False, True) if d else None


def _eval_num_yearless(m: re.Match[str], norm: str, today: datetime.date) -> _Result:
    d = infer_year(int(m["m"]), int(m["d"]), today)
    return (d, False, True) if d else None


# (pattern, evaluator, a literal the pattern needs: skip the scan without it)
_Pattern = tuple[re.Pattern[str], _Eval, str]
_PATTERNS: tuple[_Pattern, ...] = (
    (_NUM_FULL, _eval_num_full, ""),
    (_CN_ARABIC_FULL, _eval_cn_arabic_full, "日"),
    (_CN_NUMERAL_FULL, _eval_cn_numeral_full, "日"),
    (_CN_YEARLESS, _eval_cn_yearless, "日"),
    (_NUM_YEARLESS, _eval_num_yearless, "-"),
)
_MONTH_PATTERNS: tuple[_Pattern, ...] = (
    (_CN_ARABIC_MONTH, _eval_cn_arabic_month, "月"),
    (_CN_NUMERAL_MONTH, _eval_cn_numeral_month, "月"),
)


def _candidates(
    norm: str, month_only: bool
) -> list[tuple[int, int, re.Match[str], _Eval]]:
    patterns = _PATTERNS + _MONTH_PATTERNS if month_only else _PATTERNS
    out: list[tuple[int, int, re.Match[str], _Eval]] = []
    for pattern, evaluate, needed in patterns:
        if needed and needed not in norm:
            continue
        for m in pattern.finditer(norm):
            if pattern is _NUM_YEARLESS and not _yearless_delimited(norm, m.start(), m.end()):
                continue  # not a date-like token at all; must not block others
            out.append((m.start(), m.end(), m, evaluate))
    # Leftmost first; at the same start the longest match wins.
    out.sort(key=lambda c: (c[0], -c[1]))
    return out


# --------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------
def find_dates(text: str, today: datetime.date, *, month_only: bool = False) -> list[FoundDate]:
    """Every date in `text`, in order of appearance, without overlaps.

    A date-like token that turns out impossible (2026-02-30, month 13, a year
    outside 1949..today.year+1) is dropped *and* hides anything inside it, so
    "0571-11-03" yields nothing rather than a year-less "11-03".

    With ``month_only=True`` month-precision forms ("2023年5月") are found
    too (``has_day=False``, value on the 1st of the month).
    """
    norm = _normalise(text)
    found: list[FoundDate] = []
    covered_until = 0
    for start, end, match, evaluate in _candidates(norm, month_only):
        if start < covered_until:
            continue
        covered_until = end
        result = evaluate(match, norm, today)
        if result is None:
            continue
        value, has_year, has_day = result
        time_text = None
        if has_day:
            time_text, end = _time_after(norm, end)
            covered_until = end
        found.append(
            FoundDate(
                value=value,
                text=text[start:end],
                start=start,
                end=end,
                has_year=has_year,
                has_day=has_day,
                time=time_text,
            )
        )
    return found


def parse_date(text: str, today: datetime.date) -> datetime.date | None:
    """The first full date (with a day) in `text`, or None."""
    for found in find_dates(text, today):
        if found.has_day:
            return found.value
    return None


# how many times infer_year ran in this process: an extraction that ran it depends on the whole
# reference date, one that did not only on its year (crawler/memo.py keeps extractions by that)
INFERRED = [0]


def infer_year(month: int, day: int, today: datetime.date) -> datetime.date | None:
    """The most recent `month`-`day` not after `today`; None if it never exists.

    Feb 29 resolves to the most recent leap-year Feb 29 not after `today`.
    """
    INFERRED[0] += 1
    if _make_date(2000, month, day) is None:  # 2000 is a leap year
        return None
    # Leap years are at most 8 years apart (e.g. 1896 -> 1904).
    for year in range(today.year, max(today.year - 9, datetime.MINYEAR - 1), -1):
        d = _make_date(year, month, day)
        if d is not None and d <= today:
            return d
    return None


# URL patterns, most specific first: (pattern, has_day).
_URL_PATTERNS: tuple[tuple[re.Pattern[str], bool], ...] = (
    # TRS: /202611/t20261103_123456.html
    (re.compile(r"(?<![A-Za-z0-9])t(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})_\d+"), True),
    # Hanweb: /art/2026/11/3/art_1234_5678.html
    (re.compile(r"/art/(?P<y>\d{4})/(?P<m>\d{1,2})/(?P<d>\d{1,2})/"), True),
    # Generic /2026/11/03/ and /2026-11/03/
    (re.compile(r"/(?P<y>\d{4})[/-](?P<m>\d{1,2})/(?P<d>\d{1,2})/"), True),
    # /20261103/
    (re.compile(r"/(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})/"), True),
    # Month directories: /202611/ or /2026-11/ (month precision -> 1st)
    (re.compile(r"/(?P<y>\d{4})-?(?P<m>\d{2})/"), False),
)
_URL_MAX_YEAR = 2099


def date_from_url(url: str) -> datetime.date | None:
    """Best-effort publish date from a CMS URL path; None when absent.

    Month-precision directories ("/202611/") give the 1st of the month.
    """
    path = urlsplit(url).path
    for pattern, has_day in _URL_PATTERNS:
        for m in pattern.finditer(path):
            year = int(m["y"])
            if not MIN_YEAR <= year <= _URL_MAX_YEAR:
                continue
            d = _make_date(year, int(m["m"]), int(m["d"]) if has_day else 1)
            if d is not None:
                return d
    return None
