"""Incremental recrawl: ask the server whether a page changed since the last run, reuse its facts when not.

A nightly run of a site that barely changed should cost far less than the first crawl.
At start the spider loads the HTTP validators (ETag, Last-Modified) that the most recent
earlier run of the same roots stored for each page (``load_validators``).  A request for
such a page carries ``If-None-Match`` / ``If-Modified-Since``; a ``304 Not Modified``
answer means the body is the one already read, so the page's stored row, links and list
items are copied from that run (``copy_reused``, one ``INSERT … SELECT`` per table and
page inside the pipeline's batch transaction) and its links are followed and checked
from the database (``stored_links``).  Audits see the same facts as after a full fetch:
``status`` stays the page's real status (200); ``pages.reused_from_run`` tells the copy.

Never conditional, so their freshness is always judged on a fresh fetch: home pages,
list pages (column pages, ``is_list``), pages reached through a column's pagination,
pages that were redirected, failed or not 200 last time, pages a browser rendered
(their content is not in their own bytes), and pages whose dates had no year when the
reference date (``--today``) changed since that run.  A 304 that came through a new
redirect, or for a page with new-media account links (fetched while the page is read),
is fetched again in full.  A server that ignores validators answers 200 and the page
is processed as in a full crawl.
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import scrapy
import sqlite_utils
from scrapy.http import Response

from crawler.revalidate import Revalidator, child_settings, proxied
from crawler.search import MAX_TITLES
from crawler.store import REUSABLE_PAGE

MAX_BASE_RUNS = 16  # the latest complete run and the partial runs after it, at most
_ETAG, _LAST_MODIFIED = b"E", b"M"
# a stored date text with a year: four digits, or 年 (二〇二六年…)
_HAS_YEAR = "({col} GLOB '*[0-9][0-9][0-9][0-9]*' OR {col} LIKE '%年%')"


@dataclass
class ReusedPage:
    """A page the server answered 304 for: its facts are copied from ``from_run``."""

    url: str
    from_run: int
    row: dict[str, Any]  # this run's context: root, depth, referer, elapsed, fetched_at, validators


class StoredLink(NamedTuple):
    """A link as the spider's link handling expects it (``Link``), read back from the links table."""

    target: str
    anchor: str
    kind: str


class Validators:
    """url → (run, validator) for the pages that may be asked conditionally.

    Memory: keys are the URLs' hashes and values one bytes object (run index, kind,
    validator), about 120 bytes an entry; an entry is dropped once its request is made.
    """

    def __init__(self) -> None:
        self.runs: list[int] = []
        self._map: dict[int, bytes] = {}

    def __len__(self) -> int:
        return len(self._map)

    def _put(self, run_index: int, url: str, etag: str | None, last_modified: str | None) -> None:
        if etag:
            value = _ETAG + etag.encode("latin-1", "replace")
        else:
            value = _LAST_MODIFIED + (last_modified or "").encode("latin-1", "replace")
        self._map[hash(url)] = bytes((run_index,)) + value

    def _drop(self, url: str) -> None:
        self._map.pop(hash(url), None)

    def peek(self, url: str) -> tuple[int, dict[str, bytes]] | None:
        """As ``take``, leaving the entry."""
        value = self._map.get(hash(url))
        if value is None:
            return None
        header = "If-None-Match" if value[1:2] == _ETAG else "If-Modified-Since"
        return self.runs[value[0]], {header: value[2:]}

    def take(self, url: str) -> tuple[int, dict[str, bytes]] | None:
        """The earlier run and the conditional headers for url (each URL is asked once: the entry goes)."""
        found = self.peek(url)
        if found is not None:
            self._drop(url)
        return found


def base_runs(conn: sqlite3.Connection, run_id: int, roots: list[str]) -> list[tuple[int, str]]:
    """(id, today) of the runs to reuse from, oldest first: the latest complete run of the same roots
    and the partial runs after it (a partial run holds only part of the site)."""
    want = sorted(roots)
    out: list[tuple[int, str]] = []
    rows = conn.execute(
        "SELECT id, status, roots_json, today FROM crawl_runs "
        "WHERE id < ? AND status IN ('complete', 'partial') ORDER BY id DESC",
        [run_id],
    )
    for rid, status, roots_json, today in rows:
        try:
            if sorted(json.loads(roots_json or "[]")) != want:
                continue
        except ValueError:
            continue
        out.append((rid, today))
        if status == "complete" or len(out) >= MAX_BASE_RUNS:
            break
    return out[::-1]


