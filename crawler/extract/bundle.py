"""Everything read from one HTML page, in one pure call (runs in a worker process when asked)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from parsel import Selector

from crawler.extract.forms import extract_forms
from crawler.extract.labels import extract_labels
from crawler.extract.links import Link, extract_links
from crawler.extract.lists import ListItem, extract_list_items, extract_pagination, has_empty_marker
from crawler.extract.page import PageFacts, extract_page


@dataclass
class Extracted:
    facts: PageFacts
    links: list[Link]
    items: list[ListItem] = field(default_factory=list)
    pagination: list[str] = field(default_factory=list)
    empty_marker: str | None = None
    body_head: str = ""
    text_len: int = 0
    forms: list[dict] = field(default_factory=list)  # search box, message forms (forms.py)
    labels: list[str] | None = None  # field labels of a guide / catalog page (labels.py), else None


def visible_text(sel: Selector) -> str:
    parts = sel.xpath("//body//text()[not(ancestor::script) and not(ancestor::style) and not(ancestor::noscript)]").getall()
    if not parts:
        parts = sel.xpath("//text()[not(ancestor::script) and not(ancestor::style)]").getall()
    return " ".join(" ".join(parts).replace("\u3000", " ").split())


def extract_all(text: str, url: str, today: dt.date, is_home: bool) -> Extracted:
    sel = Selector(text=text, base_url=url)
    facts = extract_page(sel, url, today)
    out = Extracted(facts=facts, links=extract_links(sel, url))
    if not facts.is_article:
        out.items = extract_list_items(sel, url, today)
    body = visible_text(sel)
    out.body_head, out.text_len = body[:600], len(body)
    out.forms = extract_forms(sel, url)
    out.labels = extract_labels(sel, body, facts.title)
    if not facts.is_article and not is_home:
        out.empty_marker = has_empty_marker(body)
        out.pagination = extract_pagination(sel, text, url)
    return out
