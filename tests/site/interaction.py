"""互动交流 and 政务新媒体 of the 青山县 fixture site: mailboxes, script-filled pages, account pages.

Portal (127.0.0.1), linked from the home page's 互动交流 block:

- ``/hdjl/xzxx/`` 县长信箱: a letters table (信件标题 | 来信时间 | 答复时间 | 办理状态) on two pages
  (``index_1.html`` by 下一页), each letter with its own page (来信时间 / 答复单位 / 答复时间 / 办理状态).
- ``/hdjl/bmxx/`` 部门信箱: the same table, but its rows come from ``api/letters.json`` through
  ``fetch`` into an empty ``<tbody>``: only a browser sees them (and the letters' pages they link).
- ``/xwzx/spxw/`` 视频新闻: a news column filled from ``data.json`` by a script (fresh when rendered).
- ``/zwxmt/`` 政务新媒体: the county's accounts, linked off-site to the "platform" host 127.0.0.3.

Platform (127.0.0.3, same port): account pages, one hop from the site —
static (青山发布, fresh; 青山市场监管, stale), script-filled by ``fetch`` (青山教育, fresh),
a "加载中" placeholder replaced by a script (青山卫健, over a year old: 僵尸号), and a 404 (青山旧号).

All dates are ages relative to T; ``expected_interaction_findings(today)`` gives the verdicts.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

try:
    from . import model as M
except ImportError:  # executed as a plain script
    import model as M  # type: ignore[no-redef]

_e = M._e
PLATFORM_HOST = M.PLATFORM_HOST
HOME_LINKS = (("县长信箱", "/hdjl/xzxx/"), ("部门信箱", "/hdjl/bmxx/"), ("政务新媒体", "/zwxmt/"), ("视频新闻", "/xwzx/spxw/"))
XZXX, BMXX, SPXW, ZWXMT = "/hdjl/xzxx/", "/hdjl/bmxx/", "/xwzx/spxw/", "/zwxmt/"
JSON_UTF8 = "application/json; charset=utf-8"


@dataclass(frozen=True)
class Letter:
    key: str
    mailbox: str  # "xzxx" | "bmxx"
    doc_id: int
    subject: str
    received_age: int
    replied_age: int | None
    status: str
    unit: str | None
    page: int = 0  # list page (县长信箱 has two)

    def received(self, today: dt.date) -> dt.date:
        return today - dt.timedelta(days=self.received_age)

    def replied(self, today: dt.date) -> dt.date | None:
        return None if self.replied_age is None else today - dt.timedelta(days=self.replied_age)

    def path(self, today: dt.date) -> str:
        d = self.received(today)
        base = XZXX if self.mailbox == "xzxx" else BMXX
        return f"{base}{d:%Y%m}/t{d:%Y%m%d}_{self.doc_id}.html"


LETTERS: tuple[Letter, ...] = (
    # 县长信箱, newest first; at T = 2026-12-15 (working days from the day after receipt):
    Letter("x3", "xzxx", 9103, "关于城关镇老旧小区加装电梯补助的咨询", 21, None, "办理中", None),  # exactly 15: inside
    Letter("x4", "xzxx", 9104, "关于溪口镇农贸市场周边停车难的建议", 35, None, "未回复", None),  # 25 > 15: major
    Letter("x1", "xzxx", 9101, "关于县城公交线路调整的咨询", 40, 36, "已办结", "青山县交通运输局"),  # 2: fine
    Letter("x2", "xzxx", 9102, "关于龙潭乡村道路面破损的反映", 70, 20, "已办结", "青山县交通运输局"),  # 36: slow
    Letter("x5", "xzxx", 9105, "关于白沙镇饮用水水质的投诉", 120, None, "办理中", None),  # > 3 months: veto
    Letter("x6", "xzxx", 9106, "关于高考报名政策的咨询", 200, 196, "已办结", "青山县教育局", page=1),
    Letter("x7", "xzxx", 9107, "关于县图书馆开放时间的建议", 500, None, "未回复", None, page=1),  # > 1 year: major
    # 部门信箱, rows only a browser sees
    Letter("b1", "bmxx", 9201, "关于社保卡补办地点的咨询", 5, None, "待回复", None),  # 3: inside
    Letter("b3", "bmxx", 9203, "关于小区消防通道被占用的投诉", 40, None, "未回复", None),  # 28: major
    Letter("b2", "bmxx", 9202, "关于新生儿医保参保的咨询", 50, 47, "已回复", "青山县医疗保障局"),  # 3: fine
)
LETTERS_BY_KEY = {x.key: x for x in LETTERS}


@dataclass(frozen=True)
class Account:
    key: str
    path: str
    platform: str
    name: str
    style: str  # static | fetch | placeholder | missing
    post_ages: tuple[int, ...]

    def url(self, port: int) -> str:
        return f"http://{PLATFORM_HOST}:{port}{self.path}"


ACCOUNTS: tuple[Account, ...] = (
    Account("wx", "/wx/qingshanfabu", "微信公众号", "青山发布", "static", (2, 5, 9)),  # fresh
    Account("wb", "/weibo/qsjyj", "微博", "青山教育", "fetch", (0, 6)),  # fresh, only after its script ran
    Account("dy", "/douyin/qswj", "抖音", "青山卫健", "placeholder", (400, 430)),  # 僵尸号
    Account("tt", "/toutiao/qsscj", "头条号", "青山市场监管", "static", (20, 35)),  # stale
    Account("gone", "/wx/qsgone", "微信公众号", "青山旧号", "missing", ()),  # 404
)
SPXW_AGES = ((8301, "我县举办“村晚”文艺汇演", 3), (8302, "青山县冬季森林防火宣传视频", 10), (8303, "走进溪口镇茶园", 17))


def _crumb(*trail: tuple[str, str], article: bool = False) -> str:
    parts = ['<a href="/">首页</a>'] + [f'<a href="{href}">{_e(name)}</a>' for name, href in trail]
    return f'<div class="crumb">当前位置：{" &gt; ".join(parts)}{" &gt; 正文" if article else ""}</div>'


def _portal(title: str, meta: list[tuple[str, str | None]], body: str) -> M.Page:
    return M._page(M._document(M.PORTAL, f"{title}_青山县人民政府", meta, f"{M._portal_header()}\n{body}",
                               charset_meta=M._UTF8_META))


# ----- mailboxes ---------------------------------------------------------------------------
_HEAD = "<tr><th>信件标题</th><th>来信时间</th><th>答复单位</th><th>答复时间</th><th>办理状态</th></tr>"


def _row(x: Letter, today: dt.date) -> str:
    replied = x.replied(today)
    return (f'<tr><td><a href="{x.path(today)}" title="{_e(x.subject)}" target="_blank">{_e(x.subject)}</a></td>'
            f"<td>{x.received(today):%Y-%m-%d}</td><td>{_e(x.unit or '')}</td>"
            f"<td>{f'{replied:%Y-%m-%d}' if replied else ''}</td><td>{_e(x.status)}</td></tr>")


def _mailbox_list(name: str, path: str, rows: str, pager: str = "", script: str = "") -> M.Page:
    body = f"""<div class="main">
{_crumb(("互动交流", XZXX), (name, path))}
<div class="content">
<h2 class="column-title">{_e(name)}</h2>
<p class="tip">来信一般在 15 个工作日内答复。</p>
<table class="letter-list" width="100%">
<thead>{_HEAD}</thead>
<tbody id="letter-rows">{rows}</tbody>
</table>
{pager}{script}
</div>
</div>"""
    return _portal(name, [("ColumnName", name), ("ColumnType", "互动交流")], body)


def _letter_page(x: Letter, today: dt.date) -> M.Page:
    name = "县长信箱" if x.mailbox == "xzxx" else "部门信箱"
    base = XZXX if x.mailbox == "xzxx" else BMXX
    received, replied = x.received(today), x.replied(today)
    reply = ""
    if replied:
        reply = (f"<tr><th>答复单位：</th><td>{_e(x.unit or '')}</td></tr>\n"
                 f"<tr><th>答复时间：</th><td>{replied:%Y-%m-%d} 16:30</td></tr>\n"
                 "<tr><th>答复内容：</th><td>您好！您反映的问题已收悉，经研究，现答复如下：我们已安排专人办理，感谢您的关注和支持。</td></tr>\n")
    body = f"""<div class="main">
{_crumb(("互动交流", XZXX), (name, base), article=True)}
<div class="article letter">
<h1>{_e(x.subject)}</h1>
<table class="letter-info">
<tr><th>信件标题：</th><td>{_e(x.subject)}</td></tr>
<tr><th>来信人：</th><td>张**</td></tr>
<tr><th>来信时间：</th><td>{received:%Y-%m-%d} 09:12</td></tr>
<tr><th>来信内容：</th><td>县领导您好，{_e(x.subject[2:])}，希望有关部门予以关注，谢谢。</td></tr>
{reply}<tr><th>办理状态：</th><td>{_e(x.status)}</td></tr>
</table>
</div>
</div>"""
    return _portal(x.subject, [("ColumnName", name), ("ArticleTitle", x.subject), ("PubDate", f"{received:%Y-%m-%d} 09:12"),
                               ("ContentSource", "青山县人民政府办公室")], body)


_FILL_ROWS = """<script>
fetch("/hdjl/bmxx/api/letters.json").then(function (r) { return r.json(); }).then(function (rows) {
  document.getElementById("letter-rows").innerHTML = rows.map(function (x) {
    return "<tr><td><a href='" + x.href + "' title='" + x.title + "' target='_blank'>" + x.title + "</a></td><td>" + x.received +
      "</td><td>" + x.unit + "</td><td>" + x.replied + "</td><td>" + x.status + "</td></tr>";
  }).join("");
});
</script>"""


def _mailbox_pages(today: dt.date) -> dict[str, M.Page]:
    pages: dict[str, M.Page] = {}
    xz = [x for x in LETTERS if x.mailbox == "xzxx"]
    first = "\n".join(_row(x, today) for x in xz if x.page == 0)
    second = "\n".join(_row(x, today) for x in xz if x.page == 1)
    pages[XZXX] = pages[XZXX + "index.html"] = _mailbox_list(
        "县长信箱", XZXX, first, '<div class="page"><span>第1页</span> <a href="index_1.html">下一页</a></div>\n')
    pages[XZXX + "index_1.html"] = _mailbox_list(
        "县长信箱", XZXX, second, '<div class="page"><a href="index.html">上一页</a> <span>第2页</span></div>\n')
    pages[BMXX] = pages[BMXX + "index.html"] = _mailbox_list("部门信箱", BMXX, "", script=_FILL_ROWS)
    rows = [{"title": x.subject, "href": x.path(today), "received": f"{x.received(today):%Y-%m-%d}", "unit": x.unit or "",
             "replied": f"{x.replied(today):%Y-%m-%d}" if x.replied(today) else "", "status": x.status}
            for x in LETTERS if x.mailbox == "bmxx"]
    pages[BMXX + "api/letters.json"] = M.Page(200, {"Content-Type": JSON_UTF8}, json.dumps(rows, ensure_ascii=False).encode())
    for x in LETTERS:
        pages[x.path(today)] = _letter_page(x, today)
    return pages


# ----- a news column filled by a script ------------------------------------------------------
def _spxw_path(doc_id: int, d: dt.date) -> str:
    return f"{SPXW}{d:%Y%m}/t{d:%Y%m%d}_{doc_id}.html"


def _spxw_pages(today: dt.date) -> dict[str, M.Page]:
    pages: dict[str, M.Page] = {}
    items = []
    for doc_id, title, age in SPXW_AGES:
        d = today - dt.timedelta(days=age)
        path = _spxw_path(doc_id, d)
        items.append({"title": title, "href": path, "date": f"{d:%Y-%m-%d}"})
        body = f"""<div class="main">
{_crumb(("新闻中心", "/xwzx/bdyw/"), ("视频新闻", SPXW), article=True)}
<div class="article"><h1>{_e(title)}</h1>
<div class="info">发布时间：{d:%Y-%m-%d} 10:00 来源：青山县融媒体中心</div>
<div class="TRS_Editor"><p>{_e(title)}。本视频由青山县融媒体中心摄制。</p></div></div>
</div>"""
        pages[path] = _portal(title, [("ColumnName", "视频新闻"), ("ArticleTitle", title), ("PubDate", f"{d:%Y-%m-%d} 10:00"),
                                      ("ContentSource", "青山县融媒体中心")], body)
    pages[SPXW + "data.json"] = M.Page(200, {"Content-Type": JSON_UTF8}, json.dumps(items, ensure_ascii=False).encode())
    body = f"""<div class="main">
{_crumb(("新闻中心", "/xwzx/bdyw/"), ("视频新闻", SPXW))}
<div class="content">
<h2 class="column-title">视频新闻</h2>
<ul class="list" id="spxw-list"></ul>
<script>
fetch("{SPXW}data.json").then(function (r) {{ return r.json(); }}).then(function (items) {{
  document.getElementById("spxw-list").innerHTML = items.map(function (x) {{
    return "<li><a href='" + x.href + "' title='" + x.title + "' target='_blank'>" + x.title + "</a><span>" + x.date + "</span></li>";
  }}).join("");
}});
</script>
</div>
</div>"""
    pages[SPXW] = pages[SPXW + "index.html"] = _portal("视频新闻", [("ColumnName", "视频新闻"), ("ColumnType", "动态")], body)
    return pages


# ----- 政务新媒体 --------------------------------------------------------------------------
def _zwxmt_page() -> M.Page:
    lis = "\n".join(
        f'<li><a href="http://{PLATFORM_HOST}:{M.PORT_PLACEHOLDER}{a.path}" target="_blank">{_e(a.platform)}：{_e(a.name)}</a></li>'
        for a in ACCOUNTS)
    body = f"""<div class="main">
{_crumb(("政务新媒体", ZWXMT))}
<div class="content">
<h2>青山县政务新媒体矩阵</h2>
<ul class="xmt">
{lis}
</ul>
</div>
</div>"""
    return _portal("政务新媒体", [], body)


def _platform_page(title: str, body: str, og: str | None = None, status: int = 200) -> M.Page:
    head = f'<meta property="og:title" content="{_e(og)}">' if og else ""
    text = f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{_e(title)}</title>{head}</head>
<body>
{body}
</body></html>
"""
    return M.Page(status, {"Content-Type": M.HTML_UTF8}, text.encode())


