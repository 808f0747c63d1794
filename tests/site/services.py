"""办事服务, 咨询建言, 站内搜索, 基层政务公开标准目录 and 政府网站工作年度报表 of the 青山县 fixture site.

Portal (127.0.0.1, TRS style); a "办事服务" block on the home page links everything below:

* ``/bsfw/``            办事指南 (a column of four guides, fresh dates)
  - g1 every element under its official label, a working 申请表 download
  - g2 every element under another label (服务事项, 法定依据, 受理条件, 申报材料, 受理地点, 受理时间,
    咨询电话, 办理程序): a near miss
  - g3 no 设定依据, 办理时间 (only 办理时限), 联系电话, 办理流程; its 申请表 download is a 404
  - g4 "一、事项名称：…" heading style, complete: a near miss
* ``/zxjy/``            在线咨询: a message form (the working channel); ``/xfjb/`` 网上信访 (does not count)
* the home page's search box submits to ``/so/search.do``, which answers 302 → ``/so/result/?q=…``
  listing every portal page whose title contains the query (a search that answers through a redirect)
* ``/jcgk/``            基层政务公开标准化规范化: 24 of the 26 domain catalogs, three under their newer
  names (国土空间规划, 乡村振兴, 医疗卫生); 公共资源交易 and 税收管理 are missing; the 就业 catalog has
  no 公开时限 and no 公开渠道 column
* ``/ndbb/YYYY/``       the portal's 政府网站工作年度报表 for last year, linked from the home page

教育局 (/jyj/): a search box on its home page whose engine always answers "共找到 0 条"; only the
年度报表 of the year before last; no consultation channel.
卫生健康局 (127.0.0.2): no search box, no 年度报表; its 局长信箱 page loads but "我要写信" is a 404.

``install(pages, today)`` adds the pages (called by ``model.build_site``); ``dynamic(host, path,
query, today)`` answers the search routes (called by ``server.FixtureSite``).
``expected_service_findings(today)`` lists what a correct audit reports.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qs, quote

try:
    from . import model as M
except ImportError:  # executed as a plain script
    import model as M  # type: ignore[no-redef]

_e = M._e
P, W = M.PORTAL_HOST, M.WJJ_HOST
BSFW = "/bsfw/"
ZXJY, XFJB = "/zxjy/", "/xfjb/"
JCGK = "/jcgk/"
SEARCH_FORM, SEARCH_RESULT = "/so/search.do", "/so/result/"
JYJ_SEARCH = "/jyj/jrobot/search.do"
WJJ_MAILBOX, WJJ_WRITE = "/jzxx/index.shtml", "/jzxx/write.shtml"
G1_FORM, G3_FORM = "/bsfw/files/g1_sqb.doc", "/bsfw/files/g3_sqb.doc"  # g3's is not served: 404
PHONE = "0571-86012345"
DEAD_LINKS = (G3_FORM, WJJ_WRITE)  # linked on purpose, never served


@dataclass(frozen=True)
class Guide:
    key: str
    title: str
    age: int
    doc_id: int
    rows: tuple[tuple[str, str], ...]  # (label, value)
    style: str  # table | headings
    form: str | None = None
    missing: tuple[str, ...] = ()  # the element classes a correct audit reports missing

    def date(self, today: dt.date) -> dt.date:
        return today - dt.timedelta(days=self.age)

    def path(self, today: dt.date) -> str:
        d = self.date(today)
        return f"{BSFW}{d:%Y%m}/t{d:%Y%m%d}_{self.doc_id}.html"


_BASIS = "《中华人民共和国市场主体登记管理条例》第三条"
GUIDES = (
    Guide("g1", "个体工商户设立登记办事指南", 20, 8001, (
        ("事项名称", "个体工商户设立登记"),
        ("设定依据", _BASIS),
        ("申请条件", "有经营能力的公民，经营场所符合规定"),
        ("办理材料", "个体工商户登记（备案）申请书；经营者身份证明"),
        ("办理地点", "青山县行政服务中心一楼市场监管窗口"),
        ("办理时间", "工作日上午9:00至12:00，下午14:00至17:00"),
        ("联系电话", PHONE),
        ("办理流程", "申请、受理、审核、发照"),
        ("办理时限", "即办"),
        ("收费标准", "不收费"),
    ), "table", form=G1_FORM),
    Guide("g2", "食品经营许可办事指南", 35, 8002, (
        ("服务事项", "食品经营许可（新办）"),
        ("法定依据", "《中华人民共和国食品安全法》第三十五条"),
        ("受理条件", "具有与经营的食品品种、数量相适应的经营场所"),
        ("申报材料", "食品经营许可申请书；营业执照复印件"),
        ("受理地点", "青山县行政服务中心二楼综合窗口"),
        ("受理时间", "法定工作日9:00至17:00"),
        ("咨询电话", "0571-86012346"),
        ("办理程序", "网上申报、窗口受理、现场核查、作出决定"),
    ), "table"),
    Guide("g3", "农村宅基地建房审批办事指南", 50, 8003, (
        ("事项名称", "农村村民宅基地建房审批"),
        ("申请条件", "本集体经济组织成员，符合一户一宅规定"),
        ("申请材料", "农村宅基地和建房（规划许可）申请表；户口簿"),
        ("办理地点", "户籍所在地乡镇人民政府便民服务中心"),
        ("办理时限", "20个工作日"),
    ), "table", form=G3_FORM, missing=("设定依据", "办理时间", "联系电话", "办理流程")),
    Guide("g4", "城乡居民基本养老保险参保登记办事指南", 80, 8004, (
        ("事项名称", "城乡居民基本养老保险参保登记"),
        ("设定依据", "《中华人民共和国社会保险法》第二十条"),
        ("申请条件", "年满16周岁、不符合职工基本养老保险参保条件的城乡居民"),
        ("办理材料", "居民身份证或户口簿"),
        ("办理地点", "各乡镇人民政府便民服务中心"),
        ("办理时间", "工作日上午8:30至11:30"),
        ("联系电话", "0571-86012347"),
        ("办理流程", "提交材料、窗口审核、登记参保"),
    ), "headings"),
)

# (canonical domain, name shown, path); 公共资源交易 and 税收管理 are not published
CATALOGS = (
    ("安全生产", "安全生产", "aqsc"), ("保障性住房", "保障性住房", "bzxzf"), ("财政预决算", "财政预决算", "czyjs"),
    ("城市综合执法", "城市综合执法", "cszhzf"), ("城乡规划", "国土空间规划", "gtkjgh"), ("扶贫", "乡村振兴", "xczx"),
    ("公共法律服务", "公共法律服务", "ggflfw"), ("公共文化服务", "公共文化服务", "ggwhfw"),
    ("国有土地上房屋征收与补偿", "国有土地上房屋征收与补偿", "fwzs"), ("户籍管理", "户籍管理", "hjgl"),
    ("救灾", "救灾", "jz"), ("就业", "就业", "jy"), ("农村集体土地征收", "农村集体土地征收", "ncjttd"),
    ("农村危房改造", "农村危房改造", "ncwfgz"), ("社会保险", "社会保险", "shbx"), ("社会救助", "社会救助", "shjz"),
    ("涉农补贴", "涉农补贴", "snbt"), ("食品药品监管", "食品药品监管", "spypjg"), ("市政服务", "市政服务", "szfw"),
    ("卫生健康", "医疗卫生", "ylws"), ("养老服务", "养老服务", "ylfw"), ("义务教育", "义务教育", "ywjy"),
    ("重大建设项目", "重大建设项目", "zdjsxm"), ("生态环境", "生态环境", "sthj"),
)
MISSING_DOMAINS = ("公共资源交易", "税收管理")
CATALOG_HEAD = ("序号", "公开事项（一级事项）", "公开事项（二级事项）", "公开内容（要素）", "公开依据", "公开时限",
                "公开主体", "公开渠道和载体", "公开对象", "公开方式")
INCOMPLETE_CATALOG = "jy"  # no 公开时限, no 公开渠道和载体
INCOMPLETE_MISSING = ("公开时限", "公开渠道")


def report_year(today: dt.date) -> int:
    """The latest year whose 政府网站工作年度报表 the portal has published (on 1月20日)."""
    return today.year - 1 if today >= dt.date(today.year, 1, 20) else today.year - 2


def _portal(title: str, meta: list, body: str) -> M.Page:
    return M._page(M._document(M.PORTAL, f"{title}_青山县人民政府", meta, f"{M._portal_header()}\n{body}",
                               charset_meta=M._UTF8_META))


def _crumb(*trail: tuple[str, str], article: bool = False) -> str:
    parts = ['<a href="/">首页</a>', *(f'<a href="{h}">{_e(n)}</a>' for n, h in trail)]
    return f'<div class="crumb">当前位置：{" &gt; ".join(parts)}{" &gt; 正文" if article else ""}</div>'


# ----- 办事指南 ---------------------------------------------------------------
def _guide_page(g: Guide, today: dt.date) -> M.Page:
    d = g.date(today)
    if g.style == "table":
        rows = "\n".join(f"<tr><td class=\"label\">{_e(k)}</td><td>{_e(v)}</td></tr>" for k, v in g.rows)
        content = f'<table class="bszn" border="1">\n{rows}\n</table>'
    else:
        nums = "一二三四五六七八九十"
        content = "\n".join(f"<p>{nums[i]}、{_e(k)}：{_e(v)}</p>" for i, (k, v) in enumerate(g.rows))
    form = f'<div class="files">表格下载：<a href="{g.form}">申请表.doc</a></div>' if g.form else ""
    body = f"""<div class="main">
{_crumb(("办事服务", BSFW), ("办事指南", BSFW), article=True)}
<div class="article">
<h1>{_e(g.title)}</h1>
<div class="info">发布时间：{d:%Y-%m-%d} 09:00 来源：青山县行政服务中心</div>
<div class="TRS_Editor">
{content}
{form}
</div>
</div>
</div>"""
    return _portal(g.title, [("ColumnName", "办事指南"), ("ArticleTitle", g.title),
                             ("PubDate", f"{d:%Y-%m-%d} 09:00"), ("ContentSource", "青山县行政服务中心")], body)


def _guide_list(today: dt.date) -> M.Page:
    lis = "\n".join(f'<li><a href="{g.path(today)}" title="{_e(g.title)}" target="_blank">{_e(g.title)}</a>'
                    f"<span>{g.date(today):%Y-%m-%d}</span></li>" for g in GUIDES)
    body = f"""<div class="main">
{_crumb(("办事服务", BSFW))}
<div class="content">
<h2 class="column-title">办事指南</h2>
<ul class="list">
{lis}
</ul>
</div>
</div>"""
    return _portal("办事指南", [("ColumnName", "办事指南"), ("ColumnType", "办事服务")], body)


# ----- 咨询 / 信访 -------------------------------------------------------------
def _consult_page() -> M.Page:
    body = f"""<div class="main">
{_crumb(("在线咨询", ZXJY))}
<h2>在线咨询</h2>
<p>请如实填写咨询内容，我们将在5个工作日内答复。</p>
<form action="/zxjy/submit" method="post">
<label>姓名</label><input type="text" name="name">
<label>联系方式</label><input type="text" name="contact">
<label>咨询标题</label><input type="text" name="subject">
<label>咨询内容</label><textarea name="content"></textarea>
<input type="submit" value="提交">
</form>
</div>"""
    return _portal("在线咨询", [], body)


def _petition_page() -> M.Page:
    body = f"""<div class="main">
{_crumb(("网上信访", XFJB))}
<h2>网上信访</h2>
<p>信访事项请登录省网上信访信息系统办理。</p>
</div>"""
    return _portal("网上信访", [], body)


# ----- 基层政务公开标准目录 ---------------------------------------------------------
def _catalog_page(name: str, slug: str) -> M.Page:
    head = [h for h in CATALOG_HEAD if slug != INCOMPLETE_CATALOG or h not in ("公开时限", "公开渠道和载体")]
    rows = []
    for n, (first, second) in enumerate((("政策文件", f"{name}相关政策文件"), ("办事服务", f"{name}办事服务事项")), 1):
        cells = {"序号": str(n), "公开事项（一级事项）": first, "公开事项（二级事项）": second,
                 "公开内容（要素）": "文件名称、文号、发布日期、正文", "公开依据": "《中华人民共和国政府信息公开条例》",
                 "公开时限": "自信息形成或者变更之日起20个工作日内", "公开主体": "青山县人民政府",
                 "公开渠道和载体": "政府网站、政务新媒体", "公开对象": "全社会", "公开方式": "主动公开"}
        rows.append("<tr>" + "".join(f"<td>{_e(cells[h])}</td>" for h in head) + "</tr>")
    thead = "<tr>" + "".join(f"<th>{_e(h)}</th>" for h in head) + "</tr>"
    title = f"青山县{name}领域基层政务公开标准目录"
    body = f"""<div class="main">
{_crumb(("基层政务公开标准化规范化", JCGK))}
<h1>{_e(title)}</h1>
<table class="catalog" border="1">
{thead}
{chr(10).join(rows)}
</table>
</div>"""
    return _portal(title, [], body)


def _catalog_index() -> M.Page:
    lis = "\n".join(f'<li><a href="{JCGK}{slug}/">{_e(name)}领域基层政务公开标准目录</a></li>' for _, name, slug in CATALOGS)
    body = f"""<div class="main">
{_crumb(("基层政务公开标准化规范化", JCGK))}
<h2>基层政务公开标准化规范化</h2>
<ul class="nav-list">
{lis}
</ul>
</div>"""
    return _portal("基层政务公开标准化规范化", [], body)


# ----- 政府网站工作年度报表 ---------------------------------------------------------
def _yearly_report(site: M.SiteInfo, year: int, header: str) -> tuple[str, dt.date, str]:
    title = f"{site.name}{'门户网站' if site is M.PORTAL else ''}{year}年政府网站工作年度报表"
    d = dt.date(year + 1, 1, 20)
    return title, d, f"""{header}
