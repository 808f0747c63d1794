"""The spider's part for issue 5: rendering, public letters and new-media accounts (a SiteSpider mixin).

For every in-scope HTML page, after its static extraction, ``_interaction``:

1. renders it in Chromium when its static HTML says only a browser can fill it
   (``crawler.render.render_reason``) and extracts the rendered HTML instead; the page row
   keeps ``render_reason``, ``render_status`` (ok | failed | unavailable | off), ``render_error``
   and ``render_ms``, so a column that stayed empty for want of a browser is never judged empty;
2. reads public letters: a mailbox column's list rows, a letter's own page
   (``pages.letters_json``; ``crawler/interaction_store.py`` turns them into the ``letters`` table);
3. finds new-media account links (``crawler.extract.newmedia``): they are stored with the kind
   ``newmedia``, not link-checked, and each account is fetched once, one hop and no further
   (``parse_account``), rendered when its platform needs scripts, and its name and newest post
   stored as a ``link_checks`` row (``newmedia_json``).

Settings: GOVAUDIT_RENDER (bool), GOVAUDIT_RENDER_PAGES, GOVAUDIT_RENDER_TIMEOUT,
GOVAUDIT_RENDER_HOSTS, GOVAUDIT_RENDER_PATTERNS, GOVAUDIT_NEWMEDIA_HOSTS, GOVAUDIT_CHROMIUM.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any
from urllib.parse import urlsplit

import scrapy
from parsel import Selector
from scrapy import signals
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from crawler.extract import letters as L
from crawler.extract import newmedia as N
from crawler.extract.bundle import visible_text
from crawler.items import LinkCheckRecord
from crawler.render import RENDER_HOSTS, Renderer, find_chromium, render_reason


class _State:
    """What the mixin keeps for one crawl."""

    def __init__(self, settings: Any) -> None:
        self.enabled = settings.getbool("GOVAUDIT_RENDER", True)
        self.render_hosts = tuple(RENDER_HOSTS) + tuple(h.lower() for h in settings.getlist("GOVAUDIT_RENDER_HOSTS"))
        self.patterns = tuple(re.compile(p) for p in settings.getlist("GOVAUDIT_RENDER_PATTERNS"))
        self.newmedia_hosts = {**N.NEWMEDIA_HOSTS, **{h.lower(): N.GENERIC for h in settings.getlist("GOVAUDIT_NEWMEDIA_HOSTS")}}
        self.chromium = find_chromium(settings.get("GOVAUDIT_CHROMIUM"))
        self.renderer = Renderer(
            self.chromium,
            pages=settings.getint("GOVAUDIT_RENDER_PAGES", 2),
            timeout=settings.getfloat("GOVAUDIT_RENDER_TIMEOUT", 20.0),
            refuse_private=settings.getbool("GOVAUDIT_REFUSE_PRIVATE"),
        )
        self.accounts: set[str] = set()  # account URLs (links of kind "newmedia")
        self.requested: set[str] = set()  # accounts fetched in this run
        self.pages = 0  # HTML pages read (site pages and account pages)
        self.needed = 0
        self.off = 0
        self.closed = False


class InteractionSpider:
    """Mixin for ``SiteSpider``: see the module docstring."""

    _ia_state: _State | None = None

    def _ia(self) -> _State:
        if self._ia_state is None:
            crawler = self.crawler  # type: ignore[attr-defined]
            self._ia_state = _State(crawler.settings)
            self._ia_state.renderer.allowed_hosts = {  # the roots' hosts: what --refuse-private always allows
                (urlsplit(f"//{host}").hostname or "").lower() for root in getattr(self, "roots", []) for host, _ in root.scopes
            }
            crawler.signals.connect(self._ia_close, signal=signals.spider_closed)
        return self._ia_state

    def _is_account(self, url: str) -> bool:
        return self._ia_state is not None and url in self._ia_state.accounts

    async def _render_into(self, row: dict[str, Any], url: str, html: str, readable: bool) -> str | None:
        """Render when the static HTML asks for it; the rendered HTML, or None (row keeps why)."""
        s = self._ia()
        reason = render_reason(html, url, readable=readable, hosts=s.render_hosts, patterns=s.patterns)
        if reason is None:
            return None
        s.needed += 1
        row["render_reason"] = reason
        if not s.enabled:
            s.off += 1
            row["render_status"] = "off"
            return None
        result = await s.renderer.render(url)
        row.update(render_status=result.status, render_error=result.error, render_ms=result.ms)
        return result.html if result.status == "ok" else None

    async def _interaction(self, response: TextResponse, row: dict[str, Any], meta: dict[str, Any], ex: Any) -> Any:
        s = self._ia()
        s.pages += 1
        html = response.text
        rendered = await self._render_into(row, response.url, html, bool(ex.items) or ex.facts.is_article)
        if rendered is not None:
            html = rendered
            ex = await self._extracted(html, response.url, bool(meta.get("ga_home")))  # type: ignore[attr-defined]
        facts = ex.facts
        names = (facts.meta.get("ColumnName"), facts.breadcrumb[-1] if facts.breadcrumb else None, facts.title, meta.get("ga_anchor"))
        self._letters(row, response.url, html, facts, names)
        self._find_accounts(ex.links, names, meta, row["url"])
        return ex

    # -- public letters ---------------------------------------------------------------------
    def _letters(self, row: dict[str, Any], url: str, html: str, facts: Any, names: tuple[Any, ...]) -> None:
        today = self.today  # type: ignore[attr-defined]
        if not facts.is_article and L.is_mailbox(*names):
            rows = L.read_list(html, url, today)
            if rows:
                row["letters_json"] = json.dumps({"kind": "list", "letters": rows}, ensure_ascii=False)
                return
        if not L._CUE_RE.search(html):
            return
        text = visible_text(Selector(text=html))
        if not L.looks_like_letter(text):
            return
        letter = L.read_detail(text, today, facts.meta.get("ArticleTitle") or facts.title or "")
        if letter:
            row["letters_json"] = json.dumps({"kind": "detail", "letter": letter}, ensure_ascii=False)

    # -- new-media accounts -----------------------------------------------------------------
    def _find_accounts(self, links: list[Any], names: tuple[Any, ...], meta: dict[str, Any], page: str) -> None:
        s = self._ia()
        listing = N.is_listing_page(*names)
        found = []
        for lk in links:
            if lk.kind != "page" or self.root_of(lk.target) is not None:  # type: ignore[attr-defined]
                continue
            platform = N.account_of(lk.target, lk.anchor, listing=listing, hosts=s.newmedia_hosts)
            if platform is None:
                continue
            s.accounts.add(lk.target)
            self.checked.add(lk.target)  # type: ignore[attr-defined]  # judged by the account fetch, not as a link
            if lk.target not in s.requested:
                s.requested.add(lk.target)
                found.append((lk.target, lk.anchor, platform, page))
        if found:
            meta["ga_accounts"] = found

    def _account_requests(self, meta: dict[str, Any]):
        maxsize = self.crawler.settings.getint("GOVAUDIT_CHECK_MAXSIZE")  # type: ignore[attr-defined]
        for url, anchor, platform, page in meta.pop("ga_accounts", []):
            yield scrapy.Request(
                url,
                callback=self.parse_account,
                errback=self.on_account_error,
                dont_filter=True,
                priority=-1,
                meta={
                    "ga_account": url,
                    "ga_platform": platform,
                    "ga_anchor": anchor,
                    "ga_referer": page,
                    "ga_start": time.monotonic(),
                    "dont_obey_robotstxt": True,  # one page per account, as link checks
                    "download_maxsize": maxsize,
                    "download_warnsize": 0,
                },
            )

    def _account_row(self, meta: dict[str, Any], **values: Any) -> dict[str, Any]:
        from crawler.spiders.site import _now

        return {
            "url": meta["ga_account"],
            "method": "GET",
            "attempts": 1 + int(meta.get("retry_times", 0)),
            "from_cache": 0,
            "elapsed": round(time.monotonic() - meta.get("ga_start", time.monotonic()), 3),
            "checked_at": _now(),
            **values,
        }

    async def parse_account(self, response: Response):
        s = self._ia()
        meta = response.meta
        info: dict[str, Any] = {"platform": meta["ga_platform"], "anchor": meta.get("ga_anchor"), "listed_on": meta.get("ga_referer")}
        row = self._account_row(
            meta,
            status=response.status,
            final_url=response.url,
            content_type=response.headers.get(b"Content-Type", b"").decode("latin-1")[:200],
        )
        if isinstance(response, TextResponse) and response.status < 400:
            s.pages += 1
            html = response.text
            read = N.read_account(html, response.url, self.today)  # type: ignore[attr-defined]
            rendered = await self._render_into(row, response.url, html, bool(read["newest_post"]))
            if rendered is not None:
                html = rendered
                read = N.read_account(html, response.url, self.today)  # type: ignore[attr-defined]
            info.update(read)
            sel = Selector(text=html)
            row["title"] = " ".join((sel.xpath("//title/text()").get() or "").split())[:500]
            row["body_head"] = visible_text(sel)[:600]
        row["newmedia_json"] = json.dumps(info, ensure_ascii=False)
        yield LinkCheckRecord(row=row)

    def on_account_error(self, failure: Failure):
        from crawler.spiders.site import _error_text

        meta = failure.request.meta  # type: ignore[attr-defined]
        info = {"platform": meta["ga_platform"], "anchor": meta.get("ga_anchor"), "listed_on": meta.get("ga_referer")}
        row = self._account_row(meta, error=_error_text(failure), newmedia_json=json.dumps(info, ensure_ascii=False))
        response = getattr(failure.value, "response", None)
        if response is not None:
            row["status"] = response.status
        yield LinkCheckRecord(row=row)

    # -- end of the crawl -------------------------------------------------------------------
    async def _ia_close(self, spider: Any = None, reason: str = "") -> None:
        s = self._ia_state
        if s is None or s.closed:
            return
        s.closed = True
        await s.renderer.close()
        st = s.renderer.stats
        stats = self.crawler.stats  # type: ignore[attr-defined]
        rendered = st["rendered"]
        values = {
            "govaudit/render/pages_read": s.pages,
            "govaudit/render/needed": s.needed,
            "govaudit/render/rendered": rendered,
            "govaudit/render/failed": st["failed"],
            "govaudit/render/unavailable": st["unavailable"],
            "govaudit/render/off": s.off,
            "govaudit/render/share": round(rendered / s.pages, 4) if s.pages else 0.0,
            "govaudit/render/browser_peak_mb": round(st["peak_rss"] / 2**20, 1),
            "govaudit/render/launch_ms": st["launch_ms"],
            "govaudit/render/blocked_requests": st["blocked_requests"],
            "govaudit/render/private_refused": st["private_refused"],
            "govaudit/newmedia/accounts": len(s.requested),
        }
        if s.renderer.unavailable and (st["unavailable"] or not s.chromium):
            values["govaudit/render/unavailable_reason"] = s.renderer.unavailable
        for k, v in values.items():
            stats.set_value(k, v)
