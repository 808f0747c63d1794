"""homepage-stale: nothing new on the home page within the threshold.

检查内容: 首页在监测时间点前 2 周内是否有信息更新。
依据: 《政府网站与政务新媒体检查指标》单项否决“首页不更新”；2015 普查评分表注：未注明信息发布时间的视为不更新。
判定方法: 取首页上带日期的信息条目中最新的日期；距检查日超过 max_days 天即不更新。
          首页仅为栏目导航入口（无任何带日期条目）时，取其链接的所有二级页面中最新的日期。
          没有日期的条目不算更新；晚于检查日的日期（错填的未来日期）不计。
          首页内容由脚本加载、需浏览器渲染而未能渲染时记为“未检查”，不判为不更新。
参数: max_days（默认 14）。
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from audits.context import SiteContext
from audits.interaction import unrendered_home
from audits.model import Finding, NotApplicable, NotChecked, Rule


@dataclass(frozen=True)
class Params:
    max_days: int = 14


def _newest(ctx: SiteContext, items: list[dict[str, Any]]) -> tuple[dict[str, Any] | None, int]:
    best, future = None, 0
    for it in items:
        d = ctx.parse_day(it.get("date"))
        if d is None:
            continue
        if d > ctx.as_of:
            future += 1
            continue
        if best is None or d > ctx.parse_day(best["date"]):  # type: ignore[operator]
            best = it
    return best, future


def check(ctx: SiteContext, p: Params) -> Iterator[Finding]:
    home = ctx.home
    if not home or home.get("error") or (home.get("status") or 0) >= 400:
        raise NotApplicable("home page not fetched (see site-unreachable)")
    home_items = ctx.items_on([ctx.root])
    newest, future = _newest(ctx, home_items)
    basis = "home"
    second_level: list[str] = []
    if newest is None:
        # navigation-only home page: judge by its second-level pages
        basis = "second_level"
        targets = sorted({lk["target"] for lk in ctx.links_from(ctx.root)} - {ctx.root})
        second_level = [pg["url"] for pg in ctx.pages_in(targets) if pg["root"] == ctx.root]
        items = ctx.items_on(second_level)
        newest, future2 = _newest(ctx, items)
        future += future2
        articles = [
            pg for pg in ctx.pages_in(second_level)
            if pg.get("pub_date") and ctx.parse_day(pg["pub_date"]) <= ctx.as_of  # type: ignore[operator]
        ]
        for pg in articles:
            if newest is None or pg["pub_date"][:10] > newest["date"]:
                newest = {"date": pg["pub_date"][:10], "title": pg.get("article_title") or pg.get("title"), "url": pg["url"], "page_url": pg["url"]}
    newest_date = ctx.parse_day(newest["date"]) if newest else None
    days = (ctx.as_of - newest_date).days if newest_date else None
    if days is not None and days <= p.max_days:
        return
    why = unrendered_home(ctx)
    if why:  # filled by scripts and not rendered: not judged stale (audits/interaction.py)
        raise NotChecked({ctx.root: why})
    evidence = {
        "basis": basis,
        "newest_date": newest_date.isoformat() if newest_date else None,
        "newest_title": newest.get("title") if newest else None,
        "newest_url": newest.get("url") if newest else None,
        "days_since_update": days,
        "threshold_days": p.max_days,
        "dated_items_on_home": len([i for i in home_items if i.get("date")]),
        "second_level_pages": len(second_level),
        "future_dates_ignored": future,
        "as_of": ctx.as_of.isoformat(),
    }
    where = "首页" if basis == "home" else "首页为导航页，其二级页面"
    if newest_date is None:
        message = f"{where}没有任何标注发布日期的信息，视为不更新，请在首页栏目及时发布并标注日期的信息。"
    else:
        message = f"{where}最近一次更新为 {newest_date.isoformat()}，已 {days} 天未更新（要求 {p.max_days} 天内有更新），请及时更新首页信息。"
    yield Finding(url=ctx.root, message=message, evidence=evidence)


RULE = Rule(
    id="homepage-stale",
    category="不及时",
    severity="veto",
    title="首页不更新",
    basis="《政府网站与政务新媒体检查指标》单项否决·首页不更新",
    params=Params,
    check=check,
    requires=("pages", "list_items", "links"),
)
