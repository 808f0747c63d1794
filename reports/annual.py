"""The annual-report draft (政府信息公开工作年度报告, 国办公开办函〔2021〕30号 layout).

Part of the report model: ``build_annual`` reads the audit tables
(``site_year_stats`` written by audits/stats.py, findings through
audits/tracking.py) and, for the per-column fallback only, the crawl's
``columns`` / ``list_items``.  It returns plain data that the Word, Markdown
and JSON renderers lay out:

- section 二: the official table 二 with the cells the crawl can support, and
  the supporting statistics (documents per column in the year, 规范性文件
  formed / published / on time, interpretations), each a ``Figure`` with the
  SQL query that gives it and the URLs behind it;
- section 五: numbered problems ("一是……。") from the year's findings grouped
  by the four nots, each with concrete facts, the rectification achieved and
  the improvement measures ("下一步将……"), each citing the findings (F1…) of
  the appendix;
- the appendix: every figure (S1…) and every finding (F1…) behind the text.

Sections 三 and 四 (applications, reconsideration and litigation) cannot be
seen on a website: their official tables are drawn empty for the office to fill.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sqlite_utils

from audits import tracking
from audits.registry import RULES_BY_ID

if TYPE_CHECKING:
    from reports.model import ReportModel

CN_NUM = "一二三四五六七八九十"
FILL = "【请填写】"
MAX_REFS = 50

SECTION_TITLES = (
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
)

# --- the official tables (国办公开办函〔2021〕30号) --------------------------------

TABLE3_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
TABLE3_APPLICANTS = ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
TABLE3_COLUMNS = ("自然人", *TABLE3_APPLICANTS, "总计")
_R3 = "三、本年度办理结果"
TABLE3_ROWS: tuple[tuple[str, str, str], ...] = (
    ("一、本年新收政府信息公开申请数量", "", ""),
    ("二、上年结转政府信息公开申请数量", "", ""),
    (_R3, "（一）予以公开", ""),
    (_R3, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", ""),
    *((_R3, "（三）不予公开", s) for s in (
        "1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”", "4.保护第三方合法权益",
        "5.属于三类内部事务信息", "6.属于四类过程性信息", "7.属于行政执法案卷", "8.属于行政查询事项")),
    *((_R3, "（四）无法提供", s) for s in ("1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确")),
    *((_R3, "（五）不予处理", s) for s in (
        "1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物", "4.无正当理由大量反复申请", "5.要求行政机关确认或重新出具已获取信息")),
    *((_R3, "（六）其他处理", s) for s in (
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "3.其他")),
    (_R3, "（七）总计", ""),
    ("四、结转下年度继续办理", "", ""),
)
TABLE4_RESULTS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
TABLE4_GROUPS = (("行政复议", ""), ("行政诉讼", "未经复议直接起诉"), ("行政诉讼", "复议后起诉"))

CATEGORY_TEXT = {
    # category: (problem heading, improvement heading)
    "不及时": ("信息发布更新不够及时", "加强信息发布更新管理"),
    "不准确": ("信息内容和链接的准确性有待提高", "提高信息发布准确性"),
    "不回应": ("政策解读和回应关切不够到位", "做好政策解读和回应关切"),
    "不实用": ("栏目设置和内容保障不够实用", "提升栏目建设实用性"),
    "不安全": ("网站安全防护存在隐患", "强化网站安全防护"),
}
CATEGORY_ORDER = ("不及时", "不准确", "不回应", "不实用", "不安全")


@dataclass
class Figure:
    id: str  # S1, S2 … (appendix 一)
    label: str
    value: Any  # int | float | None (None: not available from the crawl)
    unit: str
    query: str  # the SQL that gives the value
    refs: list[str] = field(default_factory=list)  # URLs behind it (first MAX_REFS)
    refs_total: int = 0
    note: str | None = None

    @property
    def text(self) -> str:
        if self.value is None:
            return "—"
        if isinstance(self.value, float):
            return f"{self.value:.1%}" if self.unit == "%" else f"{self.value:g}"
        return str(self.value)


@dataclass
class Problem:
    number: str  # 一, 二 …
    category: str
    heading: str
    facts: list[str]
    text: str  # "一是……。"
    rectified: str  # what was fixed in the year
    measures: list[str]
    improvement_heading: str
    improvement: str  # "一是……。下一步将……。"
    refs: list[str]  # F ids
    counts: dict[str, int]


@dataclass
class AnnualReport:
    site: str
    site_name: str
    year: int
    title: str
    intro: str
    as_of: str
    runs: list[dict[str, Any]]  # the audit runs of the year used for section 五
    stats_source: str  # site_year_stats | crawl tables | none
    notes: list[str]
    overview: list[dict[str, str]]  # section 一: [{heading, text}]
    table2: list[dict[str, Any]]  # official table 二 blocks
    column_docs: list[dict[str, Any]]  # [{column, count, figure}]
    stat_groups: list[dict[str, Any]]  # [{title, figures: [ids]}] for section 二's supporting tables
    figures: list[Figure]
    problems_intro: str
    problems: list[Problem]
    closing: str
    other: str  # section 六
    findings: list[dict[str, Any]]  # appendix 二 (F1 …)

    def figure(self, fid: str) -> Figure:
        return next(f for f in self.figures if f.id == fid)


def _lit(v: Any) -> str:
    if isinstance(v, (int, float)):
        return str(v)
    return "'" + str(v).replace("'", "''") + "'"


def cn_date(iso: str | None, year: int | None = None) -> str:
    if not iso:
        return ""
    d = dt.date.fromisoformat(iso[:10])
    return f"{d.month}月{d.day}日" if year == d.year else f"{d.year}年{d.month}月{d.day}日"


def _quoted(names: list[str], limit: int = 4) -> str:
    seen = list(dict.fromkeys(n for n in names if n))
    head = "".join(f"“{n}”" for n in seen[:limit])
    return head + ("等" if len(seen) > limit else "")


# --- section 五 text: one summariser per rule -----------------------------------------


def _ev(item: tracking.YearItem) -> dict[str, Any]:
    return item.finding["evidence"] or {}


def _col(item: tracking.YearItem) -> str:
    return item.finding["column"] or _ev(item).get("column") or item.finding["url"]


def _s_homepage(items, year):
    ev = _ev(items[-1])
    if ev.get("newest_date"):
        return (f"首页信息更新不及时，{cn_date(ev.get('as_of') or items[-1].last_seen, year)}检查时首页最近一条信息发布于"
                f"{cn_date(ev['newest_date'], year)}，已{ev.get('days_since_update')}天未更新（要求{ev.get('threshold_days', 14)}天内更新）")
    return "首页信息均未标注发布日期，视为未更新"


def _s_column_stale(items, year):
    items = sorted(items, key=lambda i: -(_ev(i).get("days_since_update") or 10**6))
    kinds = Counter(_ev(i).get("column_type") for i in items)
    parts = [f"{label}{kinds[k]}个" for k, label in (("dynamic", "动态要闻类"), ("notice", "通知公告和政策文件类"), ("should_update", "其他应更新类")) if kinds.get(k)]
    worst = max(items, key=lambda i: _ev(i).get("days_since_update") or 0)
    if len(items) == 1:
        ev = _ev(worst)
        if ev.get("days_since_update") is None:
            return f"“{_col(worst)}”栏目的信息均未标注发布日期，视为未更新"
        return f"“{_col(worst)}”栏目已{ev['days_since_update']}天未更新（要求{ev.get('threshold_days')}天内更新）"
    text = f"{_quoted([_col(i) for i in items])}{len(items)}个栏目未在规定时限内更新"
    if parts and len(parts) > 1:
        text += f"（其中{'、'.join(parts)}）"
    if _ev(worst).get("days_since_update") is not None:
        text += f"，最长的“{_col(worst)}”已{_ev(worst)['days_since_update']}天未更新（要求{_ev(worst).get('threshold_days')}天内更新）"
    elif _ev(worst):
        text += f"，“{_col(worst)}”的信息均未标注发布日期"
    return text


def _s_unreachable(items, year):
    return f"网站首页在{sum(i.runs_seen for i in items)}次检查中无法访问"


def _s_normative_late(items, year):
    worst = max(items, key=lambda i: _ev(i).get("workdays") or 0)
    ev = _ev(worst)
    limit = ev.get("threshold_workdays", 20)
    return (f"{len(items)}件行政规范性文件未在成文之日起{limit}个工作日内公开，其中《{ev.get('title') or worst.finding['url']}》"
            f"成文与公开相隔{ev.get('workdays')}个工作日")


def _s_report_late(items, year):
    ev = _ev(items[-1])
    return f"{ev.get('year', '')}年度政府信息公开工作年度报告晚于规定时限{ev.get('days_late', '')}天发布"


def _s_report_missing(items, year):
    ev = _ev(items[-1])
    return f"截至检查时未在网站公开{ev.get('year', '')}年度政府信息公开工作年度报告"


def _pages(items) -> int:
    pages = {p.get("page") for i in items for p in (_ev(i).get("pages") or []) if isinstance(p, dict)}
    pages.discard(None)
    return len(pages) or sum(_ev(i).get("linking_pages") or 1 for i in items)


def _s_dead(items, year):
    home = sum(1 for i in items if _ev(i).get("on_home_page"))
    text = f"网站有{len(items)}个链接无法正常打开"
    if home:
        text += f"（其中首页{home}个）"
    return text + f"，分布在{_pages(items)}个页面上"


def _s_soft404(items, year):
    return f"{len(items)}个链接打开后显示“页面不存在”等错误页面"


def _s_incomplete(items, year):
    fields = Counter(m for i in items for m in (_ev(i).get("missing") or []))
    what = f"缺少{'、'.join(f for f, _ in fields.most_common(4))}等要素" if fields else "要素标注不规范"
    return f"{len(items)}件规范性文件{what}"


def _s_expired(items, year):
    return f"{len(items)}件规范性文件已超过文中规定的有效期，仍标注为“有效”"


def _s_inconsistent(items, year):
    years = sorted({str(_ev(i).get("year")) for i in items if _ev(i).get("year")})
    return f"{'、'.join(years)}年度政府信息公开工作年度报告统计表格存在勾稽关系不符或格式不规范的问题"


def _s_interp_missing(items, year):
    none = [i for i in items if i.finding["severity"] != "minor"]
    one_way = [i for i in items if i.finding["severity"] == "minor"]
    parts = []
    if none:
        parts.append(f"{len(none)}件政策文件未发布政策解读")
    if one_way:
        parts.append(f"{len(one_way)}件政策文件与解读材料未做到双向关联")
    return "，".join(parts)


def _s_interp_late(items, year):
    worst = max(items, key=lambda i: _ev(i).get("workdays") or 0)
    ev = _ev(worst)
    return f"{len(items)}篇政策解读晚于原文件{ev.get('threshold_workdays', 3)}个工作日以上发布，最长相隔{ev.get('workdays')}个工作日"


def _s_empty(items, year):
    if len(items) == 1:
        return f"“{_col(items[0])}”栏目没有任何内容，属于空白栏目"
    return f"{_quoted([_col(i) for i in items])}{len(items)}个栏目没有任何内容，属于空白栏目"


def _s_disclosure(items, year):
    missing: list[str] = []
    for i in items:
        m = _ev(i).get("missing")
        missing += m if isinstance(m, list) else [m] if m else []
    if any(isinstance(_ev(i).get("missing"), list) for i in items):
        return "网站未设置“政府信息公开”专栏"
    return f"政府信息公开专栏缺少{_quoted(missing)}{len(set(missing))}个必设栏目"


def _s_hidden(items, year):
    hosts = [_ev(i).get("host") or i.finding["url"] for i in items]
    return f"{_pages(items)}个页面发现指向{_quoted(hosts, 3)}的隐藏外部链接（暗链）"


SUMMARY = {
    "homepage-stale": _s_homepage,
    "column-stale": _s_column_stale,
    "site-unreachable": _s_unreachable,
    "normative-doc-late": _s_normative_late,
    "annual-report-late": _s_report_late,
    "annual-report-missing": _s_report_missing,
    "dead-link": _s_dead,
    "soft-404": _s_soft404,
    "normative-doc-incomplete": _s_incomplete,
    "normative-doc-expired": _s_expired,
    "annual-report-inconsistent": _s_inconsistent,
    "interpretation-missing": _s_interp_missing,
    "interpretation-late": _s_interp_late,
    "column-empty": _s_empty,
    "disclosure-column-missing": _s_disclosure,
    "hidden-link": _s_hidden,
}

MEASURES = {
    "homepage-stale": "确保首页信息每两周至少更新一次，首页栏目信息均标注发布日期",
    "column-stale": "建立栏目更新台账，明确各栏目责任科室和更新周期，动态要闻类栏目每两周、通知公告和政策文件类栏目每半年、其他栏目每年至少更新一次，对确无内容更新的栏目及时归并或关停",
    "site-unreachable": "加强网站运行监测和服务器运维保障，确保网站首页稳定可访问",
    "normative-doc-late": "严格执行行政规范性文件自形成之日起20个工作日内公开的规定，将公开环节纳入发文流程",
    "annual-report-late": "严格按照《条例》第四十九条规定的时限编制并公布政府信息公开工作年度报告",
    "annual-report-missing": "严格按照《条例》第四十九条规定的时限编制并公布政府信息公开工作年度报告",
    "dead-link": "每月开展一次链接有效性检测，及时修正或删除无法访问的链接",
    "soft-404": "对指向错误页面的链接及时修正或删除",
    "normative-doc-incomplete": "规范标注行政规范性文件的文号、成文日期、发布日期和有效性等要素",
    "normative-doc-expired": "开展行政规范性文件清理，对已失效、废止的文件在原文上及时标注",
    "annual-report-inconsistent": "严格按照统一格式填报年度报告，发布前逐项核对统计数据的勾稽关系",
    "interpretation-missing": "落实“谁起草、谁解读”要求，政策文件与解读材料同步起草、同步审签、同步发布，并在文件与解读之间建立双向链接",
    "interpretation-late": "政策解读材料与政策文件同步发布，最迟不超过3个工作日",
    "column-empty": "对空白栏目进行全面清理，能保障内容的及时补充，无法保障的予以撤销或归并",
    "disclosure-column-missing": "按照政府信息公开平台规范要求，补齐政府信息公开专栏的必设栏目并发布相应内容",
    "hidden-link": "立即清除暗链，排查网页被篡改的原因，加强网站安全防护和日常内容巡查",
    "service-guide-incomplete": "对照事项名称、设定依据、申请条件、办理材料、办理地点、办理时间、联系电话、办理流程8类要素逐项补全办事指南，及时修复无法下载的表格附件",
    "consultation-channel-missing": "开设并维护领导信箱、在线咨询等网上咨询建言渠道，确保渠道页面和留言表单正常可用",
    "site-search-broken": "完善站内搜索功能，确保搜索索引覆盖全站已发布信息，定期用已发布信息的标题检验搜索结果",
    "standard-catalog-missing": "对照26个试点领域标准指引编制并公开本级政务公开事项标准目录，目录列明公开事项名称、内容、依据、时限、主体、方式、渠道和公开对象",
    "site-yearly-report-missing": "每年1月31日前在网站首页显著位置发布上一年度《政府网站工作年度报表》",
}


def _fixed_phrase(rule: str, fixed: list[tracking.YearItem]) -> str:
    if rule == "column-stale":
        return f"{_quoted([_col(i) for i in fixed], 3)}栏目已恢复更新"
    if rule == "column-empty":
        return f"{_quoted([_col(i) for i in fixed], 3)}栏目已补充内容"
    if rule in ("dead-link", "soft-404"):
        return f"已修正或删除{len(fixed)}个失效链接"
    if rule == "hidden-link":
        return f"已清除{len(fixed)}处暗链"
    title = RULES_BY_ID[rule].title if rule in RULES_BY_ID else rule
    return f"“{title}”问题已整改{len(fixed)}个"


def _problem(number: str, category: str, items: list[tracking.YearItem], refs: dict[str, str], year: int, runs: list[dict[str, Any]]) -> Problem:
    by_rule: dict[str, list[tracking.YearItem]] = defaultdict(list)
    for i in items:
        by_rule[i.finding["rule"]].append(i)
    facts, measures, fixed_phrases = [], [], []
    for rule in sorted(by_rule, key=lambda r: (list(SUMMARY).index(r) if r in SUMMARY else 99, r)):
        its = by_rule[rule]
        fn = SUMMARY.get(rule)
        if fn:
            facts.append(fn(its, year))
        else:
            title = RULES_BY_ID[rule].title if rule in RULES_BY_ID else rule
            facts.append(f"存在“{title}”问题{len(its)}个")
        measures.append(MEASURES.get(rule, f"对“{RULES_BY_ID[rule].title if rule in RULES_BY_ID else rule}”问题逐项整改"))
        fixed = [i for i in its if i.status == tracking.FIXED]
        if fixed:
            fixed_phrases.append(_fixed_phrase(rule, fixed))
    heading, improve_heading = CATEGORY_TEXT.get(category, (f"{category}方面存在问题", f"解决{category}问题"))
    if len(runs) > 1:
        when = f"经{len(runs)}次网站检查（{cn_date(runs[0]['as_of'], year)}至{cn_date(runs[-1]['as_of'], year)}）发现"
    else:
        when = f"经{cn_date(runs[-1]['as_of'], year)}网站检查发现"
    text = f"{number}是{heading}。{when}，{'；'.join(facts)}。"
    n_fixed = sum(1 for i in items if i.status == tracking.FIXED)
    n_open = sum(1 for i in items if i.status == tracking.OPEN)
    n_unver = sum(1 for i in items if i.status == tracking.UNVERIFIED)
    last = cn_date(runs[-1]["as_of"], year)
    if n_fixed and not n_open and not n_unver:
        rect = f"截至{last}，上述{len(items)}个问题已全部整改（{'，'.join(fixed_phrases)}）。"
    elif n_fixed:
        days = [i.days_open for i in items if i.status == tracking.FIXED]
        avg = round(sum(days) / len(days))
        rect = f"截至{last}，已整改{n_fixed}个问题（{'，'.join(fixed_phrases)}），平均用时{avg}天，尚有{n_open + n_unver}个问题正在整改。"
    else:
        rect = f"截至{last}，上述{len(items)}个问题正在整改。"
    improvement = f"{number}是{improve_heading}。{rect}下一步将{'；'.join(measures)}。"
    return Problem(
        number=number,
        category=category,
        heading=heading,
        facts=facts,
        text=text,
        rectified=rect,
        measures=measures,
        improvement_heading=improve_heading,
        improvement=improvement,
        refs=[refs[_key(i)] for i in items],
        counts={"findings": len(items), "fixed": n_fixed, "open": n_open, "unverified": n_unver},
    )


def _key(i: tracking.YearItem) -> tuple[str, str]:
    return (i.finding["site"], i.finding["fingerprint"])


# --- section 二: statistics -------------------------------------------------------


def _has_table(db: sqlite_utils.Database, name: str) -> bool:
    return name in db.table_names()


def _stats_row(db: sqlite_utils.Database, audit_run_id: int, site: str, year: int) -> dict[str, Any] | None:
    if not _has_table(db, "site_year_stats"):
        return None
    rows = list(db.query("SELECT * FROM site_year_stats WHERE audit_run_id = ? AND site = ? AND year = ?", [audit_run_id, site, year]))
    return rows[0] if rows else None


def _crawl_columns(db: sqlite_utils.Database, crawl_run_id: int, site: str, year: int) -> tuple[list[tuple[str, int]], str, str]:
    """Items dated in ``year`` per column, from the crawl tables: (rows, total query, per-column query template)."""
    base = (
        "FROM columns c CROSS JOIN list_items li ON c.run_id = li.run_id AND c.url = li.column_url "
        f"WHERE li.run_id = {crawl_run_id} AND c.root = {_lit(site)} AND substr(li.date, 1, 4) = {_lit(str(year))}"
    )
    rows = [(r["name"] or "(未命名栏目)", r["n"]) for r in db.query(f"SELECT c.name AS name, count(DISTINCT li.url) AS n {base} GROUP BY c.name ORDER BY n DESC, c.name")]
    return rows, f"SELECT count(DISTINCT li.url) {base}", f"SELECT count(DISTINCT li.url) {base} AND c.name = {{name}}"


class _Figures:
    def __init__(self) -> None:
        self.items: list[Figure] = []

    def add(self, label: str, value: Any, unit: str, query: str, refs: list[str] | None = None, note: str | None = None) -> str:
        fid = f"S{len(self.items) + 1}"
        refs = list(refs or [])
        self.items.append(Figure(fid, label, value, unit, query, refs[:MAX_REFS], len(refs), note))
        return fid


def _statistics(db: sqlite_utils.Database, audit: dict[str, Any], crawl: dict[str, Any], site: str, year: int, figs: _Figures) -> dict[str, Any]:
    stats = _stats_row(db, audit["id"], site, year)
    notes: list[str] = []
    col_docs: list[dict[str, Any]] = []
    ids: dict[str, str | None] = {}
    where = f"WHERE audit_run_id = {audit['id']} AND site = {_lit(site)} AND year = {year}"
    if stats:
        source = "site_year_stats"
        details = json.loads(stats.get("details_json") or "{}")

        def q(col: str) -> str:
            return f"SELECT {col} FROM site_year_stats {where}"

        ids["docs"] = figs.add("本年主动公开信息（栏目列表中发布日期在本年的信息）", stats["docs_published"], "条", q("docs_published"))
        by_col = json.loads(stats.get("docs_by_column_json") or "{}")
        for name, n in by_col.items():
            fid = figs.add(f"栏目“{name}”本年发布信息", n, "条",
                           f"SELECT j.value FROM site_year_stats, json_each(docs_by_column_json) AS j {where} AND j.key = {_lit(name)}")
            col_docs.append({"column": name, "count": n, "figure": fid})
        ids["articles"] = figs.add("本年发布的文章页面", stats["articles_published"], "篇", q("articles_published"))
        published = details.get("normative_published") or []
        late = details.get("normative_late") or []
        unknown = details.get("normative_timeliness_unknown") or []
        limit = details.get("max_workdays", 20)
        ids["formed"] = figs.add("行政规范性文件：本年制发（成文日期在本年）", stats["normative_formed"], "件", q("normative_formed"), details.get("normative_formed"))
        ids["published"] = figs.add("行政规范性文件：本年公开（发布日期在本年）", stats["normative_published"], "件", q("normative_published"), published)
        ids["on_time"] = figs.add(f"行政规范性文件：成文后{limit}个工作日内公开", stats["normative_on_time"], "件", q("normative_on_time"),
                                  [u for u in published if u not in late and u not in unknown])
        ids["late"] = figs.add(f"行政规范性文件：超过{limit}个工作日公开", stats["normative_late"], "件", q("normative_late"), late)
        ids["unknown"] = figs.add("行政规范性文件：缺少日期、无法判断是否及时", stats["normative_timeliness_unknown"], "件", q("normative_timeliness_unknown"), unknown)
        ids["valid"] = figs.add("行政规范性文件：现行有效（推算）", stats["normative_marked_valid"], "件", q("normative_marked_valid"), note=details.get("note"))
        ids["invalid"] = figs.add("行政规范性文件：网站标注失效或废止（不分年份）", stats["normative_marked_invalid"], "件", q("normative_marked_invalid"))
        ids["expired"] = figs.add("行政规范性文件：已过有效期仍标注有效", stats["normative_expired_unmarked"], "件", q("normative_expired_unmarked"), details.get("normative_expired_unmarked"))
        ids["policy"] = figs.add("本年发布的规范性文件和政府政策文件", stats["policy_docs"], "件", q("policy_docs"))
        ids["interpreted"] = figs.add("其中已发布政策解读的", stats["interpreted"], "件", q("interpreted"))
        ids["two_way"] = figs.add("其中文件与解读双向关联的", stats["interpreted_two_way"], "件", q("interpreted_two_way"))
        ids["coverage"] = figs.add("政策文件解读率", stats["interpretation_coverage"], "%", q("interpretation_coverage"), details.get("policy_without_interpretation"),
                                   note="明细为未发布解读的政策文件")
        ids["interps"] = figs.add("本年发布政策解读", stats["interpretations_published"], "篇", q("interpretations_published"), details.get("interpretations"))
    else:
        source = "crawl tables"
        other_years = _has_table(db, "site_year_stats") and bool(
            list(db.query("SELECT 1 FROM site_year_stats WHERE audit_run_id = ? AND site = ? LIMIT 1", [audit["id"], site])))
        if other_years:
            notes.append(f"审计统计表 site_year_stats 中该站点没有 {year} 年的记录：网站上没有发布日期在 {year} 年的信息或文件（或早于统计的年份范围）。")
        else:
            notes.append(f"审计统计表 site_year_stats 中没有该站点的记录（首页未能抓取、审计版本较早或统计出错）：按栏目统计由抓取数据直接计算，"
                         "规范性文件和政策解读的统计需重新运行 govaudit audit。")
        rows, total_sql, col_sql = _crawl_columns(db, crawl["id"], site, year)
        ids["docs"] = figs.add("本年主动公开信息（栏目列表中发布日期在本年的信息）", sum(n for _, n in rows), "条", total_sql)
        for name, n in rows:
            col_docs.append({"column": name, "count": n, "figure": figs.add(f"栏目“{name}”本年发布信息", n, "条", col_sql.format(name=_lit(name)))})
        for key in ("articles", "formed", "published", "on_time", "late", "unknown", "valid", "invalid", "expired", "policy", "interpreted", "two_way", "coverage", "interps"):
            ids[key] = None
    from reports.letters import letter_figures  # letters per mailbox (audits/mailbox_stats.py)

    letter_ids = letter_figures(db, audit["id"], site, year, figs, _lit)
    ids["letters_received"], ids["letters_answered"] = letter_ids[0], letter_ids[1]
    return {"source": source, "notes": notes, "column_docs": col_docs, "ids": ids, "letter_ids": letter_ids}


def _table2(ids: dict[str, str | None], figs: _Figures) -> list[dict[str, Any]]:
    def cell(key: str | None) -> dict[str, Any]:
        if key and ids.get(key):
            f = next(x for x in figs.items if x.id == ids[key])
            return {"value": f.text, "figure": f.id}
        return {"value": None, "figure": None}

    blank = {"value": None, "figure": None}
    return [
        {"title": "第二十条第（一）项", "headers": ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
         "rows": [{"label": "规章", "cells": [blank, blank, blank]},
                  {"label": "行政规范性文件", "cells": [cell("formed"), blank, cell("valid")]}]},
        {"title": "第二十条第（五）项", "headers": ["信息内容", "本年处理决定数量"], "rows": [{"label": "行政许可", "cells": [blank]}]},
        {"title": "第二十条第（六）项", "headers": ["信息内容", "本年处理决定数量"],
         "rows": [{"label": "行政处罚", "cells": [blank]}, {"label": "行政强制", "cells": [blank]}]},
        {"title": "第二十条第（八）项", "headers": ["信息内容", "本年收费金额（单位：万元）"], "rows": [{"label": "行政事业性收费", "cells": [blank]}]},
    ]


# --- the report per site -------------------------------------------------------


def _overview(name: str, year: int, ids: dict[str, str | None], figs: _Figures, n_columns: int, as_of: str, track: tracking.YearTrack) -> list[dict[str, str]]:
    def v(key: str) -> str:
        fid = ids.get(key)
        if not fid:
            return FILL
        f = next(x for x in figs.items if x.id == fid)
        return f"{f.text}{'' if f.unit == '%' else f.unit}（{f.id}）"

    pub = f"{year}年，{name}通过门户网站主动公开政府信息{v('docs')}。"
    if ids.get("formed"):
        pub += (f"制发行政规范性文件{v('formed')}，在网站公开{v('published')}，其中成文后按时公开{v('on_time')}；"
                f"发布政策解读{v('interps')}。")
    pub += "【请补充：重点领域信息公开、政策解读和回应关切等工作情况。】"
    fixed = sum(1 for i in track.items if i.status == tracking.FIXED)
    sup = (f"全年开展网站检查{len(track.runs)}次，发现问题{len(track.items)}个，已整改{fixed}个（见第五部分和附录）。"
           if track.runs else "")
    return [
        {"heading": "（一）主动公开", "text": pub},
        {"heading": "（二）依申请公开", "text": "【请填写：本年度收到、办理政府信息公开申请的总体情况。】"},
        {"heading": "（三）政府信息管理", "text": (f"截至{cn_date(as_of)}，网站标注现行有效的行政规范性文件{v('valid')}。" if ids.get("valid") else "")
         + "【请填写：政府信息公开审查、规范性文件清理等工作情况。】"},
        {"heading": "（四）政府信息公开平台建设", "text": f"{cn_date(as_of)}检查时，网站共设栏目{n_columns}个。【请填写：网站和政务新媒体建设、栏目调整等情况。】"},
        {"heading": "（五）监督保障", "text": sup + "【请填写：工作考核、社会评议和责任追究结果情况。】"},
    ]


def organ_name(site_name: str, root: str) -> str:
    """The organ (机关) a site belongs to: its name without "门户网站" etc.; a placeholder when unknown."""
    if not site_name or site_name == root:
        return "【请填写：机关名称】"
    for suffix in ("门户网站", "官方网站", "政府网站", "网站", "官网"):
        if site_name.endswith(suffix) and len(site_name) > len(suffix) + 1:
            return site_name[: -len(suffix)]
    return site_name


def _site_annual(db: sqlite_utils.Database, model: ReportModel, site_report: Any, all_runs: list[tracking.RunInfo] | None) -> AnnualReport:
    audit, crawl, year = model.audit_run, model.crawl_run, model.year
    site, name = site_report.root, organ_name(site_report.name, site_report.root)
    figs = _Figures()
    st = _statistics(db, audit, crawl, site, year, figs)
    track = tracking.year_items(db, site, year, audit["id"], all_runs=all_runs) if all_runs is not None else tracking.YearTrack(site, year, [], [], "审计未完成")
    notes = list(st["notes"])
    if track.note:
        notes.append(track.note)
    # appendix 二 numbering follows section 五's order
    by_cat: dict[str, list[tracking.YearItem]] = defaultdict(list)
    for i in track.items:
        by_cat[i.finding["category"]].append(i)
    ordered = [i for c in CATEGORY_ORDER for i in by_cat.get(c, [])] + [i for c, v in by_cat.items() if c not in CATEGORY_ORDER for i in v]
    refs: dict[tuple[str, str], str] = {}
    findings = []
    for n, i in enumerate(ordered, 1):
        fid = f"F{n}"
        refs[_key(i)] = fid
        f = i.finding
        rule = RULES_BY_ID.get(f["rule"])
        findings.append({
            "id": fid, "category": f["category"], "rule": f["rule"], "rule_title": rule.title if rule else f["rule"],
            "severity": f["severity"], "column": f["column"], "url": f["url"], "page": f["page"], "message": f["message"],
            "first_seen": i.first_seen_in_year, "last_seen": i.last_seen, "fixed_on": i.fixed_on, "runs_seen": i.runs_seen,
            "days_open": i.days_open, "status": i.status, "status_label": tracking.STATUS_LABEL[i.status],
        })
    problems = []
    cats = [c for c in CATEGORY_ORDER if by_cat.get(c)] + [c for c in by_cat if c not in CATEGORY_ORDER]
    for n, cat in enumerate(cats):
        problems.append(_problem(CN_NUM[n] if n < len(CN_NUM) else str(n + 1), cat, by_cat[cat], refs, year, track.runs))
    if track.runs and problems:
        intro = (f"{year}年，对照《政府网站与政务新媒体检查指标》和《中华人民共和国政府信息公开条例》，"
                 f"对{name}网站开展检查{len(track.runs)}次，共发现问题{len(track.items)}个。主要问题如下：")
    elif track.runs:
        intro = f"{year}年对{name}网站开展检查{len(track.runs)}次，未发现政府网站信息公开方面的明显问题。"
    else:
        intro = f"{year}年未对{name}网站开展检查。"
    closing = ("下一步将继续加强网站日常监测和内容保障，按照“谁发布、谁负责”的原则压实信息发布责任，"
               "推动政府信息公开工作规范化、标准化。【请结合工作实际补充。】")
    ids = st["ids"]
    stat_groups = [
        {"title": "规范性文件公开情况", "figures": [ids[k] for k in ("formed", "published", "on_time", "late", "unknown", "valid", "invalid", "expired") if ids.get(k)]},
        {"title": "政策解读情况", "figures": [ids[k] for k in ("policy", "interpreted", "two_way", "coverage", "interps") if ids.get(k)]},
        {"title": "互动交流情况", "figures": st["letter_ids"]},
    ]
    intro_text = (
        "本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和《中华人民共和国政府信息公开工作年度报告格式》"
        "（国办公开办函〔2021〕30号）要求编制。全文包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、"
        "政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项。"
        f"本报告所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。本报告电子版可在{name}网站（{site}）查阅或下载。"
        "如对本报告有疑问，请与【请填写：单位名称、地址、邮编、联系电话】联系。"
    )
    notes.append(f"网站统计数据依据 {audit['as_of']} 的审计（抓取批次 {crawl['id']}）时网站上可见的信息，已删除或未列入栏目列表的信息不计入；"
                 "带编号（S…）的数字可在附录一按所列查询复核，其余空白处请据实填写。")
    return AnnualReport(
        site=site,
        site_name=name,
        year=year,
        title=f"{name}{year}年政府信息公开工作年度报告",
        intro=intro_text,
        as_of=audit["as_of"],
        runs=track.runs,
        stats_source=st["source"],
        notes=notes,
        overview=_overview(name, year, ids, figs, len(site_report.columns), audit["as_of"], track),
        table2=_table2(ids, figs),
        column_docs=st["column_docs"],
        stat_groups=stat_groups,
        figures=figs.items,
        problems_intro=intro,
        problems=problems,
        closing=closing,
        other="【请填写：依据《政府信息公开信息处理费管理办法》收取信息处理费的情况；人大代表建议和政协提案办理结果公开情况；年度政务公开工作要点落实情况等。】",
        findings=findings,
    )


def build_annual(db: sqlite_utils.Database, model: ReportModel, all_runs: list[tracking.RunInfo] | None) -> list[AnnualReport]:
    return [_site_annual(db, model, s, all_runs) for s in model.sites]
