"""Downloader middlewares: decode pages with the encoding they really use."""

from __future__ import annotations

from typing import Any

from scrapy.http import HtmlResponse, Response, TextResponse

from crawler.extract.encoding import detect

HTML_TYPES = ("text/html", "application/xhtml", "text/plain", "text/xml", "application/xml")


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