def _rendered_pages(conn: sqlite3.Connection, run_id: int) -> set[str]:
    """Pages a browser filled (crawler/render.py): their content is not in their own bytes."""
    if not any(r[1] == "render_reason" for r in conn.execute("PRAGMA table_info(pages)")):
        return set()
    return {r[0] for r in conn.execute("SELECT url FROM pages WHERE run_id = ? AND render_reason IS NOT NULL", [run_id])}


def _yearless_pages(conn: sqlite3.Connection, run_id: int) -> set[str]:
    """Pages of a run with a date read without a year: its year came from that run's reference date."""
    pages = conn.execute(
        f"SELECT url FROM pages WHERE run_id = ? AND pub_date_text IS NOT NULL AND NOT {_HAS_YEAR.format(col='pub_date_text')}",
        [run_id],
    )
    items = conn.execute(
        f"SELECT DISTINCT page_url FROM list_items WHERE run_id = ? AND date_text IS NOT NULL "
        f"AND NOT {_HAS_YEAR.format(col='date_text')}",
        [run_id],
    )
    return {r[0] for r in pages} | {r[0] for r in items}


def load_validators(conn: sqlite3.Connection, run_id: int, roots: list[str], today: str) -> Validators:
    """The validators of every page that the most recent earlier run storing it may let us reuse."""
    val = Validators()
    runs = base_runs(conn, run_id, roots)
    for index, (rid, run_today) in enumerate(runs):
        val.runs.append(rid)
        if index:  # a newer run's row, reusable or not, hides the older one
            for (url,) in conn.execute("SELECT url FROM pages WHERE run_id = ?", [rid]):
                val._drop(url)
        for url, etag, last_modified in conn.execute(
            f"SELECT url, etag, last_modified FROM pages WHERE run_id = ? AND {REUSABLE_PAGE}", [rid]
        ):
            val._put(index, url, etag, last_modified)
        for url in _rendered_pages(conn, rid) | (_yearless_pages(conn, rid) if run_today != today else set()):
            val._drop(url)
    return val


def revalidation_jobs(conn: sqlite3.Connection, val: Validators, hosts: set[str]) -> list[tuple[str, str, str]]:
    """(url, header, value) of every page val may ask conditionally on one of hosts (the roots' own),
    in the order the runs fetched them (newest run first): what crawler/revalidate.py asks ahead."""
    jobs: list[tuple[str, str, str]] = []
    added: set[int] = set()
    for rid in reversed(val.runs):
        for (url,) in conn.execute(f"SELECT url FROM pages WHERE run_id = ? AND {REUSABLE_PAGE} ORDER BY rowid", [rid]):
            key = hash(url)
            if key in added:
                continue
            found = val.peek(url)
            if found is None or found[0] != rid:
                continue
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or parts.netloc.lower() not in hosts:
                continue
            added.add(key)
            (header, value), = found[1].items()
            jobs.append((url, header, value.decode("latin-1")))
    return jobs


class ReuseBatch:
    """Pages answered 304 ahead of the crawl (crawler/revalidate.py), reused by one callback.

    Each such page would otherwise cost a Scrapy request; they are collected by priority (depth)
    and one request per batch, answered without the network (``ReuseBatchMiddleware``), runs
    their reuse.  The batch is scheduled where its first page would have been, so pages keep
    their breadth-first order by depth."""

    __slots__ = ("closed", "pages")

    def __init__(self) -> None:
        self.pages: list[tuple[str, dict[str, Any], int, tuple[float, str, str]]] = []
        self.closed = False


REUSE_BATCH = 64  # pages a batch: its request costs about as much as one page's


class ReuseBatchMiddleware:
    """Answer a reuse batch's request at once, before any other middleware looks at it."""

    def process_request(self, request: Any, spider: Any = None) -> Response | None:
        if "ga_batch" in request.meta:
            return Response(request.url, status=200, request=request)
        return None


def response_validators(response: Response) -> dict[str, str | None]:
    """The validators a response carries, as stored in ``pages``."""
    def header(name: bytes) -> str | None:
        value = response.headers.get(name)
        return value.decode("latin-1")[:300] if value else None

    return {"etag": header(b"ETag"), "last_modified": header(b"Last-Modified")}


