"""The fictional 青山县人民政府 site as data.

``build_site(today)`` returns every static page, keyed by host then path::

    {"127.0.0.1": {"/": Page(...), "/xwzx/bdyw/": Page(...), ...},
     "127.0.0.2": {"/": Page(...), ...}}

All item dates are relative to ``today`` ("age N" = ``today - N days``), so the
audit outcome is the same whatever the date (see ``COLUMNS`` / ``HOMEPAGES`` /
``expected_findings``).  The only exception is 教育公告, whose list shows
year-less ``[MM-DD]`` dates: its verdict is computed by
``Column.expected_verdict(today)``.

Absolute links to the other host need the port, which is unknown when the model
is built; bodies contain ``PORT_PLACEHOLDER`` until ``build_site(today, port)``
(or the server) substitutes it.

Dynamic routes (calendar trap ``/hdjl/rl/``, session-id trap ``/search/``,
``;jsessionid=`` path parameters, the 503 ``/scj/`` subsite) live in
``server.py``; the page renderers they use are here (``render_*``).

Stdlib only.  See SPEC.md.
"""
from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import html
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote

__all__ = [
    "Page", "SiteInfo", "Column", "Home", "Item", "Finding",
    "PORTAL_HOST", "WJJ_HOST", "PORT_PLACEHOLDER", "REFERENCE_TODAY",
    "PORTAL", "JYJ", "SCJ", "WJJ", "SITES", "COLUMNS", "COLUMNS_BY_KEY", "HOMEPAGES",
    "EXPECTED_FINDINGS", "DEAD_LINK", "SOFT_404", "HIDDEN_LINK_HOST", "SEARCH_Q",
    "build_site", "column_items", "expected_findings",
    "render_not_found", "render_unavailable", "render_calendar", "render_search",
]

PORTAL_HOST = "127.0.0.1"
WJJ_HOST = "127.0.0.2"
PORT_PLACEHOLDER = "__FIXTURE_PORT__"
#: the date the test-suite pins; EXPECTED_FINDINGS is computed for it
REFERENCE_TODAY = dt.date(2026, 12, 15)
#: the one dead internal link (on one 本地要闻 article) — answers 404, harmless
DEAD_LINK = "/xwzx/bdyw/202001/t20200101_0001.html"
#: answers 200 but is an error page ("页面不存在"): a soft 404, linked next to DEAD_LINK
SOFT_404 = "/xwzx/bdyw/202002/t20200202_0002.html"
#: a 暗链 planted on the home page, hidden off-screen, to a host where nothing listens
HIDDEN_LINK_HOST = "127.0.0.4"
PLATFORM_HOST = "127.0.0.3"  # new-media account pages (tests/site/interaction.py)
SEARCH_Q = "政务"

HTML_UTF8 = "text/html; charset=utf-8"


def _latest_not_after(month: int, day: int, today: dt.date) -> dt.date:
    d = dt.date(today.year, month, day)
    return d if d <= today else dt.date(today.year - 1, month, day)


# --------------------------------------------------------------------------- #
# Data types
# --------------------------------------------------------------------------- #
@dataclass(frozen=True)
class Page:
    status: int
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class SiteInfo:
    key: str
    name: str          # SiteName
    domain: str        # SiteDomain
    idcode: str        # SiteIDCode / 网站标识码
    host: str          # loopback address it is served on
    root: str          # path of its home page on that host
    sponsor: str       # 主办单位

    @property
    def footer_text(self) -> str:
        return (f"主办单位：{self.sponsor} 网站标识码：{self.idcode} "
                "浙ICP备12345678号-1 浙公网安备 33112702000001号")

    def url(self, port: int) -> str:
        return f"http://{self.host}:{port}{self.root}"


PORTAL = SiteInfo("portal", "青山县人民政府", "www.qingshan.gov.cn", "3311270001",
                  PORTAL_HOST, "/", "青山县人民政府办公室")
JYJ = SiteInfo("jyj", "青山县教育局", "jyj.qingshan.gov.cn", "3311270012",
               PORTAL_HOST, "/jyj/", "青山县教育局")
SCJ = SiteInfo("scj", "青山县市场监督管理局", "scj.qingshan.gov.cn", "3311270015",
               PORTAL_HOST, "/scj/", "青山县市场监督管理局")
WJJ = SiteInfo("wjj", "青山县卫生健康局", "wjj.qingshan.gov.cn", "3311270020",
               WJJ_HOST, "/", "青山县卫生健康局")
SITES = {s.key: s for s in (PORTAL, JYJ, SCJ, WJJ)}


@dataclass(frozen=True)
class Column:
    """One list column and what the audit must say about it.

    ``expected`` is the verdict at any ``today`` for every column except the
    year-less 教育公告 (use ``expected_verdict(today)``):
    "stale" | "fresh" | "empty" | "exempt" | "not-crawled".
    """
    key: str
    name: str                      # ColumnName
    path: str                      # list page path (directory URL for TRS)
    host: str
    site: str                      # SiteInfo key
    style: str                     # page layout / CMS quirk
    column_type: str | None        # ColumnType meta (None: not emitted)
    ages: tuple[int, ...]          # item ages in days, newest first
    threshold_days: int | None     # staleness threshold the auditor is assumed to use
    expected: str
    date_style: str = "iso"
    yearless: tuple[tuple[int, int], ...] = ()   # (month, day) for year-less lists
    note: str = ""

    @property
    def newest_age_days(self) -> int | None:
        """Age of the newest item; None for empty and year-less columns."""
        return self.ages[0] if self.ages else None

    @property
    def item_count(self) -> int:
        return len(self.yearless) if self.yearless else len(self.ages)

    def item_dates(self, today: dt.date) -> list[dt.date]:
        if self.yearless:
            return sorted((_latest_not_after(m, d, today) for m, d in self.yearless),
                          reverse=True)
        return [today - dt.timedelta(days=a) for a in self.ages]

    def newest_age(self, today: dt.date) -> int | None:
        dates = self.item_dates(today)
        return (today - dates[0]).days if dates else None

    def expected_verdict(self, today: dt.date) -> str:
        if self.expected in ("empty", "exempt", "not-crawled"):
            return self.expected
        age = self.newest_age(today)
        assert age is not None and self.threshold_days is not None
        return "stale" if age > self.threshold_days else "fresh"

    def url(self, port: int) -> str:
        return f"http://{self.host}:{port}{self.path}"


def _ages(first: int, *rest: int) -> tuple[int, ...]:
    return (first, *rest)


