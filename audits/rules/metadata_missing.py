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


def check(ctx: SiteContext, p: Params) -> Iterator[Finding]:
    # plain tuples, no sort of the whole site: only the pages missing something are put in order
    rows = ctx.db.conn.execute(
        "SELECT url, is_home, is_article, is_list, meta_json, footer_json FROM pages WHERE run_id = ? AND root = ? "
        "AND error IS NULL AND status < 400 AND meta_json IS NOT NULL",
        [ctx.run_id, ctx.root],
    )
    missing_keyed: dict[tuple[str, str], list[tuple[tuple[Any, ...], str]]] = defaultdict(list)
    totals: dict[str, int] = defaultdict(int)
    mismatched_keyed: list[tuple[tuple[Any, ...], tuple[str, str, str]]] = []
    footers: dict[str | None, dict[str, Any]] = {}  # the footer is a template: the same on most pages
    for url, is_home, is_article, is_list, meta_json, footer_json in rows:
        ptype = "article" if is_article else "list" if is_list else "site"
        totals[ptype] += 1
        totals["footer"] += 1
        order = (is_home is None, -(is_home or 0), url)  # ORDER BY is_home DESC, url
        meta = json.loads(meta_json or "{}")
        for tag in REQUIRED[ptype]:
            if not (meta.get(tag) or "").strip():
                missing_keyed[(ptype, tag)].append((order, url))
        footer = footers.get(footer_json)
        if footer is None:
            footer = footers[footer_json] = json.loads(footer_json or "{}")
        for item in FOOTER_ITEMS:
            if not footer.get(item):
                missing_keyed[("footer", item)].append((order, url))
        code, meta_code = footer.get("site_id_code"), (meta.get("SiteIDCode") or "").strip()
        if code and meta_code and code != meta_code:
            mismatched_keyed.append((order, (url, code, meta_code)))
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
