"""annual-report-inconsistent: a 年度报告's statistics tables break a 勾稽 (consistency) rule.

检查内容: 政府信息公开工作年度报告统计表格的勾稽关系。
依据: 《政府信息公开工作年度报告格式》（国办公开办函〔2021〕30号）；旧格式（国办公开办函〔2019〕60号，
      含第二十条第（九）项）同样解析。
判定方法: 解析本站年报页面的表格（合并单元格已展开；空白单元格按 0 计；千分位、全角数字、
          多余空格可识别），按表头文字而非位置定位行列，逐项核对：
          R1 表三每列 一+二 = 三(七)总计+四（格式明示）；R2 表三每列 (七)总计 = (一)+(二)+(三)1–8+
          (四)1–3+(五)1–5+(六)1–3；R3 表三每行 总计 = 自然人+法人或其他组织各列；
          R4 表四 行政复议及两类行政诉讼各自 总计 = 维持+纠正+其他+尚未审结。违反任一项为 major，
          证据写明检查项、表、行、列和两边的算式与数值。
          同一机关上一年度年报也在站上时再核对 R5（本年上年结转 = 上年结转下年度）和
          R6（上年现行有效 + 本年制发 − 本年废止 = 本年现行有效，修订等情况可能合理），只作提示（minor）。
          表格缺行、缺列、数字无法识别时不猜测：相关核对跳过，并以 minor 报告格式问题（原文照录）。
          页面上没有统计表格（只挂 PDF/DOC 附件）的年报不解析，记入统计表。
参数: cross_year（默认 true）、report_format_problems（默认 true）。
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from audits import annual_report as A
from audits.context import SiteContext
from audits.documents import home_fetched
from audits.model import Finding, NotApplicable, Rule


@dataclass(frozen=True)
class Params:
    cross_year: bool = True
    report_format_problems: bool = True


def _owner_key(rep: A.FoundReport) -> str:
    return "".join(rep.owner.split())


def check(ctx: SiteContext, p: Params) -> Iterator[Finding]:
    if not home_fetched(ctx):
        raise NotApplicable("home page not fetched")
    reports = A.run_reports(ctx)
    here = [r for r in reports if r.root == ctx.root and r.crawled and r.tables]
    if not here:
        raise NotApplicable("no annual report page with tables on this site")
    # parsed when needed: this site's reports and the year before of each (not every report of the run per site)
    tables = {r.url: r.tables for r in reports if r.crawled and r.tables}
    parsed: dict[str, A.ParsedReport] = {}

    def parsed_of(url: str) -> A.ParsedReport:
        if url not in parsed:
            parsed[url] = A.parse_report(tables[url])
        return parsed[url]

    by_owner_year = {(_owner_key(r), r.year): r for r in reports if r.url in tables}
    for rep in sorted(here, key=lambda r: (r.year, r.url)):
        pr = parsed_of(rep.url)
        if not pr.found:
            continue  # attachment-only report: nothing to check on the page
        base = {"year": rep.year, "title": rep.title, "format": pr.format, "blank_cells_as_zero": pr.blank_cells}
        hard = A.check_report(pr)
        if hard:
            yield Finding(
                url=rep.url,
                message=f"《{rep.title}》统计表格勾稽关系不符：{hard[0].text()}" + (f"等 {len(hard)} 处" if len(hard) > 1 else "") + "，请核对数据后更正。",
                evidence={**base, "violations": [v.as_json() for v in hard]},
            )
        last = by_owner_year.get((_owner_key(rep), rep.year - 1))
        if p.cross_year and last is not None:
            soft = A.check_cross_year(pr, parsed_of(last.url))
            if soft:
                yield Finding(
                    url=rep.url,
                    subject=f"{rep.url}#cross-year",
                    severity="minor",
                    message=f"《{rep.title}》与上一年度年报衔接不一致：{soft[0].text()}，请核实（修订等情况可在报告中说明）。",
                    evidence={**base, "previous_report": last.url, "violations": [v.as_json() for v in soft]},
                )
        problems = [w for w in pr.warnings if w.get("issue") not in ("no_tables",)]
        if p.report_format_problems and problems:
            yield Finding(
                url=rep.url,
                subject=f"{rep.url}#format",
                severity="minor",
                message=f"《{rep.title}》统计表格不符合统一格式：{problems[0].get('text') or problems[0]['issue']}，部分勾稽关系无法核对，请按统一格式填报。",
                evidence={**base, "problems": problems},
            )


RULE = Rule(
    id="annual-report-inconsistent",
    category="不准确",
    severity="major",
    title="年度报告数据勾稽关系不符",
    basis="《政府信息公开工作年度报告格式》（国办公开办函〔2021〕30号）",
    params=Params,
    check=check,
    requires=("pages",),
)