COLUMNS: tuple[Column, ...] = (
    Column("bdyw", "本地要闻", "/xwzx/bdyw/", PORTAL_HOST, "portal", "trs-list-createPageHTML",
           "要闻", tuple(1 + 3 * i for i in range(25)), 14, "fresh",
           note="25 items on 3 pages (10/10/5); pagination only via createPageHTML() script"),
    Column("bmdt", "部门动态", "/xwzx/bmdt/", PORTAL_HOST, "portal", "trs-list", None,
           _ages(14, 16, 20, 24, 28, 32, 36, 40), 14, "fresh", date_style="slash",
           note="newest exactly at the 14-day threshold; no ColumnType meta (classify by name)"),
    Column("xzdt", "乡镇动态", "/xwzx/xzdt/", PORTAL_HOST, "portal", "trs-table", "动态",
           _ages(15, 22, 29, 36, 43, 50), 14, "stale", date_style="cn",
           note="table layout, dates 2026年11月11日"),
    Column("tzgg", "通知公告", "/tzgg/", PORTAL_HOST, "portal", "trs-list-gbk-paged", "通知公告",
           _ages(200, 215, 231, 250, 270, 301, 333), 183, "stale", date_style="dot",
           note="GBK (gb18030 bytes, meta says gb2312, header has no charset); 堃 in a title; "
                "2 pages linked by 下一页/上一页"),
    Column("zcwj", "政策文件", "/zcwj/", PORTAL_HOST, "portal", "trs-list-paren-date", "政策文件",
           _ages(183, 214, 245, 290, 350), 183, "fresh", date_style="paren",
           note="newest exactly at the 183-day threshold"),
    Column("rsxx", "人事信息", "/zwgk/rsxx/", PORTAL_HOST, "portal", "trs-list", "人事",
           _ages(400, 430, 475, 540), 365, "stale"),
    Column("ghjh", "规划计划", "/zwgk/ghjh/", PORTAL_HOST, "portal", "trs-list", "规划计划",
           _ages(300, 640, 1010), 365, "fresh"),
    Column("ztjy", "2019年主题教育专题", "/ztzl/2019ztjy/", PORTAL_HOST, "portal", "trs-list", "专题",
           _ages(1500, 1512, 1530, 1561), None, "exempt", note="专题 columns are exempt"),
    Column("czxx", "财政信息", "/zwgk/czxx/", PORTAL_HOST, "portal", "trs-nodata", "财政信息",
           (), 365, "empty", note='no items: <div class="nodata">暂无信息</div>'),
    Column("tjxx", "统计信息", "/zwgk/tjxx/", PORTAL_HOST, "portal", "trs-empty-ul", "统计信息",
           (), 365, "empty", note='no items: empty <ul class="list"></ul>'),
    Column("zdxm", "重大项目", "/zwgk/zdxm/", PORTAL_HOST, "portal", "trs-list", "重大项目",
           _ages(30), 183, "fresh", note="exactly one item: not empty"),
    Column("jydt", "教育动态", "/jyj/col/col1201/index.html", PORTAL_HOST, "jyj",
           "hanweb-datastore", None, tuple(14 + 5 * i for i in range(12)), 14, "fresh",
           note="items only inside <script type=\"text/xml\"><datastore>; newest exactly 14"),
    Column("jygg", "教育公告", "/jyj/col/col1202/index.html", PORTAL_HOST, "jyj",
           "hanweb-yearless", "通知公告", (), 183, "stale", date_style="md-bracket",
           yearless=((1, 5), (1, 2), (12, 20)),
           note="year-less [MM-DD] dates = most recent such date not after today; "
                "stale at the reference date (newest 2026-01-05 for 2026-12-15) but "
                "fresh from Dec 20 to early July"),
    Column("wjdt", "卫健动态", "/wjdt/index.shtml", WJJ_HOST, "wjj", "ucap-list", None,
           _ages(30, 37, 44, 58, 72), 14, "stale", note="GBK body, header claims utf-8"),
    Column("wjgg", "卫健公告", "/wjgg/index.shtml", WJJ_HOST, "wjj", "ucap-list", "通知公告",
           _ages(60, 95, 130, 170), 183, "fresh"),
    Column("admin_old", "旧栏目", "/admin/old/", PORTAL_HOST, "admin", "trs-list", None,
           _ages(900, 930, 960), None, "not-crawled",
           note="only linked from /admin/, which robots.txt disallows"),
)
COLUMNS_BY_KEY = {c.key: c for c in COLUMNS}


@dataclass(frozen=True)
class Home:
    site: str                   # SiteInfo key
    name: str
    host: str
    path: str
    newest_age_days: int | None  # newest date shown ON the home page (None: none shown)
    second_level_age_days: int | None  # newest item one level down (for nav-only homes)
    expected: str               # "fresh" | "stale" | "unreachable"
    note: str = ""

    def url(self, port: int) -> str:
        return f"http://{self.host}:{port}{self.path}"


HOMEPAGES: tuple[Home, ...] = (
    Home("portal", PORTAL.name, PORTAL_HOST, "/", 1, 1, "fresh"),
    Home("jyj", JYJ.name, PORTAL_HOST, "/jyj/", 14, 14, "fresh",
         note="newest exactly at the 14-day threshold"),
    Home("scj", SCJ.name, PORTAL_HOST, "/scj/", None, None, "unreachable",
         note="every path under /scj/ answers 503"),
    Home("wjj", WJJ.name, WJJ_HOST, "/", None, 30, "stale",
         note="navigation-only home; newest second-level item age 30 > 14"),
)


@dataclass(frozen=True)
class Finding:
    rule: str      # site-unreachable | homepage-stale | column-stale | column-empty
    host: str
    path: str
    name: str

    def url(self, port: int) -> str:
        return f"http://{self.host}:{port}{self.path}"


def expected_findings(today: dt.date) -> list[Finding]:
    """Findings a correct audit reports at as-of = ``today`` (and nothing else
    from these four rules)."""
    out: list[Finding] = []
    for h in HOMEPAGES:
        if h.expected == "unreachable":
            out.append(Finding("site-unreachable", h.host, h.path, h.name))
    for h in HOMEPAGES:
        if h.expected == "stale":
            out.append(Finding("homepage-stale", h.host, h.path, h.name))
    for c in COLUMNS:
        if c.expected_verdict(today) == "stale":
            out.append(Finding("column-stale", c.host, c.path, c.name))
    for c in COLUMNS:
        if c.expected_verdict(today) == "empty":
            out.append(Finding("column-empty", c.host, c.path, c.name))
    return out


EXPECTED_FINDINGS: tuple[Finding, ...] = tuple(expected_findings(REFERENCE_TODAY))


