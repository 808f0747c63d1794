"""Downloader middlewares: real encodings, loopback-only guard, retry backoff."""

from __future__ import annotations

import asyncio
import ipaddress
import os
from typing import Any
from urllib.parse import urlsplit

from scrapy.downloadermiddlewares.httpproxy import HttpProxyMiddleware
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import HtmlResponse, Response, TextResponse

from crawler.extract.encoding import detect

LOOPBACK_ENV = "GOVAUDIT_LOOPBACK_ONLY"


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
