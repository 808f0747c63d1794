"""The 政府信息公开 part of the fixture site: documents, interpretations, annual reports.

Portal (127.0.0.1, TRS style):

* ``/zfxxgk/``                     政府信息公开 (index, "最新公开" list, sub-column nav;
                                    政府信息公开制度 deliberately missing)
* ``/zfxxgk/gkzn/``                政府信息公开指南 (an article page)
* ``/zfxxgk/fdzdgknr/``            法定主动公开内容 (nav page: 规范性文件, 政策解读, existing columns)
* ``/zfxxgk/fdzdgknr/gfxwj/``      规范性文件 (NORMATIVE_DOCS)
* ``/zfxxgk/fdzdgknr/zcjd/``       政策解读 (INTERPRETATIONS)
* ``/zfxxgk/gknb/``                政府信息公开年报 (the county's own reports, official 2021 layout)
* ``/zfxxgk/ysqgk/``               依申请公开 (an article page)

教育局 (/jyj/, Hanweb): 信息公开年报 ``/jyj/col/col1203/index.html`` with one report
published 2月20日 (late for a department) whose table 三 breaks R1, in the older
2019 layout (第二十条第（九）项, one （六）其他处理 row).

卫生健康局 (127.0.0.2): no annual report at all.

Dates are relative to ``today`` except the two documents that test the
working-day count across 国庆/中秋 2026 (成文 2026-09-24; 发布 2026-10-29 =
exactly 20 working days, 2026-10-30 = 21); they (and their interpretations)
only exist when ``today`` is after their publication.  See SPEC.md.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

try:
    from . import model as M
except ImportError:  # executed as a plain script
    import model as M  # type: ignore[no-redef]

_e = M._e
PORTAL, JYJ, WJJ = M.PORTAL, M.JYJ, M.WJJ
P = M.PORTAL_HOST

SECTION = "/zfxxgk/"
GUIDE = "/zfxxgk/gkzn/"
FDZDGKNR = "/zfxxgk/fdzdgknr/"
GFXWJ = "/zfxxgk/fdzdgknr/gfxwj/"
ZCJD = "/zfxxgk/fdzdgknr/zcjd/"
GKNB = "/zfxxgk/gknb/"
YSQGK = "/zfxxgk/ysqgk/"
JYJ_GKNB = "/jyj/col/col1203/index.html"

#: the sub-columns the section shows (政府信息公开制度 is missing on purpose)
SECTION_NAV = (
    ("政府信息公开指南", GUIDE),
    ("法定主动公开内容", FDZDGKNR),
    ("政府信息公开年报", GKNB),
    ("依申请公开", YSQGK),
)
MISSING_SUBCOLUMN = "政府信息公开制度"

FIXED_WRITTEN = dt.date(2026, 9, 24)
FIXED_ON_TIME = dt.date(2026, 10, 29)  # 20 working days after 2026-09-24 (中秋 9-25, 国庆 10-1..7, 调休 9-20/10-10)
FIXED_LATE = dt.date(2026, 10, 30)  # 21 working days


@dataclass(frozen=True)
class NormDoc:
    key: str
    title: str
    doc_no: str
    written: dt.date
    published: dt.date
    validity: str | None  # shown in the block; None: no 有效性 field
    layout: str  # table | dl | line | plain
    validity_text: str  # the sentence of the body about 施行/有效期
    interp: str | None  # key of its interpretation
    links_interp: bool  # does the document page link its interpretation?
    doc_id: int
    expected: tuple[str, ...]  # rules that report it (at any today where it is in the window)

    @property
    def path(self) -> str:
        d = self.published
        return f"{GFXWJ}{d:%Y%m}/t{d:%Y%m%d}_{self.doc_id}.html"


@dataclass(frozen=True)
class Interp:
    key: str
    title: str
    doc: str
    published: dt.date
    links_doc: bool
    doc_id: int

    @property
    def path(self) -> str:
        d = self.published
        return f"{ZCJD}{d:%Y%m}/t{d:%Y%m%d}_{self.doc_id}.html"


def _cn_date(d: dt.date) -> str:
    digits = "〇一二三四五六七八九"
    y = "".join(digits[int(c)] for c in str(d.year))

    def small(n: int) -> str:
        if n < 10:
            return digits[n]
        tens, units = divmod(n, 10)
        return ("" if tens == 1 else digits[tens]) + "十" + (digits[units] if units else "")

    return f"{y}年{small(d.month)}月{small(d.day)}日"


def normative_docs(today: dt.date) -> list[NormDoc]:
    """The 规范性文件 column, newest first."""
    ago = lambda n: today - dt.timedelta(days=n)  # noqa: E731
    docs: list[NormDoc] = []
    if FIXED_ON_TIME <= today:
        docs.append(NormDoc(
            "n1", "青山县人民政府关于印发青山县农村集体经济组织财务管理办法的通知", "青政规〔2026〕5号",
            FIXED_WRITTEN, FIXED_ON_TIME, "有效", "table",
            "本办法自2026年11月1日起施行，有效期5年。", "i1", True, 7001, ()))
    if FIXED_LATE <= today:
        docs.append(NormDoc(
            "n2", "青山县人民政府办公室关于印发青山县城镇老旧小区改造项目管理暂行办法的通知", "青政办规〔2026〕6号",
            FIXED_WRITTEN, FIXED_LATE, "有效", "dl",
            "本办法自印发之日起施行，有效期2年。", "i2", False, 7002,
            ("normative-doc-late", "interpretation-missing")))
    w3 = ago(50)
    docs.append(NormDoc(
        "n3", "青山县人民政府办公室关于印发青山县政府投资项目审批管理细则的通知", f"青政办规〔{w3.year}〕7号",
        w3, ago(46), None, "line",
        "本细则自发布之日起施行。", None, False, 7003,
        ("normative-doc-incomplete", "interpretation-missing")))
    w4 = ago(1140)
    docs.append(NormDoc(
        "n4", "青山县人民政府关于印发青山县城乡居民最低生活保障实施办法的通知", f"青政规〔{w4.year}〕2号",
        w4, ago(1137), "有效", "table",
        f"本办法自{(w4 + dt.timedelta(days=10)).year}年{(w4 + dt.timedelta(days=10)).month}月"
        f"{(w4 + dt.timedelta(days=10)).day}日起施行，有效期至{ago(20).year}年{ago(20).month}月{ago(20).day}日。",
        None, False, 7004, ("normative-doc-expired",)))
    w5 = ago(30)
    docs.append(NormDoc(
        "n5", "青山县人民政府关于印发青山县促进就业创业若干规定的通知", f"青政规〔{w5.year}〕9号",
        w5, ago(27), "有效", "table",
        "本规定自发布之日起施行，有效期三年。", "i5", True, 7005, ()))
    w6 = ago(60)
    docs.append(NormDoc(
        "n6", "青山县人民政府办公室关于印发青山县公共资源交易管理办法的通知", f"青政办规〔{w6.year}〕8号",
        w6, ago(57), None, "plain",
        "本办法自印发之日起施行。", "i6", True, 7006, ("normative-doc-incomplete",)))
    w7 = ago(2000)
    docs.append(NormDoc(
        "n7", "青山县人民政府关于印发青山县城区临时占道管理办法的通知", f"青政规〔{w7.year}〕1号",
        w7, ago(1998), "废止", "table",
        f"本办法自印发之日起施行，有效期至{ago(1000).year}年{ago(1000).month}月{ago(1000).day}日。",
        None, False, 7007, ()))
    return sorted(docs, key=lambda d: (d.published, d.doc_id), reverse=True)


def interpretations(today: dt.date) -> list[Interp]:
    """The 政策解读 column, newest first."""
    docs = {d.key: d for d in normative_docs(today)}
    out: list[Interp] = []
    if "n1" in docs:
        out.append(Interp("i1", "《青山县农村集体经济组织财务管理办法》政策解读", "n1", docs["n1"].published, True, 7101))
    if "n2" in docs:
        out.append(Interp("i2", "一图读懂《青山县城镇老旧小区改造项目管理暂行办法》", "n2", docs["n2"].published, True, 7102))
    out.append(Interp("i5", "关于《青山县促进就业创业若干规定》的解读", "n5", today - dt.timedelta(days=10), True, 7105))
    out.append(Interp("i6", "《青山县公共资源交易管理办法》政策解读", "n6", docs["n6"].published, True, 7106))
    return sorted(out, key=lambda i: (i.published, i.doc_id), reverse=True)


# --------------------------------------------------------------------------- #
# Annual reports
# --------------------------------------------------------------------------- #
T3_ROWS = (
    ("一", "一、本年新收政府信息公开申请数量"),
    ("二", "二、上年结转政府信息公开申请数量"),
)
T3_RESULT_GROUPS = (
    ("三（一）", "（一）予以公开", ()),
    ("三（二）", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", ()),
    ("三（三）", "（三）不予公开", ("1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”",
                              "4.保护第三方合法权益", "5.属于三类内部事务信息", "6.属于四类过程性信息",
                              "7.属于行政执法案卷", "8.属于行政查询事项")),
    ("三（四）", "（四）无法提供", ("1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确")),
    ("三（五）", "（五）不予处理", ("1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物",
                              "4.无正当理由大量反复申请", "5.要求行政机关确认或重新出具已获取信息")),
    ("三（六）", "（六）其他处理", ("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                              "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
                              "3.其他")),
)


@dataclass(frozen=True)
class Report:
    owner: str  # SiteInfo key
    year: int
    published: dt.date
    doc_id: int
    t2: dict  # {"规范性文件": (制发, 废止, 现行有效), ...}
    t3: dict  # row key -> (自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他[, 总计 override])
    t4: tuple  # 15 numbers
    format: str = "2021"
    consistent: bool = True
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def site(self) -> M.SiteInfo:
        return M.SITES[self.owner]

    @property
    def title(self) -> str:
        return f"{self.site.name}{self.year}年政府信息公开工作年度报告"

    @property
    def path(self) -> str:
        d = self.published
        if self.owner == "jyj":
            return f"/jyj/art/{d.year}/{d.month}/{d.day}/art_1203_{self.doc_id}.html"
        return f"{GKNB}{d:%Y%m}/t{d:%Y%m%d}_{self.doc_id}.html"


def _portal_report(year: int) -> Report:
    """A consistent report; consecutive years agree too (R5: 上年结转 1 = 结转下年度 1; R6 below)."""
    base = year - 2024  # the numbers move a little from year to year
    t3 = {
        "一": (40 + base, 3, 0, 0, 0, 0),
        "二": (1, 0, 0, 0, 0, 0),
        "三（一）": (25 + base, 2, 0, 0, 0, 0),
        "三（二）": (5, 0, 0, 0, 0, 0),
        "三（三）4": (2, 0, 0, 0, 0, 0),
        "三（四）1": (6, 1, 0, 0, 0, 0),
        "三（五）2": (1, 0, 0, 0, 0, 0),
        "三（六）1": (1, 0, 0, 0, 0, 0),
        "四": (1, 0, 0, 0, 0, 0),
    }

    def made(y: int) -> int:
        return 6 - (y % 2)

    def gone(y: int) -> int:
        return 1 + (y % 2)

    current = 100 + sum(made(y) - gone(y) for y in range(2010, year + 1))  # R6 holds year to year
    return Report(
        "portal", year, dt.date(year + 1, 3, 20), 7200 + year - 2000,
        {"规章": (0, 0, 0), "行政规范性文件": (made(year), gone(year), current)},
        t3, (1, 0, 0, 1, 2, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0),
    )


def portal_reports(today: dt.date) -> list[Report]:
    """The county's own reports: the two latest years already published (on time, 3月20日)."""
    years = [y for y in range(today.year - 3, today.year + 1) if dt.date(y + 1, 3, 20) <= today]
    return [_portal_report(y) for y in sorted(years, reverse=True)[:2]]