# --------------------------------------------------------------------------- #
# Content (titles, sources, paragraphs) — fixed, deterministic
# --------------------------------------------------------------------------- #
TITLES: dict[str, list[str]] = {
    "bdyw": [
        "县委常委会召开会议 传达学习省委全会精神",
        "青山县召开全县经济工作会议",
        "县政府召开第四十二次常务会议",
        "我县举行重大项目集中开工仪式",
        "县领导调研全县冬季安全生产工作",
        "青山县入选省级数字乡村建设试点县",
        "县人大常委会召开第二十次会议",
        "全县“千万工程”现场推进会在溪口镇召开",
        "县政协开展民生实事项目专项视察",
        "青山县举办秋季人才招聘会",
        "县委理论学习中心组开展专题学习",
        "我县召开森林防火工作部署会",
        "青山县农村生活污水治理工作获省通报表扬",
        "县长带队赴上海开展招商引资活动",
        "全县基层党建工作现场观摩会召开",
        "县政府与浙江农林大学签署战略合作协议",
        "青山县召开优化营商环境工作推进会",
        "县领导走访慰问困难群众和老党员",
        "青山县启动“清廉村居”建设三年行动",
        "全县安全生产和消防工作会议召开",
        "县委召开全面深化改革委员会会议",
        "青山县开展防汛防台应急演练",
        "县政府召开山区共同富裕工作专题会",
        "我县举办首届“青山杯”农民丰收节",
        "县领导督查城乡环境综合整治工作",
    ],
    "bmdt": [
        "县发改局召开重点项目推进协调会",
        "县财政局开展惠民惠农补贴资金专项检查",
        "县人力社保局举办就业创业政策宣讲活动",
        "县自然资源和规划局开展耕地保护专项督查",
        "县交通运输局推进农村公路提档升级",
        "县住建局开展建筑施工安全大检查",
        "县民政局组织开展养老机构消防安全培训",
        "县农业农村局举办高素质农民培训班",
    ],
    "xzdt": [
        "溪口镇开展人居环境整治“回头看”",
        "龙潭乡召开村级后备干部培训会",
        "城关镇举办社区邻里节活动",
        "白沙镇推进茶产业数字化改造",
        "石门乡开展地质灾害隐患排查",
        "枫林镇组织开展冬季征兵宣传",
    ],
    "tzgg": [
        "青山县人民政府关于开展第五次全国经济普查的通告",
        "关于王堃同志任职的通知",
        "关于公布青山县第二批县级非物质文化遗产代表性项目名录的通知",
        "关于征求《青山县国土空间总体规划（征求意见稿）》意见的公告",
        "青山县人民政府办公室关于做好春节期间有关工作的通知",
        "关于调整青山县城区部分道路交通组织的通告",
        "关于开展全县消防安全专项整治的通知",
    ],
    "zcwj": [
        "青山县人民政府关于印发青山县促进民营经济高质量发展若干政策的通知",
        "青山县人民政府办公室关于进一步加强农村宅基地管理的实施意见",
        "青山县人民政府关于印发青山县城乡居民基本医疗保险实施办法的通知",
        "青山县人民政府办公室关于印发青山县防汛防台应急预案的通知",
        "青山县人民政府关于加快推进现代农业发展的若干意见",
    ],
    "rsxx": [
        "青山县人民政府关于李明等同志职务任免的通知",
        "青山县人民政府关于张伟华等同志职务任免的通知",
        "青山县公开招聘事业单位工作人员拟聘用人员公示",
        "青山县人民政府关于陈建国同志职务任免的通知",
    ],
    "ghjh": [
        "青山县国民经济和社会发展第十四个五年规划纲要",
        "青山县全域旅游发展规划",
        "青山县综合交通运输发展规划",
    ],
    "ztjy": [
        "县委召开“不忘初心、牢记使命”主题教育工作会议",
        "县级领导班子主题教育读书班开班",
        "县领导到基层联系点讲专题党课",
        "县委常委班子召开主题教育专题民主生活会",
    ],
    "zdxm": ["青山县城东片区综合开发项目建设进展情况"],
    "admin_old": [
        "关于原政务公开栏目停止更新的说明",
        "青山县政务信息网迁移公告",
        "原网站信息归档说明",
    ],
    "jydt": [
        "县教育局召开全县教育系统安全工作会议",
        "青山中学学子在省中学生运动会上获佳绩",
        "全县中小学开展“双减”工作专项督查",
        "县实验小学举办校园科技节",
        "县教育局开展新教师入职培训",
        "青山县职业教育中心与企业共建实训基地",
        "全县幼儿园开展保育教育质量评估",
        "县教育局组织开展校园食品安全检查",
        "青山县第二中学举行新校区启用仪式",
        "全县中小学开展防溺水安全教育",
        "县教育局召开教育集团化办学推进会",
        "青山县举办中小学教师教学技能大赛",
    ],
    "jygg": [
        "关于公布寒假期间校外培训机构监管举报电话的公告",
        "关于做好全县中小学寒假放假有关工作的通知",
        "青山县教育局关于公布义务教育学校招生工作安排的公告",
    ],
    "wjdt": [
        "县卫健局开展医疗机构安全生产大检查",
        "青山县人民医院医共体建设工作推进会召开",
        "县卫健局组织开展家庭医生签约服务宣传活动",
        "全县基层医疗卫生机构开展急救技能培训",
        "县疾控中心启动流感疫苗接种工作",
    ],
    "wjgg": [
        "青山县卫生健康局关于公布医疗机构执业登记信息的公告",
        "青山县卫生健康局关于开展医疗机构依法执业专项检查的通知",
        "关于公布青山县基本公共卫生服务项目资金分配情况的公告",
        "青山县卫生健康局关于公开招聘编外工作人员的公告",
    ],
}

_BMDT_SOURCES = ["青山县发展和改革局", "青山县财政局", "青山县人力资源和社会保障局",
                 "青山县自然资源和规划局", "青山县交通运输局", "青山县住房和城乡建设局",
                 "青山县民政局", "青山县农业农村局"]
_XZDT_SOURCES = ["溪口镇人民政府", "龙潭乡人民政府", "城关镇人民政府", "白沙镇人民政府",
                 "石门乡人民政府", "枫林镇人民政府"]

# column key -> (source for item i, paragraph kind, doc-id base, breadcrumb group)
_COLUMN_META: dict[str, tuple] = {
    "bdyw": (lambda i: "青山县人民政府办公室", "news", 1000, "xwzx"),
    "bmdt": (lambda i: _BMDT_SOURCES[i], "news", 1100, "xwzx"),
    "xzdt": (lambda i: _XZDT_SOURCES[i], "news", 1200, "xwzx"),
    "tzgg": (lambda i: "青山县人民政府办公室", "notice", 1300, "tzgg"),
    "zcwj": (lambda i: "青山县人民政府办公室", "policy", 1400, "zcwj"),
    "rsxx": (lambda i: "青山县人民政府办公室", "personnel", 1500, "zwgk"),
    "ghjh": (lambda i: "青山县发展和改革局", "plan", 1600, "zwgk"),
    "ztjy": (lambda i: "青山县人民政府办公室", "news", 1700, "ztzl"),
    "zdxm": (lambda i: "青山县发展和改革局", "project", 1800, "zwgk"),
    "czxx": (lambda i: "青山县财政局", "notice", 2000, "zwgk"),
    "tjxx": (lambda i: "青山县统计局", "notice", 2100, "zwgk"),
    "admin_old": (lambda i: "青山县人民政府办公室", "notice", 1900, "admin"),
    "jydt": (lambda i: "青山县教育局", "news", 5000, None),
    "jygg": (lambda i: "青山县教育局", "notice", 5100, None),
    "wjdt": (lambda i: "青山县卫生健康局", "news", 6000, None),
    "wjgg": (lambda i: "青山县卫生健康局", "notice", 6100, None),
}

