"""Downloader middlewares: real encodings, loopback-only guard, retry backoff."""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import os
from typing import Any
from urllib.parse import urlsplit

from scrapy.downloadermiddlewares.httpproxy import HttpProxyMiddleware
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import HtmlResponse, Response, TextResponse

from crawler.extract.encoding import detect

LOOPBACK_ENV = "GOVAUDIT_LOOPBACK_ONLY"


def _cache_host_encoding() -> None:
    """Twisted IDNA-encodes the host of every request again (``HostnameEndpoint``, 40 ``idna`` label
    checks a request, ~0.1 ms): remember the answers.  The functions cached are Scrapy's own
    (IDNA 2008 with its IDNA 2003 fallback), so the result is the same whether or not Scrapy has
    installed them yet; it leaves a function it did not install alone."""
    try:
        from scrapy.core.downloader import _idna_patch
        from twisted.internet import endpoints
    except ImportError:
        return
    for name, kind in (("_idnaBytes", "bytes"), ("_idnaText", "text")):
        func = getattr(_idna_patch, f"_patched_idna_{kind}", None)
        original = getattr(_idna_patch, f"_original_idna_{kind}", None)
        if func is not None and getattr(endpoints, name, None) in (func, original):
            setattr(endpoints, name, functools.lru_cache(maxsize=4096)(func))


_cache_host_encoding()


class EncodingMiddleware:
    """Re-decode HTML responses whose header and meta charset disagree (GBK under utf-8 etc.)."""

    def process_response(self, request: Any, response: Response, spider: Any = None) -> Response:
        ctype = response.headers.get(b"Content-Type", b"").decode("latin-1")
        if not isinstance(response, TextResponse):
            return response
        body = response.body
        if b"\x00" in body[:2048]:
            request.meta["ga_binary"] = True
            return response
        encoding, declared = detect(body, ctype)
        request.meta["ga_encoding"] = encoding
        request.meta["ga_declared_encoding"] = declared
        if encoding != response.encoding:
            cls = HtmlResponse if isinstance(response, HtmlResponse) else type(response)
            return response.replace(cls=cls, encoding=encoding)
        return response


def is_loopback(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class LoopbackOnlyMiddleware:
    """With GOVAUDIT_LOOPBACK_ONLY=1 (tests, demo) no request leaves 127.0.0.0/8."""

    def __init__(self) -> None:
        if os.environ.get(LOOPBACK_ENV, "") not in ("1", "true", "yes"):
            raise NotConfigured

    def process_request(self, request: Any, spider: Any = None) -> None:
        host = urlsplit(request.url).hostname or ""
        try:
            ipaddress.ip_address(host)
        except ValueError:
            return  # a name: LoopbackOnlyResolver fails it like a missing host
        if not is_loopback(request.url):
            raise IgnoreRequest(f"skipped: {request.url} is not a loopback address ({LOOPBACK_ENV}=1)")


class BackoffMiddleware:
    """Delay a request by meta['ga_delay'] seconds (link re-checks back off)."""

    async def process_request(self, request: Any, spider: Any = None) -> None:
        delay = request.meta.pop("ga_delay", 0)
        if delay:
            await asyncio.sleep(delay)


class ProxyMiddleware(HttpProxyMiddleware):
    """Scrapy's proxy middleware, without a cost per request when no proxy is configured.

    ``getproxies()`` also returns the ``no_proxy`` list (as the pseudo-scheme "no"), and
    Scrapy then calls ``urllib.request.proxy_bypass`` (which re-reads the whole environment)
    for every request, about 1.5 ms each on a busy 2-core machine, even though there is no
    proxy to bypass.  The list still applies when a real proxy is set.
    """

    def __init__(self, auth_encoding: str | None = "latin-1") -> None:
        super().__init__(auth_encoding)
        self.proxies.pop("no", None)


class CountStats:
    """Scrapy's ``DownloaderStats`` counts (requests, methods, responses, statuses, exceptions) without
    the byte counts: those serialise every request (``request_httprepr``) and add up the response
    headers, about 0.4 ms a request, for numbers nothing reads."""

    def __init__(self, stats: Any) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> CountStats:
        if not crawler.settings.getbool("DOWNLOADER_STATS"):
            raise NotConfigured
        return cls(crawler.stats)

    def process_request(self, request: Any, spider: Any = None) -> None:
        inc = self.stats.inc_value
        inc("downloader/request_count")
        inc(f"downloader/request_method_count/{request.method}")

    def process_response(self, request: Any, response: Response, spider: Any = None) -> Response:
        if "ga_batch" in request.meta:
            return response  # a batch of pages answered 304 ahead (crawler/incremental.py): not a download
        inc = self.stats.inc_value
        inc("downloader/response_count")
        inc(f"downloader/response_status_count/{response.status}")
        return response

    def process_exception(self, request: Any, exception: Exception, spider: Any = None) -> None:
        inc = self.stats.inc_value
        inc("downloader/exception_count")
        cls = type(exception)
        inc(f"downloader/exception_type_count/{cls.__module__}.{cls.__qualname__}")


class NotModifiedMiddleware:
    """A 304 answer is a bare ``Response``: it has no body to decode, decompress or search for a
    meta refresh, but Scrapy types it by the URL (``.html``: an ``HtmlResponse``), so the encoding,
    meta-refresh and compression middlewares would each look at its empty text.  Placed next to
    the downloader, so every later ``process_response`` sees the plain response."""

    def process_response(self, request: Any, response: Response, spider: Any = None) -> Response:
        if response.status != 304 or type(response) is Response or not request.meta.get("ga_reuse"):
            return response
        return Response(response.url, status=304, headers=response.headers, request=request,
                        flags=response.flags, certificate=response.certificate, ip_address=response.ip_address,
                        protocol=response.protocol)
