"""newmedia-unreachable: a new-media account linked from the site cannot be opened.

检查内容: 网站公布的政务新媒体账号链接能否打开。
依据: 《政府网站与政务新媒体检查指标》链接可用性；政务新媒体“关停注销”后应同步撤除链接。
判定方法: 账号链接在重试后仍为 HTTP 4xx/5xx、域名解析失败、连接失败或超时，为无法打开（扣分）。
          账号链接不再按普通外部链接重复判定 dead-link。因 robots、仅限本机等原因跳过的不判定。
参数: 无。
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from audits import interaction as I
from audits.context import SiteContext
from audits.model import Finding, NotApplicable, Rule


@dataclass(frozen=True)
class Params:
    pass


def check(ctx: SiteContext, p: Params) -> Iterator[Finding]:
    accounts = I.accounts(ctx)
    if not accounts:
        raise NotApplicable
    for a in accounts:
        why = I.account_failure(a)
        if why is None:
            continue
        history = I.history(ctx, a["url"])
        opened_before = next((h for h in history if h["status"] is not None and h["status"] < 400 and not h["error"]), None)
        yield Finding(
            url=a["url"],
            page=a["listed_on"],
            message=f"网站公布的政务新媒体{I.account_label(a)}无法打开（{why}），请核实账号状态，已关停的请撤除链接。",
            evidence={
                "account": a["name"],
                "platform": a["platform"],
                "link_text": a["anchor"],
                "listed_on": a["listed_on"],
                "linking_pages": a["linking_pages"],
                "status": a["status"],
                "error": a["error"],
                "last_opened": opened_before["checked_at"] if opened_before else None,
                "history": history,
            },
        )


RULE = Rule(
    id="newmedia-unreachable",
    category="不实用",
    severity="major",
    title="政务新媒体账号无法打开",
    basis="《政府网站与政务新媒体检查指标》链接可用性",
    params=Params,
    check=check,
    requires=("newmedia_accounts",),
)