_REPORTERS = ["张晓", "李婷", "王磊", "陈洁", "刘洋", "周敏"]

_PARAS: dict[str, list[str]] = {
    "news": [
        "会议指出，要深入学习贯彻党的二十大精神，坚持以人民为中心的发展思想，把各项决策部署落到实处，以实际成效检验工作成果。",
        "会议强调，各级各部门要进一步提高政治站位，压实工作责任，加强统筹协调，聚焦重点领域和关键环节，确保各项任务按时保质完成。",
        "活动现场，工作人员通过发放宣传资料、现场讲解、答疑解惑等方式向群众宣传相关政策，共发放宣传资料1200余份，接受群众咨询300余人次。",
        "下一步，{source}将持续跟踪工作进展，建立问题清单、责任清单和整改清单，推动形成长效机制，不断提升群众的获得感、幸福感和安全感。",
        "据悉，今年以来，我县坚持把这项工作作为推进高质量发展的重要抓手，累计投入资金3.6亿元，实施项目42个，取得了阶段性成效。",
        "县领导在讲话中要求，要坚持问题导向和目标导向，对标先进、比学赶超，以更高标准、更实举措推动各项工作走在全市前列。",
        "与会人员一致表示，将以此次会议为契机，认真抓好贯彻落实，奋力谱写青山高质量发展新篇章。",
    ],
    "notice": [
        "为进一步做好相关工作，根据上级有关文件精神，结合我县实际，现将有关事项通知如下：",
        "一、高度重视，加强组织领导。各单位要充分认识此项工作的重要意义，明确分管领导和具体联系人，确保工作有序推进。",
        "二、明确任务，抓好工作落实。各单位要对照工作要求，认真梳理本单位情况，在规定时间内将有关材料报送{source}。",
        "三、强化督查，确保取得实效。将适时组织督查，对工作推进不力的单位予以通报。",
        "联系人：{source} 刘先生，联系电话：0571-64812345。",
        "特此通知。",
    ],
    "policy": [
        "现将有关文件印发给你们，请结合实际，认真贯彻执行。",
        "第一条 为贯彻落实上级决策部署，进一步推动我县经济社会高质量发展，根据有关法律法规和政策规定，结合本县实际，制定本办法。",
        "第二条 本办法适用于本县行政区域内的相关单位和个人。",
        "第三条 县政府各有关部门按照职责分工，负责本办法的组织实施和监督管理工作。",
        "第四条 各乡镇人民政府、街道办事处应当加强宣传引导，及时研究解决实施过程中遇到的问题。",
        "本文件自印发之日起施行，由县政府办公室负责解释。",
    ],
    "personnel": [
        "经县人民政府研究决定：",
        "任命李明同志为青山县发展和改革局副局长；免去赵强同志的青山县交通运输局副局长职务。",
        "任命张伟华同志为青山县人民政府办公室副主任（试用期一年）。",
        "以上人员公示期为五个工作日。公示期间，如对公示对象有异议，可向县委组织部、县人力社保局反映。",
        "监督电话：0571-64810012。",
    ],
    "plan": [
        "本规划根据国家、省、市有关规划要求和县委、县政府的决策部署编制，是指导全县今后一个时期发展的纲领性文件。",
        "规划坚持生态优先、绿色发展，统筹城乡区域协调发展，着力构建“一核两翼三带”的空间发展格局。",
        "到规划期末，全县地区生产总值年均增长6.5%左右，城乡居民人均可支配收入增长与经济增长基本同步。",
        "各乡镇、各部门要按照职责分工，细化工作方案，明确责任主体，确保规划目标任务落到实处。",
    ],
    "project": [
        "城东片区综合开发项目总投资28.6亿元，主要建设安置住房、道路管网、学校及公共服务配套设施。",
        "截至目前，项目已完成投资19.2亿元，占总投资的67%，安置住房主体结构全部结顶，配套道路完成路基施工。",
        "下一步，项目指挥部将倒排工期、挂图作战，加强施工安全和质量管理，确保按期交付使用。",
    ],
}

_TITLE_LEADS = {
    "关于王堃同志任职的通知":
        "经县人民政府研究决定：任命王堃同志为青山县人民政府办公室副主任（试用期一年）。",
}

_SALUTATION = "各乡镇人民政府、街道办事处，县政府各部门、各直属单位："
_SALUTATIONS = {
    "青山县教育局": "各中小学、幼儿园，局属各单位：",
    "青山县卫生健康局": "各医疗卫生单位，局机关各科室：",
}


@dataclass(frozen=True)
class Item:
    column: str        # Column.key
    index: int         # 0 = newest
    title: str
    date: dt.date
    time: str          # "HH:MM"
    doc_id: int
    source: str
    path: str          # absolute path of the article page
    href: str          # href exactly as written on the list page

    @property
    def pubdate(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.time}"


def _article_path(col: Column, d: dt.date, doc_id: int) -> tuple[str, str]:
    if col.site in ("portal", "admin"):
        rel = f"{d:%Y%m}/t{d:%Y%m%d}_{doc_id}.html"
        return col.path + rel, "./" + rel
    if col.site == "jyj":
        colid = col.path.split("/col")[-1].split("/")[0]   # "1201"
        p = f"/jyj/art/{d.year}/{d.month}/{d.day}/art_{colid}_{doc_id}.html"
        return p, p
    if col.site == "wjj":
        h = hashlib.md5(f"{col.key}:{doc_id}".encode()).hexdigest()
        p = f"/{col.key}/{d:%Y%m}/{h}.shtml"
        return p, p
    raise ValueError(col.site)


def column_items(col: Column | str, today: dt.date) -> list[Item]:
    """The items of a column at ``today``, newest first."""
    if isinstance(col, str):
        col = COLUMNS_BY_KEY[col]
    if not col.item_count:
        return []
    source_of, _kind, base, _group = _COLUMN_META[col.key]
    titles = TITLES[col.key]
    dates = col.item_dates(today)
    if col.yearless:
        # keep each title attached to its (month, day) whatever the sort order
        by_md = {(m, d): titles[i] for i, (m, d) in enumerate(col.yearless)}
        titles = [by_md[(d.month, d.day)] for d in dates]
    n = len(dates)
    items = []
    for i, d in enumerate(dates):
        doc_id = base + (n - i)            # newest has the highest id, as in a real CMS
        hh = 8 + (doc_id * 7) % 10
        mm = (doc_id * 13) % 60
        path, href = _article_path(col, d, doc_id)
        items.append(Item(col.key, i, titles[i], d, f"{hh:02d}:{mm:02d}", doc_id,
                          source_of(i), path, href))
    return items


