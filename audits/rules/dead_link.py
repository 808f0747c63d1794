"""dead-link: a link (page, attachment, image or outside site) that fails.

检查内容: 网站各页面上的链接（内部页面、图片、附件、外部网站）能否打开。
依据: 《政府网站与政务新媒体检查指标》扣分指标·链接可用性（首页及其他页面不能正常访问的链接）。
判定方法: 内部页面取抓取结果；外部链接、附件、图片先 HEAD、被拒绝或失败时再 GET，重试并退避后仍为
          HTTP 4xx/5xx、域名解析失败、连接被拒绝、超时、重定向循环或超过 10 次重定向即为不可用。
          同一目标只报一条，证据列出所有链接它的页面及链接文字；首页上的链接为 major，其余为 minor。
          因 robots.txt 未抓取、过长网址等跳过的链接不判定。
参数: home_severity、other_severity。
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from audits import links as L
from audits.context import SiteContext
from audits.model import Finding, Rule

KIND_LABEL = {"page": "页面", "external": "外部网站", "attachment": "附件", "image": "图片", "invalid": "格式错误的"}


@dataclass(frozen=True)
class Params:
    home_severity: str = "major"
    other_severity: str = "minor"


def check(ctx: SiteContext, p: Params) -> Iterator[Finding]:
    for t in L.targets(ctx):
        why = L.failure(t.result, t.kind)
        if why is None:
            continue
        r = t.result or {}
        first = t.sources[0]
        where = "首页" if t.on_home else f"{len(t.sources)} 个页面"
        yield Finding(
            url=t.url,
            page=first["page"],
            severity=p.home_severity if t.on_home else p.other_severity,
            message=f"{where}上的{KIND_LABEL.get(t.kind, '')}链接无法打开（{why}），请修正或删除该链接。",
            evidence={
                "kind": t.kind,
                "status": r.get("status"),
                "error": r.get("error"),
                "redirect_chain": L.chain(r),
                "response_seconds": r.get("elapsed"),
                "checked_by": r.get("method") or "crawl",
                "attempts": r.get("attempts"),
                "on_home_page": t.on_home,
                "linking_pages": len(t.sources),
                "pages": t.evidence_pages(),
            },
        )


RULE = Rule(
    id="dead-link",
    category="不准确",
    severity="minor",
    title="链接不可用",
    basis="《政府网站与政务新媒体检查指标》扣分指标·链接可用性",
    params=Params,
    check=check,
    requires=("links", "pages", "link_checks"),
)
