"""disclosure-column-missing: the 政府信息公开 column lacks a required sub-column.

检查内容: 网站的“政府信息公开”（政务公开）栏目是否设有政府信息公开指南、政府信息公开制度、
          法定主动公开内容、政府信息公开年报和依申请公开。
依据: 国办公开办函〔2019〕61号（政府信息公开平台统一名称、统一格式，聚焦法定主动公开内容）；
      《中华人民共和国政府信息公开条例》第十二条、第二十条、第四十九条、第二十七条。
判定方法: 先找政府信息公开栏目：本站链接文字、栏目名称或页面标题等于 section_names 之一
          （政府信息公开、政务公开、信息公开…）且已抓取的页面；有多个候选时取能匹配到最多
          必需子栏目的一个。再收集该栏目下的名称：栏目页上所有链接的文字、网址位于该栏目目录下的
          栏目名称、面包屑经过该栏目的页面的面包屑和栏目名称。每个必需子栏目按名称变体匹配
          （如“信息公开指南”“公开指南”都算政府信息公开指南，“公开年报”“年度报告”都算年报），
          缺少的每一项报告一条。没有找到政府信息公开栏目时：政府网站（类型判定同年报规则）报告
          一条“未设置政府信息公开栏目”；部门网站视为使用集约化平台，不判定。
参数: required（每项“规范名称|变体|变体”）、section_names、section_required_for
      （government | all | none，默认 government）、kind（空 = 自动）。
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from audits import annual_report as A
from audits.context import SiteContext
from audits.documents import home_fetched, words
from audits.model import Finding, NotApplicable, Rule
from audits.runcache import run_cached

REQUIRED = (
    "政府信息公开指南|信息公开指南|公开指南",
    "政府信息公开制度|信息公开制度|公开制度",
    "法定主动公开内容|法定主动公开|主动公开内容|主动公开",
    "政府信息公开年报|信息公开年报|公开年报|年度报告|年报",
    "依申请公开|申请公开",
)
SECTION_NAMES = ("政府信息公开", "政务公开", "信息公开", "政府信息公开专栏", "政府信息公开平台", "政务公开专栏")


@dataclass(frozen=True)
class Params:
    required: tuple[str, ...] = REQUIRED
    section_names: tuple[str, ...] = SECTION_NAMES
    section_required_for: str = "government"
    kind: str = ""


def _n(text: str | None) -> str:
    return re.sub(r"[\s>＞»›]+", "", text or "")


def _dir(url: str) -> str:
    return url if url.endswith("/") else url.rsplit("/", 1)[0] + "/"


def _requirements(values: Any) -> list[tuple[str, tuple[str, ...]]]:
    if isinstance(values, str):
        items = [x.strip() for x in re.split(r"[,，;；\n]+", values) if x.strip()]
    else:
        items = [str(v) for v in (values or REQUIRED)]
    out = []
    for item in items:
        names = tuple(x for x in item.split("|") if x)
        if names:
            out.append((names[0], names))
    return out


def _names_under(ctx: SiteContext, section: dict[str, Any], section_names: tuple[str, ...]) -> list[str]:
    url = section["url"]
    names: list[str] = []
    for lk in ctx.query(
        "SELECT anchor FROM links WHERE run_id = ? AND source = ? AND kind IN ('page', 'external', 'attachment')",
        [ctx.run_id, url],
    ):
        if lk["anchor"]:
            names.append(lk["anchor"])
    prefix = _dir(url)
    for c in ctx.query("SELECT url, name FROM columns WHERE run_id = ?", [ctx.run_id]):
        if c["url"] != url and c["url"].startswith(prefix) and c["name"]:
            names.append(c["name"])
    for r in _disclosure_crumbs(ctx):
        try:
            crumbs = [_n(x) for x in json.loads(r["breadcrumb_json"] or "[]")]
        except ValueError:
            continue
        hit = next((i for i, x in enumerate(crumbs) if x in section_names), None)
        if hit is None:
            continue
        names += crumbs[hit + 1:]
        if r.get("column_name"):
            names.append(r["column_name"])
    return [_n(x) for x in names if _n(x)]


def _disclosure_crumbs(ctx: SiteContext) -> list[dict[str, Any]]:
    """The distinct (breadcrumb, column name) of this site's pages whose breadcrumb mentions 公开
    (a covering partial index, audits/store.py m007; once per site, not once per candidate)."""
    cached = getattr(ctx, "_disclosure_crumbs", None)
    if cached is None:
        cached = ctx._disclosure_crumbs = ctx.query(  # type: ignore[attr-defined]
            "SELECT DISTINCT breadcrumb_json, column_name FROM pages WHERE run_id = ? AND root = ? AND breadcrumb_json LIKE '%公开%'",
            [ctx.run_id, ctx.root],
        )
    return cached


def _section_links(ctx: SiteContext, section_names: tuple[str, ...]) -> dict[str, list[tuple[str, str, int]]]:
    """Per root: (target, normalised anchor, links) of the links whose text is a section name, in the
    order the per-site pass met them (by linking page, then link).  One query for the whole run
    (the expression index of m007 on the link text), not a pass over every link of every site."""
    marks = ",".join("?" * len(section_names))
    rows = ctx.db.conn.execute(
        "SELECT p.root, l.target, replace(l.anchor, ' ', '') AS a, count(*), min(p.rowid * 4294967296 + l.rowid) AS first "
        "FROM links l JOIN pages p INDEXED BY idx_pages_url_root ON p.run_id = l.run_id AND p.url = l.source "
        f"WHERE l.run_id = ? AND l.kind IN ('page', 'external') AND replace(l.anchor, ' ', '') IN ({marks}) "
        "GROUP BY p.root, l.target, a ORDER BY first",
        [ctx.run_id, *section_names],
    ).fetchall()
    out: dict[str, list[tuple[str, str, int]]] = {}
    for root, target, anchor, n, _first in rows:
        out.setdefault(root, []).append((target, anchor, n))
    return out


def section_names_of(p: Params) -> tuple[str, ...]:
    return tuple(_n(x) for x in words(p.section_names, SECTION_NAMES))


def section_links(ctx: SiteContext, section_names: tuple[str, ...]) -> dict[str, list[tuple[str, str, int]]]:
    """``_section_links`` once per run (audits/runcache.py)."""
    return run_cached(ctx, "disclosure-section-links", section_names, lambda c: _section_links(c, section_names))


def find_section(ctx: SiteContext, section_names: tuple[str, ...], reqs: list[tuple[str, tuple[str, ...]]]) -> tuple[dict[str, Any] | None, list[str], list[dict[str, Any]]]:
    """(the section {url, name, found_by}, names under it, all candidates considered)."""
    cands: dict[str, dict[str, Any]] = {}
    counts: Counter[str] = Counter()
    for target, anchor, n in section_links(ctx, section_names).get(ctx.root, []):
        name = _n(anchor)
        if name in section_names:
            counts[target] += n
            cands.setdefault(target, {"url": target, "name": name, "found_by": "link"})
    for c in ctx.columns():
        if _n(c.get("name")) in section_names:
            cands.setdefault(c["url"], {"url": c["url"], "name": _n(c["name"]), "found_by": "column"})
    crawled = {r["url"] for r in ctx.pages_in(list(cands))} if cands else set()
    scored = []
    for url, cand in cands.items():
        if url not in crawled:
            cand["crawled"] = False
            continue
        cand["crawled"] = True
        names = _names_under(ctx, cand, section_names)
        matched = sum(any(any(v in n for n in names) for v in variants) for _, variants in reqs)
        cand["matched"] = matched
        scored.append((matched, -section_names.index(cand["name"]), counts[url], cand, names))
    if not scored:
        return None, [], list(cands.values())
    scored.sort(key=lambda x: (x[0], x[1], x[2]), reverse=True)
    _, _, _, best, names = scored[0]
    return best, names, list(cands.values())


def check(ctx: SiteContext, p: Params) -> Iterator[Finding]:
    if not home_fetched(ctx):
        raise NotApplicable("home page not fetched")
    reqs = _requirements(p.required)
    section_names = section_names_of(p)
    section, names, cands = find_section(ctx, section_names, reqs)
    if section is None:
        kind, kind_source = A.site_kind(ctx.site_name, p.kind or (ctx.site_config.kind if ctx.site_config else None))
        needs = p.section_required_for == "all" or (p.section_required_for == "government" and kind == "government")
        if not needs:
            raise NotApplicable("no 政府信息公开 column (department site: centralised platform assumed)")
        yield Finding(
            url=ctx.root,
            subject=f"{ctx.root}#disclosure-section",
            message="网站没有设置“政府信息公开”栏目，请按国办公开办函〔2019〕61号统一设置并包含指南、制度、法定主动公开内容、年报和依申请公开。",
            evidence={"section_names": list(section_names), "candidates": cands, "site_kind": kind, "site_kind_source": kind_source,
                      "missing": [c for c, _ in reqs]},
        )
        return
    for canonical, variants in reqs:
        hit = next((n for n in names if any(v in n for v in variants)), None)
        if hit:
            continue
        yield Finding(
            url=section["url"],
            subject=f"{section['url']}#{canonical}",
            column=section["name"],
            message=f"“{section['name']}”栏目下没有“{canonical}”子栏目，请按政府信息公开平台规范补设该栏目并发布相应内容。",
            evidence={
                "section": section["url"],
                "section_name": section["name"],
                "section_found_by": section["found_by"],
                "missing": canonical,
                "variants_accepted": list(variants),
                "names_seen": sorted(set(names))[:60],
                "required": [c for c, _ in reqs],
            },
        )


RULE = Rule(
    id="disclosure-column-missing",
    category="不实用",
    severity="major",
    title="政府信息公开栏目要素缺失",
    basis="国办公开办函〔2019〕61号；《中华人民共和国政府信息公开条例》",
    params=Params,
    check=check,
    requires=("pages", "links", "columns"),
)