def _paragraphs(item: Item) -> list[str]:
    """2–4 deterministic paragraphs for an article."""
    _src, kind, _base, _group = _COLUMN_META[item.column]
    pool = _PARAS[kind]
    count = 2 + (item.doc_id % 3)
    md = f"{item.date.month}月{item.date.day}日"
    if item.title in _TITLE_LEADS:
        body = [_TITLE_LEADS[item.title], "特此通知。"]
    elif kind == "news":
        rep = _REPORTERS[item.doc_id % len(_REPORTERS)]
        lead = f"本网讯（记者 {rep}）{md}，{item.title.replace(' ', '，')}。"
        body = [lead] + [pool[(item.doc_id + k) % len(pool)] for k in range(count - 1)]
    elif kind in ("notice", "policy"):
        body = [_SALUTATIONS.get(item.source, _SALUTATION)] + pool[: count - 1]
    else:
        body = pool[:count]
    return [p.replace("{source}", item.source) for p in body]


# --------------------------------------------------------------------------- #
# HTML helpers
# --------------------------------------------------------------------------- #
def _e(s: str) -> str:
    return html.escape(s, quote=True)


def _fmt_date(d: dt.date, style: str) -> str:
    if style == "iso":
        return f"{d:%Y-%m-%d}"
    if style == "slash":
        return f"{d:%Y/%m/%d}"
    if style == "cn":
        return f"{d.year}年{d.month:02d}月{d.day:02d}日"
    if style == "dot":
        return f"{d:%Y.%m.%d}"
    if style == "paren":
        return f"({d:%Y-%m-%d})"
    if style == "md-bracket":
        return f"[{d:%m-%d}]"
    raise ValueError(style)


def _meta_tags(site: SiteInfo, extra: list[tuple[str, str | None]] = ()) -> str:
    tags = [("SiteName", site.name), ("SiteDomain", site.domain), ("SiteIDCode", site.idcode)]
    tags += [(k, v) for k, v in extra if v is not None]
    return "\n".join(f'<meta name="{k}" content="{_e(v)}">' for k, v in tags)


def _document(site: SiteInfo, title: str, meta_extra, body: str, *,
              charset_meta: str, head_extra: str = "") -> str:
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
{charset_meta}
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<title>{_e(title)}</title>
{_meta_tags(site, meta_extra)}
{head_extra}</head>
<body>
{body}
<div class="footer">
<p>{_e(site.footer_text)}</p>
<p><a href="{site.root}">网站首页</a> | 建议使用1920×1080分辨率浏览</p>
</div>
</body>
</html>
"""


_UTF8_META = '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
_GB2312_META = '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
_GBK_META = '<meta charset="gbk">'


def _page(text: str, *, encoding: str = "utf-8", content_type: str = HTML_UTF8,
          status: int = 200) -> Page:
    return Page(status, {"Content-Type": content_type}, text.encode(encoding))


# ----- portal (TRS WCM) ---------------------------------------------------- #
_GROUPS = {
    "xwzx": ("新闻中心", "/xwzx/bdyw/", ["bdyw", "bmdt", "xzdt"]),
    "zwgk": ("政务公开", "/zwgk/rsxx/", ["rsxx", "ghjh", "czxx", "tjxx", "zdxm"]),
    "tzgg": ("通知公告", "/tzgg/", ["tzgg"]),
    "zcwj": ("政策文件", "/zcwj/", ["zcwj"]),
    "ztzl": ("专题专栏", "/ztzl/2019ztjy/", ["ztjy"]),
    "admin": ("后台管理", "/admin/", ["admin_old"]),
}
_PORTAL_COLUMN_KEYS = ["bdyw", "bmdt", "xzdt", "tzgg", "zcwj", "rsxx", "ghjh", "ztjy",
                       "czxx", "tjxx", "zdxm"]


def _portal_header() -> str:
    return """<div class="header">
<div class="logo"><a href="/">青山县人民政府</a></div>
<div class="nav"><ul>
<li><a href="/">首页</a></li>
<li><a href="/xwzx/bdyw/">新闻中心</a></li>
<li><a href="/zwgk/rsxx/">政务公开</a></li>
<li><a href="/tzgg/">通知公告</a></li>
<li><a href="/zcwj/">政策文件</a></li>
<li><a href="/ztzl/2019ztjy/">专题专栏</a></li>
<li><a href="/zfxxgk/">政府信息公开</a></li>
</ul></div>
</div>"""


def _crumb(col: Column, article: bool = False) -> str:
    gname, ghref, _keys = _GROUPS[_COLUMN_META[col.key][3]]
    parts = ['<a href="/">首页</a>']
    if gname != col.name:
        parts.append(f'<a href="{ghref}">{_e(gname)}</a>')
    parts.append(f'<a href="{col.path}">{_e(col.name)}</a>')
    trail = " &gt; ".join(parts)
    if article:
        trail += " &gt; 正文"
    return f'<div class="crumb">当前位置：{trail}</div>'


def _sidebar(col: Column) -> str:
    gname, _h, keys = _GROUPS[_COLUMN_META[col.key][3]]
    on = ' class="on"'
    lis = "\n".join(
        f'<li{on if k == col.key else ""}><a href="{COLUMNS_BY_KEY[k].path}">'
        f'{_e(COLUMNS_BY_KEY[k].name)}</a></li>' for k in keys)
    return f'<div class="side"><h3>{_e(gname)}</h3><ul>\n{lis}\n</ul></div>'


def _portal_list_html(col: Column, items: list[Item]) -> str:
    if col.style == "trs-nodata":
        return '<div class="nodata">暂无信息</div>'
    if col.style == "trs-empty-ul":
        return '<ul class="list"></ul>'
    if col.style == "trs-table":
        rows = "\n".join(
            f'<tr><td><a href="{it.href}" title="{_e(it.title)}" target="_blank">{_e(it.title)}</a></td>'
            f'<td>{_fmt_date(it.date, col.date_style)}</td></tr>' for it in items)
        return f'<table class="list" width="100%" cellspacing="0" cellpadding="0">\n{rows}\n</table>'
    if col.style == "trs-list-paren-date":
        lis = "\n".join(
            f'<li><a href="{it.href}" title="{_e(it.title)}" target="_blank">{_e(it.title)}</a>'
            f'<span class="date">{_fmt_date(it.date, col.date_style)}</span></li>' for it in items)
    else:
        lis = "\n".join(
            f'<li><a href="{it.href}" title="{_e(it.title)}" target="_blank">{_e(it.title)}</a>'
            f'<span>{_fmt_date(it.date, col.date_style)}</span></li>' for it in items)
    return f'<ul class="list">\n{lis}\n</ul>'


def _portal_column_pages(col: Column, today: dt.date) -> dict[str, Page]:
    items = column_items(col, today)
    gbk = col.key == "tzgg"
    if col.key == "bdyw":
        chunks = [items[0:10], items[10:20], items[20:25]]
    elif col.key == "tzgg":
        chunks = [items[0:4], items[4:7]]
    else:
        chunks = [items]
    head_extra = ('<script type="text/javascript" src="/common/js/createPageHTML.js"></script>\n'
                  if col.key == "bdyw" else "")
    pages: dict[str, Page] = {}
    for n, chunk in enumerate(chunks):
        if col.key == "bdyw":
            pager = (f'<div class="page"><script>createPageHTML({len(chunks)}, {n}, '
                     f'"index", "html");</script></div>')
        elif col.key == "tzgg":
            pager = ('<div class="page">共7条 第1/2页 <a href="index_1.html">下一页</a></div>'
                     if n == 0 else
                     '<div class="page">共7条 第2/2页 <a href="index.html">上一页</a></div>')
        else:
            pager = ""
        body = f"""{_portal_header()}
