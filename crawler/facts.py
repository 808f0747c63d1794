"""Facts about a page computed once, when the page is stored, so that an audit never reads page text.

At a million pages the pages table is many gigabytes (the text of every page sits in its row), and
a rule that reads every row for a title word or a date waits minutes on the disk.  The crawler has
each page's text in memory when it writes the row, so it writes these narrow columns with it:

``text_flags``
    bit 1: the title, article title, text or body head holds a word of the built-in typo /
    serious-error dictionaries (typo reads only such pages); bit 2: a fetched page's text may
    hold 11 digits in a row or a non-ASCII digit (privacy-exposed reads only those).
    The same test as the per-run text pass (``audits.textscan.classify``).
``doc_hint``, ``date_key``
    for a fetched article: whether its own fields can make it a 规范性文件, policy document or
    interpretation (``audits.documents.intrinsic_sql``, the same SQL the audit runs when these
    facts are missing), and the fields its publish date is read from.  NULL for other pages.
``meta_flags``
    for a fetched page with page metadata: which required <meta> tags and footer items it lacks
    (``audits.rules.metadata_missing.flags``); -1 when its JSON cannot be read.
``report_hint``
    1 when a fetched page's title, article title or metadata block says 信息公开 (where the
    annual-report rules look for 政府信息公开工作年度报告).
``facts_v``
    ``facts_version()``: the facts' definition and dictionary they were computed with.  An
    audit uses the columns only when every page of the run carries the current version and
    falls back to reading the pages otherwise (databases written by an older govaudit).

Pages copied unchanged from an earlier run (a 304 in an incremental recrawl) keep the facts
of the row they were copied from.

When a crawl ends (``measure_after_crawl``), two more things are stored that cost too much to
compute on the crawler's thread: ``doc_read``, what the documents index reads from each document
candidate (``audits.documents.read_row`` on the crawl's day; a page copied from an earlier run is
read again when that run's day differs), and, in a process of its own when there are at least
``MEASURE_AT_END_MIN`` new ones, the readability measures of the pages that may be
interpretations (``text_measures``, by text hash; fewer are left to the audit).

Bump ``FACTS_VERSION`` whenever what a fact means changes (``intrinsic_sql``, ``date_key_sql``,
``classify``, the metadata flags): runs with older facts are then audited from their pages.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from functools import lru_cache
from typing import Any

FACTS_VERSION = 1
COLUMNS = ("facts_v", "text_flags", "doc_hint", "date_key", "meta_flags", "report_hint")
TEXT_WORD, TEXT_DIGITS = 1, 2


@lru_cache(maxsize=1)
def dictionary_words() -> tuple[str, ...]:
    """The words of the built-in dictionaries, in the form the text pass is keyed by."""
    from audits.typos import SERIOUS_TSV, TYPOS_TSV, load_dictionary

    entries = list(load_dictionary(SERIOUS_TSV, "serious")) + list(load_dictionary(TYPOS_TSV, "typos"))
    return tuple(sorted({e.wrong for e in entries}))


@lru_cache(maxsize=1)
def facts_version() -> int:
    """A number that changes with the facts' definition and with the built-in dictionaries."""
    return zlib.crc32(f"{FACTS_VERSION}\x00{'|'.join(dictionary_words())}".encode()) & 0x7FFFFFFF


@lru_cache(maxsize=1)
def _doc_sql() -> str:
    from audits.documents import ARTICLE_SQL, DEFAULT_COLUMN_WORDS, date_key_sql, intrinsic_sql

    def col(c: str) -> str:
        return f":{c}"

    article = ARTICLE_SQL(col)
    return (
        f"SELECT CASE WHEN {article} THEN {intrinsic_sql(col, DEFAULT_COLUMN_WORDS)} END, "
        f"CASE WHEN {article} THEN {date_key_sql(col)} END"
    )


_DOC_FIELDS = ("is_article", "error", "status", "article_title", "title", "doc_meta_json", "column_name",
               "breadcrumb_json", "main_text", "pub_date", "pub_date_source")


def page_facts(conn: sqlite3.Connection, row: dict[str, Any]) -> dict[str, Any]:
    """The fact columns of one pages row (a dict with the row's columns)."""
    from audits.rules.metadata_missing import flags as meta_flags
    from audits.textscan import classify, text_automaton

    fetched = row.get("error") is None and (row.get("status") is None or row["status"] < 400)
    answered = fetched and row.get("status") is not None  # the rules' "error IS NULL AND status < 400"
    words = dictionary_words()
    word_hit, digit_hit = classify(
        text_automaton(words), len(words), row.get("title"), row.get("article_title"), row.get("main_text"),
        row.get("body_head"), answered,
    )
    doc_hint, date_key = conn.execute(_doc_sql(), {k: row.get(k) for k in _DOC_FIELDS}).fetchone()
    meta = None
    if answered and row.get("meta_json") is not None:
        meta = meta_flags(row.get("meta_json"), row.get("footer_json"), bool(row.get("is_article")), bool(row.get("is_list")))
    report = fetched and any("信息公开" in (row.get(k) or "") for k in ("title", "article_title", "doc_meta_json"))
    return {
        "facts_v": facts_version(),
        "text_flags": (TEXT_WORD if word_hit else 0) | (TEXT_DIGITS if digit_hit else 0),
        "doc_hint": doc_hint,
        "date_key": date_key,
        "meta_flags": meta,
        "report_hint": 1 if report else 0,
    }


