"""standard-catalog-missing: a 基层政务公开 pilot domain has no standard catalog, or a catalog lacks elements.

检查内容: 县级、乡镇（街道）人民政府网站的“基层政务公开标准化规范化”专栏是否发布了 26 个试点领域的
          政务公开事项标准目录，目录是否列明公开事项的名称、内容、依据、时限、主体、方式、渠道、对象。
依据: 《国务院办公厅关于全面推进基层政务公开标准化规范化工作的指导意见》（国办发〔2019〕54号）：
      “基层政府要对照国务院部门制定的26个试点领域基层政务公开标准指引……编制完成本级政务公开事项
      标准目录”，“目录至少应包括公开事项的名称、内容、依据、时限、主体、方式、渠道、公开对象等要素”。
判定方法: 只检查县级（名称含县、区、旗的人民政府）和乡镇（街道）网站，市级及部门网站不判定（kind 可配置）。
          专栏从首页链接、首页链接的“政务公开/信息公开”页面上的链接和栏目名称中识别（含“基层政务公开”
          “标准化规范化”“标准目录”），有多个候选时取能匹配到最多领域的一个。专栏页面上的链接文字和
          专栏目录下的栏目名称逐一按领域名称变体匹配（城乡规划/国土空间规划、扶贫/乡村振兴、
          卫生健康/医疗卫生……），缺少的每个领域报告一条（链接为专栏页面）。每个领域的目录页面
          （或其下含“目录”的页面）读抓取时记录的表头、标签，缺少目录要素的报告一条（链接为目录页面）；
          目录只以附件（xls、pdf…）发布、无法读取要素的不判定要素，在证据中说明。
          没有专栏时报告一条“未设置专栏”，列出全部领域。
参数: domains（每项“规范名称|变体|…”）、elements、section_words、kind（空 = 自动；county / township
      强制检查）。
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from audits import services as S
from audits.context import SiteContext
from audits.documents import home_fetched, words
from audits.model import Finding, NotApplicable, Rule

_BASE_LEVEL = re.compile(r"(?:县|区|旗)(?:人民政府|政府)|(?:乡|镇)(?:人民政府|政府)|街道|办事处")
_DISCLOSURE_WORDS = ("政务公开", "信息公开", "政府信息公开")


@dataclass(frozen=True)
class Params:
    domains: tuple[str, ...] = S.DOMAINS
    elements: tuple[str, ...] = S.CATALOG_ELEMENTS
    section_words: tuple[str, ...] = S.CATALOG_SECTION_WORDS
    kind: str = ""


def applies(ctx: SiteContext, p: Params) -> tuple[bool, str]:
    if p.kind in ("county", "township"):
        return True, "config"
    kind, source = S.site_kind(ctx, p.kind)
    if kind == "township":
        return True, source
    if kind == "government" and _BASE_LEVEL.search("".join(ctx.site_name.split())):
        return True, source
    return False, f"{kind} ({source})"


def _sections(ctx: SiteContext, section_words: tuple[str, ...], columns: list[dict[str, Any]]) -> list[dict[str, Any]]:
    home = S.home_links(ctx, ("page",))
    hubs = [lk["target"] for lk in home if S.has_any(lk["anchor"], _DISCLOSURE_WORDS)]
    cands: dict[str, dict[str, Any]] = {}
    for lk in home + S.links_from_pages(ctx, list(dict.fromkeys(hubs)), ("page",)):
        if S.has_any(lk["anchor"], section_words):
            cands.setdefault(lk["target"], {"url": lk["target"], "name": lk["anchor"], "found_by": "link"})
    for c in columns:
        if S.has_any(c.get("name"), section_words):
            cands.setdefault(c["url"], {"url": c["url"], "name": c["name"], "found_by": "column"})
    crawled = {r["url"]: r for r in ctx.pages_in(list(cands))}
    return [c for u, c in cands.items() if u in crawled and not crawled[u].get("error") and (crawled[u].get("status") or 0) < 400]


def _domains_under(ctx: SiteContext, section: dict[str, Any], domains: list[tuple[str, tuple[str, ...]]], columns: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    url = section["url"]
    names = [(lk["anchor"], lk["target"], lk["kind"]) for lk in S.links_from_pages(ctx, [url]) if lk["target"] != url]
    prefix = url if url.endswith("/") else url.rsplit("/", 1)[0] + "/"
    names += [(c["name"], c["url"], "page") for c in columns if c["url"] != url and c["url"].startswith(prefix)]
    out: dict[str, dict[str, Any]] = {}
    for canonical, variants in domains:
        for anchor, target, kind in names:
            hit = next((v for v in variants if v in (anchor or "")), None)
            if hit:
                out[canonical] = {"name": anchor, "url": target, "kind": kind, "variant": hit}
                break
    return out


def _catalog_labels(ctx: SiteContext, url: str) -> tuple[str, list[str], list[str]]:
    """(state, labels, pages read) of a domain's catalog: labels | attachment | none."""
    rows = {r["url"]: r for r in ctx.pages_in([url])}
    labels = S.load_json((rows.get(url) or {}).get("labels_json"), None)
    if labels:
        return "labels", labels, [url]
    links = S.links_from_pages(ctx, [url])
    subs = [lk["target"] for lk in links if lk["kind"] == "page" and "目录" in (lk["anchor"] or "") and lk["target"] != url]
    read, found = [], []
    for r in ctx.pages_in(subs[:10]):
        sub = S.load_json(r.get("labels_json"), None)
        if sub:
            read.append(r["url"])
            found += sub
    if found:
        return "labels", found, read
    if any(lk["kind"] == "attachment" for lk in links):
        return "attachment", [], [url]
    return "none", [], [url]