class IncrementalSpider:
    """The spider's side (mixed into SiteSpider): conditional requests and 304 handling."""

    _validators: Validators | None = None
    _reuse_conn: sqlite3.Connection | None = None
    _revalidator: Revalidator | None = None
    _open_batches: dict[int, ReuseBatch] | None = None

    def _incremental(self) -> Validators:
        if self._validators is None:
            self._validators = Validators()
            settings = self.crawler.settings  # type: ignore[attr-defined]
            path = settings.get("GOVAUDIT_DB_PATH")
            run_id = settings.getint("GOVAUDIT_RUN_ID")
            if path and run_id and settings.getbool("GOVAUDIT_INCREMENTAL"):
                t0 = time.monotonic()
                self._reuse_conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
                roots = [r.url for r in self.roots]  # type: ignore[attr-defined]
                self._validators = load_validators(self._reuse_conn, run_id, roots, self.today.isoformat())  # type: ignore[attr-defined]
                stats = self.crawler.stats  # type: ignore[attr-defined]
                stats.set_value("govaudit/incremental/base_runs", ",".join(map(str, self._validators.runs)))
                stats.set_value("govaudit/incremental/validators", len(self._validators))
                stats.set_value("govaudit/incremental/load_seconds", round(time.monotonic() - t0, 3))
                self._start_revalidation()
        return self._validators

    def _start_revalidation(self) -> None:
        """Ask the pages ahead of the crawl in a child process (crawler/revalidate.py)."""
        settings = self.crawler.settings  # type: ignore[attr-defined]
        stats = self.crawler.stats  # type: ignore[attr-defined]
        if not settings.getbool("GOVAUDIT_REVALIDATE") or not len(self._validators or ()):
            return
        if proxied():
            stats.set_value("govaudit/revalidate/off", "proxy")
            return
        hosts = {host for root in self.roots for host, _ in root.scopes}  # type: ignore[attr-defined]
        jobs = revalidation_jobs(self._reuse_conn, self._validators, hosts)  # type: ignore[arg-type]
        if jobs:
            try:
                self._revalidator = Revalidator(jobs, child_settings(settings))
            except OSError as exc:  # no child: the spider asks every page itself, as without it
                stats.set_value("govaudit/revalidate/off", f"child not started: {exc}")
                return
            self._open_batches = {}
            stats.set_value("govaudit/revalidate/jobs", self._revalidator.jobs)

    def _stop_revalidation(self) -> None:
        if self._revalidator is not None:
            counts = self._revalidator.close()
            self._revalidator = None
            stats = self.crawler.stats  # type: ignore[attr-defined]
            for key, value in counts.items():
                if isinstance(value, int):
                    stats.set_value(f"govaudit/revalidate/{key}", value)
            if counts.get("stopped"):
                stats.set_value("govaudit/revalidate/stopped_hosts", json.dumps(counts["stopped"], ensure_ascii=False))

    def _conditional(self, request: scrapy.Request) -> scrapy.Request | None:
        """Add the stored validators to a page request that may be answered 304.

        A page the revalidation child already found unchanged joins a reuse batch instead: the
        batch's request (returned for its first page) or None (the page is in an open batch)."""
        meta = request.meta
        if meta.get("ga_home") or meta.get("ga_column"):
            return request  # freshness of home and column pages is judged on a fresh fetch
        found = self._incremental().take(request.url)
        if found is None:
            return request
        run, headers = found
        self.crawler.stats.inc_value("govaudit/incremental/conditional")  # type: ignore[attr-defined]
        if self._revalidator is not None:
            answer = self._revalidator.answer(request.url)
            if answer is not None:
                return self._batched(request, run, answer)
        meta["ga_reuse"] = run
        for name, value in headers.items():
            request.headers[name] = value
        return request

    def _batched(self, request: scrapy.Request, run: int, answer: tuple[float, str, str]) -> scrapy.Request | None:
        batches = self._open_batches
        assert batches is not None
        batch = batches.get(request.priority)
        entry = (request.url, request.meta, run, answer)
        if batch is not None and not batch.closed and len(batch.pages) < REUSE_BATCH:
            batch.pages.append(entry)
            return None
        batch = batches[request.priority] = ReuseBatch()
        batch.pages.append(entry)
        return scrapy.Request(request.url, callback=self._reuse_batch, errback=self._reuse_batch_failed,
                              dont_filter=True, priority=request.priority,
                              meta={"ga_batch": batch, "dont_merge_cookies": True, "dont_obey_robotstxt": True})

    def _reuse_batch_failed(self, failure: Any):
        """A batch's request never leaves the process, but if a middleware failed it, its pages
        are still the ones the child found unchanged."""
        yield from self._reuse_batch(failure.request)  # type: ignore[attr-defined]

    def _reuse_batch(self, response: Response | scrapy.Request):
        """The pages of a reuse batch: each as a 304 answered to the revalidation child."""
        batch = response.meta["ga_batch"]
        if batch.closed:
            return
        batch.closed = True
        stats = self.crawler.stats  # type: ignore[attr-defined]
        frontier = self.frontier  # type: ignore[attr-defined]
        for url, meta, run, (seconds, etag, modified) in batch.pages:
            if frontier.dropped(url):  # a page of a fan-out trap found after it joined (as HardeningMiddleware)
                stats.inc_value("govaudit/limits/fanout_dropped")
                continue
            stats.inc_value("govaudit/incremental/revalidated")
            validators = {k: v for k, v in (("etag", etag), ("last_modified", modified)) if v}
            yield from self._reuse_page(url, meta, run, validators, [], seconds)

    def _not_modified(self, response: Response) -> bool:
        """Whether a conditional request was answered 304; else the page changed and is read as fetched."""
        if response.status == 304:
            return True
        self.crawler.stats.inc_value("govaudit/incremental/changed")  # type: ignore[attr-defined]
        return False

    def _reuse(self, response: Response):
        """Record a 304 page from the earlier run; follow and check its stored links."""
        meta = response.meta
        chain = meta.get("redirect_urls") or []
        url = chain[0] if chain else response.url
        validators = {k: v for k, v in response_validators(response).items() if v}
        yield from self._reuse_page(url, meta, meta["ga_reuse"], validators, chain)

    def _reuse_page(self, url: str, meta: dict[str, Any], run: int, validators: dict[str, str], chain: list[str],
                    elapsed: float | None = None):
        stats = self.crawler.stats  # type: ignore[attr-defined]
        links = [] if chain else stored_links(self._reuse_conn, run, url)  # type: ignore[arg-type]
        if chain or any(lk.kind == "newmedia" for lk in links):
            # redirected since last time (not the page we hold), or a page whose new-media account
            # links are fetched while it is read (crawler/interaction.py): fetch it in full
            stats.inc_value(f"govaudit/incremental/{'redirected' if chain else 'refetched'}")
            again = self._request(url, meta.get("ga_depth", 0), anchor=meta.get("ga_anchor") or "", referer=meta.get("ga_referer"))  # type: ignore[attr-defined]
            if again is not None:
                yield again
            return
        stats.inc_value("govaudit/incremental/not_modified")
        row = self._base_row(url, meta)  # type: ignore[attr-defined]
        if elapsed is not None:
            row["elapsed"] = round(elapsed, 3)  # the child's request, not the wait for the batch
        row.update(validators)
        yield ReusedPage(url=url, from_run=run, row=row)
        root = self.root_of(url)  # type: ignore[attr-defined]
        guide_source = self._replay_services(run, url, meta, root)
        yield from self._check_links(links, False, guide_source)  # type: ignore[attr-defined]
        yield from self._follow(links, [], meta.get("ga_depth", 0), root, None, url)  # type: ignore[attr-defined]

    def _replay_services(self, run: int, url: str, meta: dict[str, Any], root: Any) -> bool:
        """What crawler/search.py notes from a freshly read page (titles for the search probes, whether
        its outside links are service guides), from the stored facts; whether it is a guide source."""
        conn = self._reuse_conn
        found = conn.execute(  # type: ignore[union-attr]
            "SELECT article_title, is_article, title, column_name, breadcrumb_json FROM pages WHERE run_id = ? AND url = ?",
            [run, url],
        ).fetchone()
        if found is None:
            return False
        article_title, is_article, title, column_name, breadcrumb = found
        titles = self._svc()["titles"].get(root.url) if root is not None else None  # type: ignore[attr-defined]
        if root is not None and titles is not None and len(titles) >= MAX_TITLES:
            items = []  # the root has its search-probe titles: _note_services would not look at them
        else:
            items = [
                SimpleNamespace(title=t or "", url=u)
                for t, u in conn.execute(  # type: ignore[union-attr]
                    "SELECT title, url FROM list_items WHERE run_id = ? AND page_url = ? ORDER BY rowid", [run, url]
                )
            ]
        page_meta = {k: v for k, v in (("ArticleTitle", article_title), ("ColumnName", column_name)) if v}
        facts = SimpleNamespace(meta=page_meta, is_article=bool(is_article), title=title or "",
                                breadcrumb=json.loads(breadcrumb) if breadcrumb else [])
        ex = SimpleNamespace(facts=facts, items=items, labels=None, forms=[])
        self._note_services({"url": url}, meta, ex, root)  # type: ignore[attr-defined]
        return self._guide_source(ex)  # type: ignore[attr-defined]