def jyj_reports(today: dt.date) -> list[Report]:
    """教育局: one report, published 2月20日 (after the 1月31日 deadline), table 三 breaks R1."""
    years = [y for y in range(today.year - 2, today.year + 1) if dt.date(y + 1, 2, 20) <= today]
    if not years:
        return []
    y = max(years)
    t3 = {  # 一 says 11 自然人 applications, the results account for 10: R1 fails (自然人 and 总计)
        "一": (11, 1, 0, 0, 0, 0),
        "二": (0, 0, 0, 0, 0, 0),
        "三（一）": (8, 1, 0, 0, 0, 0),
        "三（四）1": (2, 0, 0, 0, 0, 0),
        "四": (0, 0, 0, 0, 0, 0),
    }
    return [Report("jyj", y, dt.date(y + 1, 2, 20), 5300 + y - 2000,
                   {"规范性文件": (1, 0, 4)}, t3, (0,) * 15, format="2019", consistent=False,
                   notes=("R1: 自然人 11+0 ≠ 10+0; 总计 12+0 ≠ 11+0",))]


def _t3_values(rep: Report) -> dict[str, list[int]]:
    """Row key -> 7 values (总计 last), with 三（七） computed from its parts."""
    rows: dict[str, list[int]] = {}
    keys = ["一", "二", "三（一）", "三（二）"]
    for key, _label, subs in T3_RESULT_GROUPS[2:]:
        if key == "三（六）" and rep.format == "2019":
            keys.append(key)
        else:
            keys += [f"{key}{n}" for n in range(1, len(subs) + 1)]
    for key in keys + ["四"]:
        parts = list(rep.t3.get(key, (0, 0, 0, 0, 0, 0)))[:6]
        rows[key] = parts + [sum(parts)]
    total = [sum(rows[k][c] for k in keys[2:]) for c in range(7)]
    rows["三（七）"] = total
    return rows