def _post_time(age: int, today: dt.date) -> str:
    return "2小时前" if age == 0 else f"{today - dt.timedelta(days=age):%Y-%m-%d} 08:30"


def platform_pages(today: dt.date) -> dict[str, M.Page]:
    pages: dict[str, M.Page] = {}
    for a in ACCOUNTS:
        posts = [{"title": f"{a.name}第{n + 1}条消息", "time": _post_time(age, today)} for n, age in enumerate(a.post_ages)]
        if a.style == "missing":
            pages[a.path] = _platform_page("404 Not Found", "<h1>404</h1><p>该内容已被发布者删除</p>", status=404)
        elif a.style == "static":
            lis = "\n".join(f'<li><a href="{a.path}/s/{n + 1}">{_e(p["title"])}</a><em class="time">{p["time"]}</em></li>'
                            for n, p in enumerate(posts))
            pages[a.path] = _platform_page(
                f"{a.name} - {a.platform}",
                f'<div class="profile"><h1 class="nickname">{_e(a.name)}</h1></div>\n<ul class="msg-list">\n{lis}\n</ul>')
            for n, p in enumerate(posts):  # the posts themselves (never fetched: one hop only)
                pages[f"{a.path}/s/{n + 1}"] = _platform_page(p["title"], f'<h1>{_e(p["title"])}</h1><p>{p["time"]}</p>')
        else:
            pages[a.path + "/feed.json"] = M.Page(200, {"Content-Type": JSON_UTF8}, json.dumps(posts, ensure_ascii=False).encode())
            fill = f"""<script>
fetch("{a.path}/feed.json").then(function (r) {{ return r.json(); }}).then(function (posts) {{
  document.getElementById("feed").innerHTML = posts.map(function (p) {{
    return '<div class="card"><p class="text">' + p.title + '</p><span class="time">' + p.time + '</span></div>';
  }}).join("");
}});
</script>"""
            inner = "" if a.style == "fetch" else '<p class="placeholder">内容加载中，请稍候…</p>'
            pages[a.path] = _platform_page(f"{a.name}的{a.platform} - {a.platform}", f'<div id="feed" class="feed-list">{inner}</div>\n{fill}', og=a.name)
    return pages


