"""Bounded resources: what keeps one hostile or broken server from stalling or flooding a crawl.

- ``FrontierGuard`` (owned by the spider): per-host and per-URL-pattern page caps, the
  fan-out trap (a page with more than GOVAUDIT_FANOUT_LINKS new in-scope links whose own
  parent did the same: what it links to is not scheduled and the rest of its URL pattern is
  dropped before download), and the links-per-page cap.
- ``HardeningMiddleware`` (downloader): Retry-After on 429/503 (honoured up to
  GOVAUDIT_MAX_RETRY_AFTER seconds), robots.txt cut at ROBOTS_MAX_BYTES, redirects to
  over-long URLs refused, dropped fan-out requests, the warn-size stat.
- ``PrivateAddressMiddleware`` (downloader, ``--refuse-private``): link targets and redirects
  that resolve to a private, loopback, link-local or reserved address are refused unfetched.
- ``disk_queue``: large crawls keep their frontier in Scrapy's disk queues (JOBDIR) beside
  the database instead of in memory.
- ``note_failure``: counts which limit a failed request hit (``govaudit/limits/*`` stats).

Response size (DOWNLOAD_MAXSIZE, also after decompression, layer by layer) and the
per-response wall-clock limit (DOWNLOAD_TIMEOUT: Scrapy cancels the whole download, headers
and body, so a 1-byte-per-second drip is cut like a silent server) are Scrapy's own; their
stats are counted here.
"""

from __future__ import annotations

import email.utils
import ipaddress
import os
import re
import shutil
import time
from collections import Counter
from typing import Any
from urllib.parse import urlsplit

from scrapy.exceptions import DownloadTimeoutError, IgnoreRequest, NotConfigured
from twisted.python.failure import Failure

from crawler.extract.links import dedupe_key, strip_session

DISK_QUEUE_ABOVE = 100_000  # with GOVAUDIT_DISK_QUEUE = "auto": --max-pages above which the frontier is on disk
ROBOTS_MAX_BYTES = 512 * 1024  # RFC 9309 2.5: parse at least 500 KiB; the rest is dropped
TRAP_PREFIX = "skipped: fan-out trap"
_DIGITS = re.compile(r"\d+")


def url_pattern(url: str) -> str:
    """The URL's template: host and path with every run of digits as N (query and fragment dropped)."""
    parts = urlsplit(url)
    return parts.netloc.lower() + _DIGITS.sub("N", parts.path or "/")


