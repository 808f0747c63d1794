"""Date extraction for Chinese government pages (pure functions, no Scrapy).

CONTRACT (callers rely on it):

    find_dates(text, today) -> list[FoundDate]   # every date in text, in order
    parse_date(text, today) -> datetime.date | None  # first date in text
    infer_year(month, day, today) -> datetime.date   # year-less MM-DD
    date_from_url(url) -> datetime.date | None   # t20261103_123.html, /202611/…

`today` is the reference date used to give a year to year-less dates: the
most recent occurrence not after `today`.
"""
