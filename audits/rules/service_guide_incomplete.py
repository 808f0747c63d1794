"""service-guide-incomplete: a 办事指南 lacks some of the eight element classes (服务不实用).

检查内容: 网站提供的办事指南（本站页面，以及本站链接到其他网站的办事指南页面，一跳）是否具备
          事项名称、设定依据、申请条件、办理材料、办理地点、办理时间、联系电话、办理流程 8 类要素；
          政府门户网站是否提供办事服务。
依据: 《政府网站与政务新媒体检查指标》（国办秘函〔2019〕19号）单项否决“服务不实用”：1.未提供办事服务；
      2.办事指南重点要素类别缺失；全国政府网站普查《关于“办事指南”指标的说明》（gov.cn/wzpc 2015-06-10）：
      “办事指南完整性（按类评价）……是否覆盖事项名称、设定依据、申请条件、办理材料、办理地点、
      办理时间、联系电话、办理流程等8类要素”。
判定方法: 办事指南 = 标题、栏目名或面包屑含“指南”（“政府信息公开指南”“标准目录”和列表页除外）且
          至少有一类要素标签的页面，或页面标签覆盖至少 min_classes_for_guide 类要素的页面；本站页面读抓取时记录的字段标签（表格首列、
          表头、“申请条件：”式标签、“三、办理程序”式小标题），外站指南读链接检查时记录的标签。
          每类要素按标签变体识别（受理条件、申报材料、咨询电话、办理程序、法定依据、办公地址…），
          “办理时限”不等于“办理时间”。每份缺少要素的指南报告一条，列出缺少的类别。
          政府门户网站既没有办事指南、也没有可打开的“办事服务/网上办事/政务服务”入口时，报告一条
          单项否决“未提供办事服务”。网站整体的否决线（缺少 ≥ veto_min_missing 类要素的指南达到
          veto_min_guides 份，标准未公开全文，为默认值）由报告的单项否决记分卡判定。
          指南中无法下载的表格、附件由 dead-link 规则报告（页面为该指南）。
参数: classes（每项“规范名称|变体|…”）、min_classes_for_guide（默认 4）、veto_min_missing（默认 4）、
      veto_min_guides（默认 5）、service_words、require_service_for（government | all | none）、kind。
示例: 一份指南写有“受理条件”“申报材料”“咨询电话”“办理程序”等同义标签，不报告；
      一份指南只有“办理时限”而没有“办理时间”，报告缺少“办理时间”。
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from audits import services as S
from audits.context import SiteContext
from audits.documents import home_fetched, words
from audits.model import Finding, NotApplicable, Rule


@dataclass(frozen=True)
class Params:
    classes: tuple[str, ...] = S.GUIDE_CLASSES
    min_classes_for_guide: int = 4
    veto_min_missing: int = 4
    veto_min_guides: int = 5
    service_words: tuple[str, ...] = S.SERVICE_WORDS
    require_service_for: str = "government"
    kind: str = ""


def _named_guide(*names: str | None) -> bool:
    text = " ".join(n or "" for n in names)
    return S.has_any(text, S.GUIDE_NAME_WORDS) and not S.has_any(text, S.NOT_GUIDE_WORDS)


def guides(ctx: SiteContext, p: Params) -> list[dict]:
    """The site's guide pages and the outside guide pages it links to, with their labels."""
    classes = S.variants(p.classes)
    out = []
    # pages with labels: a partial index (crawler/store.py m008), never a scan of the root's pages
    for r in ctx.query(
        "SELECT url, title, column_name, article_title, breadcrumb_json, labels_json, is_list FROM pages "
        "WHERE run_id = ? AND root = ? AND labels_json IS NOT NULL",
        [ctx.run_id, ctx.root],
    ):
        crumbs = " ".join(S.load_json(r["breadcrumb_json"], []))
        labels = S.load_json(r["labels_json"], [])
        found = S.match_labels(labels, classes)
        named = _named_guide(r["title"], r["article_title"], r["column_name"], crumbs)
        if r["is_list"] or S.has_any(" ".join([r["title"] or "", r["article_title"] or ""]), S.NOT_GUIDE_WORDS):
            continue  # a list of guides, the 政府信息公开指南 or a catalog is not a guide
        n = sum(v is not None for v in found.values())
        if (named and n >= 1) or n >= p.min_classes_for_guide:
            out.append({"url": r["url"], "title": r["article_title"] or r["title"], "found": found, "labels": labels, "page": None, "host": "site"})
    # outside guides, one hop: link checks that kept labels (a partial index), then who links them
    checks = {r["url"]: r for r in ctx.query(
        "SELECT url, title, labels_json FROM link_checks WHERE run_id = ? AND labels_json IS NOT NULL", [ctx.run_id])}
    targets = list(checks)
    for i in range(0, len(targets), 400):
        chunk = targets[i : i + 400]
        marks = ",".join("?" * len(chunk))
        for r in ctx.query(
            "SELECT l.target, min(l.source) AS source, min(l.anchor) AS anchor FROM links l "
            "JOIN pages p ON p.run_id = l.run_id AND p.url = l.source AND p.root = ? "
            f"WHERE l.run_id = ? AND l.target IN ({marks}) GROUP BY l.target",
            [ctx.root, ctx.run_id, *chunk],
        ):
            check = checks[r["target"]]
            labels = S.load_json(check["labels_json"], [])
            found = S.match_labels(labels, classes)
            n = sum(v is not None for v in found.values())
            if (_named_guide(check["title"], r["anchor"]) and n >= 1) or n >= p.min_classes_for_guide:
                out.append({"url": r["target"], "title": check["title"] or r["anchor"], "found": found, "labels": labels, "page": r["source"], "host": "outside"})
    return out