def may_be_interpretation(row: dict[str, Any]) -> bool:
    """A fetched article whose title or column says 解读 (a superset of what the documents index
    classifies as a 政策解读; one listed only in an interpretation column is measured by the audit)."""
    if not row.get("main_text") or row.get("is_article") != 1 or row.get("error") is not None:
        return False
    if row.get("status") is not None and row["status"] >= 400:
        return False
    return _says_interpretation(row.get("title"), row.get("article_title"), row.get("column_name"), row.get("breadcrumb_json"))


def _says_interpretation(title: str | None, article_title: str | None, column_name: str | None, crumbs_json: str | None) -> bool:
    """Whether a page's titles or columns say 解读 (``may_be_interpretation`` without the fetch tests)."""
    from audits.documents import INTERP_WORDS, _interp_by_column

    titles = f"{article_title or ''}\x00{title or ''}"
    if any(w in titles for w in INTERP_WORDS):
        return True
    if _interp_by_column(column_name or ""):
        return True
    try:
        crumbs = json.loads(crumbs_json or "[]")
    except ValueError:
        return False
    return isinstance(crumbs, list) and any(_interp_by_column(str(c)) for c in crumbs)


class _Conn:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn


def measure_interpretations(conn: sqlite3.Connection, pages: list[dict[str, Any]], pool: bool = False) -> int:
    """Readability measures (audits/readability.py, kept by text hash in text_measures) of the
    pages that may be interpretations, so that the audit finds them measured; returns how many."""
    from audits.readability import measure_all

    texts = {row["url"]: row["main_text"] for row in pages if may_be_interpretation(row)}
    if texts:
        measure_all(_Conn(conn), texts, pool=pool)
    return len(texts)


def add_facts(conn: sqlite3.Connection, pages: list[dict[str, Any]]) -> None:
    """Add the fact columns to each pages row (in place)."""
    for row in pages:
        row.update(page_facts(conn, row))


def _candidates(conn: sqlite3.Connection, run_id: int) -> list[dict[str, Any]]:
    """The run's pages that may be interpretations.  Every interpretation is a document candidate
    (``doc_hint``, a fetched article): their titles and columns are read from an index, and the
    rows of those that may be interpretations only."""
    ids = [
        rowid for rowid, *names in conn.execute(
            "SELECT rowid, title, article_title, column_name, breadcrumb_json FROM pages INDEXED BY idx_pages_doc_read "
            "WHERE run_id = ? AND doc_hint = 1", [run_id])
        if _says_interpretation(*names)
    ]
    cols = [r[1] for r in conn.execute("PRAGMA table_info(pages)")]
    rows: list[dict[str, Any]] = []
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        rows += [dict(zip(cols, r)) for r in conn.execute(
            f"SELECT * FROM pages WHERE rowid IN ({','.join('?' * len(chunk))}) ORDER BY rowid", chunk)]
    return [r for r in rows if may_be_interpretation(r)]


def unmeasured(conn: sqlite3.Connection, run_id: int) -> int:
    """How many of the run's possible interpretations have no stored measures yet."""
    from audits.readability import _cache_key

    keys = {_cache_key(r["main_text"], 80) for r in _candidates(conn, run_id)}
    known = 0
    ks = sorted(keys)
    for i in range(0, len(ks), 500):
        chunk = ks[i : i + 500]
        known += conn.execute(f"SELECT count(*) FROM text_measures WHERE kind = 'readability' AND key IN ({','.join('?' * len(chunk))})",
                              chunk).fetchone()[0]
    return len(keys) - known


def measure_run(db: Any, run_id: int) -> int:
    """Measure the run's possible interpretations that are not measured yet; returns how many were looked at."""
    return measure_interpretations(db.conn, _candidates(db.conn, run_id), pool=True)


def _run_today(conn: sqlite3.Connection, run_id: int) -> Any:
    import datetime as dt

    row = conn.execute("SELECT today FROM crawl_runs WHERE id = ?", [run_id]).fetchone()
    try:
        return dt.date.fromisoformat(row[0]) if row and row[0] else None
    except ValueError:
        return None


def _stale_reads(conn: sqlite3.Connection, run_id: int, today: Any) -> list[int]:
    """Rowids of the run's document candidates with no stored read for ``today`` (a page copied from
    an earlier run was read on that run's day)."""
    from audits.documents import decode_read

    return [rowid for rowid, blob in conn.execute(
        "SELECT rowid, doc_read FROM pages INDEXED BY idx_pages_doc_read WHERE run_id = ? AND doc_hint = 1", [run_id])
        if decode_read(blob, today) is None]