<div class="main">
<div class="article">
<h1>{_e(title)}</h1>
<div class="info">发布时间：{d:%Y-%m-%d} 10:00 来源：{_e(site.name)}</div>
<div class="TRS_Editor">
<table class="bb" border="1">
<tr><td>网站名称</td><td>{_e(site.name)}</td></tr>
<tr><td>首页网址</td><td>{_e(site.domain)}</td></tr>
<tr><td>信息发布总数（条）</td><td>1268</td></tr>
<tr><td>办事服务事项数量（项）</td><td>{len(GUIDES)}</td></tr>
</table>
</div>
</div>
</div>"""


def _yearly_page(site: M.SiteInfo, year: int, header: str) -> tuple[str, M.Page]:
    title, d, body = _yearly_report(site, year, header)
    meta = [("ArticleTitle", title), ("PubDate", f"{d:%Y-%m-%d} 10:00"), ("ContentSource", site.name)]
    return title, M._page(M._document(site, title, meta, body, charset_meta=M._UTF8_META))


# ----- 卫生健康局 局长信箱 ------------------------------------------------------------
def _wjj_mailbox() -> M.Page:
    body = f"""{M._wjj_header()}
<div class="main">
<div class="crumb">当前位置：<a href="/">首页</a> &gt; 局长信箱</div>
<h2>局长信箱</h2>
<p>欢迎您对卫生健康工作提出意见建议。</p>
<p><a href="{WJJ_WRITE}">我要写信</a></p>
</div>"""
    return M._wjj_page(M._document(M.WJJ, f"局长信箱-{M.WJJ.name}", [], body, charset_meta=M._GBK_META))


# ----- install -------------------------------------------------------------------
def _home_block(today: dt.date, yearly_title: str, yearly_path: str) -> str:
    return f"""<div class="block bsfw">
