"""annual-report-late: last year's 政府信息公开工作年度报告 was published after its deadline.

检查内容: 上一年度政府信息公开工作年度报告的发布日期是否晚于法定截止日期。
依据: 《中华人民共和国政府信息公开条例》第四十九条（部门 1月31日前；县级以上地方人民政府 3月31日前）。
判定方法: 站点类型、应报告年度、年报识别同 annual-report-missing。发布日期取年报页面的发布日期
          （信息公开元数据的发布日期/公开日期，或页面信息栏），页面未抓取时取栏目列表中的日期。
          发布日期晚于截止日即报告（截止日当天不算）；没有发布日期的年报无法判定，不报告。
参数: kind、government_deadline、department_deadline（同 annual-report-missing）。
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from audits import annual_report as A
from audits.context import SiteContext
from audits.documents import home_fetched
from audits.model import Finding, NotApplicable, Rule
from audits.rules.annual_report_missing import KIND_TEXT, site_kind


@dataclass(frozen=True)
class Params:
    kind: str = ""
    government_deadline: str = "03-31"
    department_deadline: str = "01-31"


def check(ctx: SiteContext, p: Params) -> Iterator[Finding]:
    if not home_fetched(ctx):
        raise NotApplicable("home page not fetched")
    kind, kind_source = site_kind(ctx, p)  # type: ignore[arg-type]
    year = A.due_year(ctx.as_of, kind, p.government_deadline, p.department_deadline)
    due = A.deadline(year, kind, p.government_deadline, p.department_deadline)
    own = [r for r in A.own_reports(ctx, A.run_reports(ctx), kind) if r.year == year]
    if not own:
        raise NotApplicable(f"no {year} report (see annual-report-missing)")
    dated = [r for r in own if r.published is not None]
    if not dated:
        return
    first = min(dated, key=lambda r: r.published)  # type: ignore[arg-type,return-value]
    assert first.published is not None
    if first.published <= due:
        return
    days = (first.published - due).days
    yield Finding(
        url=first.url,
        column=first.columns[0] if first.columns else None,
        message=(
            f"《{first.title}》发布于 {first.published.isoformat()}，晚于{KIND_TEXT[kind]}年报的法定截止日期 "
            f"{due.isoformat()}（逾期 {days} 天），请今后按时公布年度报告。"
        ),
        evidence={
            "year": year,
            "published": first.published.isoformat(),
            "published_source": first.published_source,
            "deadline": due.isoformat(),
            "days_late": days,
            "site_kind": kind,
            "site_kind_source": kind_source,
            "report": first.as_json(),
        },
    )


RULE = Rule(
    id="annual-report-late",
    category="不及时",
    severity="minor",
    title="政府信息公开工作年度报告发布逾期",
    basis="《中华人民共和国政府信息公开条例》第四十九条",
    params=Params,
    check=check,
    requires=("pages", "list_items", "links", "columns"),
)
