"""column-stale: a column's newest item is older than the threshold for its type.

检查内容: 各栏目最新信息的发布日期。
依据: 《政府网站与政务新媒体检查指标》单项否决“栏目不更新”；开普云实现的 14/180/365 天分类。
判定方法: 按栏目类型取阈值：动态要闻类 14 天；通知公告、政策文件类 183 天（6 个月）；
          人事、规划计划等应更新栏目 365 天；历史性专题栏目不检查。
          栏目类型依次取：配置中指定 > ColumnType 元数据 > 栏目名称关键词 > 默认（应更新类）。
          最新日期距检查日超过阈值天数为不更新（恰好等于阈值不算）。只有无日期条目的栏目视为不更新。
          列表由脚本加载、需浏览器渲染而未能渲染的栏目记为“未检查”。
参数: dynamic_days、notice_days、should_update_days。
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from audits.columns import COLUMN_TYPES
from audits.context import SiteContext
from audits.interaction import unrendered_columns
from audits.model import Finding, NotChecked, Rule


@dataclass(frozen=True)
class Params:
    dynamic_days: int = 14
    notice_days: int = 183
    should_update_days: int = 365


def check(ctx: SiteContext, p: Params) -> Iterator[Finding]:
    thresholds = {"dynamic": p.dynamic_days, "notice": p.notice_days, "should_update": p.should_update_days}
    unverifiable = unrendered_columns(ctx)  # lists only a browser fills, not rendered: not judged
    for col in ctx.columns():
        if col["url"] in unverifiable:
            continue
        if not col["items"]:
            continue  # no items at all: column-empty
        ctype, type_source = ctx.column_type(col)
        if ctype not in thresholds:
            continue
        limit = thresholds[ctype]
        newest = ctx.query(
            "SELECT date, title, url FROM list_items WHERE run_id = ? AND column_url = ? AND date IS NOT NULL "
            "AND date <= ? ORDER BY date DESC LIMIT 1",
            [ctx.run_id, col["url"], ctx.as_of.isoformat()],
        )
        newest_date = ctx.parse_day(newest[0]["date"]) if newest else None
        days = (ctx.as_of - newest_date).days if newest_date else None
        if days is not None and days <= limit:
            continue
        name = col["name"] or col["url"]
        if newest_date is None:
            message = f"栏目“{name}”没有标注发布日期的信息，视为未更新，请及时更新并标注发布日期。"
        else:
            message = (
                f"栏目“{name}”（{COLUMN_TYPES[ctype]}）最近更新于 {newest_date.isoformat()}，"
                f"已 {days} 天未更新，超过 {limit} 天的要求，请及时更新。"
            )
        yield Finding(
            url=col["url"],
            column=name,
            message=message,
            evidence={
                "column": name,
                "column_type": ctype,
                "column_type_source": type_source,
                "meta_column_type": col["meta_column_type"],
                "newest_date": newest_date.isoformat() if newest_date else None,
                "newest_title": newest[0]["title"] if newest else None,
                "newest_url": newest[0]["url"] if newest else None,
                "days_since_update": days,
                "threshold_days": limit,
                "items": col["items"],
                "list_pages": col["pages"],
                "as_of": ctx.as_of.isoformat(),
            },
        )
    if unverifiable:
        raise NotChecked(unverifiable)


RULE = Rule(
    id="column-stale",
    category="不及时",
    severity="major",
    title="栏目不更新",
    basis="《政府网站与政务新媒体检查指标》单项否决·栏目不更新",
    params=Params,
    check=check,
    requires=("columns", "list_items"),
)
