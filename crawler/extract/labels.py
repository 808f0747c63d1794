"""Field labels of a structured page: a 办事指南 or a 政务公开标准目录 (pure, no Scrapy).

    extract_labels(sel, body_text, title) -> list[str] | None

A service guide shows its elements as labels ("申请条件：…", a table whose first
column reads 受理条件 / 申报材料 / 咨询电话, "三、办理程序"); a standard catalog
shows them as table headers (公开事项 | 公开内容 | 公开依据 | 公开时限 …).  This
module only reads the label strings; which element class a label stands for is
the audit's business (``audits/services.py``).

Only pages that look structured get their labels read (None otherwise), so the
crawl does not pay for it on ordinary articles: the title or the text names a
guide / catalog, or at least two typical labels occur in the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from parsel import Selector

# words a guide or catalog page shows; two of them in the text (or one cue in the title) open the page
_CUES = (
    "申请条件", "受理条件", "办理条件", "办理材料", "申请材料", "申报材料", "提交材料", "设定依据", "法定依据",
    "实施依据", "办理地点", "受理地点", "办理时间", "受理时间", "办理流程", "办理程序", "联系电话", "咨询电话",
    # catalog headers; not 公开方式 / 公开时限, which every 信息公开 metadata block shows
    "公开事项", "公开依据", "公开主体", "公开渠道", "公开对象",
)
_TITLE_CUES = ("指南", "标准目录", "事项目录", "公开目录", "办事须知")
_LABEL_TAGS = ("th", "td", "dt", "strong", "b", "label", "h2", "h3", "h4", "h5", "h6", "span", "p", "li", "div", "em")
_LABEL_SET = frozenset(_LABEL_TAGS)
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "select", "option", "textarea", "button"})
_CHROME_TAGS = frozenset({"header", "footer", "nav"})
_CHROME_ATTR = re.compile(r"footer|copyright|bottom|(?:^|[\s_-])(?:nav|menu|header|top|crumb|breadcrumb|logo)(?:$|[\s_-])", re.I)
_NUMBERING = re.compile(r"^(?:[（(]?[一二三四五六七八九十\d]{1,3}[)）、.．]|[\d]{1,2}\s|[【\[])\s*")
_TAIL = re.compile(r"[】\]：:\s]+$")
_PREFIX = re.compile(r"^([\u4e00-\u9fff（）()、/／\w]{2,16}?)\s*[：:]")
_HAN = re.compile(r"[\u4e00-\u9fff]")
MAX_LABELS = 200


def _norm(text: str) -> str:
    return " ".join(text.replace("\u3000", " ").split())


def _label(text: str) -> str | None:
    """The label a short text stands for: "三、申请条件：" → 申请条件; None for prose."""
    t = _NUMBERING.sub("", text).strip()
    m = _PREFIX.match(t)
    if m:
        t = m.group(1)
    elif len(t) > 16:
        return None
    t = _TAIL.sub("", t).replace(" ", "")
    if not (2 <= len(t) <= 16) or not _HAN.search(t):
        return None
    return t


def _content_elements(root: Any) -> Iterator[Any]:
    """Label-bearing elements outside the page chrome (header, nav, footer: their 联系电话 is not the guide's)."""
    stack = [root]
    while stack:
        el = stack.pop()
        if not isinstance(el.tag, str) or el.tag in _SKIP_TAGS:
            continue
        if el is not root and (el.tag in _CHROME_TAGS or _CHROME_ATTR.search(f"{el.get('class', '')} {el.get('id', '')}")):
            continue
        if el.tag in _LABEL_SET:
            yield el
        stack.extend(reversed(el))


def looks_structured(body_text: str, title: str) -> bool:
    if any(c in title for c in _TITLE_CUES):
        return True
    hits = 0
    for cue in _CUES:
        if cue in body_text:
            hits += 1
            if hits >= 2:
                return True
    return False


def extract_labels(sel: Selector, body_text: str, title: str) -> list[str] | None:
    if not looks_structured(body_text, title):
        return None
    seen: dict[str, None] = {}
    body = sel.xpath("//body")
    root = body[0].root if body else sel.root
    for el in _content_elements(root):
        parts: list[str] = []
        size = 0
        for t in el.itertext():  # stop early: a big container is not a label
            parts.append(t)
            size += len(t)
            if size > 120:
                break
        text = _norm("".join(parts))
        if not text:
            continue
        lab = _label(text[:60])
        if lab and lab not in seen:
            seen[lab] = None
            if len(seen) >= MAX_LABELS:
                break
    return list(seen)
