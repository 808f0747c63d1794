"""typo: known wrong words (错别字) and serious wording errors (严重表述错误) in page text.

检查内容: 页面标题、文章标题和正文（以及各页面开头的可见文字）中是否有错别字，
          是否把国家名称、党的名称、领导同志姓名或职务等写错。
依据: 《政府网站与政务新媒体检查指标》单项否决“严重表述错误”；
      扣分指标“内容不准确”（错别字）；《第一批异形词整理表》。
判定方法: 按句切分文本，用 jieba 分词；词典（audits/data/typos.tsv 错别字，
          audits/data/serious.tsv 严重表述错误）中的错误写法只有恰好落在词边界上、
          且满足该条目的语境条件（如“截止目前”应为“截至目前”，而“截止日期”正确）时才算命中。
          同一句话中的同一错误出现在多个页面（模板、导航、页头）时只报一条，列出各页面。
          严重表述错误为单项否决（veto），一般错别字扣分（major）。
参数: extra_dictionary —— 补充词典（同格式 TSV）的路径，相对路径按配置文件所在目录解析，
      其条目按一般错别字处理；scan_body_head —— 是否检查每个页面开头的可见文字
      （页头、导航、横幅标语等，默认是）；max_pages —— 证据中列出的页面数上限。
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from audits.context import SiteContext
from audits.model import Finding, Rule
from audits.textscan import pages_by_url, scan
from audits.typos import Hit, mark, matcher_with

_BODY_HEAD_CUT = 600  # crawler keeps the first 600 characters of visible text


@dataclass(frozen=True)
class Params:
    extra_dictionary: str = ""
    scan_body_head: bool = True
    max_pages: int = 50


def _extra_path(ctx: SiteContext, p: Params) -> str:
    if not p.extra_dictionary:
        return ""
    path = Path(p.extra_dictionary).expanduser()
    if not path.is_absolute() and ctx.config.source:
        candidate = Path(ctx.config.source).parent / path
        if candidate.exists():
            path = candidate
    return str(path)


def _texts(page: dict[str, Any], scan_body_head: bool) -> Iterator[tuple[str, str, bool]]:
    """(field, text, is_title) for the text of one page."""
    if page.get("title"):
        yield "title", page["title"], True
    if page.get("article_title") and page.get("article_title") != page.get("title"):
        yield "article_title", page["article_title"], True
    if page.get("main_text"):
        yield "main_text", page["main_text"], False
    head = page.get("body_head")
    if scan_body_head and head:
        if len(head) >= _BODY_HEAD_CUT:  # the last sentence is cut off: it would not group with its full copy
            ends = list(re.finditer(r"[。！？；!?;]|\s", head))
            head = head[: ends[-1].end()] if ends else ""
        if head:
            yield "body_head", head, False


def check(ctx: SiteContext, p: Params) -> Iterator[Finding]:
    m = matcher_with(_extra_path(ctx, p))
    # only the pages whose text holds a dictionary word can hit (one pass over the run's text, audits/textscan.py)
    candidates = scan(ctx, tuple(m.by_wrong)).words.get(ctx.root, [])
    pages = pages_by_url(ctx, candidates, "url, title, article_title, main_text, body_head, is_home")
    pages.sort(key=lambda r: (r["is_home"] is None, -(r["is_home"] or 0), r["url"]))  # ORDER BY is_home DESC, url
    # (wrong, correct, sentence) -> the hit, its spans, the pages in order, the fields
    groups: dict[tuple[str, str, str], dict[str, Any]] = {}
    for page in pages:
        for fld, text, is_title in _texts(page, p.scan_body_head):
            hits: list[Hit] = list(m.scan(text, title=is_title))
            for h in hits:
                key = (h.entry.wrong, h.entry.correct, h.sentence)
                g = groups.setdefault(key, {"hit": h, "spans": set(), "pages": [], "page_set": set(), "fields": []})
                g["spans"].add((h.start, h.end))
                if page["url"] not in g["page_set"]:  # a template line: thousands of pages (a list would be quadratic)
                    g["page_set"].add(page["url"])
                    g["pages"].append(page["url"])
                if fld not in g["fields"]:
                    g["fields"].append(fld)
    for (wrong, correct, sentence), g in groups.items():
        h: Hit = g["hit"]
        marked = mark(sentence, g["spans"])
        n = len(g["pages"])
        serious = h.entry.dictionary == "serious"
        where = f"（同一句出现在 {n} 个页面）" if n > 1 else ""
        note = f"（{h.entry.note}）" if h.entry.note and not serious else ""
        if serious:
            message = f"严重表述错误：“{marked}”中的“{wrong}”应为“{correct}”{where}，请立即更正。"
        else:
            message = f"“{marked}”中的“{wrong}”疑为错别字，建议改为“{correct}”{note}{where}。"
        yield Finding(
            url=g["pages"][0],
            page=None,
            severity="veto" if serious else "major",
            subject=f"{wrong}\x00{correct}\x00{sentence}",
            message=message,
            evidence={
                "wrong": wrong,
                "correct": correct,
                "sentence": marked,
                "pages": g["pages"][: p.max_pages],
                "count": n,
                "dictionary": h.entry.dictionary,
                "note": h.entry.note,
                "fields": g["fields"],
            },
        )


RULE = Rule(
    id="typo",
    category="不准确",
    severity="major",
    title="错别字与严重表述错误",
    basis="《政府网站与政务新媒体检查指标》单项否决·严重表述错误；扣分指标·内容不准确（错别字）",
    params=Params,
    check=check,
    requires=("pages",),
)
