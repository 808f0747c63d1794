"""`govaudit sites discover`: a county portal on loopback with a 部门网站 link page, a 乡镇
<select> list, a GBK 网站导航 page, and near misses (new media, another province, news links,
portal columns); the proposed govaudit.toml loads with audits.config and its roots crawl.
The extractor is also run on the real pages in ../shared/realpages."""

from __future__ import annotations

import socket
import subprocess
import tomllib
from urllib.parse import urlsplit

import lxml.html
import pytest

from audits.config import load_config
from crawler.discover import Link, collect, judge, propose_kind, scan_page, site_root, to_toml
from tests.cli import govaudit
from tests.routes import RouteServer, html, redirect


run = govaudit


def assert_clean_failure(proc: subprocess.CompletedProcess[str], needle: str) -> None:
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr and not proc.stdout
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("govaudit: ") and needle in lines[0], proc.stderr


NAV = '<div class="nav"><a href="/">首页</a><a href="/zwgk/">政务公开</a><a href="/tzgg/">通知公告</a><a href="/bmwz/index.html">部门网站</a></div>'


def portal_routes(p: str, d: str, t: str) -> dict:
    """p: the portal http://127.0.0.1:N/, d: departments on 127.0.0.2, t: townships on 127.0.0.3."""
    home = f"""<html><head><meta charset="utf-8"><meta name="SiteName" content="青山县人民政府">
<title>首页 - 青山县人民政府门户网站</title></head><body>{NAV}
<div class="news"><h3>要闻</h3><ul><li><a href="/jyj/art/2026/1.html">县教育局召开全县教育工作会议</a></li>
<li><a href="{d}jyj/art/2.html">县教育局开展教师培训</a></li></ul></div>
<div class="links">
  <div class="hd"><span>乡镇（街道）</span></div>
  <select onchange="window.open(this.value)"><option value="">--乡镇（街道）--</option>
    <option value="{t}cgz/">城关镇</option><option value="{t}qsx/index.html">青山乡</option>
    <option value="{t}dcjd/">东城街道办事处</option></select>
  <select onchange="window.open(this.value)"><option value="">--省内市县--</option>
    <option value="http://www.zj.gov.cn/">浙江省人民政府</option></select>
</div>
<div class="xmt"><h3>政务新媒体</h3><a href="https://weibo.com/qingshan">青山发布政务微博</a>
<a href="https://mp.weixin.qq.com/s/abc">青山县人民政府微信公众号</a><a href="https://www.douyin.com/user/qs">青山县公安局抖音号</a></div>
<div class="footer"><a href="https://www.gov.cn/">中国政府网</a><a href="http://www.zj.gov.cn/">浙江省人民政府</a>
<a href="/wzdh.html">网站导航</a> 网站标识码：3300000001</div></body></html>"""
    bmwz = f"""<html><head><meta charset="utf-8"><title>部门网站 - 青山县人民政府</title></head><body>{NAV}
<h2>部门网站</h2><ul class="list">
<li><a href="{d}jyj/">县教育局</a></li>
<li><a href="{d}wjj/index.html">县卫生健康局</a></li>
<li><a href="{p}czj/">县财政局</a></li>
<li><a href="{d}fgw/" title="青山县发展和改革委员会">县发展和改革…</a></li>
<li><a href="{d}jyj/index.html">县教育局网站</a></li>
<li><a href="{d}sfj/">县"司法\\局</a></li>
<li><a href="http://jyt.zj.gov.cn/">浙江省教育厅</a></li>
<li><a href="https://mp.weixin.qq.com/s/jyj">县教育局微信公众号</a></li>
<li><a href="http://www.people.com.cn/">人民网</a></li>
<li><a href="/bmwz/index_1.html">更多</a></li>
</ul></body></html>"""
    # GBK bytes under a header that claims nothing; the meta tag says gb2312
    wzdh = f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>网站导航</title></head><body><h2>乡镇网站</h2><ul>
