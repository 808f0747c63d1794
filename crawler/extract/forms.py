"""HTML forms of a page: the site search box and message (留言/咨询) forms (pure, no Scrapy).

    extract_forms(sel, url) -> list[dict]

Each form is a plain dict (it is stored as JSON): ``action`` (absolute; a missing
action means the page itself), ``method`` (GET | POST), ``fields`` (named inputs:
``name``, ``type``, and ``value`` for hidden ones), ``query_field`` (the one text
input a search box submits), ``role`` (``search`` | ``message`` | ``other``) and
``scripted`` (the action is set by script — avalon ``ms-attr-action``, Vue
``:action`` — so submitting the markup as written does not search).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urljoin

from parsel import Selector

# names real search boxes give their text input (万载/宜春 q, 山西 sword, 福建 key, 沭阳 searchWord, 百度 wd…)
_QUERY_NAMES = frozenset(
    "q query keyword keywords kw key wd word words searchword sword searchkey searchtext searchkeyword "
    "search text textfield title s qt searchvalue content".split()
)
_SEARCH_HINT = re.compile(r"search|sou|query|jrobot|s\.do|/s(?:\?|$)|检索|搜索", re.I)
_SEARCH_TEXT = re.compile(r"搜索|检索|搜\s*索|查询|关键[字词]")
_TEXT_TYPES = frozenset({"", "text", "search"})
_SKIP_TYPES = frozenset({"submit", "button", "image", "reset", "file", "checkbox", "radio", "password"})
_SCRIPT_ATTRS = ("ms-attr-action", ":action", "v-bind:action", "ng-submit", "ms-submit")


def _attrs(el: Any) -> str:
    return " ".join(f"{k}={v}" for k, v in el.attrib.items())


def extract_forms(sel: Selector, url: str, limit: int = 10) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for form in sel.xpath("//form")[:limit]:
        el = form.root
        raw_action = (el.get("action") or "").strip()
        scripted = any(el.get(a) is not None for a in _SCRIPT_ATTRS) and not raw_action
        if raw_action.lower().startswith("javascript:"):
            scripted, raw_action = True, ""
        action = urljoin(url, raw_action) if raw_action else url
        method = (el.get("method") or "get").strip().upper()
        method = method if method in ("GET", "POST") else "GET"
        fields: list[dict[str, str]] = []
        texts: list[str] = []
        has_textarea = False
        for inp in form.xpath(".//input | .//textarea | .//select"):
            node = inp.root
            name = (node.get("name") or "").strip()
            tag = node.tag.lower() if isinstance(node.tag, str) else ""
            kind = "textarea" if tag == "textarea" else "select" if tag == "select" else (node.get("type") or "").strip().lower()
            if tag == "textarea":
                has_textarea = True
            if not name or kind in _SKIP_TYPES:
                continue
            field = {"name": name, "type": kind or "text"}
            if kind == "hidden":
                field["value"] = node.get("value") or ""
            fields.append(field)
            if kind in _TEXT_TYPES and tag == "input":
                texts.append(name)
        hints = " ".join([_attrs(el), raw_action, *(_attrs(i.root) for i in form.xpath(".//input | .//button"))])
        label = " ".join(form.xpath(".//button//text() | .//label//text()").getall())
        query = next((n for n in texts if n.lower() in _QUERY_NAMES), None)
        if query is None and len(texts) == 1 and (_SEARCH_HINT.search(hints) or _SEARCH_TEXT.search(hints + label)):
            query = texts[0]
        if has_textarea:
            role = "message"
        elif query is not None and len(texts) <= 2:
            role = "search"
        else:
            role = "other"
        out.append({
            "action": action,
            "method": method,
            "fields": fields,
            "query_field": query if role == "search" else None,
            "role": role,
            "scripted": scripted,
        })
    return out


def search_form(forms: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The first search box a visitor can submit as written."""
    return next((f for f in forms if f["role"] == "search" and not f["scripted"]), None)