def _cell(v: int, col: int) -> str:
    # 法人或其他组织 columns (1..5) are left blank when 0, as many real reports do
    if v == 0 and 1 <= col <= 5:
        return "<td></td>"
    text = f"{v:,}" if v >= 1000 else str(v)
    return f"<td>{text}</td>"


def _table3(rep: Report) -> str:
    rows = _t3_values(rep)
    vals = lambda key: "".join(_cell(v, c) for c, v in enumerate(rows[key]))  # noqa: E731
    out = [
        '<table class="nb-table" border="1">',
        '<tr><td colspan="3" rowspan="3">（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</td>'
        '<td colspan="7">申请人情况</td></tr>',
        '<tr><td rowspan="2">自然人</td><td colspan="5">法人或其他组织</td><td rowspan="2">总计</td></tr>',
        "<tr><td>商业<br>企业</td><td>科研<br>机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>",
    ]
    for key, label in T3_ROWS:
        out.append(f'<tr><td colspan="3">{_e(label)}</td>{vals(key)}</tr>')
    n_result_rows = 2 + sum((1 if (k == "三（六）" and rep.format == "2019") else len(s)) for k, _l, s in T3_RESULT_GROUPS[2:]) + 1
    first = True
    for key, label, subs in T3_RESULT_GROUPS:
        lead = f'<td rowspan="{n_result_rows}">三、本年度办理结果</td>' if first else ""
        first = False
        if not subs or (key == "三（六）" and rep.format == "2019"):
            out.append(f'<tr>{lead}<td colspan="2">{_e(label)}</td>{vals(key)}</tr>')
            continue
        for n, sub in enumerate(subs, 1):
            group = f'<td rowspan="{len(subs)}">{_e(label)}</td>' if n == 1 else ""
            out.append(f"<tr>{lead if n == 1 else ''}{group}<td>{_e(sub)}</td>{vals(f'{key}{n}')}</tr>")
            lead = ""
    out.append(f'<tr><td colspan="2">（七）总计</td>{vals("三（七）")}</tr>')
    out.append(f'<tr><td colspan="3">四、结转下年度继续办理</td>{vals("四")}</tr>')
    out.append("</table>")
    return "\n".join(out)


