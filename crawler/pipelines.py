"""Write crawl facts to SQLite in batches (one transaction per batch).

In a crawl (``from_crawler``) the batches are written by one writer thread with its own
connection, in the order they were made: SQLite does its work without the GIL, so the
reactor thread goes on with the next requests while a batch (and the ``INSERT … SELECT``
copies of pages answered 304) is written on the other core.  A batch is still one
transaction, so a killed crawl keeps whole batches only (``crawl --resume`` relies on a
page's row and its links being stored together).  The crawl waits for the writer when
``MAX_PENDING`` batches of fetched pages (their text is in memory) or ``MAX_PENDING_ROWS`` rows
in all are waiting; a batch of pages answered 304 is a list of URLs to copy (a row each).
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import sqlite_utils
from scrapy.exceptions import NotConfigured

from crawler.facts import add_facts
from crawler.incremental import ReusedPage, copy_reused
from crawler import memo
from crawler.items import LinkCheckRecord, PageRecord
from crawler.search import SearchProbeRecord
from crawler.store import open_db

log = logging.getLogger(__name__)
FLUSH_SECONDS = 5.0  # a killed crawl loses at most this much work
MAX_PENDING = 4  # batches of fetched pages handed to the writer thread and not yet written
MAX_PENDING_ROWS = 8000  # pages, link checks and reused pages handed to it and not yet written


class _Column:
    __slots__ = ("seen", "empty_marker", "items", "meta_type", "name", "name_source", "newest", "oldest", "pages", "root", "undated")

    def __init__(self) -> None:
        self.name: str | None = None
        self.name_source: str | None = None
        self.meta_type: str | None = None
        self.root: str | None = None
        self.pages = 0
        self.items = 0
        self.undated = 0
        self.newest: str | None = None
        self.oldest: str | None = None
        self.empty_marker: str | None = None
        self.seen: set[str] = set()


WRITER_CACHE_KIB = 64 * 1024
WRITER_CHECKPOINT_PAGES = 16384  # 64 MB of WAL between checkpoints (SQLite's default: 1,000 pages)


class SQLitePipeline:
    def __init__(self, db: sqlite_utils.Database | None, run_id: int, batch_size: int,
                 writer: ThreadPoolExecutor | None = None) -> None:
        """With ``writer`` (one thread that opened ``db`` itself) batches are written there."""
        self.db = db  # type: ignore[assignment]
        self.writer = writer
        self.pending: list[tuple[Future[None], int, bool]] = []  # (write, rows, has fetched pages)
        self.waited = 0.0  # seconds the crawl waited for the writer thread
        self.stats: Any = None
        self.run_id = run_id
        self.batch_size = batch_size
        self.pages: list[dict[str, Any]] = []
        self.links: list[dict[str, Any]] = []
        self.items: list[dict[str, Any]] = []
        self.checks: list[dict[str, Any]] = []
        self.reused: list[ReusedPage] = []  # pages answered 304: copied from their earlier run
        self.memos: list[tuple] = []  # extract_memo rows (crawler/memo.py)
        self.columns: dict[str, _Column] = {}
        self.written = 0
        self.last_flush = time.monotonic()

    @classmethod
    def from_crawler(cls, crawler: Any) -> SQLitePipeline:
        path = crawler.settings.get("GOVAUDIT_DB_PATH")
        run_id = crawler.settings.getint("GOVAUDIT_RUN_ID")
        if not path or not run_id:
            raise NotConfigured("GOVAUDIT_DB_PATH / GOVAUDIT_RUN_ID not set")
        writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="govaudit-writer")
        # the connection belongs to the writer thread (sqlite3 connections are bound to their thread)
        db = writer.submit(open_db, path).result()
        # a page's links go into two indexes by target and anchor, in no order: with SQLite's default
        # 2 MB page cache nearly every insert reads and writes index pages again, and a checkpoint
        # every 4 MB of WAL writes the same index pages into the database again and again (copying
        # a 10,000-page recrawl's 679,000 links, batch by batch: 15.2 s; 12.3 s with these two)
        writer.submit(db.execute, f"PRAGMA cache_size = -{WRITER_CACHE_KIB}").result()
        writer.submit(db.execute, f"PRAGMA wal_autocheckpoint = {WRITER_CHECKPOINT_PAGES}").result()
        pipeline = cls(db, run_id, crawler.settings.getint("GOVAUDIT_BATCH_SIZE", 200), writer)
        pipeline.stats = crawler.stats
        if crawler.settings.getbool("GOVAUDIT_RESUME"):
            from crawler.resume import replay_columns

            replay_columns(pipeline, path, run_id)
        return pipeline

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if isinstance(item, LinkCheckRecord):
            self.checks.append({"run_id": self.run_id, **item.row})
            if len(self.checks) >= self.batch_size:
                self.flush()
            return item
        if isinstance(item, SearchProbeRecord):  # a few per root, at the end of the crawl
            self._submit(lambda row={"run_id": self.run_id, **item.row}: self.db["search_probes"].insert(row))
            return item
        if isinstance(item, ReusedPage):
            self.reused.append(item)
            if len(self.reused) >= self.batch_size or time.monotonic() - self.last_flush > FLUSH_SECONDS:
                self.flush()
            return item
        if not isinstance(item, PageRecord):
            return item
        rid = self.run_id
        page = {"run_id": rid, **item.row}
        if item.column_url:  # kept so that `crawl --resume` can replay the column aggregates
            page.update(
                list_column=item.column_url,
                list_column_name=item.column_name,
                list_column_name_source=item.column_name_source,
                empty_marker=item.empty_marker,
            )
        self.pages.append(page)
        src = item.row["url"]
        self.links.extend(
            {"run_id": rid, "source": src, "target": t, "anchor": a, "kind": k, "hidden": h} for t, a, k, h in item.links
        )
        self.items.extend({"run_id": rid, "column_url": item.column_url, **i} for i in item.items)
        if item.memo is not None:
            self.memos.append(item.memo)
        if item.column_url:
            self._add_to_column(item)
        if len(self.pages) >= self.batch_size or time.monotonic() - self.last_flush > FLUSH_SECONDS:
            self.flush()
        return item

    def _add_to_column(self, item: PageRecord) -> None:
        col = self.columns.setdefault(item.column_url, _Column())  # type: ignore[arg-type]
        col.pages += 1
        col.root = col.root or item.row.get("root")
        if item.column_name and (col.name is None or item.row["url"] == item.column_url):
            col.name, col.name_source = item.column_name, item.column_name_source
        col.meta_type = col.meta_type or item.meta_column_type
        col.empty_marker = col.empty_marker or item.empty_marker
        for i in item.items:
            if i["url"] in col.seen:
                continue  # the same record on two pages (Hanweb nextgroup, overlapping pages)
            col.seen.add(i["url"])
            col.items += 1
            d = i.get("date")
            if d is None:
                col.undated += 1
                continue
            col.newest = d if col.newest is None or d > col.newest else col.newest
            col.oldest = d if col.oldest is None or d < col.oldest else col.oldest

    def flush(self) -> None:
        self.last_flush = time.monotonic()
        if not (self.pages or self.links or self.items or self.checks or self.reused):
            return
        batch = (self.pages, self.links, self.items, self.checks, self.reused, self.memos)
        rows, heavy = len(self.pages) + len(self.checks) + len(self.reused), bool(self.pages)
        self.written += len(self.pages) + len(self.reused)
        self.pages, self.links, self.items, self.checks, self.reused, self.memos = [], [], [], [], [], []
        self._submit(lambda: self._write(*batch), rows, heavy)

    def _submit(self, work: Any, rows: int = 1, heavy: bool = False) -> None:
        """Run work on the writer thread (in order), or here without one; a failed write raises here."""
        if self.writer is None:
            work()
            return
        self._reap()
        t0 = time.monotonic()
        while self.pending and (
            sum(r for _f, r, _h in self.pending) + rows > MAX_PENDING_ROWS
            or (heavy and sum(h for _f, _r, h in self.pending) >= MAX_PENDING)
        ):
            self.pending.pop(0)[0].result()
        self.waited += time.monotonic() - t0  # the crawl waited for the writer thread
        self.pending.append((self.writer.submit(work), rows, heavy))

    def _reap(self) -> None:
        """Forget the batches written; raise a write's error."""
        while self.pending and self.pending[0][0].done():
            self.pending.pop(0)[0].result()

    def drain(self) -> None:
        """Wait until every batch handed to the writer thread is written."""
        while self.pending:
            self.pending.pop(0)[0].result()

    def _write(self, pages: list[dict[str, Any]], links: list[dict[str, Any]], items: list[dict[str, Any]],
               checks: list[dict[str, Any]], reused: list[ReusedPage], memos: list[tuple] | None = None) -> None:
        with self.db.atomic():
            if checks:
                self.db["link_checks"].insert_all(checks, replace=True, batch_size=500)
                fresh = [
                    {k: c.get(k) for k in ("url", "checked_at", "status", "final_url", "content_type", "elapsed")}
                    for c in checks
                    if not c.get("from_cache") and c.get("status") is not None and c["status"] < 400
                ]
                if fresh:
                    self.db["link_cache"].insert_all(fresh, replace=True)
            if pages:
                add_facts(self.db.conn, pages)  # the narrow columns the audit reads (crawler/facts.py)
                self.db["pages"].insert_all(pages, replace=True, batch_size=500)
            if links:
                self.db["links"].insert_all(links, batch_size=1000)
            if items:
                self.db["list_items"].insert_all(items, batch_size=1000)
            if reused:
                copy_reused(self.db, self.run_id, reused)
            if memos:
                memo.write(self.db.conn, memos)

    def close_spider(self, spider: Any = None) -> None:
        try:
            self.flush()
            t0 = time.monotonic()
            self.drain()
            self.waited += time.monotonic() - t0
            self._write_columns()
            self._submit(lambda: memo.prune(self.db.conn))
            self.drain()
            if self.stats is not None and self.writer is not None:
                self.stats.set_value("govaudit/writer/wait_seconds", round(self.waited, 2))
        finally:
            if self.writer is not None:
                self.writer.submit(self.db.conn.close)
                self.writer.shutdown(wait=True)
                self.writer = None

    def _write_columns(self) -> None:
        rows = [
            {
                "run_id": self.run_id,
                "url": url,
                "root": c.root,
                "name": c.name,
                "name_source": c.name_source,
                "meta_column_type": c.meta_type,
                "pages": c.pages,
                "items": c.items,
                "empty_marker": c.empty_marker,
                "newest_date": c.newest,
                "oldest_date": c.oldest,
                "undated_items": c.undated,
            }
            for url, c in self.columns.items()
        ]
        if rows:
            def write() -> None:
                with self.db.atomic():
                    self.db["columns"].insert_all(rows, replace=True)

            self._submit(write)
            self.drain()
