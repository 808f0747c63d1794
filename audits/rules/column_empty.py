"""column-empty: a column (栏目) with no items at all (空白栏目).

检查内容: 栏目是否有内容。
依据: 《政府网站与政务新媒体检查指标》单项否决“栏目不更新”第 3 项（空白栏目 ≥ 5 个单项否决）；
      2015 普查：空白栏目指“有栏目无内容”。
判定方法: 栏目列表页没有任何信息条目，并且显示“暂无信息”等占位文字，
          或者除全站共用的导航链接外没有任何内容链接。历史性专题栏目同样检查。
          列表由脚本加载、需浏览器渲染而未能渲染的栏目记为“未检查”，不判为空白栏目。
参数: 无。
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from audits.context import SiteContext
from audits.interaction import unrendered_columns
from audits.model import Finding, NotChecked, Rule


@dataclass(frozen=True)
class Params:
    pass


def check(ctx: SiteContext, p: Params) -> Iterator[Finding]:
    template = {lk["target"] for lk in ctx.links_from(ctx.root, ("page", "external", "attachment"))}
    template.add(ctx.root)
    unverifiable = unrendered_columns(ctx)  # lists only a browser fills, not rendered: not judged
    for col in ctx.columns():
        if col["items"] or col["url"] in unverifiable:
            continue
        ctype, _ = ctx.column_type(col)
        if ctype == "exempt":
            continue
        own = [
            lk
            for lk in ctx.links_from(col["url"], ("page", "attachment"))
            if lk["target"] not in template and lk["target"] != col["url"]
        ]
        if not col["empty_marker"] and own:
            continue  # links we could not read as dated items: not provably empty
        name = col["name"] or col["url"]
        marker = f"（页面显示“{col['empty_marker']}”）" if col["empty_marker"] else ""
        yield Finding(
            url=col["url"],
            column=name,
            message=f"栏目“{name}”没有任何信息{marker}，属于空白栏目，请补充内容或调整、撤销该栏目。",
            evidence={
                "column": name,
                "empty_marker": col["empty_marker"],
                "content_links": len(own),
                "list_pages": col["pages"],
            },
        )
    if unverifiable:
        raise NotChecked(unverifiable)


RULE = Rule(
    id="column-empty",
    category="不实用",
    severity="major",
    title="空白栏目",
    basis="《政府网站与政务新媒体检查指标》单项否决·栏目不更新（空白栏目）",
    params=Params,
    check=check,
    requires=("columns", "links"),
)