def _table2(rep: Report) -> str:
    if rep.format == "2019":
        made, _gone, current = rep.t2["规范性文件"]
        return f"""<table class="nb-table" border="1">
<tr><td colspan="4">第二十条第（一）项</td></tr>
<tr><td>信息内容</td><td>本年新制作数量</td><td>本年新公开数量</td><td>对外公开总数量</td></tr>
<tr><td>规章</td><td>0</td><td>0</td><td>0</td></tr>
<tr><td>规范性文件</td><td>{made}</td><td>{made}</td><td>{current}</td></tr>
<tr><td colspan="4">第二十条第（五）项</td></tr>
<tr><td>信息内容</td><td>上一年项目数量</td><td>本年增/减</td><td>处理决定数量</td></tr>
<tr><td>行政许可</td><td>12</td><td>0</td><td>1,024</td></tr>
<tr><td>其他对外管理服务事项</td><td>3</td><td>0</td><td>15</td></tr>
<tr><td colspan="4">第二十条第（六）项</td></tr>
<tr><td>信息内容</td><td>上一年项目数量</td><td>本年增/减</td><td>处理决定数量</td></tr>
<tr><td>行政处罚</td><td>5</td><td>0</td><td>2</td></tr>
<tr><td>行政强制</td><td>0</td><td>0</td><td>0</td></tr>
<tr><td colspan="4">第二十条第（八）项</td></tr>
<tr><td>信息内容</td><td>上一年项目数量</td><td colspan="2">本年增/减</td></tr>
<tr><td>行政事业性收费</td><td>0</td><td colspan="2">0</td></tr>
<tr><td colspan="4">第二十条第（九）项</td></tr>
<tr><td>信息内容</td><td>采购项目数量</td><td colspan="2">采购总金额</td></tr>
<tr><td>政府集中采购</td><td>4</td><td colspan="2">126.5</td></tr>
</table>"""
    rows = "\n".join(
        f"<tr><td>{_e(label)}</td><td>{a}</td><td>{b}</td><td>{c}</td></tr>" for label, (a, b, c) in rep.t2.items())
    return f"""<table class="nb-table" border="1">
<tr><td colspan="4">第二十条第（一）项</td></tr>
<tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td><td>现行有效件数</td></tr>
{rows}
<tr><td colspan="4">第二十条第（五）项</td></tr>
<tr><td>信息内容</td><td colspan="3">本年处理决定数量</td></tr>
<tr><td>行政许可</td><td colspan="3">1,256</td></tr>
<tr><td colspan="4">第二十条第（六）项</td></tr>
<tr><td>信息内容</td><td colspan="3">本年处理决定数量</td></tr>
<tr><td>行政处罚</td><td colspan="3">87</td></tr>
<tr><td>行政强制</td><td colspan="3">3</td></tr>
<tr><td colspan="4">第二十条第（八）项</td></tr>
<tr><td>信息内容</td><td colspan="3">本年收费金额（单位：万元）</td></tr>
<tr><td>行政事业性收费</td><td colspan="3">12.5</td></tr>
</table>"""


