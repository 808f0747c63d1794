"""Facts for the service, search and catalog rules, gathered by the spider (a mixin of SiteSpider).

* Page labels and forms: a guide / catalog page's field labels (``pages.labels_json``), the
  forms of home pages and of pages holding a message form (``pages.forms_json``).
* One hop to guides on other hosts: an outside page linked as a 办事指南 (the anchor says
  指南, or the linking page is a 办事服务 / 办事指南 page) is checked with GET, never from the
  link cache, and its labels are kept with the check (``link_checks.labels_json``).
* Site search probes: when the crawl has nothing left to do (``spider_idle``), each root's
  search box (the first one found, home page first) is submitted with the exact titles of a
  few articles the crawl found on that root; what came back is stored in ``search_probes``
  (status, redirects, the result page's links, how often the title occurs in its text).
  Judging whether the search works is the audit's business (audits/rules/site_search_broken.py).

Probes need the crawl's own database (``GOVAUDIT_DB_PATH``): distributed workers, which
have none, do not probe.  robots.txt is not applied to the few probe requests, as it is not
to single link checks.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from dataclasses import dataclass
from typing import Any

import scrapy
from parsel import Selector
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from crawler.extract.bundle import Extracted, visible_text
from crawler.extract.forms import search_form
from crawler.extract.labels import extract_labels

GUIDE_SOURCE_WORDS = ("办事指南", "办事服务", "服务指南", "政务服务", "办事大厅", "网上办事")
_TRUNCATED = re.compile(r"(?:\.\.\.|…|。。。)$")
_EMPTY_RESULT = re.compile(
    r"(?:没有找到|未找到|找不到|无相关|没有相关|暂无(?:相关)?(?:结果|信息|数据)|"
    r"(?:找到|共|检索到|搜索到)\s*0\s*(?:条|个|篇|项)|结果\s*[:：]?\s*0\s*条)[^。\n]{0,30}"
)
MAX_TITLES = 400  # candidate titles kept per root
MAX_RESULT_LINKS = 400


@dataclass
class SearchProbeRecord:
    """One submitted search: the `search_probes` row (without run_id)."""

    row: dict[str, Any]


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).astimezone().isoformat(timespec="seconds")


def _title_ok(title: str | None) -> bool:
    t = (title or "").strip()
    return 6 <= len(t) <= 80 and not _TRUNCATED.search(t)


def pick_titles(candidates: dict[str, str], n: int) -> list[tuple[str, str]]:
    """n (title, url) pairs spread over the candidates sorted by URL (deterministic for one site)."""
    pairs = sorted((url, title) for url, title in candidates.items())
    if len(pairs) <= n:
        return [(t, u) for u, t in pairs]
    step = len(pairs) / n
    return [(pairs[int(i * step)][1], pairs[int(i * step)][0]) for i in range(n)]


class ServiceFacts:
    """Mixin of SiteSpider: page labels and forms, guide link checks, site search probes."""

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> Any:
        spider = super().from_crawler(crawler, *args, **kwargs)  # type: ignore[misc]
        crawler.signals.connect(spider._search_idle, signal=signals.spider_idle)
        return spider

    # -- state (lazily created: the spider's __init__ stays untouched) ----------------
    def _svc(self) -> dict[str, Any]:
        state = self.__dict__.get("_svc_state")
        if state is None:
            state = self.__dict__["_svc_state"] = {"forms": {}, "titles": {}, "probed": set(), "label_checks": set()}
        return state

    # -- pages ------------------------------------------------------------------------
    def _note_services(self, row: dict[str, Any], meta: dict[str, Any], ex: Extracted, root: Any) -> None:
        """Store a page's labels and forms in its row; remember the root's search box and titles."""
        if ex.labels is not None:
            row["labels_json"] = json.dumps(ex.labels, ensure_ascii=False)
        is_home = bool(meta.get("ga_home"))
        if is_home or any(f["role"] == "message" for f in ex.forms):
            row["forms_json"] = json.dumps(ex.forms, ensure_ascii=False)
        if root is None:
            return
        state = self._svc()
        if root.url not in state["forms"]:
            form = search_form(ex.forms)
            if form is not None:
                state["forms"][root.url] = (row["url"], form)
        titles = state["titles"].setdefault(root.url, {})
        if len(titles) >= MAX_TITLES:
            return
        for it in ex.items:
            if _title_ok(it.title) and self.root_of(it.url) is root and it.url != row["url"]:
                titles.setdefault(it.url, it.title.strip())
        art = ex.facts.meta.get("ArticleTitle") if ex.facts.is_article else None
        if _title_ok(art):
            titles.setdefault(row["url"], art.strip())  # type: ignore[union-attr]

    @staticmethod
    def _guide_source(ex: Extracted) -> bool:
        facts = ex.facts
        names = " ".join([facts.title, facts.meta.get("ColumnName") or "", *facts.breadcrumb])
        return any(w in names for w in GUIDE_SOURCE_WORDS)

    def _guide_check(self, url: str, anchor: str, guide_source: bool) -> bool:
        """An outside page linked as a service guide: checked with GET, its labels kept."""
        if guide_source or "指南" in (anchor or ""):
            self._svc()["label_checks"].add(url)
            return True
        return False

    def _check_labels(self, url: str, sel: Selector, title: str) -> str | None:
        if url not in self._svc()["label_checks"]:
            return None
        body = visible_text(sel)
        labels = extract_labels(sel, body, title)
        return json.dumps(labels or [], ensure_ascii=False)

    # -- search probes ---------------------------------------------------------------
    def _probes_enabled(self) -> bool:
        s = self.crawler.settings  # type: ignore[attr-defined]
        return s.getint("GOVAUDIT_SEARCH_PROBES", 3) > 0 and bool(s.get("GOVAUDIT_DB_PATH"))

    def _search_idle(self, spider: Any) -> None:
        if spider is not self or not self._probes_enabled():
            return
        state = self._svc()
        if self.crawler.settings.getbool("GOVAUDIT_RESUME") and not state.get("restored"):  # type: ignore[attr-defined]
            state["restored"] = True
            self._restore_search_state()
        n = self.crawler.settings.getint("GOVAUDIT_SEARCH_PROBES", 3)  # type: ignore[attr-defined]
        scheduled = 0
        for root in self.roots:  # type: ignore[attr-defined]
            if root.url in state["probed"]:
                continue
            state["probed"].add(root.url)
            found = state["forms"].get(root.url)
            if found is None:
                continue
            page, form = found
            for title, article in pick_titles(state["titles"].get(root.url, {}), n):
                self.crawler.engine.crawl(self._search_request(root.url, page, form, title, article))  # type: ignore[attr-defined]
                scheduled += 1
        if scheduled:
            self.crawler.stats.inc_value("govaudit/search/probes", scheduled)  # type: ignore[attr-defined]
            raise DontCloseSpider

    def _restore_search_state(self) -> None:
        """A resumed run did not parse the pages stored before the interruption: take their search
        boxes (home pages) and titles (list items, articles) from the database."""
        import sqlite3

        state = self._svc()
        s = self.crawler.settings  # type: ignore[attr-defined]
        conn = sqlite3.connect(f"file:{s.get('GOVAUDIT_DB_PATH')}?mode=ro", uri=True)
        try:
            run_id = s.getint("GOVAUDIT_RUN_ID")
            for root in self.roots:  # type: ignore[attr-defined]
                row = conn.execute("SELECT forms_json FROM pages WHERE run_id = ? AND url = ?", [run_id, root.url]).fetchone()
                form = search_form(json.loads(row[0])) if row and row[0] else None
                if form is not None:
                    state["forms"].setdefault(root.url, (root.url, form))
            rows = [*conn.execute("SELECT url, title FROM list_items WHERE run_id = ? LIMIT 50000", [run_id]),
                    *conn.execute("SELECT url, article_title FROM pages WHERE run_id = ? AND is_article = 1 LIMIT 50000", [run_id])]
        finally:
            conn.close()
        for url, title in rows:
            root = self.root_of(url)  # type: ignore[attr-defined]
            if root is not None and _title_ok(title):
                titles = state["titles"].setdefault(root.url, {})
                if len(titles) < MAX_TITLES:
                    titles.setdefault(url, title.strip())

    def _search_request(self, root: str, page: str, form: dict[str, Any], title: str, article: str) -> scrapy.Request:
        data = {f["name"]: f.get("value", "") for f in form["fields"] if f["type"] == "hidden"}
        data[form["query_field"]] = title
        meta = {
            "ga_search": {"root": root, "form_page": page, "action": form["action"], "method": form["method"],
                          "field": form["query_field"], "query": title, "article_url": article},
            "ga_start": time.monotonic(),
            "dont_obey_robotstxt": True,
        }
        return scrapy.FormRequest(form["action"], method=form["method"], formdata=data, callback=self._search_done,
                                  errback=self._search_failed, dont_filter=True, meta=meta, priority=-100)

    def _search_row(self, meta: dict[str, Any], request_url: str, **values: Any) -> SearchProbeRecord:
        chain = [*meta.get("redirect_urls", [])]
        row = {
            **meta["ga_search"],
            "request_url": chain[0] if chain else request_url,
            "elapsed": round(time.monotonic() - meta.get("ga_start", time.monotonic()), 3),
            "probed_at": _now(),
            **values,
        }
        if chain:
            row["redirect_chain_json"] = json.dumps([*chain, values.get("final_url") or request_url], ensure_ascii=False)
        return SearchProbeRecord(row=row)

    def _search_done(self, response: Response):
        values: dict[str, Any] = {
            "status": response.status,
            "final_url": response.url,
            "content_type": response.headers.get(b"Content-Type", b"").decode("latin-1")[:200],
        }
        if isinstance(response, TextResponse):
            sel = Selector(text=response.text, base_url=response.url)
            body = visible_text(sel)
            query = response.meta["ga_search"]["query"]
            links = []
            for a in sel.xpath("//a[@href]")[:MAX_RESULT_LINKS * 2]:
                anchor = " ".join(" ".join(a.xpath(".//text()").getall()).split())
                if len(anchor) >= 4:
                    links.append([response.urljoin(a.attrib["href"].strip()), anchor[:200]])
            m = _EMPTY_RESULT.search(body)
            values.update(
                title=" ".join((sel.xpath("//title/text()").get() or "").split())[:300],
                links_json=json.dumps(links[:MAX_RESULT_LINKS], ensure_ascii=False),
                text_hits=body.count(query),
                empty_marker=m.group(0)[:80] if m else None,
                body_head=body[:600],
            )
        yield self._search_row(response.meta, response.request.url if response.request else response.url, **values)

    def _search_failed(self, failure: Failure):
        request = failure.request  # type: ignore[attr-defined]
        exc = failure.value
        msg = str(exc).strip().replace("\n", " ")
        error = (f"{type(exc).__name__}: {msg}" if msg else type(exc).__name__)[:500]
        values: dict[str, Any] = {"error": error}
        response = getattr(exc, "response", None)
        if response is not None:
            values["status"] = response.status
        yield self._search_row(request.meta, request.url, **values)