def portal_pages(today: dt.date) -> dict[str, M.Page]:
    pages = _mailbox_pages(today)
    pages.update(_spxw_pages(today))
    pages[ZWXMT] = pages[ZWXMT + "index.html"] = _zwxmt_page()
    return pages


def home_links() -> str:
    """The home page's links to these pages (its 互动交流 block)."""
    return "\n".join(f'<li><a href="{href}">{_e(name)}</a></li>' for name, href in HOME_LINKS)


# ----- expected verdicts ----------------------------------------------------------------------
def expected_interaction_findings(today: dt.date, rendered: bool = True) -> set[tuple[str, str, str, str]]:
    """(rule, host, path, severity) a correct audit at as-of = today reports; without a browser
    (``rendered=False``) the 部门信箱 letters and the script-filled accounts are not judged."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from audits.workdays import WorkdayCalendar

    cal = WorkdayCalendar()
    out: set[tuple[str, str, str, str]] = set()
    for x in LETTERS:
        if x.mailbox == "bmxx" and not rendered:
            continue
        received, replied = x.received(today), x.replied(today)
        if replied is None:
            waited = cal.workdays_between(received, today).workdays
            if waited > 15:
                month = received.month + 3
                deadline = dt.date(received.year + (month - 1) // 12, (month - 1) % 12 + 1, min(received.day, 28))
                veto = today > deadline and (today - received).days <= 365
                out.add(("mailbox-unanswered", M.PORTAL_HOST, x.path(today), "veto" if veto else "major"))
        elif cal.workdays_between(received, replied).workdays > 15:
            out.add(("mailbox-slow", M.PORTAL_HOST, x.path(today), "minor"))
    for a in ACCOUNTS:
        if a.style == "missing":
            out.add(("newmedia-unreachable", PLATFORM_HOST, a.path, "major"))
        elif (a.style == "static" or rendered) and min(a.post_ages) > 14:
            out.add(("newmedia-stale", PLATFORM_HOST, a.path, "veto"))
    return out


def install(site: dict[str, dict[str, M.Page]], today: dt.date) -> None:
    """Add these pages to the fixture site (model.build_site) and link them from the home page."""
    portal = site[M.PORTAL_HOST]
    portal.update(portal_pages(today))
    site[PLATFORM_HOST] = platform_pages(today)
    home = portal["/"]
    old = "<h2>互动交流</h2>\n<ul>\n"
    body = home.body.decode("utf-8")
    assert body.count(old) == 1, old
    patched = M.Page(home.status, dict(home.headers), body.replace(old, old + home_links() + "\n").encode("utf-8"))
    for path in ("/", "/index.html"):
        portal[path] = patched
