"""newmedia-stale: a government new-media account's newest post is older than the limit (僵尸号 after a year).

检查内容: 网站公布的政务新媒体账号（微信公众号、微博、抖音、头条号、视频号等）最近一次发布的日期。
依据: 《政府网站与政务新媒体检查指标》政务新媒体单项否决·内容不更新（监测时间点前 2 周内无更新）；
      北京市 2019 年第四季度通报：超过 1 年不更新为“僵尸”号。
判定方法: 跟随网站上的账号链接打开账号页面（只打开一层，不抓取平台），需要脚本加载内容的页面用浏览器渲染；
          读到的最新发布日期距检查日超过 14 天为不更新（单项否决），超过 365 天在提示中写明“僵尸号”。
          打不开的账号由 newmedia-unreachable 判定；页面需渲染而未能渲染、或页面上读不到任何发布日期的账号记为“未检查”。
参数: max_days（14）、zombie_days（365）。
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from audits import interaction as I
from audits.context import SiteContext
from audits.model import Finding, NotApplicable, NotChecked, Rule


@dataclass(frozen=True)
class Params:
    max_days: int = 14
    zombie_days: int = 365


def check(ctx: SiteContext, p: Params) -> Iterator[Finding]:
    accounts = I.accounts(ctx)
    if not accounts:
        raise NotApplicable
    unchecked: dict[str, str] = {}
    for a in accounts:
        if a["status"] is None or a["error"] or a["status"] >= 400:
            continue  # not opened: newmedia-unreachable
        if a["render_status"] in I.NOT_RENDERED:
            unchecked[a["url"]] = I.why_not_rendered(a)
            continue
        newest = ctx.parse_day(a["newest_post"])
        if newest is None:
            unchecked[a["url"]] = "账号页面上未读到发布日期（可能需要登录或页面结构未能识别）"
            continue
        days = (ctx.as_of - newest).days
        if days <= p.max_days:
            continue
        label = I.account_label(a)
        zombie = days > p.zombie_days
        message = (f"政务新媒体{label}最近一次发布于 {newest.isoformat()}，已 {days} 天未更新"
                   + (f"，超过 1 年未更新，属于“僵尸号”，请整改或按程序关停注销。" if zombie else f"，超过 {p.max_days} 天，请及时更新。"))
        yield Finding(
            url=a["url"],
            page=a["listed_on"],
            message=message,
            evidence={
                "account": a["name"],
                "platform": a["platform"],
                "link_text": a["anchor"],
                "listed_on": a["listed_on"],
                "newest_post": newest.isoformat(),
                "newest_post_text": a["newest_post_text"],
                "posts_dated": a["posts_dated"],
                "days_since_post": days,
                "threshold_days": p.max_days,
                "zombie": zombie,
                "rendered": a["render_status"] == "ok",
                "history": I.history(ctx, a["url"]),
                "as_of": ctx.as_of.isoformat(),
            },
        )
    if unchecked:
        raise NotChecked(unchecked)


RULE = Rule(
    id="newmedia-stale",
    category="不及时",
    severity="veto",
    title="政务新媒体不更新",
    basis="《政府网站与政务新媒体检查指标》政务新媒体单项否决·内容不更新",
    params=Params,
    check=check,
    requires=("newmedia_accounts",),
)