def _service_entries(ctx: SiteContext, service_words: tuple[str, ...]) -> list[dict]:
    links = [lk for lk in S.home_links(ctx) if S.has_any(lk["anchor"], service_words)]
    states = S.target_states(ctx, [lk["target"] for lk in links])
    return [{"url": lk["target"], "anchor": lk["anchor"], **states[lk["target"]]} for lk in links]


def check(ctx: SiteContext, p: Params) -> Iterator[Finding]:
    if not home_fetched(ctx):
        raise NotApplicable("home page not fetched")
    found = guides(ctx, p)
    required = [c for c, _ in S.variants(p.classes)]
    if not found:
        kind, source = S.site_kind(ctx, p.kind)
        needs = p.require_service_for == "all" or (p.require_service_for == "government" and kind == "government")
        entries = _service_entries(ctx, words(p.service_words, S.SERVICE_WORDS))
        if not needs or any(e["state"] != "failed" for e in entries):
            raise NotApplicable("no service guide crawled")
        S.require_home_links(ctx)
        yield Finding(
            url=ctx.root,
            subject=f"{ctx.root}#no-service",
            severity="veto",
            message="网站未提供可用的办事服务（首页没有可打开的办事服务入口，也没有办事指南），请提供办事服务或链接到政务服务平台的办事指南。",
            evidence={"site_kind": kind, "site_kind_source": source, "service_entries": entries,
                      "service_words": list(words(p.service_words, S.SERVICE_WORDS))},
        )
        return
    for g in found:
        missing = [c for c in required if g["found"].get(c) is None]
        if not missing:
            continue
        where = "（外站办事指南）" if g["host"] == "outside" else ""
        yield Finding(
            url=g["url"],
            page=g["page"],
            message=f"办事指南“{g['title'] or g['url']}”{where}缺少{'、'.join(missing)}要素，请按办事指南要素要求补全。",
            evidence={
                "title": g["title"],
                "missing": missing,
                "missing_count": len(missing),
                "present": {c: lab for c, lab in g["found"].items() if lab},
                "labels_seen": g["labels"][:80],
                "host": g["host"],
                "required": required,
                "veto_min_missing": p.veto_min_missing,
                "veto_min_guides": p.veto_min_guides,
            },
        )


RULE = Rule(
    id="service-guide-incomplete",
    category="不实用",
    severity="major",
    title="办事指南要素缺失",
    basis="《政府网站与政务新媒体检查指标》单项否决“服务不实用”；全国政府网站普查《关于“办事指南”指标的说明》",
    params=Params,
    check=check,
    requires=("pages", "links"),
)
