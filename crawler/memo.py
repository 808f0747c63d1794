"""Extraction memo: a page fetched in full whose HTML did not change is not parsed again.

Home and list pages are always fetched in full on a recrawl (their freshness is judged on a
fresh fetch, crawler/incremental.py), so on a site that barely changed most of a recrawl's
parsing was the same list pages giving the same facts: 504 list pages, about a third of the
10,000-page bench recrawl's main thread.  ``extract_all`` is a pure function of the page's
text, its URL, whether it is a home page and the reference date (crawler/extract/), so its
result can be kept: under the hash of those inputs and of the extractor's own source code
(any change to crawler/extract/ makes every entry a miss), in the ``extract_memo`` table.

The reference date: extraction reads it only to bound plausible years (its year) and to
give a year to dates written without one (``dates.infer_year``).  An entry records the year
and, if ``infer_year`` ran during the extraction, the whole date; it is used only when they
match the run's.  Only pages that are not articles are kept (articles are reused through
304s); a full crawl (``--full``) writes entries but never reads them.  Entries not used for
``KEEP_DAYS`` are deleted at the end of a crawl.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import pickle
import sqlite3
import zlib
from pathlib import Path

from crawler.extract import dates
from crawler.extract.bundle import Extracted, extract_all

KEEP_DAYS = 30


def _source_digest() -> bytes:
    h = hashlib.sha1(b"memo-1")
    for path in sorted((Path(__file__).parent / "extract").glob("*.py")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.digest()


SOURCE_DIGEST = _source_digest()


def memo_key(text: str, url: str, is_home: bool) -> str:
    h = hashlib.sha1(SOURCE_DIGEST)
    h.update(f"{url}\0{int(is_home)}\0".encode("utf-8", "surrogatepass"))
    h.update(text.encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def extract_tracked(text: str, url: str, today: dt.date, is_home: bool) -> tuple[Extracted, bool]:
    """``extract_all`` and whether its result depends on the whole reference date (not just its year)."""
    before = dates.INFERRED[0]
    ex = extract_all(text, url, today, is_home)
    return ex, dates.INFERRED[0] != before


def entry(key: str, ex: Extracted, today: dt.date, day_dependent: bool) -> tuple[str, int, str, bytes]:
    """The row to keep: (key, year, date or "", compressed pickle)."""
    blob = zlib.compress(pickle.dumps(ex, protocol=pickle.HIGHEST_PROTOCOL), 1)
    return key, today.year, today.isoformat() if day_dependent else "", blob


def lookup(conn: sqlite3.Connection, key: str, today: dt.date) -> Extracted | None:
    """The kept extraction for key, if it holds for today."""
    try:
        found = conn.execute("SELECT year, day, value FROM extract_memo WHERE key = ?", [key]).fetchone()
    except sqlite3.OperationalError:
        return None  # a database from before the table
    if found is None:
        return None
    year, day, blob = found
    if year != today.year or (day and day != today.isoformat()):
        return None
    try:
        return pickle.loads(zlib.decompress(blob))
    except Exception:  # an entry the current classes cannot read: parse the page
        return None


def write(conn: sqlite3.Connection, rows: list[tuple[str, int, str, bytes | None]]) -> None:
    """Keep new entries; mark the entries used (value None) as used today (call inside a transaction)."""
    used_at = dt.date.today().isoformat()
    new = [(k, y, d, v, used_at) for k, y, d, v in rows if v is not None]
    if new:
        conn.executemany("INSERT OR REPLACE INTO extract_memo (key, year, day, value, used_at) VALUES (?, ?, ?, ?, ?)", new)
    hits = [(used_at, k) for k, _y, _d, v in rows if v is None]
    if hits:
        conn.executemany("UPDATE extract_memo SET used_at = ? WHERE key = ?", hits)


def prune(conn: sqlite3.Connection) -> None:
    since = (dt.date.today() - dt.timedelta(days=KEEP_DAYS)).isoformat()
    conn.execute("DELETE FROM extract_memo WHERE used_at < ?", [since])


class MemoSpider:
    """The spider's side (mixed into SiteSpider): parse a page, or take its kept extraction."""

    async def _extracted_memo(self, text: str, url: str, is_home: bool) -> tuple[Extracted, tuple | None]:
        """The page's extraction and the memo row for the pipeline (None: nothing to keep)."""
        settings = self.crawler.settings  # type: ignore[attr-defined]
        if not settings.getbool("GOVAUDIT_MEMO"):
            return await self._extracted(text, url, is_home), None  # type: ignore[attr-defined]
        today = self.today  # type: ignore[attr-defined]
        key = memo_key(text, url, is_home)
        self._incremental()  # type: ignore[attr-defined]  # opens the read connection of an incremental run
        conn = self._reuse_conn  # type: ignore[attr-defined]
        stats = self.crawler.stats  # type: ignore[attr-defined]
        if conn is not None:
            kept = lookup(conn, key, today)
            if kept is not None:
                stats.inc_value("govaudit/memo/hits")
                return kept, (key, today.year, "", None)
        ex, day_dependent = await self._extracted(text, url, is_home, extract_tracked)  # type: ignore[attr-defined]
        if ex.facts.is_article:
            return ex, None
        return ex, entry(key, ex, today, day_dependent)  # kept if the page is one fetched in full next time