<h2>办事服务</h2>
<ul>
<li><a href="{BSFW}">办事服务</a></li>
<li><a href="{ZXJY}">在线咨询</a></li>
<li><a href="{XFJB}">网上信访</a></li>
<li><a href="{JCGK}">基层政务公开标准化规范化</a></li>
<li><a href="{yearly_path}">{_e(yearly_title)}</a></li>
</ul>
</div>
"""


def _patch(pages: dict[str, M.Page], paths: tuple[str, ...], old: str, new: str, encoding: str = "utf-8") -> None:
    page = pages[paths[0]]
    body = page.body.decode(encoding)
    assert body.count(old) == 1, (paths, old)
    patched = M.Page(page.status, dict(page.headers), body.replace(old, new).encode(encoding))
    for p in paths:
        pages[p] = patched


def install(site: dict[str, dict[str, M.Page]], today: dt.date) -> None:
    portal, wjj = site[P], site[W]
    for g in GUIDES:
        portal[g.path(today)] = _guide_page(g, today)
    portal[BSFW] = portal[BSFW + "index.html"] = _guide_list(today)
    portal[G1_FORM] = M.Page(200, {"Content-Type": "application/msword"}, b"\xd0\xcf\x11\xe0 application form")
    portal[ZXJY] = _consult_page()
    portal[XFJB] = _petition_page()
    portal[JCGK] = _catalog_index()
    for _, name, slug in CATALOGS:
        portal[f"{JCGK}{slug}/"] = _catalog_page(name, slug)
    year = report_year(today)
    yearly_path = f"/ndbb/{year}/"
    title, portal[yearly_path] = _yearly_page(M.PORTAL, year, M._portal_header())
    _patch(portal, ("/", "/index.html"), '<div class="block links">', _home_block(today, title, yearly_path) + '<div class="block links">')
    _patch(portal, ("/", "/index.html"), '<form action="/search/" method="get">', f'<form action="{SEARCH_FORM}" method="get">')
    # 教育局: a search box whose engine finds nothing, and only the year-before-last 年度报表
    jyj_title, portal[f"/jyj/ndbb/{year - 1}.html"] = _yearly_page(M.JYJ, year - 1, M._jyj_header())
    _patch(portal, ("/jyj/", "/jyj/index.html"), '<div class="main">', f"""<div class="search"><form action="{JYJ_SEARCH}" method="get">