def _table4(rep: Report) -> str:
    head = "".join(f'<td rowspan="2">{x}</td>' for x in ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计"))
    sub = "".join(f"<td>{x}</td>" for x in ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")) * 2
    cells = "".join(f"<td>{v}</td>" for v in rep.t4)
    return f"""<table class="nb-table" border="1">
<tr><td colspan="5">行政复议</td><td colspan="10">行政诉讼</td></tr>
<tr>{head}<td colspan="5">未经复议直接起诉</td><td colspan="5">复议后起诉</td></tr>
<tr>{sub}</tr>
<tr>{cells}</tr>
</table>"""


def report_body(rep: Report) -> str:
    new = _t3_values(rep)["一"][6]
    return f"""<p>本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和《国务院办公厅政府信息与政务公开办公室关于印发〈中华人民共和国政府信息公开工作年度报告格式〉的通知》要求编制。本报告中所列数据的统计期限自{rep.year}年1月1日起至{rep.year}年12月31日止。</p>
<h3>一、总体情况</h3>
<p>{rep.year}年，{_e(rep.site.name)}认真贯彻落实《条例》，全年主动公开政府信息1,325条，收到政府信息公开申请{new}件，均按期答复。</p>
<h3>二、主动公开政府信息情况</h3>
{_table2(rep)}
<h3>三、收到和处理政府信息公开申请情况</h3>
{_table3(rep)}
<h3>四、政府信息公开行政复议、行政诉讼情况</h3>
{_table4(rep)}
<h3>五、存在的主要问题及改进情况</h3>
<p>政策解读形式还不够丰富，部分栏目更新不够及时。下一步将加强培训，完善信息发布审核机制。</p>
<h3>六、其他需要报告的事项</h3>
<p>本年度未收取信息处理费。</p>
<p style="text-align:right">{_e(rep.site.name)}<br>{rep.published.year}年{rep.published.month}月{rep.published.day}日</p>"""


# --------------------------------------------------------------------------- #
# Pages
# --------------------------------------------------------------------------- #
def _crumb(*trail: tuple[str, str], article: bool = False) -> str:
    parts = ['<a href="/">首页</a>'] + [f'<a href="{href}">{_e(name)}</a>' for name, href in trail]
    return f'<div class="crumb">当前位置：{" &gt; ".join(parts)}{" &gt; 正文" if article else ""}</div>'


def _side() -> str:
    lis = "\n".join(f'<li><a href="{href}">{_e(name)}</a></li>' for name, href in SECTION_NAV)
    return f'<div class="side"><h3>政府信息公开</h3><ul>\n{lis}\n</ul></div>'


def _portal(title: str, meta: list[tuple[str, str | None]], body: str) -> M.Page:
    return M._page(M._document(PORTAL, f"{title}_青山县人民政府", meta, f"{M._portal_header()}\n{body}",
                               charset_meta=M._UTF8_META))


def _list_page(name: str, path: str, trail: list[tuple[str, str]], items: list[tuple[str, str, dt.date]],
               column_type: str | None = None, extra: str = "") -> M.Page:
    lis = "\n".join(
        f'<li><a href="{href}" title="{_e(t)}" target="_blank">{_e(t)}</a><span>{d:%Y-%m-%d}</span></li>'
        for t, href, d in items)
    body = f"""<div class="main">
{_crumb(*trail)}
{_side()}
<div class="content">
<h2 class="column-title">{_e(name)}</h2>
{extra}<ul class="list">
{lis}
</ul>
</div>
</div>"""
    return _portal(name, [("ColumnName", name), ("ColumnType", column_type)], body)


_DOC_PARAS = (
    "各乡镇人民政府、街道办事处，县政府各部门、各直属单位：",
    "《{name}》已经县人民政府同意，现印发给你们，请认真贯彻执行。",
    "第一条 为规范相关管理工作，根据有关法律法规和上级文件规定，结合本县实际，制定本{kind}。",
    "第二条 本{kind}适用于本县行政区域内的相关单位和个人。",
    "第三条 县政府有关部门按照职责分工，负责本{kind}的组织实施和监督检查。",
)


def _doc_name(title: str) -> str:
    core = title.split("关于印发", 1)[-1]
    return core[: -len("的通知")] if core.endswith("的通知") else core


def _meta_block(doc: NormDoc) -> str:
    org = "青山县人民政府办公室" if "办规" in doc.doc_no else "青山县人民政府"
    idx = f"002581234/{doc.published.year}-{doc.doc_id:05d}"
    if doc.layout == "table":
        rows = [
            f'<tr><td class="k">索 引 号：</td><td>{idx}</td><td class="k">主题分类：</td><td>综合政务\\其他</td></tr>',
            f'<tr><td class="k">发布机构：</td><td>{org}</td><td class="k">成文日期：</td><td>{doc.written.year}年{doc.written.month:02d}月{doc.written.day:02d}日</td></tr>',
            f'<tr><td class="k">文\u3000\u3000号：</td><td>{doc.doc_no}</td><td class="k">发布日期：</td><td>{doc.published:%Y-%m-%d}</td></tr>',
            f'<tr><td class="k">名\u3000\u3000称：</td><td colspan="3">{_e(doc.title)}</td></tr>',
        ]
        if doc.validity is not None:
            rows.append(f'<tr><td class="k">有 效 性：</td><td colspan="3">{doc.validity}</td></tr>')
        return '<table class="xxgk-table">\n' + "\n".join(rows) + "\n</table>"
    if doc.layout == "dl":
        no = doc.doc_no.replace("〔", "[").replace("〕", "]")
        parts = [("索引号", idx), ("发文机关", org), ("成文日期", _cn_date(doc.written)),
                 ("发布日期", f"{doc.published.year}年{doc.published.month}月{doc.published.day}日"),
                 ("发文字号", no), ("主题分类", "城乡建设、环境保护")]
        if doc.validity is not None:
            parts.append(("时效性", "现行" + doc.validity if doc.validity == "有效" else doc.validity))
        return '<dl class="xxgk">' + "".join(f"<dt>{k}：</dt><dd>{_e(v)}</dd>" for k, v in parts) + "</dl>"
    if doc.layout == "line":
        no = doc.doc_no.replace("〔", "【").replace("〕", "】")
        return (f'<div class="xxgk-line">索引号：{idx} 发布机构：{org} 成文日期：{doc.written:%Y-%m-%d} '
                f"文号：{no}</div>")
    return ""  # plain: no block


def _doc_page(doc: NormDoc, interp: Interp | None) -> M.Page:
    kind = "细则" if "细则" in doc.title else "规定" if doc.title.endswith("规定的通知") else "办法"
    name = _doc_name(doc.title)
    paras = [p.format(name=name, kind=kind) for p in _DOC_PARAS]
    org = "青山县人民政府办公室" if "办规" in doc.doc_no else "青山县人民政府"
    head = f"<p>{doc.doc_no}</p>\n" if doc.layout == "plain" else ""
    signature = _cn_date(doc.written) if doc.layout == "plain" else f"{doc.written.year}年{doc.written.month}月{doc.written.day}日"
    body_paras = "\n".join(f"<p>{_e(p)}</p>" for p in paras[:2])
    rules = "\n".join(f"<p>{_e(p)}</p>" for p in paras[2:])
    related = ""
    if interp is not None and doc.links_interp:
        related = (f'<div class="related"><h3>相关解读</h3><ul><li><a href="{interp.path}">'
                   f"{_e(interp.title)}</a></li></ul></div>")
    body = f"""<div class="main">
{_crumb(("政府信息公开", SECTION), ("法定主动公开内容", FDZDGKNR), ("规范性文件", GFXWJ), article=True)}
<div class="article">
{_meta_block(doc)}
<h1>{_e(doc.title)}</h1>
<div class="info">发布时间：{doc.published:%Y-%m-%d} 10:32 来源：{org}</div>
<div class="TRS_Editor">
{head}{body_paras}
<p style="text-align:right">{org}</p>
<p style="text-align:right">{signature}</p>
<p>（此件公开发布）</p>
<p style="text-align:center">{_e(name)}</p>
{rules}
<p>第四条 {_e(doc.validity_text)}</p>
</div>
{related}
</div>
</div>"""
    return _portal(doc.title, [("ColumnName", "规范性文件"), ("ArticleTitle", doc.title),
                               ("PubDate", f"{doc.published:%Y-%m-%d} 10:32"), ("ContentSource", org)], body)


# i6 is a "文件压缩" interpretation: long sentences full of 文号 and citations (interpretation-hard-to-read)
_DENSE = "<p>" + (
    "根据《中华人民共和国招标投标法》《中华人民共和国政府采购法》《公共资源交易平台管理暂行办法》（国家发展改革委令2016年第39号）"
    "和《浙江省公共资源交易管理暂行办法》（浙政办发〔2017〕12号）《青山县人民政府办公室关于进一步规范公共资源交易管理的通知》"
    "（青政办发〔2025〕8号）等有关规定，结合我县公共资源交易平台整合共享工作实际情况和县委县政府关于优化营商环境工作部署要求，"
    "县发展改革局会同县财政局、县自然资源和规划局、县住房和城乡建设局等部门对交易目录、交易规则、监督管理等内容作了规定。"
) * 2 + "</p>\n"


def _interp_page(it: Interp, doc: NormDoc) -> M.Page:
    name = _doc_name(doc.title)
    related = ""
    if it.links_doc:
        related = (f'<div class="related"><h3>相关文件</h3><ul><li><a href="{doc.path}">'
                   f"{_e(doc.title)}</a></li></ul></div>")
    body = f"""<div class="main">
{_crumb(("政府信息公开", SECTION), ("法定主动公开内容", FDZDGKNR), ("政策解读", ZCJD), article=True)}
<div class="article">
<h1>{_e(it.title)}</h1>
<div class="info">发布时间：{it.published:%Y-%m-%d} 15:00 来源：青山县司法局</div>
<div class="TRS_Editor">
<p>一、制定背景</p>
<p>为贯彻落实上级决策部署，进一步规范相关工作，县政府制定了《{_e(name)}》（{doc.doc_no}）。</p>
<p>二、主要内容</p>
<p>《{_e(name)}》共四条，明确了适用范围、部门职责和施行日期。</p>
{_DENSE if it.key == "i6" else ""}<p>三、解读机关及联系方式</p>
<p>青山县司法局，联系电话：0571-64810088。</p>
</div>
{related}
</div>
</div>"""
    return _portal(it.title, [("ColumnName", "政策解读"), ("ArticleTitle", it.title),
                              ("PubDate", f"{it.published:%Y-%m-%d} 15:00"), ("ContentSource", "青山县司法局")], body)


def _report_page_portal(rep: Report) -> M.Page:
    idx = f"002581234/{rep.published.year}-{rep.doc_id:05d}"
    body = f"""<div class="main">
{_crumb(("政府信息公开", SECTION), ("政府信息公开年报", GKNB), article=True)}
<div class="article">
<table class="xxgk-table">
<tr><td>索引号：</td><td>{idx}</td><td>主题分类：</td><td>政府信息公开年报</td></tr>
<tr><td>发布机构：</td><td>青山县人民政府办公室</td><td>公开日期：</td><td>{rep.published:%Y-%m-%d}</td></tr>
</table>
<h1>{_e(rep.title)}</h1>
<div class="info">发布时间：{rep.published:%Y-%m-%d} 09:00 来源：青山县人民政府办公室</div>
<div class="TRS_Editor">
{report_body(rep)}
</div>
</div>
</div>"""
    return _portal(rep.title, [("ColumnName", "政府信息公开年报"), ("ArticleTitle", rep.title),
                               ("PubDate", f"{rep.published:%Y-%m-%d} 09:00"), ("ContentSource", "青山县人民政府办公室")], body)


def _jyj_report_page(rep: Report) -> M.Page:
    body = f"""{M._jyj_header()}
<div class="main">
<div class="crumb">当前位置：<a href="/jyj/">首页</a> &gt; <a href="{JYJ_GKNB}">信息公开年报</a></div>
<div class="article">
<h1>{_e(rep.title)}</h1>
<div class="info">发布日期：{rep.published:%Y-%m-%d} 来源：青山县教育局 访问次数：<span id="c">--</span></div>
<div class="content">
<!--ZJEG_RSS.content.begin--><meta name="ContentStart">
{report_body(rep)}
<meta name="ContentEnd"><!--ZJEG_RSS.content.end-->
</div>
</div>
</div>"""
    return M._page(M._document(JYJ, f"{rep.title} {JYJ.name}",
                               [("ColumnName", "信息公开年报"), ("ArticleTitle", rep.title),
                                ("PubDate", f"{rep.published:%Y-%m-%d} 10:00"), ("ContentSource", "青山县教育局")],
                               body, charset_meta=M._UTF8_META))


def _plain_article(title: str, path_trail: list[tuple[str, str]], date: dt.date, paras: list[str]) -> M.Page:
    body = f"""<div class="main">
{_crumb(*path_trail, article=True)}
{_side()}
<div class="article">
<h1>{_e(title)}</h1>
<div class="info">发布时间：{date:%Y-%m-%d} 09:30 来源：青山县人民政府办公室</div>
<div class="TRS_Editor">
{"".join(f"<p>{_e(p)}</p>" for p in paras)}
</div>
</div>
</div>"""
    return _portal(title, [("ColumnName", path_trail[-1][0]), ("ArticleTitle", title),
                           ("PubDate", f"{date:%Y-%m-%d} 09:30"), ("ContentSource", "青山县人民政府办公室")], body)


def portal_pages(today: dt.date) -> dict[str, M.Page]:
    pages: dict[str, M.Page] = {}
    docs = normative_docs(today)
    by_key = {d.key: d for d in docs}
    interps = interpretations(today)
    interp_by_key = {i.key: i for i in interps}
    reports = portal_reports(today)

    latest = sorted(
        [(d.title, d.path, d.published) for d in docs] + [(i.title, i.path, i.published) for i in interps],
        key=lambda x: x[2], reverse=True)[:6]
    nav = "\n".join(f'<li><a href="{href}">{_e(name)}</a></li>' for name, href in SECTION_NAV)
    extra = f'<div class="gk-nav"><ul>\n{nav}\n</ul></div>\n<h3>最新公开</h3>\n'
    page = _list_page("政府信息公开", SECTION, [("政府信息公开", SECTION)], latest, extra=extra)
    pages[SECTION] = pages[SECTION + "index.html"] = page

    fd_links = [("规范性文件", GFXWJ), ("政策解读", ZCJD), ("政策文件", "/zcwj/"), ("人事信息", "/zwgk/rsxx/"),
                ("规划计划", "/zwgk/ghjh/"), ("财政信息", "/zwgk/czxx/"), ("统计信息", "/zwgk/tjxx/"),
                ("重大项目", "/zwgk/zdxm/")]
    lis = "\n".join(f'<li><a href="{href}">{_e(name)}</a></li>' for name, href in fd_links)
    body = f"""<div class="main">
{_crumb(("政府信息公开", SECTION), ("法定主动公开内容", FDZDGKNR))}
{_side()}
<div class="content">
<h2 class="column-title">法定主动公开内容</h2>
<ul class="fdzdgknr">
{lis}
</ul>
</div>
</div>"""
    pages[FDZDGKNR] = pages[FDZDGKNR + "index.html"] = _portal("法定主动公开内容", [("ColumnName", "法定主动公开内容")], body)

    trail = [("政府信息公开", SECTION), ("法定主动公开内容", FDZDGKNR)]
    page = _list_page("规范性文件", GFXWJ, trail + [("规范性文件", GFXWJ)],
                      [(d.title, d.path, d.published) for d in docs], column_type="规范性文件")
    pages[GFXWJ] = pages[GFXWJ + "index.html"] = page
    page = _list_page("政策解读", ZCJD, trail + [("政策解读", ZCJD)],
                      [(i.title, i.path, i.published) for i in interps], column_type="政策解读")
    pages[ZCJD] = pages[ZCJD + "index.html"] = page
    for d in docs:
        pages[d.path] = _doc_page(d, interp_by_key.get(d.interp) if d.interp else None)
    for i in interps:
        pages[i.path] = _interp_page(i, by_key[i.doc])

    page = _list_page("政府信息公开年报", GKNB, [("政府信息公开", SECTION), ("政府信息公开年报", GKNB)],
                      [(r.title, r.path, r.published) for r in reports])
    pages[GKNB] = pages[GKNB + "index.html"] = page
    for r in reports:
        pages[r.path] = _report_page_portal(r)

    pages[GUIDE] = pages[GUIDE + "index.html"] = _plain_article(
        "青山县人民政府政府信息公开指南", [("政府信息公开", SECTION), ("政府信息公开指南", GUIDE)],
        today - dt.timedelta(days=100),
        ["为了更好地提供政府信息公开服务，根据《中华人民共和国政府信息公开条例》，编制本指南。",
         "一、主动公开：公开的主要内容、公开形式和公开时限。",
         "二、依申请公开：申请人可以通过互联网、信函、当面提交等方式提出申请。",
         "三、政府信息公开工作机构：青山县人民政府办公室，办公地址：青山县人民路1号，办公时间：工作日上午8:30-12:00，"
         "下午14:30-17:30，联系电话：0571-64810001，传真号码：0571-64810002。"])
    pages[YSQGK] = pages[YSQGK + "index.html"] = _plain_article(
        "依申请公开", [("政府信息公开", SECTION), ("依申请公开", YSQGK)], today - dt.timedelta(days=200),
        ["公民、法人或者其他组织可以向县人民政府办公室申请获取相关政府信息。",
         "申请方式：当面申请、信函申请、网上申请。申请表可在受理机构现场领取。",
         "受理机构：青山县人民政府办公室，地址：青山县人民路1号。"])
    return pages


def jyj_pages(today: dt.date) -> dict[str, M.Page]:
    reports = jyj_reports(today)
    lis = "\n".join(
        f'<li><a href="{r.path}" title="{_e(r.title)}" target="_blank">{_e(r.title)}</a>'
        f"<span>{r.published:%Y-%m-%d}</span></li>" for r in reports)
    body = f"""{M._jyj_header()}
<div class="main">
<div class="crumb">当前位置：<a href="/jyj/">首页</a> &gt; <a href="{JYJ_GKNB}">信息公开年报</a></div>
<div class="list-box">
<h2>信息公开年报</h2>
<ul class="list">
{lis}
</ul>
</div>
</div>"""
    page = M._page(M._document(JYJ, f"信息公开年报 {JYJ.name}", [("ColumnName", "信息公开年报")], body,
                               charset_meta=M._UTF8_META))
    pages = {JYJ_GKNB: page, JYJ_GKNB.rsplit("/", 1)[0] + "/": page}
    for r in reports:
        pages[r.path] = _jyj_report_page(r)
    return pages


# --------------------------------------------------------------------------- #
# Expected verdicts
# --------------------------------------------------------------------------- #
def _due_year(today: dt.date, month: int, day: int) -> int:
    y = today.year - 1
    return y if today > dt.date(y + 1, month, day) else y - 1


def expected_disclosure_findings(today: dt.date) -> list[M.Finding]:
    """The findings of the disclosure rules a correct audit reports at as-of = ``today``."""
    out: list[M.Finding] = []
    window = lambda d: 0 <= (today - d).days <= 365  # noqa: E731
    docs = normative_docs(today)
    for d in docs:
        for rule in d.expected:
            if rule in ("normative-doc-late", "interpretation-missing") and not window(d.published):
                continue
            out.append(M.Finding(rule, P, d.path, d.title))
    docs_by_key = {d.key: d for d in docs}
    for it in interpretations(today):
        doc = docs_by_key[it.doc]
        if it.key == "i5" and window(doc.published):
            out.append(M.Finding("interpretation-late", P, it.path, it.title))
    out.append(M.Finding("disclosure-column-missing", P, SECTION, "政府信息公开"))
    out.append(M.Finding("annual-report-missing", M.WJJ_HOST, "/", WJJ.name))
    due = _due_year(today, 1, 31)
    jr = jyj_reports(today)
    if any(r.year == due for r in jr):
        out += [M.Finding("annual-report-late", P, r.path, r.title) for r in jr if r.year == due]
    else:
        out.append(M.Finding("annual-report-missing", P, JYJ_GKNB, JYJ.name))
    out += [M.Finding("annual-report-inconsistent", P, r.path, r.title) for r in jr]
    return out
