"""The one govaudit spider: walks every in-scope page of the given site roots.

Callbacks only read facts and yield them (``PageRecord``) plus new requests;
no compliance judgement happens here.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import multiprocessing
import json
import sqlite3
import posixpath
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from typing import Any
from urllib.parse import urlsplit

import scrapy
from parsel import Selector
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from crawler.extract.bundle import Extracted, extract_all, visible_text
from crawler.extract.dates import find_dates
from crawler.extract.links import dedupe_key, strip_session
from crawler.incremental import IncrementalSpider, response_validators
from crawler.interaction import InteractionSpider
from crawler.items import LinkCheckRecord, PageRecord
from crawler.limits import TRAP_PREFIX, FrontierGuard, note_failure
from crawler.memo import MemoSpider
from crawler.search import ServiceFacts

HTML_TYPES = ("text/html", "application/xhtml+xml")
_ANY_DAY = dt.date(2100, 1, 1)  # reference date when only "is there a date?" matters


class Root:
    """A site root: scheme-insensitive host plus a path prefix."""

    def __init__(self, url: str) -> None:
        self.url = url
        parts = urlsplit(url)
        path = parts.path or "/"
        if not path.endswith("/"):
            last = path.rsplit("/", 1)[-1]
            path = posixpath.dirname(path) + "/" if "." in last else path + "/"
        self.scopes: list[tuple[str, str]] = [(parts.netloc.lower(), path)]

    def add_alias(self, url: str) -> None:
        parts = urlsplit(url)
        path = posixpath.dirname(parts.path or "/").rstrip("/") + "/"
        scope = (parts.netloc.lower(), path)
        if scope not in self.scopes:
            self.scopes.append(scope)

    def match(self, url: str) -> int:
        """Length of the matching path prefix (specificity), -1 when out of scope."""
        parts = urlsplit(url)
        netloc, path = parts.netloc.lower(), parts.path or "/"
        best = -1
        for host, prefix in self.scopes:
            if host == netloc and (path.startswith(prefix) or path + "/" == prefix):
                best = max(best, len(prefix))
        return best


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).astimezone().isoformat(timespec="seconds")


def _error_text(failure: Failure) -> str:
    exc = failure.value
    name = type(exc).__name__
    msg = str(exc).strip().replace("\n", " ")
    return f"{name}: {msg}"[:500] if msg else name


def _redirect_error(chain: list[str]) -> str:
    if len(set(chain)) < len(chain):
        return f"redirect loop ({len(chain) - 1} redirects)"
    return f"too many redirects ({len(chain) - 1})"


class SiteSpider(ServiceFacts, IncrementalSpider, MemoSpider, InteractionSpider, scrapy.Spider):
    name = "site"

    def __init__(self, roots: list[str], today: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.roots = [Root(u) for u in roots]
        self.today = dt.date.fromisoformat(today) if today else dt.date.today()
        self.seen: set[str] = set()
        # link targets (as written) whose URL is in seen: _admit would answer None without side effects
        # (a page's navigation links are met on every page; a 304 recrawl follows them all again)
        self.known_links: set[str] = set()
        self.query_variants: Counter[tuple[str, str]] = Counter()
        self.scheduled = 0
        self.budget_hit = False
        self.column_by_path: dict[tuple[str, str, str], str] = {}
        self.checked: set[str] = set()  # link targets checked (or being checked) in this run
        self.cached_only: set[str] = set()  # ... of which only the cache answered
        self.link_cache: dict[str, dict[str, Any]] | None = None
        self.pool: ProcessPoolExecutor | bool | None = None
        self._root_cache: dict[str, Root | None] = {}

    # -- settings -------------------------------------------------------------
    def _setting(self, name: str) -> int:
        cache = self.__dict__.setdefault("_int_settings", {})  # asked several times per link; frozen during a crawl
        if name not in cache:
            cache[name] = self.crawler.settings.getint(name)
        return cache[name]

    @functools.cached_property
    def frontier(self) -> FrontierGuard:
        """Per-host / per-pattern caps, links per page, fan-out traps (crawler/limits.py)."""
        return FrontierGuard(self)

    # -- scope ------------------------------------------------------------------
    def root_of(self, url: str) -> Root | None:
        """The most specific root of a URL (memoised: each link is asked about several times)."""
        if url in self._root_cache:
            return self._root_cache[url]
        best, best_len = None, -1
        for root in self.roots:
            n = root.match(url)
            if n > best_len:
                best, best_len = root, n
        if len(self._root_cache) > 20000:
            self._root_cache.clear()
        self._root_cache[url] = best
        return best

    def _admit(self, url: str) -> str | None:
        """The URL to request, or None when it is seen, out of budget, or a trap."""
        stats = self.crawler.stats
        raw = url
        url = strip_session(url)
        if len(url) > self._setting("GOVAUDIT_MAX_URL_LENGTH"):
            stats.inc_value("govaudit/skipped/url_too_long")
            return None
        key = dedupe_key(url)
        if key in self.seen:
            self.known_links.add(raw)
            return None
        parts = urlsplit(url)
        segments = [s for s in parts.path.split("/") if s]
        if len(segments) > 15 or (segments and max(Counter(segments).values()) > 3):
            stats.inc_value("govaudit/skipped/path_trap")
            return None
        if parts.query:
            pathkey = (parts.netloc, parts.path)
            if self.query_variants[pathkey] >= self._setting("GOVAUDIT_MAX_QUERY_VARIANTS"):
                stats.inc_value("govaudit/skipped/query_trap")
                return None
            self.query_variants[pathkey] += 1
        if self.scheduled >= self._setting("GOVAUDIT_MAX_PAGES"):
            self.budget_hit = True
            stats.inc_value("govaudit/skipped/max_pages")
            return None
        if not self.frontier.admit(url):  # per-host and per-pattern caps, fan-out traps
            return None
        self.seen.add(key)
        self.known_links.add(raw)
        self.scheduled += 1
        return url

    def _request(self, url: str, depth: int, *, home: bool = False, column: str | None = None, anchor: str = "", referer: str | None = None) -> scrapy.Request | None:
        return self._conditional(scrapy.Request(  # incremental recrawl: validators of the last run
            url,
            callback=self.parse,
            errback=self.on_error,
            dont_filter=True,
            priority=-depth,  # breadth-first: a page gets the depth of its shortest path
            meta={
                "ga_depth": depth,
                "ga_home": home,
                "ga_column": column,
                "ga_anchor": anchor,
                "ga_referer": referer,
                "ga_start": time.monotonic(),
            },
        ))

    async def start(self):  # type: ignore[override]
        resumed: list[scrapy.Request] = []
        if self.crawler.settings.getbool("GOVAUDIT_RESUME"):
            from crawler.resume import resume_requests

            # the stored pages first: they are the seen set, so roots already fetched are skipped
            resumed = list(resume_requests(self, self.crawler.settings.get("GOVAUDIT_DB_PATH"), self._setting("GOVAUDIT_RUN_ID")))
        for root in self.roots:
            url = self._admit(root.url)
            if url:
                yield self._request(url, 0, home=True)
        # a root not stored before the stop but linked from a stored page was admitted as that link:
        # it is still the home page of its root (is_home, never conditional)
        roots = {dedupe_key(strip_session(root.url)): root for root in self.roots} if resumed else {}
        for request in resumed:
            root = roots.get(dedupe_key(strip_session(request.url))) if "ga_depth" in request.meta else None
            if root is not None and not request.meta.get("ga_home"):
                request = self._request(root.url, 0, home=True)
            yield request

    # -- callbacks ----------------------------------------------------------------
    def _base_row(self, request_url: str, meta: dict[str, Any]) -> dict[str, Any]:
        root = self.root_of(request_url)
        return {
            "url": request_url,
            "root": root.url if root else None,
            "depth": meta.get("ga_depth", 0),
            "referer": meta.get("ga_referer"),
            "is_home": 1 if meta.get("ga_home") else 0,
            "elapsed": round(time.monotonic() - meta.get("ga_start", time.monotonic()), 3),
            "fetched_at": _now(),
        }

    def on_error(self, failure: Failure):
        request = failure.request  # type: ignore[attr-defined]
        if request.meta.get("ga_check"):
            yield from self.on_check_error(failure)
            return
        error = _error_text(failure)
        if error.startswith(f"IgnoreRequest: {TRAP_PREFIX}"):
            return  # a page of a fan-out trap, dropped before download (counted in the stats)
        error = note_failure(self, failure, error)  # govaudit/limits/* stats
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if failure.check(IgnoreRequest) and "robots" in error.lower() and not request.meta.get("ga_home"):
            # forbidden by robots.txt: never fetched, so not a page of this run
            self.crawler.stats.inc_value("govaudit/skipped/robots")
            return
        row = self._base_row(chain[0], request.meta)
        row["error"] = _redirect_error(chain) if "max redirections" in error else error
        if len(chain) > 1:
            row["redirect_chain_json"] = json.dumps(chain, ensure_ascii=False)
        response = getattr(failure.value, "response", None)
        if response is not None:
            row["status"] = response.status
        self.crawler.stats.inc_value("govaudit/fetch_errors")
        yield PageRecord(row=row)

    # -- link checks (outside links, attachments, images: checked, never crawled) ------
    def _load_cache(self) -> dict[str, dict[str, Any]]:
        if self.link_cache is None:
            self.link_cache = {}
            path = self.crawler.settings.get("GOVAUDIT_DB_PATH")
            hours = self.crawler.settings.getfloat("GOVAUDIT_LINK_CACHE_HOURS")
            if path and hours > 0:
                since = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=hours)).isoformat(timespec="seconds")
                conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
                try:
                    rows = conn.execute(
                        "SELECT url, checked_at, status, final_url, content_type, elapsed FROM link_cache "
                        "WHERE checked_at >= ? AND status < 400", [since])
                    for url, at, status, final, ctype, elapsed in rows:
                        self.link_cache[url] = {"checked_at": at, "status": status, "final_url": final, "content_type": ctype, "elapsed": elapsed}
                finally:
                    conn.close()
        return self.link_cache

    def _check_links(self, links: list[Any], from_home: bool, guide_source: bool = False):
        if not self.crawler.settings.getbool("GOVAUDIT_CHECK_LINKS"):
            return
        for lk in links:
            if lk.kind not in ("attachment", "image", "page"):
                continue
            if lk.kind == "page" and self.root_of(lk.target) is not None:
                continue  # internal pages are crawled, their status is the page's
            url = lk.target
            if url in self.checked and not (from_home and url in self.cached_only):
                continue
            self.checked.add(url)
            if len(url) > self._setting("GOVAUDIT_MAX_URL_LENGTH"):
                self.crawler.stats.inc_value("govaudit/checks/skipped_long_url")
                yield LinkCheckRecord(row={"url": url[:4096], "error": f"skipped: URL of {len(url)} characters", "checked_at": _now(), "attempts": 0})
                continue
            # a guide on another host (crawler/search.py) is read every time: never from the cache
            guide = lk.kind == "page" and self._guide_check(url, lk.anchor, guide_source)
            cached = None if from_home or guide else self._load_cache().get(url)
            if cached:
                self.cached_only.add(url)
                self.crawler.stats.inc_value("govaudit/checks/from_cache")
                yield LinkCheckRecord(row={"url": url, "method": "cache", "from_cache": 1, "attempts": 0, **cached})
                continue
            self.cached_only.discard(url)
            if len(self.checked) > self._setting("GOVAUDIT_MAX_CHECKS"):
                self.crawler.stats.inc_value("govaudit/checks/skipped_budget")
                continue
            # outside *pages* are fetched with GET: only the body tells a soft 404 from a page;
            # attachments and images get HEAD first
            yield self._check_request(url, "GET" if lk.kind == "page" else "HEAD", 1)

    def _check_request(self, url: str, method: str, attempt: int, delay: float = 0.0) -> scrapy.Request:
        self.crawler.stats.inc_value(f"govaudit/checks/{method.lower()}")
        meta: dict[str, Any] = {
            "ga_check": url,
            "ga_method": method,
            "ga_attempt": attempt,
            "ga_start": time.monotonic() + delay,
            "dont_retry": True,
            "dont_obey_robotstxt": True,
            "download_maxsize": self._setting("GOVAUDIT_CHECK_MAXSIZE"),
            "download_warnsize": 0,
        }
        if delay:
            meta["ga_delay"] = delay
        return scrapy.Request(url, method=method, callback=self.parse, errback=self.on_error, dont_filter=True, meta=meta, priority=-1)

    def _retry_check(self, meta: dict[str, Any], method: str):
        attempt = meta["ga_attempt"]
        if attempt > self._setting("GOVAUDIT_CHECK_RETRIES"):
            return None
        delay = self.crawler.settings.getfloat("GOVAUDIT_CHECK_BACKOFF") * (2 ** (attempt - 1))
        self.crawler.stats.inc_value("govaudit/checks/retries")
        return self._check_request(meta["ga_check"], method, attempt + 1, delay)

    def _check_row(self, meta: dict[str, Any], **values: Any) -> LinkCheckRecord:
        chain = [*meta.get("redirect_urls", [])]
        row = {
            "url": meta["ga_check"],
            "method": meta["ga_method"],
            "attempts": meta["ga_attempt"],
            "from_cache": 0,
            "elapsed": round(time.monotonic() - meta.get("ga_start", time.monotonic()), 3),
            "checked_at": _now(),
            **values,
        }
        if chain:
            row["redirect_chain_json"] = json.dumps([*chain, values.get("final_url") or row["url"]], ensure_ascii=False)
        return LinkCheckRecord(row=row)

    def on_check(self, response: Response):
        meta = response.meta
        status = response.status
        if meta["ga_method"] == "HEAD" and status >= 400:
            # servers refuse or mis-answer HEAD (405/501/403, even 404): confirm with GET
            yield self._check_request(meta["ga_check"], "GET", meta["ga_attempt"])
            return
        if status in (408, 429, 500, 502, 503, 504):
            again = self._retry_check(meta, meta["ga_method"])
            if again is not None:
                yield again
                return
        values: dict[str, Any] = {
            "status": status,
            "final_url": response.url,
            "content_type": response.headers.get(b"Content-Type", b"").decode("latin-1")[:200],
        }
        if isinstance(response, TextResponse) and meta["ga_method"] == "GET" and not meta.get("ga_binary"):
            sel = Selector(text=response.text)
            values["body_head"] = visible_text(sel)[:600]
            values["title"] = " ".join((sel.xpath("//title/text()").get() or "").split())[:500]
            values["labels_json"] = self._check_labels(meta["ga_check"], sel, values["title"])
        yield self._check_row(meta, **values)

    def on_check_error(self, failure: Failure):
        request = failure.request  # type: ignore[attr-defined]
        meta = request.meta
        error = _error_text(failure)
        error = note_failure(self, failure, error)  # govaudit/limits/* stats
        if "max redirections" in error:
            chain = [*meta.get("redirect_urls", []), request.url]
            yield self._check_row(meta, error=_redirect_error(chain), final_url=request.url)
            return
        if not error.startswith("IgnoreRequest"):
            # network trouble: try again later, with GET (some servers drop HEAD)
            again = self._retry_check(meta, "GET")
            if again is not None:
                yield again
                return
        if error.startswith("IgnoreRequest: skipped"):
            error = error.split(": ", 1)[1]
        elif "larger than download max size" in error:
            error = f"skipped: answered with a body over {self._setting('GOVAUDIT_CHECK_MAXSIZE')} bytes"
        yield self._check_row(meta, error=error)

    async def parse(self, response: Response):
        meta = response.meta
        if meta.get("ga_check"):
            for out in self.on_check(response):
                yield out
            return
        if meta.get("ga_reuse") and self._not_modified(response):
            for out in self._reuse(response):  # 304: the facts of the earlier run
                yield out
            return
        chain = [*meta.get("redirect_urls", []), response.url]
        request_url = chain[0]
        row = self._base_row(request_url, meta)
        if len(chain) > 1:
            row["redirect_chain_json"] = json.dumps(chain, ensure_ascii=False)
        ctype = response.headers.get(b"Content-Type", b"").decode("latin-1").strip()
        row.update(
            final_url=response.url,
            status=response.status,
            content_type=ctype,
            size=len(response.body),
            **response_validators(response),
        )
        if meta.get("ga_home") and response.url != request_url:
            root = self.root_of(request_url)
            if root:
                root.add_alias(response.url)
                self._root_cache.clear()  # the scope changed
        if meta.get("ga_binary"):
            row["error"] = "binary content served as text"
            yield PageRecord(row=row)
            return
        is_html = isinstance(response, TextResponse) and (not ctype or ctype.lower().startswith(HTML_TYPES))
        if not is_html:
            yield PageRecord(row=row)
            return
        row["encoding"] = meta.get("ga_encoding") or response.encoding
        row["declared_encoding"] = meta.get("ga_declared_encoding")
        if response.status >= 400 or self.root_of(response.url) is None:
            # error pages and redirects out of scope: keep the status, not the content
            row["title"] = (response.xpath("//title/text()").get() or "").strip()[:500]
            yield PageRecord(row=row)
            return
        ex, memo = await self._extracted_memo(response.text, response.url, bool(meta.get("ga_home")))  # crawler/memo.py
        ex = await self._interaction(response, row, meta, ex)  # rendering, letters, new-media accounts
        for out in self._record_page(response, row, meta, ex, memo):
            yield out
        for out in self._account_requests(meta):
            yield out

    def _pool(self) -> ProcessPoolExecutor | None:
        """Worker processes for page extraction (GOVAUDIT_WORKERS), so a crawl uses more than one core."""
        if self.pool is None:
            workers = self._setting("GOVAUDIT_WORKERS")
            if workers > 0:
                self.pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("forkserver"))
            else:
                self.pool = False
        return self.pool or None

    async def _extracted(self, text: str, url: str, is_home: bool, extract: Any = extract_all) -> Any:
        """extract(text, url, today, is_home) (``extract_all``, or crawler/memo.py's tracked variant), in the pool if any."""
        pool = self._pool()
        if pool is not None:
            return await asyncio.wrap_future(pool.submit(extract, text, url, self.today, is_home))
        return extract(text, url, self.today, is_home)

    def closed(self, reason: str) -> None:
        self._stop_revalidation()
        if self.pool:
            self.pool.shutdown(wait=True, cancel_futures=True)

    def _record_page(self, response: TextResponse, row: dict[str, Any], meta: dict[str, Any], ex: Extracted, memo: tuple | None = None):
        facts, links, items, pagination, empty = ex.facts, ex.links, ex.items, ex.pagination, ex.empty_marker
        links = self.frontier.page_links(links, row["url"], meta.get("ga_referer"))  # links-per-page cap, fan-out traps
        column_url = meta.get("ga_column")
        row["body_head"] = ex.body_head
        row["text_len"] = ex.text_len
        if not facts.is_article and not meta.get("ga_home"):
            # a query-string page with nothing dated on it (calendar, search result) is not a column
            named_list = facts.meta.get("ColumnName") and not facts.meta.get("ArticleTitle")
            looks_like_column = bool(
                (named_list and (items or not urlsplit(response.url).query))
                or len(items) >= 3
                or pagination
                or (empty and len(items) == 0)
            )
            if column_url is None and looks_like_column:
                column_url = self._column_key(response.url, facts.meta.get("ColumnName") or "")
        name, source = self._column_name(facts, meta)
        if memo is not None and memo[3] is not None:  # a new extraction, not one taken from the memo
            # kept only for pages the next run fetches in full: home and list pages, pages without validators
            if column_url or meta.get("ga_home") or not (row.get("etag") or row.get("last_modified")):
                self.crawler.stats.inc_value("govaudit/memo/kept")
            else:
                memo = None
        row.update(
            title=facts.title[:1000],
            meta_json=json.dumps(facts.meta, ensure_ascii=False),
            breadcrumb_json=json.dumps(facts.breadcrumb, ensure_ascii=False),
            footer_json=json.dumps(facts.footer.__dict__, ensure_ascii=False),
            doc_meta_json=json.dumps(facts.doc_meta, ensure_ascii=False),
            tables_json=json.dumps(facts.tables, ensure_ascii=False) if facts.tables else None,
            column_name=facts.meta.get("ColumnName"),
            column_type=facts.meta.get("ColumnType"),
            article_title=facts.meta.get("ArticleTitle"),
            pub_date=facts.publish_date.isoformat() if facts.publish_date else None,
            pub_date_text=facts.publish_date_text,
            pub_date_source=facts.publish_date_source,
            is_article=1 if facts.is_article else 0,
            is_list=1 if column_url else 0,
            main_text=facts.main_text[: self._setting("GOVAUDIT_MAX_TEXT")] if facts.is_article else None,
            pagination_json=json.dumps(pagination, ensure_ascii=False) if pagination else None,
        )
        root = self.root_of(response.url)
        self._note_services(row, meta, ex, root)  # labels, forms, search box, titles (crawler/search.py)
        record_items = bool(column_url or meta.get("ga_home") or items)
        yield PageRecord(
            row=row,
            links=[(lk.target, lk.anchor, self._link_kind(lk.target, lk.kind), lk.hidden) for lk in links],
            items=[
                {
                    "page_url": row["url"],
                    "position": n,
                    "title": it.title,
                    "url": it.url,
                    "date": it.date.isoformat() if it.date else None,
                    "date_text": it.date_text,
                }
                for n, it in enumerate(items)
            ]
            if record_items
            else [],
            column_url=column_url,
            column_name=name if column_url else None,
            column_name_source=source if column_url else None,
            meta_column_type=facts.meta.get("ColumnType") or None,
            empty_marker=empty if not items else None,
            memo=memo,
        )
        yield from self._check_links(links, bool(meta.get("ga_home")), self._guide_source(ex))
        yield from self._follow(links, pagination, meta.get("ga_depth", 0), root, column_url, row["url"])

    def _follow(self, links: list[Any], pagination: list[str], depth: int, root: Root | None, column_url: str | None, referer: str):
        """Requests for a page's pagination (same depth, same column) and in-scope links (one deeper)."""
        for url in pagination:
            if self.root_of(url) is root:
                admitted = self._admit(url)
                if admitted:
                    request = self._request(admitted, depth, column=column_url, referer=referer)
                    if request is not None:
                        yield request
        if depth >= self._setting("GOVAUDIT_MAX_DEPTH"):
            if links:
                self.crawler.stats.inc_value("govaudit/limits/max_depth")  # pages whose links were not followed
            return
        known = self.known_links
        for lk in links:
            if lk.target in known or lk.kind != "page" or self.root_of(lk.target) is None:
                continue
            admitted = self._admit(lk.target)
            if admitted:
                request = self._request(admitted, depth + 1, anchor=lk.anchor, referer=referer)
                if request is not None:  # None: joined a batch of pages answered 304 ahead (crawler/incremental.py)
                    yield request

    def _column_key(self, url: str, name: str) -> str:
        """Query-string variants of one list path with one name are one column (calendars, filters)."""
        parts = urlsplit(url)
        key = (parts.netloc, parts.path, name)
        return self.column_by_path.setdefault(key, url)

    def _link_kind(self, target: str, kind: str) -> str:
        if self._is_account(target):
            return "newmedia"  # judged by newmedia-* (crawler/interaction.py), not as a link
        if kind in ("page", "attachment", "image") and self.root_of(target) is None:
            return "external" if kind == "page" else kind
        return kind

    @staticmethod
    def _column_name(facts: Any, meta: dict[str, Any]) -> tuple[str | None, str | None]:
        name = (facts.meta.get("ColumnName") or "").strip()
        if name and name not in ("头部", "首页", "header", "top"):
            return name, "meta"
        if facts.breadcrumb:
            return facts.breadcrumb[-1], "breadcrumb"
        anchor = (meta.get("ga_anchor") or "").strip()
        if anchor and len(anchor) <= 30 and not find_dates(anchor, _ANY_DAY):
            return anchor, "anchor"
        title = facts.title
        for sep in ("_", "-", "|", "—", "–"):
            if sep in title:
                title = title.split(sep)[0]
                break
        return (title.strip() or None), "title"