<div class="main">
{_crumb(col)}
{_sidebar(col)}
<div class="content">
<h2 class="column-title">{_e(col.name)}</h2>
{_portal_list_html(col, chunk)}
{pager}
</div>
</div>"""
        text = _document(PORTAL, f"{col.name}_青山县人民政府",
                         [("ColumnName", col.name), ("ColumnType", col.column_type)],
                         body, charset_meta=_GB2312_META if gbk else _UTF8_META,
                         head_extra=head_extra)
        page = (_page(text, encoding="gb18030", content_type="text/html") if gbk
                else _page(text))
        name = "index.html" if n == 0 else f"index_{n}.html"
        pages[col.path + name] = page
        if n == 0:
            pages[col.path] = page
    for it in items:
        pages[it.path] = _portal_article(col, it)
    return pages


def _portal_article(col: Column, it: Item) -> Page:
    gbk = col.key == "tzgg"
    paras = "\n".join(f"<p>{_e(p)}</p>" for p in _paragraphs(it))
    if gbk and it.index == 1:  # a typo on a GBK page: 布署 → 部署
        paras += "\n<p>请各乡镇、各部门按照本通知要求，认真做好各项工作布署。</p>"
    related = ""
    if col.key == "bdyw" and it.index == 2:
        related = (f'<div class="related">相关链接：<a href="{DEAD_LINK}">'
                   "我县召开新年第一次常务会议</a> "
                   f'<a href="{SOFT_404}">我县部署春节前安全生产工作</a></div>')
    body = f"""{_portal_header()}
<div class="main">
{_crumb(col, article=True)}
<div class="article">
<h1>{_e(it.title)}</h1>
<div class="info">发布时间：{it.pubdate} 来源：{_e(it.source)}</div>
<div class="TRS_Editor">
{paras}
</div>
{related}
<div class="tools"><a href="javascript:window.print()">打印本页</a> <a href="javascript:window.close()">关闭窗口</a></div>
</div>
</div>"""
    text = _document(PORTAL, f"{it.title}_青山县人民政府",
                     [("ColumnName", col.name), ("ArticleTitle", it.title),
                      ("PubDate", it.pubdate), ("ContentSource", it.source)],
                     body, charset_meta=_GB2312_META if gbk else _UTF8_META)
    if gbk:
        return _page(text, encoding="gb18030", content_type="text/html")
    return _page(text)


def _portal_home(today: dt.date) -> Page:
    bdyw = column_items("bdyw", today)[:6]
    tzgg = column_items("tzgg", today)[:3]
    yw = "\n".join(
        f'<li><a href="{it.path}" title="{_e(it.title)}">{_e(it.title)}</a>'
        f"<span>{it.date:%Y-%m-%d}</span></li>" for it in bdyw)
    gg = "\n".join(
        f'<li><a href="{it.path}" title="{_e(it.title)}">{_e(it.title)}</a>'
        f"<span>{it.date:%Y-%m-%d}</span></li>" for it in tzgg)
    colnav = "\n".join(
        f'<li><a href="{COLUMNS_BY_KEY[k].path}">{_e(COLUMNS_BY_KEY[k].name)}</a></li>'
        for k in _PORTAL_COLUMN_KEYS)
    search_href = f"/search/?q={quote(SEARCH_Q)}&amp;sid=qs000000"
    body = f"""{_portal_header()}
<div class="search"><form action="/search/" method="get">
<input type="text" name="q" value=""><input type="hidden" name="sid" value="qs000000">
<input type="submit" value="搜索"></form>
<a href="{search_href}">热门搜索：{_e(SEARCH_Q)}</a></div>
<div class="main">
<div class="block yw">
<h2><a href="/xwzx/bdyw/">要闻</a><a class="more" href="/xwzx/bdyw/">更多&gt;&gt;</a></h2>
<ul>
{yw}
</ul>
</div>
<div class="block tzgg">
<h2><a href="/tzgg/">通知公告</a><a class="more" href="/tzgg/">更多&gt;&gt;</a></h2>
<ul>
{gg}
</ul>
</div>
<div class="block colnav">
<h2>栏目导航</h2>
<ul>
{colnav}
</ul>
</div>
<div class="block hdjl">
<h2>互动交流</h2>
<ul>
<li><a href="/hdjl/rl/?month={today:%Y-%m}">活动日历</a></li>
</ul>
</div>
<div class="block links">
<h2>部门网站</h2>
<ul>
<li><a href="/jyj/">{_e(JYJ.name)}</a></li>
<li><a href="/scj/">{_e(SCJ.name)}</a></li>
<li><a href="http://{WJJ_HOST}:{PORT_PLACEHOLDER}/">{_e(WJJ.name)}</a></li>
</ul>
</div>
<div class="block notice"><p>截止目前，全县已完成老旧小区改造项目十二个。</p></div>
<div class="block admin"><a href="/admin/">网站管理</a></div>
<div style="position:absolute;left:-9000px;top:0"><a href="http://{HIDDEN_LINK_HOST}:{PORT_PLACEHOLDER}/bc/">博彩娱乐</a></div>
</div>"""
    return _page(_document(PORTAL, "青山县人民政府", [], body, charset_meta=_UTF8_META))


def _admin_pages(today: dt.date) -> dict[str, Page]:
    col = COLUMNS_BY_KEY["admin_old"]
    body = f"""{_portal_header()}
<div class="main">
<h2>网站管理</h2>
<ul>
<li><a href="/admin/old/">旧栏目</a></li>
</ul>
</div>"""
    pages = {"/admin/": _page(_document(PORTAL, "网站管理_青山县人民政府", [], body,
                                        charset_meta=_UTF8_META))}
    pages["/admin/index.html"] = pages["/admin/"]
    pages.update(_portal_column_pages(col, today))
    return pages


# ----- 教育局 (Hanweb JCMS) ------------------------------------------------- #
def _jyj_header() -> str:
    return f"""<div class="top"><div class="logo"><a href="/jyj/">{_e(JYJ.name)}</a></div></div>
<div class="nav">
<a href="/jyj/">首页</a>
<a href="{COLUMNS_BY_KEY['jydt'].path}">教育动态</a>
<a href="{COLUMNS_BY_KEY['jygg'].path}">教育公告</a>
<a href="/jyj/col/col1203/index.html">信息公开年报</a>
<a href="/">青山县人民政府</a>
</div>"""


def _jyj_pages(today: dt.date) -> dict[str, Page]:
    pages: dict[str, Page] = {}
    dt_col, gg_col = COLUMNS_BY_KEY["jydt"], COLUMNS_BY_KEY["jygg"]
    dt_items, gg_items = column_items(dt_col, today), column_items(gg_col, today)

    lis = "\n".join(
        f'<li><a href="{it.path}" title="{_e(it.title)}" target="_blank">{_e(it.title)}</a>'
        f"<span>{it.date:%Y-%m-%d}</span></li>" for it in dt_items[:5])
    body = f"""{_jyj_header()}
