"""List pages (栏目): dated items, pagination, empty-column markers (pure functions).

Real CMSs lay lists out as <li>/<tr>/<div> rows of a link and a date (TRS,
开普云), hide their records in a Hanweb ``<script type="text/xml">`` datastore,
and paginate by a script call (TRS ``createPageHTML(n, cur, "index", "html")``),
by 下一页 links, or by a Hanweb ``<nextgroup>``.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from parsel import Selector

from crawler.extract.dates import find_dates
from crawler.extract.links import base_href, clean_url, kind_of

EMPTY_MARKERS = ("暂无信息", "暂无数据", "暂无内容", "暂无记录", "暂无相关信息", "没有相关信息", "无相关信息", "暂无文章")
_EMPTY_RE = re.compile("|".join(EMPTY_MARKERS))
_CREATE_PAGE = re.compile(
    r"createPageHTML\(\s*['\"]?(\d+)['\"]?\s*,\s*['\"]?(\d+)['\"]?\s*,\s*['\"]([^'\"]+)['\"]\s*,\s*['\"]([^'\"]+)['\"]"
)
_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S | re.I)
_NEXTGROUP = re.compile(r"<nextgroup>\s*<!\[CDATA\[(.*?)\]\]>\s*</nextgroup>", re.S | re.I)
_NEXT_TEXTS = frozenset(["下一页", "下页", "后一页", "后页", "下一页>", "下一页>>", "下一页»", ">", ">>", "»", "›"])
_PAGER_CLASS = re.compile(r"page|pager|fenye|paging|pagination", re.I)
MAX_SCRIPT_PAGES = 1000
_SKIP_ANCESTORS = {"nav", "header", "footer"}


@dataclass(frozen=True)
class ListItem:
    title: str
    url: str
    date: dt.date | None
    date_text: str | None


def _norm(text: str) -> str:
    return " ".join(text.replace("\u3000", " ").replace("\xa0", " ").split())


def _items_from(sel: Selector, base: str, today: dt.date) -> list[ListItem]:
    items: list[ListItem] = []
    seen: set[str] = set()
    root = sel.root
    if not isinstance(getattr(root, "tag", None), str):
        return items
    for node in root.iter("a"):
        href = node.get("href")
        if not href:
            continue
        url = clean_url(href, base)
        if url is None or kind_of(url) not in ("page", "attachment"):
            continue
        anchor_text = _norm("".join(node.itertext()))
        title = _norm(node.get("title") or anchor_text)
        if len(title) < 2:
            continue
        if any(anc.tag in _SKIP_ANCESTORS for anc in node.iterancestors()):
            continue
        found = None
        row = node
        for _ in range(3):
            row = row.getparent()
            if row is None or row.tag in ("body", "html", "ul", "ol", "table", "tbody"):
                break
            anchors = row.findall(".//a")
            if len(anchors) > 2:
                break
            text = _norm("".join(row.itertext()))
            rest = text.replace(anchor_text, " ", 1) if anchor_text else text
            if len(rest) > 80:
                break
            dates = [d for d in find_dates(rest, today) if d.has_day]
            if dates:
                found = dates[-1]
                break
        if found is None:
            # a date inside the link itself, in its own element: <a><span>title</span><em>date</em></a>
            for leaf in node.iter():
                if len(leaf) or leaf is node or not leaf.text:
                    continue
                part = leaf.text
                dates = find_dates(_norm(part), today)
                if dates and dates[0].has_day and len(_norm(part)) <= len(dates[0].text) + 4:
                    found = dates[0]
                    break
        if found is None or url in seen:
            continue
        seen.add(url)
        items.append(ListItem(title[:500], url, found.value, found.text))
    return items


def extract_list_items(sel: Selector, page_url: str, today: dt.date) -> list[ListItem]:
    """Dated link rows of a list page, Hanweb datastore records included."""
    base = base_href(sel, page_url)
    items = _items_from(sel, base, today)
    scripts = sel.xpath("//script[contains(@type, 'xml')]/text()").getall()
    records: list[str] = []
    for script in scripts:
        records.extend(_RECORD.findall(script))
    if records:
        fragment = Selector(text="<ul>" + "".join(f"<li>{r}</li>" for r in records) + "</ul>")
        known = {i.url for i in items}
        items.extend(i for i in _items_from(fragment, base, today) if i.url not in known)
    return items


def has_empty_marker(text: str) -> str | None:
    m = _EMPTY_RE.search(text)
    return m.group(0) if m else None


def _same_dir(url: str, page_url: str) -> bool:
    a, b = urlsplit(url), urlsplit(page_url)
    return a.netloc == b.netloc and posixpath.dirname(a.path) == posixpath.dirname(b.path)


def extract_pagination(sel: Selector, html: str, page_url: str) -> list[str]:
    """URLs of the other pages of the same list."""
    out: list[str] = []
    base = base_href(sel, page_url)
    for m in _CREATE_PAGE.finditer(html):
        count, current, name, ext = int(m.group(1)), int(m.group(2)), m.group(3), m.group(4)
        for i in range(min(count, MAX_SCRIPT_PAGES)):
            if i == current:
                continue
            out.append(urljoin(base, f"{name}.{ext}" if i == 0 else f"{name}_{i}.{ext}"))
    for m in _NEXTGROUP.finditer(html):
        for href in Selector(text=m.group(1)).xpath("//a/@href").getall():
            u = clean_url(href, base)
            if u:
                out.append(u)
    root = sel.root
    anchors = root.iter("a") if isinstance(getattr(root, "tag", None), str) else ()
    for a in anchors:
        href = a.get("href")
        if not href:
            continue
        text = _norm("".join(a.itertext()))
        if len(text) > 8:
            continue
        in_pager = text.isdigit() and any(
            _PAGER_CLASS.search(anc.get("class", "") + " " + anc.get("id", "")) for anc in a.iterancestors()
        )
        if text in _NEXT_TEXTS or text in ("上一页", "尾页", "末页") or in_pager:
            u = clean_url(href, base)
            if u and u != page_url and kind_of(u) == "page" and _same_dir(u, page_url):
                out.append(u)
    seen: set[str] = set()
    return [u for u in out if not (u in seen or seen.add(u))]