def stale_doc_reads(conn: sqlite3.Connection, run_id: int) -> int:
    """How many of the run's document candidates have no stored read for the run's day."""
    today = _run_today(conn, run_id)
    return 0 if today is None else len(_stale_reads(conn, run_id, today))


def refresh_doc_reads(db: Any, run_id: int) -> int:
    """Store what the documents index reads from each document candidate of the run (``read_row`` on
    the run's day), where it is missing or was read on another day; returns how many were read.
    The audit uses a stored read when its reference day is the crawl's (an audit of the crawl's day)."""
    from audits.documents import _DOC_COLUMNS, encode_read, read_row

    conn = db.conn
    today = _run_today(conn, run_id)
    if today is None:
        return 0
    todo = _stale_reads(conn, run_id, today)
    cols = ["rowid", *(c.strip() for c in _DOC_COLUMNS.split(","))]
    for i in range(0, len(todo), 500):
        chunk = todo[i : i + 500]
        rows = [dict(zip(cols, r)) for r in conn.execute(
            f"SELECT rowid, {_DOC_COLUMNS} FROM pages WHERE rowid IN ({','.join('?' * len(chunk))})", chunk)]
        conn.execute("BEGIN")
        conn.executemany("UPDATE pages SET doc_read = ? WHERE rowid = ?",
                         [(encode_read(read_row(r, today), today), r["rowid"]) for r in rows])
        conn.execute("COMMIT")
    return len(todo)


def after_crawl(db: Any, run_id: int) -> dict[str, int]:
    """What a crawl stores when it ends: the documents' reads and the interpretations' measures."""
    return {"doc_reads": refresh_doc_reads(db, run_id), "interpretations": measure_run(db, run_id)}


MEASURE_AT_END_MIN = 64  # fewer new interpretations than this: the audit measures them (the tagger's start-up costs more)


def measure_after_crawl(db: Any, run_id: int, timeout: float = 3600, min_texts: int = MEASURE_AT_END_MIN) -> None:
    """What a crawl stores when it ends: the document candidates' reads (here, cheap), and, when
    there are at least ``min_texts`` new possible interpretations, their readability in a process
    of its own (the part-of-speech tagger, about 125 MB and seconds to load, stays out of the
    crawler; the texts are shared over the cores).  Never raises: what it could not store, the
    audit computes."""
    import logging
    import subprocess
    import sys

    log = logging.getLogger(__name__)
    try:
        refresh_doc_reads(db, run_id)
    except sqlite3.Error as exc:
        log.warning("document reads not stored after the crawl (the audit reads the pages): %s", exc)
    path = next((r[2] for r in db.conn.execute("PRAGMA database_list") if r[1] == "main"), "")
    try:  # a recrawl of unchanged pages: nothing new to measure
        if not path or unmeasured(db.conn, run_id) < max(1, min_texts):
            return
    except sqlite3.Error:
        return
    try:
        subprocess.run([sys.executable, "-m", "crawler.facts", "after-crawl", path, str(run_id)], check=True,
                       timeout=timeout, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    except (OSError, subprocess.SubprocessError) as exc:
        log.warning("interpretation measures not stored after the crawl (the audit computes them): %s", exc)


def backfill(db: Any, run_id: int) -> int:
    """Compute the facts of the run's pages that lack the current ones (a database written by an
    older govaudit); returns how many pages were updated.  Rewrites each page's row: slow on a
    big database, where the audit's own fallback (reading the pages) is the cheaper way."""
    conn = db.conn
    cols = [r[1] for r in conn.execute("PRAGMA table_info(pages)")]
    rows = [dict(zip(cols, r)) for r in conn.execute(
        "SELECT * FROM pages WHERE run_id = ? AND (facts_v IS NULL OR facts_v != ?)", [run_id, facts_version()])]
    for row in rows:
        facts = page_facts(conn, row)
        sets = ", ".join(f"{c} = :{c}" for c in COLUMNS)
        conn.execute(f"UPDATE pages SET {sets} WHERE run_id = :run_id AND url = :url", {**facts, "run_id": run_id, "url": row["url"]})
    measure_interpretations(conn, rows)
    refresh_doc_reads(db, run_id)
    # what audits cached on this database object was computed without the facts (PRAGMA data_version,
    # part of their keys, does not change for this connection's own writes)
    for name in [k for k in vars(db) if k.startswith("_govaudit_")]:
        delattr(db, name)
    return len(rows)


if __name__ == "__main__":  # python -m crawler.facts after-crawl DB RUN_ID (see measure_after_crawl)
    import sys

    from crawler.store import open_db

    if len(sys.argv) != 4 or sys.argv[1] != "after-crawl":
        sys.exit("usage: python -m crawler.facts after-crawl DB RUN_ID")
    print(after_crawl(open_db(sys.argv[2], create=False), int(sys.argv[3])))