def check(ctx: SiteContext, p: Params) -> Iterator[Finding]:
    if not home_fetched(ctx):
        raise NotApplicable("home page not fetched")
    ok, why = applies(ctx, p)
    if not ok:
        raise NotApplicable(f"not a county or township government site: {why}")
    domains = S.variants(p.domains)
    elements = S.variants(p.elements)
    section_words = words(p.section_words, S.CATALOG_SECTION_WORDS)
    columns = ctx.columns()
    scored = [(s, _domains_under(ctx, s, domains, columns)) for s in _sections(ctx, section_words, columns)]
    if not scored:
        S.require_home_links(ctx)
        yield Finding(
            url=ctx.root,
            subject=f"{ctx.root}#standard-catalog",
            message="网站未设置基层政务公开标准化规范化专栏（未找到试点领域政务公开标准目录），请按国办发〔2019〕54号发布本级 26 个试点领域的标准目录。",
            evidence={"missing": [c for c, _ in domains], "section_words": list(section_words)},
        )
        return
    section, found = max(scored, key=lambda x: len(x[1]))
    for canonical, variants in domains:
        if canonical in found:
            continue
        yield Finding(
            url=section["url"],
            subject=f"{section['url']}#{canonical}",
            column=section["name"],
            message=f"“{section['name']}”专栏中没有“{canonical}”领域的政务公开标准目录，请编制并发布该领域的标准目录。",
            evidence={"domain": canonical, "variants_accepted": list(variants), "section": section["url"],
                      "domains_found": {k: v["name"] for k, v in found.items()}},
        )
    for canonical, d in found.items():
        if d["kind"] != "page":
            continue
        state, labels, read = _catalog_labels(ctx, d["url"])
        if state == "attachment":
            continue  # published as a spreadsheet or PDF: its columns are not read
        present = S.match_labels(labels, elements, slack=8)
        missing = [c for c, lab in present.items() if lab is None]
        if not missing:
            continue
        yield Finding(
            url=d["url"],
            page=section["url"],
            subject=f"{d['url']}#catalog-elements",
            column=section["name"],
            message=f"“{d['name']}”标准目录缺少{'、'.join(missing)}要素，目录应列明公开事项的名称、内容、依据、时限、主体、方式、渠道和公开对象。",
            evidence={"domain": canonical, "missing": missing, "present": {c: lab for c, lab in present.items() if lab},
                      "labels_seen": labels[:80], "pages_read": read, "state": state},
        )


RULE = Rule(
    id="standard-catalog-missing",
    category="不实用",
    severity="major",
    title="基层政务公开标准目录缺失",
    basis="国办发〔2019〕54号《关于全面推进基层政务公开标准化规范化工作的指导意见》",
    params=Params,
    check=check,
    requires=("pages", "links"),
)