<div class="main">
<div class="block">
<h2>教育动态<a class="more" href="{dt_col.path}">更多</a></h2>
<ul>
{lis}
</ul>
</div>
<div class="block">
<h2>栏目导航</h2>
<ul>
<li><a href="{dt_col.path}">教育动态</a></li>
<li><a href="{gg_col.path}">教育公告</a></li>
</ul>
</div>
</div>"""
    home = _page(_document(JYJ, JYJ.name, [], body, charset_meta=_UTF8_META))
    pages["/jyj/"] = pages["/jyj/index.html"] = home

    # 教育动态: datastore only
    records = "\n".join(
        f'<record><![CDATA[<li><a href="{it.href}" title="{_e(it.title)}" target="_blank">'
        f"{_e(it.title)}</a><span>{it.date:%Y-%m-%d}</span></li>]]></record>"
        for it in dt_items)
    body = f"""{_jyj_header()}
<div class="main">
<div class="crumb">当前位置：<a href="/jyj/">首页</a> &gt; <a href="{dt_col.path}">教育动态</a></div>
<div class="list-box">
<h2>教育动态</h2>
<div id="4012" class="default_pgContainer"><script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="{dt_col.path}?uid=5001&pageNum=2"></a>]]></nextgroup>
<recordset>
{records}
</recordset>
</datastore></script></div>
<script type="text/javascript" src="/module/jslib/jquery/jquery.js"></script>
<script type="text/javascript" src="/module/jslib/bigpage/bigpage.js"></script>
</div>
</div>"""
    page = _page(_document(JYJ, f"教育动态 {JYJ.name}", [("ColumnName", dt_col.name)], body,
                           charset_meta=_UTF8_META))
    pages[dt_col.path] = pages[dt_col.path.rsplit("/", 1)[0] + "/"] = page

    # 教育公告: year-less dates
    lis = "\n".join(
        f'<li><a href="{it.href}" title="{_e(it.title)}" target="_blank">{_e(it.title)}</a>'
        f"<span>{_fmt_date(it.date, gg_col.date_style)}</span></li>" for it in gg_items)
    body = f"""{_jyj_header()}
<div class="main">
<div class="crumb">当前位置：<a href="/jyj/">首页</a> &gt; <a href="{gg_col.path}">教育公告</a></div>
<div class="list-box">
<h2>教育公告</h2>
<ul class="list">
{lis}
</ul>
</div>
</div>"""
    page = _page(_document(JYJ, f"教育公告 {JYJ.name}",
                           [("ColumnName", gg_col.name), ("ColumnType", gg_col.column_type)],
                           body, charset_meta=_UTF8_META))
    pages[gg_col.path] = pages[gg_col.path.rsplit("/", 1)[0] + "/"] = page

    for col, items in ((dt_col, dt_items), (gg_col, gg_items)):
        for it in items:
            paras = "\n".join(f"<p>{_e(p)}</p>" for p in _paragraphs(it))
            body = f"""{_jyj_header()}
<div class="main">
<div class="crumb">当前位置：<a href="/jyj/">首页</a> &gt; <a href="{col.path}">{_e(col.name)}</a></div>
<div class="article">
<h1>{_e(it.title)}</h1>
<div class="info">发布日期：{it.date:%Y-%m-%d} 来源：{_e(it.source)} 访问次数：<span id="c">--</span></div>
<div class="content">
<!--ZJEG_RSS.content.begin--><meta name="ContentStart">
{paras}
<meta name="ContentEnd"><!--ZJEG_RSS.content.end-->
</div>
</div>
</div>"""
            pages[it.path] = _page(_document(
                JYJ, f"{it.title} {JYJ.name}",
                [("ColumnName", col.name), ("ArticleTitle", it.title),
                 ("PubDate", it.pubdate), ("ContentSource", it.source)],
                body, charset_meta=_UTF8_META))
    return pages


# ----- 卫生健康局 (开普云 UCAP), GBK with a lying header -------------------- #
def _wjj_page(text: str) -> Page:
    # header says utf-8 (wrong on purpose); meta says gbk; the bytes are GBK
    return _page(text, encoding="gb18030", content_type=HTML_UTF8)


def _wjj_header() -> str:
    return f"""<div class="header"><div class="logo"><a href="/">{_e(WJJ.name)}</a></div></div>
<div class="nav">
<a href="/">首页</a>
<a href="/wjdt/index.shtml">卫健动态</a>
<a href="/wjgg/index.shtml">卫健公告</a>
<a href="http://{PORTAL_HOST}:{PORT_PLACEHOLDER}/">青山县人民政府</a>
</div>"""


def _wjj_pages(today: dt.date) -> dict[str, Page]:
    pages: dict[str, Page] = {}
    body = f"""{_wjj_header()}
<div class="main">
<div class="banner">健康青山 幸福家园</div>
<div class="entry">
<a href="/wjdt/index.shtml">卫健动态</a>
<a href="/wjgg/index.shtml">卫健公告</a>
<a href="http://{PORTAL_HOST}:{PORT_PLACEHOLDER}/">返回青山县人民政府门户网站</a>
</div>
</div>"""
    home = _wjj_page(_document(WJJ, WJJ.name, [], body, charset_meta=_GBK_META))
    pages["/"] = pages["/index.shtml"] = home
    pages["/robots.txt"] = Page(200, {"Content-Type": "text/plain; charset=utf-8"},
                                b"User-agent: *\nDisallow:\n")
    for key in ("wjdt", "wjgg"):
        col = COLUMNS_BY_KEY[key]
        items = column_items(col, today)
        lis = "\n".join(
            f'<li><a href="{it.href}" target="_blank">{_e(it.title)}</a>'
            f'<span class="date">{it.date:%Y-%m-%d}</span></li>' for it in items)
        body = f"""{_wjj_header()}
<div class="main">
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="{col.path}">{_e(col.name)}</a></div>
<div class="list">
<h2>{_e(col.name)}</h2>
<ul>
{lis}
</ul>
</div>
</div>"""
        page = _wjj_page(_document(WJJ, f"{col.name}-{WJJ.name}",
                                   [("ColumnName", col.name), ("ColumnType", col.column_type)],
                                   body, charset_meta=_GBK_META))
        pages[col.path] = pages[f"/{key}/"] = page
        for it in items:
            paras = "\n".join(f"<p>{_e(p)}</p>" for p in _paragraphs(it))
            body = f"""{_wjj_header()}
