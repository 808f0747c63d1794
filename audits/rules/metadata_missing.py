"""metadata-missing: pages lack the required page metadata or footer identity items.

检查内容: 网页元数据（<meta> 标签）与页面底部的网站标识码、ICP 备案号、公安机关备案号。
依据: 《政府网站发展指引》网页标签与底部功能区要求（按各地已部署的做法）。
判定方法: 所有页面须有 SiteName、SiteDomain、SiteIDCode；栏目列表页另须 ColumnName、ColumnType；
          文章页另须 ArticleTitle、PubDate、ContentSource（标签缺失或内容为空均算缺少）。
          页面底部须有网站标识码、ICP 备案号、公安机关备案号，且网站标识码应与 SiteIDCode 一致。
          按“页面类型 + 缺少项”汇总，全站每项只报一条，证据列出缺少的页面数与示例页面。
参数: sample_pages（证据中列出的示例页面数）。
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from audits.context import SiteContext
from audits.model import Finding, NotApplicable, Rule

SITE_TAGS = ("SiteName", "SiteDomain", "SiteIDCode")
REQUIRED = {
    "site": SITE_TAGS,
    "list": (*SITE_TAGS, "ColumnName", "ColumnType"),
    "article": (*SITE_TAGS, "ArticleTitle", "PubDate", "ContentSource"),
}
TYPE_LABEL = {"site": "页面", "list": "栏目列表页", "article": "文章页"}
FOOTER_ITEMS = {"site_id_code": "网站标识码", "icp": "ICP 备案号", "police": "公安机关备案号"}


@dataclass(frozen=True)
class Params:
    sample_pages: int = 10


TAG_BITS = {tag: 1 << i for i, tag in enumerate(
    ("SiteName", "SiteDomain", "SiteIDCode", "ColumnName", "ColumnType", "ArticleTitle", "PubDate", "ContentSource"))}
FOOTER_BITS = {item: 1 << (8 + i) for i, item in enumerate(FOOTER_ITEMS)}
MISMATCH_BIT = 1 << 11


def _ptype(is_article: Any, is_list: Any) -> str:
    return "article" if is_article else "list" if is_list else "site"


def _codes(meta: dict[str, Any], footer: dict[str, Any]) -> tuple[Any, str]:
    return footer.get("site_id_code"), (meta.get("SiteIDCode") or "").strip()


def _flags(meta: dict[str, Any], footer: dict[str, Any], ptype: str) -> int:
    out = 0
    for tag in REQUIRED[ptype]:
        if not (meta.get(tag) or "").strip():
            out |= TAG_BITS[tag]
    for item in FOOTER_ITEMS:
        if not footer.get(item):
            out |= FOOTER_BITS[item]
    code, meta_code = _codes(meta, footer)
    if code and meta_code and code != meta_code:
        out |= MISMATCH_BIT
    return out


def flags(meta_json: str | None, footer_json: str | None, is_article: bool, is_list: bool) -> int:
    """What one page lacks, as bits (stored with the page by crawler/facts.py); -1 when its
    metadata cannot be read (the rule then reads the pages and reports the error)."""
    try:
        return _flags(json.loads(meta_json or "{}"), json.loads(footer_json or "{}"), _ptype(is_article, is_list))
    except (ValueError, TypeError, AttributeError):
        return -1


Keyed = dict[tuple[str, str], list[tuple[tuple[Any, ...], str]]]


def _from_pages(ctx: SiteContext) -> tuple[Keyed, dict[str, int], list[tuple[tuple[Any, ...], tuple[str, str, str]]]]:
    # plain tuples, no sort of the whole site: only the pages missing something are put in order
    rows = ctx.db.conn.execute(
        "SELECT url, is_home, is_article, is_list, meta_json, footer_json FROM pages WHERE run_id = ? AND root = ? "
        "AND error IS NULL AND status < 400 AND meta_json IS NOT NULL",
        [ctx.run_id, ctx.root],
    )
    missing_keyed: Keyed = defaultdict(list)
    totals: dict[str, int] = defaultdict(int)
    mismatched_keyed: list[tuple[tuple[Any, ...], tuple[str, str, str]]] = []
    footers: dict[str | None, dict[str, Any]] = {}  # the footer is a template: the same on most pages
    for url, is_home, is_article, is_list, meta_json, footer_json in rows:
        ptype = _ptype(is_article, is_list)
        totals[ptype] += 1
        totals["footer"] += 1
        order = (is_home is None, -(is_home or 0), url)  # ORDER BY is_home DESC, url
        meta = json.loads(meta_json or "{}")
        footer = footers.get(footer_json)
        if footer is None:
            footer = footers[footer_json] = json.loads(footer_json or "{}")
        bits = _flags(meta, footer, ptype)
        if bits:
            _add(missing_keyed, bits, ptype, order, url)
        if bits & MISMATCH_BIT:
            code, meta_code = _codes(meta, footer)
            mismatched_keyed.append((order, (url, code, meta_code)))
    return missing_keyed, totals, mismatched_keyed


def _add(missing_keyed: Keyed, bits: int, ptype: str, order: tuple[Any, ...], url: str) -> None:
    for tag in REQUIRED[ptype]:
        if bits & TAG_BITS[tag]:
            missing_keyed[(ptype, tag)].append((order, url))
    for item in FOOTER_ITEMS:
        if bits & FOOTER_BITS[item]:
            missing_keyed[("footer", item)].append((order, url))


def _from_facts(ctx: SiteContext) -> tuple[Keyed, dict[str, int], list[tuple[tuple[Any, ...], tuple[str, str, str]]]] | None:
    """The same from the flags stored with each page (crawler/facts.py); None when the run has none."""
    from audits.textscan import facts_ready

    if not facts_ready(ctx):
        return None
    conn = ctx.db.conn
    where = "FROM pages INDEXED BY idx_pages_meta WHERE run_id = ? AND root = ? AND meta_flags IS NOT NULL"
    if conn.execute(f"SELECT 1 {where} AND meta_flags < 0 LIMIT 1", [ctx.run_id, ctx.root]).fetchone():
        return None  # a page whose metadata could not be read: read them all, as before
    totals: dict[str, int] = defaultdict(int)
    for is_article, is_list, n in conn.execute(f"SELECT is_article, is_list, count(*) {where} GROUP BY 1, 2",
                                               [ctx.run_id, ctx.root]):
        totals[_ptype(is_article, is_list)] += n
        totals["footer"] += n
    missing_keyed: Keyed = defaultdict(list)
    mismatched: list[tuple[tuple[Any, ...], str]] = []
    for url, is_home, is_article, is_list, bits in conn.execute(
        f"SELECT url, is_home, is_article, is_list, meta_flags {where} AND meta_flags > 0", [ctx.run_id, ctx.root]
    ):
        order = (is_home is None, -(is_home or 0), url)
        _add(missing_keyed, bits, _ptype(is_article, is_list), order, url)
        if bits & MISMATCH_BIT:
            mismatched.append((order, url))
    mismatched_keyed: list[tuple[tuple[Any, ...], tuple[str, str, str]]] = []
    if mismatched:  # the message quotes the codes of the first page only
        first = min(mismatched)
        row = ctx.page(first[1]) or {}
        code, meta_code = _codes(json.loads(row.get("meta_json") or "{}"), json.loads(row.get("footer_json") or "{}"))
        mismatched_keyed = [(o, (u, code, meta_code) if (o, u) == first else (u, "", "")) for o, u in mismatched]
    return missing_keyed, totals, mismatched_keyed


def check(ctx: SiteContext, p: Params) -> Iterator[Finding]:
    found = _from_facts(ctx) or _from_pages(ctx)
    missing_keyed, totals, mismatched_keyed = found
    if not totals:
        raise NotApplicable("no HTML page fetched")
    # in the order the ordered pass met them: by first page, then the item's place in the checks
    def first(k: tuple[str, str]) -> tuple[Any, ...]:
        place = 100 + list(FOOTER_ITEMS).index(k[1]) if k[0] == "footer" else REQUIRED[k[0]].index(k[1])
        return (min(missing_keyed[k])[0], place)

    missing = {k: [u for _, u in sorted(missing_keyed[k])] for k in sorted(missing_keyed, key=first)}
    mismatched = [m for _, m in sorted(mismatched_keyed, key=lambda x: x[0])]
    for (ptype, item), pages in missing.items():
        if ptype == "footer":
            what, where = FOOTER_ITEMS[item], "页面底部"
            message = f"全站有 {len(pages)} 个页面底部没有{what}，请在网站公共模板底部补充。"
        else:
            what, where = f"{item} 元数据", TYPE_LABEL[ptype]
            message = f"全站有 {len(pages)} 个{TYPE_LABEL[ptype]}缺少 <meta name=\"{item}\"> 网页元数据，请在该类页面模板中补充。"
        yield Finding(
            url=ctx.root,
            page=pages[0],
            subject=f"{ctx.root}#{ptype}:{item}",
            message=message,
            evidence={
                "page_type": ptype,
                "missing": item,
                "missing_label": what,
                "where": where,
                "pages_missing": len(pages),
                "pages_of_type": totals[ptype],
                "sample_pages": pages[: p.sample_pages],
            },
        )
    if mismatched:
        url, code, meta_code = mismatched[0]
        yield Finding(
            url=ctx.root,
            page=url,
            subject=f"{ctx.root}#footer:site_id_code_mismatch",
            message=f"页面底部网站标识码 {code} 与 SiteIDCode 元数据 {meta_code} 不一致（{len(mismatched)} 个页面），请核对更正。",
            evidence={
                "page_type": "footer",
                "missing": "site_id_code_mismatch",
                "footer_code": code,
                "meta_code": meta_code,
                "pages_missing": len(mismatched),
                "sample_pages": [m[0] for m in mismatched[: p.sample_pages]],
            },
        )


RULE = Rule(
    id="metadata-missing",
    category="不准确",
    severity="minor",
    title="网页元数据或底部标识缺失",
    basis="《政府网站发展指引》网页标签、底部功能区（网站标识码、ICP 备案号、公安机关备案号）",
    params=Params,
    check=check,
    requires=("pages",),
)