<input type="text" name="searchword" placeholder="请输入关键字"><input type="submit" value="搜索"></form></div>
<div class="ndbb"><a href="/jyj/ndbb/{year - 1}.html">{_e(jyj_title)}</a></div>
<div class="main">""")
    # 卫生健康局: a 局长信箱 whose form page is missing
    wjj[WJJ_MAILBOX] = _wjj_mailbox()
    _patch(wjj, ("/", "/index.shtml"), '<div class="banner">',
           f'<div class="hdjl"><a href="{WJJ_MAILBOX}">局长信箱</a></div>\n<div class="banner">', encoding="gb18030")


# ----- dynamic routes (the search engines) ------------------------------------------------
_ARTICLE_TITLE = re.compile(r'<meta name="ArticleTitle" content="([^"]*)"')


@lru_cache(maxsize=4)
def _portal_titles(today: dt.date) -> tuple[tuple[str, str], ...]:
    """(title, path) of every portal article, the search engine's index."""
    out = []
    for path, page in M.build_site(today)[P].items():
        if path.startswith("/jyj/") or page.status != 200 or b"ArticleTitle" not in page.body:
            continue
        try:
            text = page.body.decode("utf-8")
        except UnicodeDecodeError:
            text = page.body.decode("gb18030")
        m = _ARTICLE_TITLE.search(text)
        if m:
            out.append((M.html.unescape(m.group(1)), path))
    return tuple(sorted(set(out), key=lambda x: x[1]))