def stored_links(conn: sqlite3.Connection, run_id: int, url: str) -> list[StoredLink]:
    """A page's links as stored by run_id, in page order (outside pages back to kind "page")."""
    rows = conn.execute(
        "SELECT target, coalesce(anchor, ''), CASE kind WHEN 'external' THEN 'page' ELSE kind END FROM links "
        "WHERE run_id = ? AND source = ? ORDER BY rowid",
        [run_id, url],
    )
    return list(map(StoredLink._make, rows))


# -- the pipeline's side -------------------------------------------------------------------

# pages columns that describe this run's visit, not the page
_CONTEXT = ("run_id", "root", "depth", "referer", "is_home", "elapsed", "fetched_at", "reused_from_run")


def _columns(db: sqlite_utils.Database, table: str) -> list[str]:
    return [c.name for c in db[table].columns]


def copy_reused(db: sqlite_utils.Database, run_id: int, pages: list[ReusedPage]) -> None:
    """Copy reused pages' rows, links and list items from their earlier run (call inside a transaction).

    One ``INSERT … SELECT`` a table for the whole batch: the pages and this run's context go in as
    one JSON parameter (``json_each``), so SQLite copies the rows without coming back to Python
    (and, on the pipeline's writer thread, without taking the GIL) once per row.  The rows are
    inserted in the batch's order, each page's links and items in their stored order.
    """
    if not pages:
        return
    batch = json.dumps([
        {
            "u": p.url,
            "f": p.from_run,
            **{c: p.row.get(c) for c in ("root", "depth", "referer", "elapsed", "fetched_at", "etag", "last_modified")},
        }
        for p in pages
    ], ensure_ascii=False)
    given = {"run_id": ":run_id", "reused_from_run": "j.f", "is_home": "0"}
    cols = _columns(db, "pages")
    exprs = []
    for c in cols:
        if c in given:
            exprs.append(given[c])
        elif c in _CONTEXT:
            exprs.append(f"json_extract(j.value, '$.{c}')")
        elif c in ("etag", "last_modified"):
            exprs.append(f"coalesce(json_extract(j.value, '$.{c}'), p.\"{c}\")")
        else:
            exprs.append(f'p."{c}"')
    quoted = ", ".join(f'"{c}"' for c in cols)
    # j.f / j.u: the batch's pages (a subquery, so json_extract runs once a page)
    pages_in = "(SELECT key, value, json_extract(value, '$.f') AS f, json_extract(value, '$.u') AS u FROM json_each(:batch))"
    conn = db.conn
    params = {"batch": batch, "run_id": run_id}
    conn.execute(
        f"INSERT OR REPLACE INTO pages ({quoted}) SELECT {', '.join(exprs)} "
        f"FROM {pages_in} AS j CROSS JOIN pages AS p WHERE p.run_id = j.f AND p.url = j.u ORDER BY j.key",
        params,
    )
    for table, source in (("links", "source"), ("list_items", "page_url")):
        cols = _columns(db, table)
        quoted = ", ".join(f'"{c}"' for c in cols)
        exprs_t = ", ".join(":run_id" if c == "run_id" else f't."{c}"' for c in cols)
        conn.execute(
            f"INSERT INTO {table} ({quoted}) SELECT {exprs_t} FROM {pages_in} AS j CROSS JOIN {table} AS t "
            f"WHERE t.run_id = j.f AND t.{source} = j.u ORDER BY j.key, t.rowid",
            params,
        )


def reused_note(db: sqlite_utils.Database, run_id: int) -> str:
    """", N unchanged (304)" for the crawl summary line of an incremental run, else ""."""
    run = db["crawl_runs"].get(run_id)
    stats = json.loads(run["stats_json"] or "{}")
    if not stats.get("govaudit/incremental/conditional"):
        return ""
    n = db.execute("SELECT count(*) FROM pages WHERE run_id = ? AND reused_from_run IS NOT NULL", [run_id]).fetchone()[0]
    return f", {n:,} unchanged (304)"