class FrontierGuard:
    """Caps on what one page, one host and one URL pattern may add to the frontier."""

    def __init__(self, spider: Any) -> None:
        self.spider = spider
        settings = spider.crawler.settings
        self.stats = spider.crawler.stats
        self.per_host = settings.getint("GOVAUDIT_MAX_PAGES_PER_HOST")
        self.per_pattern = settings.getint("GOVAUDIT_MAX_PAGES_PER_PATTERN")
        self.fanout = settings.getint("GOVAUDIT_FANOUT_LINKS")
        self.max_links = settings.getint("GOVAUDIT_MAX_LINKS_PER_PAGE")
        self.hosts: Counter[str] = Counter()
        self.patterns: Counter[str] = Counter()
        self.fanning: set[str] = set()  # pages that added more than `fanout` new pages
        self.trapped: set[str] = set()  # URL patterns found to be fan-out traps

    def admit(self, url: str) -> bool:
        """Count a page about to be scheduled; False when its host or pattern is full."""
        host = urlsplit(url).netloc.lower()
        if self.per_host and self.hosts[host] >= self.per_host:
            self.stats.inc_value("govaudit/limits/max_pages_per_host")
            return False
        pattern = url_pattern(url)
        if pattern in self.trapped:
            self.stats.inc_value("govaudit/limits/fanout_refused")  # a link into a fan-out trap: not scheduled
            return False
        if self.per_pattern and self.patterns[pattern] >= self.per_pattern:
            self.stats.inc_value("govaudit/limits/max_pages_per_pattern")
            return False
        self.hosts[host] += 1
        self.patterns[pattern] += 1
        return True

    def page_links(self, links: list[Any], url: str, parent: str | None) -> list[Any]:
        """The links of a page to record and follow: at most GOVAUDIT_MAX_LINKS_PER_PAGE.

        A page with more than GOVAUDIT_FANOUT_LINKS new in-scope links is an index (a site map)
        the first time; when its parent was one too, it is a fan-out trap: its URL pattern (the
        siblings still queued are dropped before download) and the patterns its new links
        share are closed, so nothing it links to is scheduled.
        """
        if self.max_links and len(links) > self.max_links:
            self.stats.inc_value("govaudit/limits/links_per_page")
            links = links[: self.max_links]
        if not self.fanout or len(links) <= self.fanout:
            return links
        fresh = {
            dedupe_key(strip_session(lk.target))
            for lk in links
            if lk.kind == "page" and self.spider.root_of(lk.target) is not None
        }
        fresh.difference_update(self.spider.seen)
        if len(fresh) <= self.fanout:
            return links
        if parent is None or parent not in self.fanning:
            self.fanning.add(url)  # one page with many new links: a site map, an index
            return links
        # a page with thousands of new links, reached from a page with thousands of new links
        self.trapped.add(url_pattern(url))
        shared = Counter(url_pattern(u) for u in fresh)
        self.trapped.update(p for p, n in shared.items() if n >= max(2, self.fanout // 10))
        self.stats.inc_value("govaudit/limits/fanout_trap")
        return links

    def dropped(self, url: str) -> bool:
        """A scheduled page whose URL pattern turned out to be a fan-out trap: not fetched."""
        return bool(self.trapped) and url_pattern(url) in self.trapped


def note_failure(spider: Any, failure: Failure, error: str) -> str:
    """Count the limit a failed request ran into (govaudit/limits/*); the error text to record.

    A body cut at DOWNLOAD_MAXSIZE while streaming (chunked, no Content-Length) fails with a
    bare DownloadCancelledError: the text then says which limit cut it.
    """
    stats = spider.crawler.stats
    if "during decompression" in error:
        stats.inc_value("govaudit/limits/decompressed_size")
    elif "download max size" in error:
        stats.inc_value("govaudit/limits/max_size")
    elif error == "DownloadCancelledError":
        stats.inc_value("govaudit/limits/max_size")
        maxsize = _meta(failure).get("download_maxsize", spider.crawler.settings.getint("DOWNLOAD_MAXSIZE"))
        return f"DownloadCancelledError: body larger than download max size ({maxsize} bytes)"
    elif failure.check(DownloadTimeoutError) or "took longer than" in error:
        stats.inc_value("govaudit/limits/timeout")
    elif "max redirections" in error:
        stats.inc_value("govaudit/limits/redirects")
    elif error.startswith("IgnoreRequest: skipped:") and not _meta(failure).get("ga_check"):
        # a page refused by a limit or a guard, never fetched: not a dead link (link checks
        # strip the prefix themselves, after deciding not to retry)
        return error.split(": ", 1)[1]
    return error


def _meta(failure: Failure) -> dict[str, Any]:
    request = getattr(failure, "request", None)
    return request.meta if request is not None else {}


def limit_settings(max_pages_per_host: int = 0, max_pages_per_pattern: int = 0, refuse_private: bool = False) -> dict[str, Any]:
    """Scrapy settings of the `crawl` options and `[crawl]` keys of the same names."""
    return {
        "GOVAUDIT_MAX_PAGES_PER_HOST": int(max_pages_per_host),
        "GOVAUDIT_MAX_PAGES_PER_PATTERN": int(max_pages_per_pattern),
        "GOVAUDIT_REFUSE_PRIVATE": bool(refuse_private),
    }


def retry_after_seconds(value: bytes | None, now: float | None = None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date); None when absent or unreadable."""
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


class HardeningMiddleware:
    """Retry-After, robots.txt size, over-long redirect targets, fan-out drops, warn-size stat."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        settings = crawler.settings
        self.stats = crawler.stats
        self.max_retry_after = settings.getfloat("GOVAUDIT_MAX_RETRY_AFTER")
        self.max_url = settings.getint("GOVAUDIT_MAX_URL_LENGTH")
        self.warnsize = settings.getint("DOWNLOAD_WARNSIZE")

    @classmethod
    def from_crawler(cls, crawler: Any) -> HardeningMiddleware:
        return cls(crawler)

    def _drop_trapped(self, request: Any) -> None:
        """A page of a fan-out trap: not sent, or (already answered) not parsed."""
        if "ga_depth" in request.meta and not request.meta.get("ga_home"):
            guard = getattr(self.crawler.spider, "frontier", None)
            if guard is not None and guard.dropped(request.url):
                self.stats.inc_value("govaudit/limits/fanout_dropped")
                raise IgnoreRequest(f"{TRAP_PREFIX}: {request.url}")

    def process_request(self, request: Any, spider: Any = None) -> None:
        if request.meta.get("redirect_urls") and len(request.url) > self.max_url:
            self.stats.inc_value("govaudit/limits/redirect_url_too_long")
            raise IgnoreRequest(f"skipped: redirect to a URL of {len(request.url)} characters")
        self._drop_trapped(request)
        return None

    def process_response(self, request: Any, response: Any, spider: Any = None) -> Any:
        meta = request.meta
        self._drop_trapped(request)
        if meta.get("dont_obey_robotstxt") and not meta.get("ga_check") and response.url.endswith("/robots.txt"):
            if len(response.body) > ROBOTS_MAX_BYTES:
                self.stats.inc_value("govaudit/limits/robots_truncated")
                body = response.body[:ROBOTS_MAX_BYTES]
                return response.replace(body=body[: body.rfind(b"\n") + 1] or body)
            return response
        if self.warnsize and len(response.body) > self.warnsize:
            self.stats.inc_value("govaudit/limits/warn_size")
        if response.status in (429, 503) and not meta.get("ga_check") and not meta.get("dont_retry"):
            wait = retry_after_seconds(response.headers.get(b"Retry-After"))
            if wait is None:
                return response  # Scrapy's RetryMiddleware retries at once
            if wait > self.max_retry_after:
                # not worth the wait: the answer is the fact (a 429 page), no immediate re-asking either
                self.stats.inc_value("govaudit/limits/retry_after_too_long")
                meta["dont_retry"] = True
                return response
            from scrapy.downloadermiddlewares.retry import get_retry_request

            again = get_retry_request(request, spider=self.crawler.spider, reason=f"{response.status} Retry-After {wait:g}s")
            if again is None:
                return response
            self.stats.inc_value("govaudit/retry_after/waited")
            again.meta["ga_delay"] = wait  # BackoffMiddleware sleeps before sending it
            return again
        return response


def _is_private(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if ip.version == 6 and ip.ipv4_mapped:  # type: ignore[union-attr]
        ip = ip.ipv4_mapped  # type: ignore[union-attr]
    return not ip.is_global or ip.is_multicast


class PrivateAddressMiddleware:
    """``--refuse-private``: nothing outside the roots' hosts is fetched from a non-public address.

    The roots themselves (and their addresses) are the user's choice and always allowed; a link
    target or a redirect that resolves to 10/8, 172.16/12, 192.168/16, 127/8, 169.254/16,
    100.64/10, fc00::/7, ::1 or another non-global range is refused unfetched and recorded as a
    link-check (or page) error. Names are resolved with the crawl's caching resolver, so the
    connection uses the address that was checked.
    """

    def __init__(self, crawler: Any) -> None:
        if not crawler.settings.getbool("GOVAUDIT_REFUSE_PRIVATE"):
            raise NotConfigured
        self.crawler = crawler
        self.root_addresses: set[str] | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> PrivateAddressMiddleware:
        return cls(crawler)

    def _root_hosts(self) -> set[str]:
        spider = self.crawler.spider
        return {(urlsplit(f"//{host}").hostname or "") for root in getattr(spider, "roots", []) for host, _ in root.scopes}

    async def _resolve(self, host: str) -> str | None:
        try:
            ipaddress.ip_address(host)
            return host
        except ValueError:
            pass
        from scrapy.utils.defer import maybe_deferred_to_future
        from twisted.internet import reactor

        try:
            return await maybe_deferred_to_future(reactor.resolve(host))  # type: ignore[attr-defined]
        except Exception:
            return None  # the download fails the same way and records it

    async def process_request(self, request: Any, spider: Any = None) -> None:
        host = (urlsplit(request.url).hostname or "").lower()
        roots = self._root_hosts()
        if host in roots:
            return None
        if self.root_addresses is None:
            self.root_addresses = {a for a in [await self._resolve(h) for h in roots] if a}
        address = await self._resolve(host)
        if address is None or address in self.root_addresses or not _is_private(address):
            return None
        self.crawler.stats.inc_value("govaudit/limits/private_refused")
        raise IgnoreRequest(f"skipped: {request.url} is on a private address ({address}; --refuse-private)")


def disk_queue(db_path: str, settings: dict[str, Any]) -> str | None:
    """Put the frontier on disk (Scrapy's JOBDIR queues) for a large crawl; the folder, or None.

    GOVAUDIT_DISK_QUEUE: "auto" (on when --max-pages is over DISK_QUEUE_ABOVE), true or false.
    The folder ``.govaudit-queue-<pid>`` sits beside the database and is removed when the run
    ends (``drop_disk_queue``); those of crawls killed before that are removed here.
    """
    from crawler.store import _pid_alive

    parent = os.path.dirname(os.path.abspath(db_path))
    if os.path.isdir(parent):
        for name in os.listdir(parent):
            pid = name.rsplit("-", 1)[-1]
            if name.startswith(".govaudit-queue-") and pid.isdigit() and not _pid_alive(int(pid)):
                shutil.rmtree(os.path.join(parent, name), ignore_errors=True)
    mode = str(settings.get("GOVAUDIT_DISK_QUEUE", "auto")).lower()
    big = int(settings.get("GOVAUDIT_MAX_PAGES") or 0) > DISK_QUEUE_ABOVE
    if not (mode in ("1", "true", "yes", "on") or (mode == "auto" and big)) or not os.path.isdir(parent):
        return None
    path = os.path.join(parent, f".govaudit-queue-{os.getpid()}")
    shutil.rmtree(path, ignore_errors=True)  # never resume an old queue: --resume rebuilds from the database
    os.mkdir(path)
    settings["JOBDIR"] = path
    return path


def drop_disk_queue(path: str | None) -> None:
    if path:
        shutil.rmtree(path, ignore_errors=True)
