"""site-yearly-report-missing: last year's 政府网站工作年度报表 is not on the home page after 1月31日.

检查内容: 网站是否在首页显著位置发布上一年度《政府网站工作年度报表》。
依据: 国办函〔2018〕12号：“各级各类政府网站的《政府网站工作年度报表》于每年1月31日前在本网站首页显著位置发布。”
判定方法: 应发布年度 = 检查日已过当年 deadline（默认 01-31）时为上一年，否则为前一年。报表从首页的链接文字、
          首页列表条目，以及首页上“报表”类链接所指页面（报表栏目）的链接和列表条目中识别：标题含“报表”
          和“网站”并写明年份（“2025年政府网站工作年度报表”“政府网站年度工作报表（2025年度）”）。标题中
          年份前写明其他单位名称的（如门户网站报表栏目中各部门的报表）不算本站报表。找到应发布年度
          或更新年度的本站报表即可，否则报告一条（链接为首页，或首页链接的报表栏目），列出找到的报表。
参数: deadline（默认 "01-31"）、title_words（默认 报表）。
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from audits import services as S
from audits.context import SiteContext
from audits.documents import home_fetched, words
from audits.model import Finding, NotApplicable, Rule

_YEAR = re.compile(r"(20\d{2})\s*年")
_LEAD = re.compile(r"^[\s《“\"【\[（(]*(?:关于)?")
_REPORT_WORDS = ("政府网站工作", "政府网站年度", "网站工作年度", "网站年度")
_SITE_SUFFIX = re.compile(r"(?:门户网站|政府网站|网站|网)$")


@dataclass(frozen=True)
class Params:
    deadline: str = "01-31"
    title_words: tuple[str, ...] = ("报表",)


def due_year(as_of: dt.date, deadline: str) -> tuple[int, dt.date]:
    m = re.match(r"^\s*(\d{1,2})-(\d{1,2})\s*$", deadline or "")
    month, day = (int(m.group(1)), int(m.group(2))) if m else (1, 31)
    this_year = dt.date(as_of.year, month, day)
    if as_of > this_year:
        return as_of.year - 1, this_year
    return as_of.year - 2, dt.date(as_of.year - 1, month, day)


def report_year(title: str | None, title_words: tuple[str, ...]) -> tuple[int, str] | None:
    """(year, the unit named before it) of a 政府网站工作年度报表 title, else None."""
    t = "".join((title or "").split())
    if "网站" not in t or not any(w in t for w in title_words):
        return None
    m = _YEAR.search(t)
    if not m:
        return None
    end = min([m.start(), *(t.index(w) for w in _REPORT_WORDS if w in t)])
    return int(m.group(1)), _LEAD.sub("", t[:end])


def _own(prefix: str, site_name: str) -> bool:
    """The report is this site's: no unit named before the year, or this site's name."""
    if not prefix:
        return True
    name = _SITE_SUFFIX.sub("", "".join(site_name.split()))
    lead = _SITE_SUFFIX.sub("", prefix)
    return bool(name) and (name in prefix or lead in name)


def candidates(ctx: SiteContext, title_words: tuple[str, ...]) -> tuple[list[dict[str, Any]], list[str]]:
    """Titles seen on the home page and on the 报表 pages it links to, and those pages."""
    home = S.home_links(ctx)
    seen = [{"title": lk["anchor"], "url": lk["target"], "where": "home"} for lk in home]
    seen += [{"title": it["title"], "url": it["url"], "where": "home"} for it in ctx.query(
        "SELECT title, url FROM list_items WHERE run_id = ? AND page_url = ?", [ctx.run_id, ctx.root])]
    # a 报表 column linked from the home page ("政府网站年度报表", no year: not a report itself)
    hubs = list(dict.fromkeys(
        lk["target"] for lk in home
        if lk["kind"] == "page" and any(w in (lk["anchor"] or "") for w in title_words) and report_year(lk["anchor"], title_words) is None
    ))
    seen += [{"title": lk["anchor"], "url": lk["target"], "where": lk["source"]} for lk in S.links_from_pages(ctx, hubs)]
    seen += [{"title": it["title"], "url": it["url"], "where": it["page_url"]} for it in ctx.items_on(hubs)]
    seen += [{"title": r["article_title"] or r["title"], "url": r["url"], "where": "linked from home"} for r in ctx.pages_in(hubs)]
    return seen, hubs


def check(ctx: SiteContext, p: Params) -> Iterator[Finding]:
    if not home_fetched(ctx):
        raise NotApplicable("home page not fetched")
    title_words = words(p.title_words, ("报表",))
    year, deadline = due_year(ctx.as_of, p.deadline)
    seen, hubs = candidates(ctx, title_words)
    own, others = {}, {}
    for c in seen:
        parsed = report_year(c["title"], title_words)
        if parsed is None:
            continue
        y, prefix = parsed
        (own if _own(prefix, ctx.site_name) else others).setdefault(c["url"], {**c, "year": y})
    if any(r["year"] >= year for r in own.values()):
        return
    S.require_home_links(ctx)
    url = hubs[0] if hubs else ctx.root
    latest = max((r["year"] for r in own.values()), default=None)
    had = f"（首页只有 {latest} 年度的报表）" if latest else ""
    yield Finding(
        url=url,
        page=ctx.root if hubs else None,
        subject=f"{ctx.root}#site-yearly-report-{year}",
        message=f"网站首页没有发布 {year} 年度《政府网站工作年度报表》{had}，应于 {deadline.isoformat()} 前在首页显著位置发布。",
        evidence={
            "year": year,
            "deadline": deadline.isoformat(),
            "own_reports_found": sorted(own.values(), key=lambda r: -r["year"])[:10],
            "other_units_reports": list(others.values())[:20],
            "report_pages": hubs,
            "site_name": ctx.site_name,
            "as_of": ctx.as_of.isoformat(),
        },
    )


RULE = Rule(
    id="site-yearly-report-missing",
    category="不实用",
    severity="major",
    title="未发布政府网站工作年度报表",
    basis="国办函〔2018〕12号（《政府网站工作年度报表》每年1月31日前在网站首页显著位置发布）",
    params=Params,
    check=check,
    requires=("pages", "links"),
)
