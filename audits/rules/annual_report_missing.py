"""annual-report-missing: last year's 政府信息公开工作年度报告 is not on the site after its deadline.

检查内容: 截止日期过后，网站是否发布了上一年度的政府信息公开工作年度报告。
依据: 《中华人民共和国政府信息公开条例》第四十九条：县级以上人民政府部门每年1月31日前、
      县级以上地方人民政府3月31日前公布上一年度政府信息公开工作年度报告。
判定方法: 站点类型取配置（[[site]] kind，或本规则的 kind 参数），否则按网站名称推断：
          含“人民政府”（不含其办公室、部门）为政府，截止 3月31日；以局、委、办、中心等结尾为部门，
          乡镇人民政府、街道办事处为乡镇，截止 1月31日；无法推断时按 3月31日（从宽）。
          应报告年度 = 检查日已过截止日的最近一年（2026-12-15 检查政府网站时为 2025 年度）。
          年报从页面标题、栏目列表条目和链接文字中识别（“某某2025年政府信息公开工作年度报告”，
          含 PDF/DOC 附件链接；附件内容不解析），标题中的机关名称与本站不符的（如门户网站年报栏目中
          各部门的年报）不算本站年报；本站年报发布在集约化平台等其他站点、且标题写明本站名称的也算。
          找不到应报告年度的本站年报即报告，链接为本站年报栏目（没有栏目时为首页）。
参数: kind（空 = 自动）、government_deadline（默认 "03-31"）、department_deadline（默认 "01-31"）。
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from audits import annual_report as A
from audits.context import SiteContext
from audits.documents import home_fetched
from audits.model import Finding, NotApplicable, Rule

KIND_TEXT = {"government": "政府", "department": "部门", "township": "乡镇", "unknown": "未能判断类型的网站"}


@dataclass(frozen=True)
class Params:
    kind: str = ""
    government_deadline: str = "03-31"
    department_deadline: str = "01-31"


def site_kind(ctx: SiteContext, p: Params) -> tuple[str, str]:
    configured = p.kind or (ctx.site_config.kind if ctx.site_config else None)
    return A.site_kind(ctx.site_name, configured)


def check(ctx: SiteContext, p: Params) -> Iterator[Finding]:
    if not home_fetched(ctx):
        raise NotApplicable("home page not fetched")
    kind, kind_source = site_kind(ctx, p)
    year = A.due_year(ctx.as_of, kind, p.government_deadline, p.department_deadline)
    due = A.deadline(year, kind, p.government_deadline, p.department_deadline)
    reports = A.run_reports(ctx)
    own = A.own_reports(ctx, reports, kind)
    if any(r.year == year for r in own):
        return
    cols = A.report_columns(ctx)
    url = cols[0]["url"] if cols else ctx.root
    where = f"年报栏目“{cols[0]['name']}”中" if cols else "网站上"
    yield Finding(
        url=url,
        subject=f"{ctx.root}#annual-report-{year}",
        column=cols[0]["name"] if cols else None,
        message=(
            f"{where}没有找到本机关 {year} 年度政府信息公开工作年度报告（{KIND_TEXT[kind]}应于 "
            f"{due.isoformat()} 前公布），请尽快发布。"
        ),
        evidence={
            "year": year,
            "deadline": due.isoformat(),
            "site_name": ctx.site_name,
            "site_kind": kind,
            "site_kind_source": kind_source,
            "report_columns": [c["url"] for c in cols],
            "own_reports_found": [r.as_json() for r in own],
            "other_reports_on_site": [r.as_json() for r in reports if r.root == ctx.root and r not in own][:20],
            "as_of": ctx.as_of.isoformat(),
        },
    )


RULE = Rule(
    id="annual-report-missing",
    category="不实用",
    severity="major",
    title="未公开政府信息公开工作年度报告",
    basis="《中华人民共和国政府信息公开条例》第四十九条",
    params=Params,
    check=check,
    requires=("pages", "list_items", "links", "columns"),
)