<li><a href="{t}qsz/">青山镇</a></li><li><a href="{t}hpjd/">和平街道</a></li></ul>
<h2>部门网站</h2><ul><li><a href="{d}scjgj/">县市场监督管理局</a></li>
<li><a href="http://gaj.qingshan-police.cn/">县公安局</a></li>
<li><a href="{p}xxgk/">信息公开</a></li></ul></body></html>""".encode("gbk")
    return {
        "/": html(home),
        "/bmwz/index.html": html(bmwz),
        "/wzdh.html": (200, {"Content-Type": "text/html"}, wzdh),
    }


def sub_routes(paths: list[str]) -> dict:
    return {f"/{x}/": html(f'<html><head><meta name="SiteName" content="{x}"><title>{x}</title></head><body>'
                          f'<a href="/{x}/a.html">动态</a></body></html>') for x in paths}


@pytest.fixture(scope="module")
def county():
    with RouteServer({}) as portal, RouteServer({}, host="127.0.0.2") as dept, RouteServer({}, host="127.0.0.3") as town:
        portal.routes.update(portal_routes(portal.url, dept.url, town.url))
        portal.routes.update(sub_routes(["czj"]))
        dept.routes.update(sub_routes(["jyj", "wjj", "fgw", "sfj", "scjgj"]))
        town.routes.update(sub_routes(["cgz", "qsx", "dcjd", "qsz", "hpjd"]))
        yield portal.url, dept.url, town.url, portal


def test_discover_proposes_the_county_sites(county, tmp_path):
    p, d, t, portal = county
    out = tmp_path / "govaudit.toml"
    proc = run("sites", "discover", p, "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "12 sites (6 department, 5 township, and the portal), 3 other candidates commented out; 2 link pages read" in proc.stderr
    text = out.read_text(encoding="utf-8")
    cfg = load_config(out)
    assert cfg.group_name == "青山县人民政府网站群"
    # the portal first, then departments and townships in the order they were found
    assert [(s.root, s.name, s.kind) for s in cfg.sites] == [
        (p, "青山县人民政府", "government"),
        (f"{d}jyj/", "县教育局", "department"),
        (f"{d}wjj/", "县卫生健康局", "department"),
        (f"{p}czj/", "县财政局", "department"),  # a directory of the portal's own host
        (f"{d}fgw/", "青山县发展和改革委员会", "department"),  # the title, not the cut-off text
        (f"{d}sfj/", '县"司法\\局', "department"),
        (f"{d}scjgj/", "县市场监督管理局", "department"),  # from the GBK page
        (f"{t}cgz/", "城关镇", "township"),
        (f"{t}qsx/", "青山乡", "township"),
        (f"{t}dcjd/", "东城街道办事处", "township"),
        (f"{t}qsz/", "青山镇", "township"),
        (f"{t}hpjd/", "和平街道", "township"),
    ]
    # where each was found is said in a comment above it
    assert f"# found on {p}bmwz/index.html（部门网站）\n[[site]]\nroot = \"{d}jyj/\"" in text
    assert f"# found on {p}（下拉列表「--乡镇（街道）--」）\n[[site]]\nroot = \"{t}cgz/\"" in text
    assert f"# found on {p}wzdh.html（乡镇网站）\n[[site]]\nroot = \"{t}qsz/\"" in text
    # near misses: other governments and units hosted elsewhere are commented-out candidates
    commented = tomllib.loads("\n".join(ln[2:] for ln in text.splitlines() if ln.startswith("# [[site]]") or ln.startswith("# root") or ln.startswith("# name") or ln.startswith("# kind")))
    assert {(s["root"], s["kind"]) for s in commented["site"]} == {
        ("http://www.zj.gov.cn/", "government"), ("http://jyt.zj.gov.cn/", "department"), ("http://gaj.qingshan-police.cn/", "department")
    }
    # new media, 国务院, news items, portal columns and link lists' own links are no sites
    for miss in ("weibo", "weixin", "douyin", "www.gov.cn", "people.com.cn", "/zwgk/", "/xxgk/", "/art/", "index_1", "/bmwz/"):
        assert f'root = "{miss}' not in text and not any(miss in s.root for s in cfg.sites), miss
    # only the home page and its two link pages were read; subsites are not fetched
    assert portal.hits[("GET", "/bmwz/index.html")] == 1 and portal.hits[("GET", "/wzdh.html")] == 1
    assert not portal.hits[("GET", "/czj/")]
    # stdout stays empty with --out, and an existing file is not overwritten without --force
    assert proc.stdout == ""
    assert_clean_failure(run("sites", "discover", p, "--out", str(out)), "exists")
    assert run("sites", "discover", p, "--out", str(out), "--force").returncode == 0
    assert load_config(out).group_name == "青山县人民政府网站群"


def test_printed_toml_is_the_same_and_its_roots_crawl(county, tmp_path):
    p, d, t, _ = county
    proc = run("sites", "discover", p)
    assert proc.returncode == 0, proc.stderr
    cfg_path = tmp_path / "govaudit.toml"
    cfg_path.write_text(proc.stdout, encoding="utf-8")
    roots = [s.root for s in load_config(cfg_path).sites]
    db = tmp_path / "g.db"
    crawl = run("crawl", "--db", str(db), "--no-check-links", *roots)
    assert crawl.returncode == 0, crawl.stderr
    assert crawl.stdout.count("HTTP 200") == len(roots) == 12


@pytest.fixture
def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def test_bad_input(tmp_path, free_port):
    for url in ("ftp://127.0.0.1/", "not a url", "http://127.0.0.1:99999/"):
        assert_clean_failure(run("sites", "discover", url), "URL")
    assert_clean_failure(run("sites", "discover", f"http://127.0.0.1:{free_port}/"), "cannot connect")
    assert_clean_failure(run("sites", "discover", "http://www.example.gov.cn/"), "not a loopback address")
    routes = {
        "/": (200, {"Content-Type": "application/pdf"}, b"%PDF-1.4 ..."),
        "/away": redirect("http://www.example.gov.cn/"),
        "/gone": html("<title>404</title>", status=404),
    }
    with RouteServer(routes) as srv:
        assert_clean_failure(run("sites", "discover", srv.url), "not an HTML page (application/pdf)")
        assert_clean_failure(run("sites", "discover", srv.url + "away"), "not a loopback address")
        assert_clean_failure(run("sites", "discover", srv.url + "gone"), "HTTP 404")
    with RouteServer({"/": html("<title>慢</title>")}, delay=3) as slow:
        assert_clean_failure(run("sites", "discover", "--timeout", "1", slow.url), "no answer within 1 s")


def test_unreadable_link_page_is_noted_not_fatal(tmp_path):
    home = '<html><head><title>青山县人民政府</title></head><body><a href="/bmwz.html">部门网站</a><a href="/xzwz.html">乡镇网站</a></body></html>'
    xz = '<h2>乡镇网站</h2><a href="http://127.0.0.3:1/cgz/">城关镇</a>'
    with RouteServer({"/": html(home), "/xzwz.html": html(xz)}) as srv:
        proc = run("sites", "discover", srv.url)
    assert proc.returncode == 0, proc.stderr
    assert f"# could not read: {srv.url}bmwz.html: HTTP 404" in proc.stdout
    assert "1 unreadable" in proc.stderr
    data = tomllib.loads(proc.stdout)
    assert data["group"]["name"] == "青山县人民政府网站群"
    assert [(s["root"], s["kind"]) for s in data["site"]] == [(srv.url, "government"), ("http://127.0.0.3:1/cgz/", "township")]


def test_link_lists_in_a_footer_iframe():
    home = '<html><head><title>青山县人民政府</title></head><body><iframe src="/footer.html"></iframe></body></html>'
    footer = ('<div class="yqlj"><span>部门网站</span><ul><li><a href="http://127.0.0.2:1/jyj/" target="_blank">县教育局</a></li>'
              '<li><a href="http://127.0.0.2:1/jtj/" target="_blank">县交通运输局</a></li></ul></div>'
              '<div><a href="/zzjg.html">乡镇网站</a></div>')
    zz = '<ul><li><a href="http://127.0.0.3:1/cgz/">城关镇</a></li></ul>'
    with RouteServer({"/": html(home), "/footer.html": html(footer), "/zzjg.html": html(zz)}) as srv:
        proc = run("sites", "discover", srv.url)
    assert proc.returncode == 0, proc.stderr
    data = tomllib.loads(proc.stdout)
    assert [s["root"] for s in data["site"]] == [srv.url, "http://127.0.0.2:1/jyj/", "http://127.0.0.2:1/jtj/", "http://127.0.0.3:1/cgz/"]
    assert f"# found on {srv.url}footer.html（部门网站）" in proc.stdout and f"# found on {srv.url}zzjg.html（乡镇网站）" in proc.stdout


def test_refresh_home_page_and_a_select_under_a_label():
    """index.html only redirects (meta refresh); the real home page has a 镇街 heading over a
    <select> whose first option is just 请选择: its options count as listed under the label."""
    home = '<html><head><meta http-equiv="refresh" content="0; url=/portal/index.html"></head><body></body></html>'
    real = ('<html><head><meta name="SiteName" content="青山县人民政府门户网站"></head><body><div class="zj"><h4>镇街</h4>'
            '<select onchange="location.href=this.value"><option>请选择</option>'
            '<option value="http://127.0.0.3:1/xc/">新村</option><option value="http://www.zj.gov.cn/">浙江省人民政府</option></select></div>'
            '<select><option>--友情链接--</option><option value="http://127.0.0.2:1/ly/">旅游</option></select></body></html>')
    with RouteServer({"/": html(home), "/portal/index.html": html(real)}) as srv:
        proc = run("sites", "discover", srv.url)
    assert proc.returncode == 0, proc.stderr
    data = tomllib.loads(proc.stdout)
    assert data["group"]["name"] == "青山县人民政府网站群"
    # 新村 has no unit suffix but sits under 镇街 on the county's own network; 旅游 is under no label
    assert [(s["root"], s["name"], s["kind"]) for s in data["site"]] == [
        (srv.url, "青山县人民政府门户网站", "government"), ("http://127.0.0.3:1/xc/", "新村", "township")]
    assert f"# found on {srv.url}portal/index.html（下拉列表「镇街」）" in proc.stdout
    assert '# root = "http://www.zj.gov.cn/"' in proc.stdout


# --- pure parts ----------------------------------------------------------------------


def test_hostile_names_stay_inside_their_strings():
    p = "http://127.0.0.1:8/"
    page = ('<h2>部门网站</h2><ul><li><a href="http://127.0.0.2:8/a/">县局"\n[rules.typo]\nx = 1 #局</a></li>'
            '<li><a href="http://127.0.0.2:8/b/">县\\u0022办公室\x7f</a></li></ul>')
    kept, others = collect([scan_page(page, p + "bmwz.html", home=False)], p)
    from crawler.discover import Discovery

    text = to_toml(Discovery(p, '青山"县]]\n[x]', "青山县网站群", kept, others, [(p + "bmwz.html", "部门网站\n[y]")], []))
    data = tomllib.loads(text)
    assert set(data) == {"group", "site"}
    # the portal's name is kept exactly; crawled link text is one line without control characters
    assert [s["name"] for s in data["site"]] == ['青山"县]]\n[x]', '县局" [rules.typo] x = 1 #局', "县\\u0022办公室"]
    assert "\n[y]" not in text and "\n[x]" not in text


@pytest.mark.parametrize(
    ("name", "kind"),
    [("城关镇", "township"), ("青山乡人民政府", "township"), ("东城街道", "township"), ("东城街道办事处", "township"),
     ("县乡村振兴局", "department"), ("县城乡建设委员会", "department"), ("县人民政府办公室", "department"),
     ("某某市人民政府", "government"), ("和平镇人民政府网站", "township")],
)
def test_propose_kind(name, kind):
    assert propose_kind(name) == kind


@pytest.mark.parametrize(
    ("url", "root"),
    [("http://h/jyj/index.html", "http://h/jyj/"), ("http://h/jyj", "http://h/jyj/"), ("http://h/a.html", "http://h/"),
     ("https://x.h/indexPage?loginflag=false", "https://x.h/"), ("http://h:81/", "http://h:81/")],
)
def test_site_root(url, root):
    assert site_root(url) == root


@pytest.mark.parametrize(
    ("name", "url", "source", "labelled", "kept"),
    [
        ("县教育局", "http://jyj.qingshan.gov.cn/", "page", False, True),
        ("一网通办", "http://zwfw.qingshan.gov.cn/", "page", False, False),  # 办, but a service, not a unit
        ("下载中心", "http://www.qingshan.gov.cn/xzzx/", "block", True, False),
        ("特色小镇", "http://www.qingshan.gov.cn/tsxz/", "block", True, False),
        ("县教育局", "http://www.qingshan.gov.cn/jyj/", "home", False, False),  # a loose link on the portal's host
        ("县教育局", "http://www.qingshan.gov.cn/jyj/", "block", True, True),
        ("教育体育", "http://jyt.qingshan.gov.cn/", "block", True, True),  # no unit name, but listed under a label
        ("教育体育", "http://jyt.qingshan.gov.cn/", "page", False, False),
        ("县教育局政务微博", "https://weibo.com/jyj", "block", True, False),
        ("县教育局", "https://mp.weixin.qq.com/s/1", "block", True, False),
    ],
)
def test_judge(name, url, source, labelled, kept):
    c = judge(Link(url, name, "部门网站", source, labelled), "http://www.qingshan.gov.cn/")
    assert (c is not None and c.local) is kept


# --- real pages (../shared/realpages/MANIFEST.md) ------------------------------------


def test_real_province_portal_lists_its_department_sites(realpage):
    """006 (山西省人民政府 page): the footer's 省政府部门 tab lists the departments' own hosts under
    shanxi.gov.cn; its 国务院部门 and 各省区市 tabs and the portal's own columns are no candidates."""
    page = realpage("006.html")
    portal = "http://www.shanxi.gov.cn/"
    kept, others = collect([scan_page(page, portal)], portal)
    doc = lxml.html.fromstring(page)
    first_tab = doc.xpath("//ul[contains(@class,'friend-link-submenu')]")[0]
    expected = {site_root(a.get("href")) for a in first_tab.iter("a") if (urlsplit(a.get("href")).hostname or "").endswith(".shanxi.gov.cn")}
    assert len(expected) >= 30
    assert expected <= {c.root for c in kept}
    assert all(c.kind == "department" for c in kept) and not others
    assert not [c for c in kept if urlsplit(c.root).hostname == "www.shanxi.gov.cn"]  # 全程网办 etc. are columns


def test_real_pages_without_unit_lists(realpage):
    # 007 (中国政府网): its 国务院部门网站 link is no link page of a county group
    scan = scan_page(realpage("007.html"), "https://www.gov.cn/")
    assert scan.link_pages == [] and collect([scan], "https://www.gov.cn/") == ([], [])
    # 008 (平潭): the 省市政府网站, 友情链接 and 新闻媒体 tabs hold no units of its own domain but 行政服务中心
    kept, others = collect([scan_page(realpage("008.html"), "https://www.pingtan.gov.cn/")], "https://www.pingtan.gov.cn/")
    assert [(c.root, c.name) for c in kept] == [("https://xzfwzx.pingtan.gov.cn/", "平潭行政服务中心")] and others == []
    # 004 (万载县 article): the 宜春 counties in its footer belong to other domains: not proposed
    kept, others = collect([scan_page(realpage("004.html"), "http://www.wanzai.gov.cn/")], "http://www.wanzai.gov.cn/")
    assert kept == [] and others == []