def _results_page(site: M.SiteInfo, header: str, q: str, hits: list[tuple[str, str]]) -> M.Page:
    lis = "\n".join(f'<li><a href="{path}" target="_blank">{_e(title)}</a></li>' for title, path in hits)
    body = f"""{header}
<div class="main">
<div class="crumb">当前位置：<a href="{site.root}">首页</a> &gt; 站内搜索</div>
<div class="search-summary">搜索“{_e(q)}”，共找到 {len(hits)} 条结果</div>
<ul class="results">
{lis}
</ul>
</div>"""
    return M._page(M._document(site, f"站内搜索_{site.name}", [], body, charset_meta=M._UTF8_META))


def dynamic(host: str, path: str, query: str, today: dt.date) -> M.Page | None:
    if host != P:
        return None
    q = parse_qs(query).get("q", [""])[0] if path != JYJ_SEARCH else parse_qs(query).get("searchword", [""])[0]
    if path == SEARCH_FORM:
        loc = f"{SEARCH_RESULT}?q={quote(q)}"
        return M.Page(302, {"Location": loc, "Content-Type": M.HTML_UTF8}, f'<a href="{loc}">Found</a>'.encode())
    if path == SEARCH_RESULT:
        hits = [(t, p) for t, p in _portal_titles(today) if q and q in t][:20]
        return _results_page(M.PORTAL, M._portal_header(), q, hits)
    if path == JYJ_SEARCH:
        return _results_page(M.JYJ, M._jyj_header(), q, [])
    return None


# ----- what a correct audit reports ---------------------------------------------------
def expected_service_findings(today: dt.date) -> list[tuple[str, str, str]]:
    """(rule, host, path) of every finding these pages cause, at as-of = ``today``."""
    g3 = next(g for g in GUIDES if g.key == "g3")
    out = [
        ("service-guide-incomplete", P, g3.path(today)),
        ("dead-link", P, G3_FORM),  # the guide's 申请表 download
        ("consultation-channel-missing", P, "/jyj/"),  # no channel at all
        ("consultation-channel-missing", W, WJJ_MAILBOX),  # 局长信箱 loads, 我要写信 does not
        ("dead-link", W, WJJ_WRITE),
        ("site-search-broken", P, "/jyj/"),  # 共找到 0 条
        ("site-search-broken", W, "/"),  # no search box
        ("standard-catalog-missing", P, JCGK),  # 公共资源交易, 税收管理
        ("standard-catalog-missing", P, f"{JCGK}{INCOMPLETE_CATALOG}/"),  # no 公开时限, 公开渠道
        ("site-yearly-report-missing", W, "/"),  # none
    ]
    # 教育局 shows only the year-before-last 报表: missing once last year's is due (after 1月31日)
    if today > dt.date(today.year, 1, 31) or report_year(today) < today.year - 1:
        out.append(("site-yearly-report-missing", P, "/jyj/"))
    return out
