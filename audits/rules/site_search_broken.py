"""site-search-broken: the site's search fails, or cannot find articles that are on the site.

检查内容: 网站是否提供站内搜索，搜索能否使用、能否查到本站已发布的信息。
依据: 《中华人民共和国政府信息公开条例》第二十四条（政府信息公开平台应当具备信息检索、查阅、下载等功能）；
      《政府网站发展指引》（国办发〔2017〕47号）文件资料“应提供准确的分类和搜索功能”；
      检查实践：“未实现全站搜索……搜索内容不全面、不易用”（北京 2019 年第四季度通报）。
判定方法: 抓取结束时，爬虫用本站的搜索框（首页上的，首页没有时取抓取中最先发现的搜索表单，
          按表单的 action、method、隐藏字段提交）分别搜索抓取到的几篇本站文章的完整标题
          （GOVAUDIT_SEARCH_PROBES，默认 3 篇，按网址均匀选取），记录返回结果（状态、跳转、结果页链接）。
          结果页上有链接指向该文章，或链接文字包含该标题（截断为“…”的标题按前缀）即为查到；
          跳转后返回结果的同样算查到。所有搜索请求都失败（网络错误、HTTP ≥ 400），或没有一篇查到，
          报告一条，列出每次搜索的关键词、请求和返回情况。首页没有任何搜索框、抓取中也没有发现
          搜索表单时，报告“未提供站内搜索”；搜索框由脚本提交（无法按页面提交）或没有可搜索的标题时不判定。
参数: min_found（至少查到几篇，默认 1）。
示例: 搜索框提交后 302 跳转到搜索引擎并列出该文章：不报告；结果页显示“共找到 0 条”：报告。
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from audits import services as S
from audits.context import SiteContext
from audits.documents import home_fetched
from audits.model import Finding, NotApplicable, Rule

_TRUNC = re.compile(r"(?:\.{2,}|…+|。。。)$")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Params:
    min_found: int = 1


def _t(text: str | None) -> str:
    return _SPACE.sub("", text or "")


def _same(a: str, b: str) -> bool:
    return a.split("#")[0].rstrip("/") == b.split("#")[0].rstrip("/")


def matched(probe: dict[str, Any]) -> dict[str, str] | None:
    """The result link that shows the searched article, or None."""
    q = _t(probe["query"])
    for href, anchor in S.load_json(probe.get("links_json"), []):
        if probe.get("article_url") and _same(href, probe["article_url"]):
            return {"href": href, "anchor": anchor, "by": "url"}
        a = _t(anchor)
        if q and q in a:
            return {"href": href, "anchor": anchor, "by": "title"}
        stem = _TRUNC.sub("", a)
        if stem != a and len(stem) >= 8 and q.startswith(stem):
            return {"href": href, "anchor": anchor, "by": "truncated title"}
    return None


def _outcome(probe: dict[str, Any]) -> dict[str, Any]:
    out = {k: probe.get(k) for k in ("query", "article_url", "method", "request_url", "status", "final_url", "error", "empty_marker", "text_hits", "form_page")}
    out["redirects"] = json.loads(probe["redirect_chain_json"]) if probe.get("redirect_chain_json") else []
    if probe.get("error") or (probe.get("status") or 0) >= 400:
        out["outcome"] = "failed"
        out["why"] = probe.get("error") or f"HTTP {probe['status']}"
        return out
    hit = matched(probe)
    out["outcome"] = "found" if hit else "not_found"
    out["match"] = hit
    if not hit:
        out["result_links"] = [a for _, a in S.load_json(probe.get("links_json"), []) if len(a) >= 8][:10]
    return out


def check(ctx: SiteContext, p: Params) -> Iterator[Finding]:
    if not home_fetched(ctx):
        raise NotApplicable("home page not fetched")
    # in a fixed order (the probes' answers arrive in any order): the message quotes the first ones
    probes = ctx.query("SELECT * FROM search_probes WHERE run_id = ? AND root = ? ORDER BY form_page, query, request_url, rowid",
                       [ctx.run_id, ctx.root])
    if not probes:
        forms = S.load_json((ctx.home or {}).get("forms_json"), None)
        if forms is None:
            raise NotApplicable("the crawl did not record the home page's forms")
        if any(f.get("role") == "search" for f in forms):
            raise NotApplicable("search box present but not probed (no article titles, or probes off)")
        S.require_home_links(ctx)
        yield Finding(
            url=ctx.root,
            subject=f"{ctx.root}#search",
            message="网站未提供站内搜索（首页没有搜索框，抓取中也没有发现搜索表单），请提供全站搜索功能。",
            evidence={"reason": "no_search_form", "home_forms": forms},
        )
        return
    outcomes = [_outcome(r) for r in probes]
    found = [o for o in outcomes if o["outcome"] == "found"]
    if len(found) >= p.min_found:
        return
    first = probes[0]
    failed = all(o["outcome"] == "failed" for o in outcomes)
    queries = "、".join(f"“{o['query']}”" for o in outcomes[:3])
    if failed:
        message = f"站内搜索无法使用：搜索{queries}时请求失败（{outcomes[0]['why']}），请修复搜索功能。"
    else:
        message = f"站内搜索查不到本站已发布的文章：按完整标题搜索{queries}均没有返回该文章，请检查搜索索引是否覆盖全站。"
    yield Finding(
        url=ctx.root,
        page=first["form_page"],
        subject=f"{ctx.root}#search",
        message=message,
        evidence={
            "reason": "failed" if failed else "not_found",
            "form": {"page": first["form_page"], "action": first["action"], "method": first["method"], "field": first["field"]},
            "probes": outcomes,
            "found": len(found),
            "min_found": p.min_found,
        },
    )


RULE = Rule(
    id="site-search-broken",
    category="不实用",
    severity="major",
    title="站内搜索不可用",
    basis="《中华人民共和国政府信息公开条例》第二十四条；《政府网站发展指引》（国办发〔2017〕47号）",
    params=Params,
    check=check,
    requires=("pages",),
)