<div class="main">
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="{col.path}">{_e(col.name)}</a></div>
<div class="article">
<h1>{_e(it.title)}</h1>
<div class="info">发布时间：{it.pubdate} 来源：{_e(it.source)}</div>
<ucapcontent>
{paras}
</ucapcontent>
</div>
</div>"""
            pages[it.path] = _wjj_page(_document(
                WJJ, f"{it.title}-{WJJ.name}",
                [("ColumnName", col.name), ("ArticleTitle", it.title),
                 ("PubDate", it.pubdate), ("ContentSource", it.source)],
                body, charset_meta=_GBK_META))
    return pages


# --------------------------------------------------------------------------- #
# Dynamic / error pages (used by the server)
# --------------------------------------------------------------------------- #
def _site_for(host: str, path: str) -> SiteInfo:
    if host == WJJ_HOST:
        return WJJ
    if path.startswith("/jyj/"):
        return JYJ
    if path.startswith("/scj/") or path == "/scj":
        return SCJ
    return PORTAL


def render_not_found(host: str, path: str = "/") -> Page:
    site = _site_for(host, path)
    body = f"""<div class="error">
<h1>404</h1>
<p>页面不存在</p>
<p>您访问的页面不存在或已被删除，请<a href="{site.root}">返回首页</a>。</p>
</div>"""
    return _page(_document(site, "页面不存在", [], body, charset_meta=_UTF8_META), status=404)


def render_unavailable(host: str, path: str = "/scj/") -> Page:
    body = """<h1>503 Service Unavailable</h1>
<p>服务暂时不可用，请稍后再试。</p>
<hr><address>nginx</address>"""
    text = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>503 Service Unavailable</title></head>
<body>
{body}
</body></html>
"""
    return _page(text, status=503)


def render_calendar(year: int, month: int) -> Page:
    """活动日历 trap: any month, links to previous and next month forever."""
    py, pm = (year, month - 1) if month > 1 else (year - 1, 12)
    ny, nm = (year, month + 1) if month < 12 else (year + 1, 1)
    links = []
    if py >= 1:
        links.append(f'<a class="prev" href="/hdjl/rl/?month={py:04d}-{pm:02d}">上一月</a>')
    if ny <= 9999:
        links.append(f'<a class="next" href="/hdjl/rl/?month={ny:04d}-{nm:02d}">下一月</a>')
    weeks = calendar.Calendar(firstweekday=0).monthdayscalendar(year, month)
    rows = "\n".join(
        "<tr>" + "".join(f"<td>{d if d else ''}</td>" for d in w) + "</tr>" for w in weeks)
    body = f"""{_portal_header()}
<div class="main">
<div class="crumb">当前位置：<a href="/">首页</a> &gt; 互动交流 &gt; 活动日历</div>
<h2>活动日历 {year}年{month}月</h2>
<div class="cal-nav">{' '.join(links)}</div>
<table class="calendar">
<tr><th>一</th><th>二</th><th>三</th><th>四</th><th>五</th><th>六</th><th>日</th></tr>
{rows}
</table>
<p class="nodata">本月暂无活动安排</p>
</div>"""
    return _page(_document(PORTAL, "活动日历_青山县人民政府", [("ColumnName", "活动日历")], body,
                           charset_meta=_UTF8_META))


def render_search(q: str, next_sid: str, jsession: str, today: dt.date) -> Page:
    """Session-id trap: links to itself with a fresh sid, plus ;jsessionid= variants."""
    hits = column_items("bdyw", today)[:3]
    res = "\n".join(f'<li><a href="{it.path}">{_e(it.title)}</a></li>' for it in hits)
    qq = quote(q)
    body = f"""{_portal_header()}
<div class="main">
<div class="crumb">当前位置：<a href="/">首页</a> &gt; 站内搜索</div>
<h2>搜索结果：{_e(q)}</h2>
<ul class="results">
{res}
</ul>
<div class="page"><a href="/search/?q={qq}&amp;sid={next_sid}">下一页</a>
<a href="/search/?q={qq}&amp;sid={next_sid}&amp;sort=time">按时间排序</a></div>
<div class="related">相关栏目：
<a href="/xwzx/bdyw/;jsessionid={jsession}">本地要闻</a>
<a href="/tzgg/;jsessionid={jsession}">通知公告</a>
</div>
</div>"""
    return _page(_document(PORTAL, "站内搜索_青山县人民政府", [], body, charset_meta=_UTF8_META))


# --------------------------------------------------------------------------- #
# build_site
# --------------------------------------------------------------------------- #
@lru_cache(maxsize=8)
def _build_raw(today: dt.date) -> dict[str, dict[str, Page]]:
    portal: dict[str, Page] = {}
    portal["/robots.txt"] = Page(200, {"Content-Type": "text/plain; charset=utf-8"},
                                 b"User-agent: *\nDisallow: /admin/\n")
    portal["/"] = portal["/index.html"] = _portal_home(today)
    for key in _PORTAL_COLUMN_KEYS:
        portal.update(_portal_column_pages(COLUMNS_BY_KEY[key], today))
    portal.update(_admin_pages(today))
    portal.update(_jyj_pages(today))
    # a deleted article whose CMS answers 200 with an error page: a soft 404
    soft = render_not_found(PORTAL_HOST, SOFT_404)
    portal[SOFT_404] = Page(200, soft.headers, soft.body)
    try:  # the 政府信息公开 section, documents, interpretations and annual reports
        from . import disclosure as _disclosure
    except ImportError:  # executed as a plain script
        import disclosure as _disclosure  # type: ignore[no-redef]
    portal.update(_disclosure.portal_pages(today))
    portal.update(_disclosure.jyj_pages(today))
    site = {PORTAL_HOST: portal, WJJ_HOST: _wjj_pages(today)}
    try:  # 办事服务, 咨询, 站内搜索, 标准目录, 网站年度报表 (tests/site/services.py)
        from . import services as _services
    except ImportError:  # executed as a plain script
        import services as _services  # type: ignore[no-redef]
    _services.install(site, today)
    try:  # 县长信箱/部门信箱, script-filled pages, 政务新媒体 accounts on 127.0.0.3 (tests/site/interaction.py)
        from . import interaction as _interaction
    except ImportError:  # executed as a plain script
        import interaction as _interaction  # type: ignore[no-redef]
    _interaction.install(site, today)
    return site


def build_site(today: dt.date, port: int | None = None) -> dict[str, dict[str, Page]]:
    """All static pages, host -> path -> Page.

    With ``port`` the cross-host links point at that port; without it they
    contain the literal ``PORT_PLACEHOLDER``.  Built once per ``today``
    (cached); the port substitution is a cheap byte replace.
    """
    raw = _build_raw(today)
    if port is None:
        return {h: dict(pages) for h, pages in raw.items()}
    ph, val = PORT_PLACEHOLDER.encode(), str(port).encode()
    out: dict[str, dict[str, Page]] = {}
    for host, pages in raw.items():
        memo: dict[int, Page] = {}      # aliases share one Page object
        hp: dict[str, Page] = {}
        for path, p in pages.items():
            q = memo.get(id(p))
            if q is None:
                q = Page(p.status, dict(p.headers), p.body.replace(ph, val)) if ph in p.body else p
                memo[id(p)] = q
            hp[path] = q
        out[host] = hp
    return out
