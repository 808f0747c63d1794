"""The 青山县 fixture site (tests/site/) serves what SPEC.md promises."""
from __future__ import annotations

import datetime as dt
import html
import importlib
import importlib.util
import re
import sys
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

T = dt.date(2026, 12, 15)
ITEM = '" title="'  # list items carry a title attribute; navigation links do not


def _load():
    """Import tests.site.{server,model}.

    Falls back to loading tests/site/ under a private package name when the
    name ``tests`` resolves to some other installed package (textstat's wheel
    ships a top-level ``tests`` package that shadows this directory while
    tests/ has no __init__.py).
    """
    try:
        from tests.site import model, server  # type: ignore[import-not-found]

        return server, model
    except ImportError:
        pass
    here = Path(__file__).resolve().parent / "site"
    name = "_govaudit_fixture_site"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            name, here / "__init__.py", submodule_search_locations=[str(here)])
        mod = importlib.util.module_from_spec(spec)
        sys.modules[name] = mod
        spec.loader.exec_module(mod)
    return importlib.import_module(f"{name}.server"), importlib.import_module(f"{name}.model")


server, model = _load()
services = importlib.import_module(f"{model.__package__}.services")  # 办事服务, 搜索, 标准目录 (services.py)

# never go through an environment proxy: loopback only
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def fetch(url: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    req = urllib.request.Request(url, method=method)
    try:
        with _OPENER.open(req, timeout=5) as r:
            return r.status, dict(r.headers.items()), r.read()
    except urllib.error.HTTPError as e:
        with e:
            return e.code, dict(e.headers.items()), e.read()


@pytest.fixture(scope="module")
def site():
    with server.FixtureSite(today=T) as s:
        yield s


# --------------------------------------------------------------------------- #
# over HTTP
# --------------------------------------------------------------------------- #
def test_roots(site):
    p = site.port
    assert p > 0
    assert site.roots == [f"http://127.0.0.1:{p}/", f"http://127.0.0.1:{p}/jyj/",
                          f"http://127.0.0.1:{p}/scj/", f"http://127.0.0.2:{p}/"]
    assert (site.portal, site.jyj, site.scj, site.wjj) == tuple(site.roots)


def test_portal_home(site):
    status, headers, body = fetch(site.portal)
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert int(headers["Content-Length"]) == len(body)
    text = body.decode("utf-8")
    assert '<meta name="SiteIDCode" content="3311270001">' in text
    assert "网站标识码：3311270001" in text and "浙ICP备12345678号-1" in text
    assert f'href="http://127.0.0.2:{site.port}/"' in text          # port substituted
    assert "__FIXTURE_PORT__" not in text
    newest = T - dt.timedelta(days=1)
    assert f"<span>{newest:%Y-%m-%d}</span>" in text
    for col in model.COLUMNS:
        if col.site == "portal":
            assert f'href="{col.path}"' in text, col.name
    for link in ('href="/jyj/"', 'href="/scj/"', 'href="/admin/"',
                 f'href="/hdjl/rl/?month={T:%Y-%m}"', "/search/?q="):
        assert link in text
    assert fetch(site.portal + "index.html")[2] == body


def test_head_matches_get(site):
    _, gh, gbody = fetch(site.portal + "xwzx/bdyw/")
    status, hh, hbody = fetch(site.portal + "xwzx/bdyw/", method="HEAD")
    assert status == 200 and hbody == b""
    assert hh["Content-Length"] == gh["Content-Length"] == str(len(gbody))


def test_tzgg_is_gbk_not_gb2312(site):
    status, headers, body = fetch(site.portal + "tzgg/")
    assert status == 200
    assert headers["Content-Type"] == "text/html"                      # no charset
    assert b'content="text/html; charset=gb2312"' in body
    text = body.decode("gb18030")                                      # strict
    assert "堃" in text and "关于王堃同志任职的通知" in text
    with pytest.raises(UnicodeDecodeError):
        body.decode("gb2312")
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    assert '<a href="index_1.html">下一页</a>' in text
    assert text.count(ITEM) == 4
    page2 = fetch(site.portal + "tzgg/index_1.html")[2].decode("gb18030")
    assert '<a href="index.html">上一页</a>' in page2 and page2.count(ITEM) == 3
    newest = T - dt.timedelta(days=200)
    assert f"<span>{newest:%Y.%m.%d}</span>" in text


def test_wjj_header_lies(site):
    status, headers, body = fetch(site.wjj)
    assert status == 200
    assert "utf-8" in headers["Content-Type"]
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    text = body.decode("gb18030")
    assert '<meta charset="gbk">' in text
    assert '<meta name="SiteIDCode" content="3311270020">' in text
    assert not re.search(r"\d{4}[-/.年]\d{1,2}", text)                 # no dates on the home page
    assert f'href="http://127.0.0.1:{site.port}/"' in text


def test_scj_unavailable(site):
    for path in ("scj/", "scj/index.html", "scj/col/col1/index.html"):
        assert fetch(site.portal + path)[0] == 503


def test_not_found(site):
    status, _, body = fetch(site.portal + "no/such/page.html")
    assert status == 404 and "页面不存在" in body.decode("utf-8")
    status, _, body = fetch(site.portal.rstrip("/") + model.DEAD_LINK)
    assert status == 404
    status, _, body = fetch(site.wjj + "nothing.shtml")
    assert status == 404 and "页面不存在" in body.decode("utf-8")


def test_robots(site):
    status, headers, body = fetch(site.portal + "robots.txt")
    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    assert body.decode() == "User-agent: *\nDisallow: /admin/\n"
    status, _, body = fetch(site.wjj + "robots.txt")
    assert status == 200 and "Disallow: /admin/" not in body.decode()
    assert "User-agent: *" in body.decode()


def test_calendar_trap(site):
    text = fetch(site.portal + "hdjl/rl/?month=2026-12")[2].decode()
    assert 'href="/hdjl/rl/?month=2027-01"' in text
    assert 'href="/hdjl/rl/?month=2026-11"' in text
    far = fetch(site.portal + "hdjl/rl/?month=2391-12")[2].decode()
    assert 'href="/hdjl/rl/?month=2392-01"' in far


def test_session_id_trap(site):
    a = fetch(site.portal + "search/?q=%E6%94%BF%E5%8A%A1&sid=qs000000")[2].decode()
    b = fetch(site.portal + "search/?q=%E6%94%BF%E5%8A%A1&sid=qs000000")[2].decode()
    sid_a = re.findall(r"sid=(qs\d+)", a)
    sid_b = re.findall(r"sid=(qs\d+)", b)
    assert sid_a and sid_b and set(sid_a).isdisjoint(sid_b)
    js = re.search(r'href="(/xwzx/bdyw/;jsessionid=[^"]+)"', a).group(1)
    direct = fetch(site.portal + "xwzx/bdyw/")[2]
    assert fetch(site.portal.rstrip("/") + js)[2] == direct
    assert fetch(site.portal + "xwzx/bdyw/;jsessionid=ABC123")[2] == direct


def test_bdyw_pagination_script_only(site):
    text = fetch(site.portal + "xwzx/bdyw/index_2.html")[2].decode()
    assert 'createPageHTML(3, 2, "index", "html")' in text
    assert text.count(ITEM) == 5
    assert "index_1.html" not in text and "index_2.html" not in text
    first = fetch(site.portal + "xwzx/bdyw/")[2].decode()
    assert 'createPageHTML(3, 0, "index", "html")' in first
    assert first.count(ITEM) == 10


def test_jyj(site):
    home = fetch(site.jyj)[2].decode()
    assert '<meta name="SiteIDCode" content="3311270012">' in home
    assert f"<span>{T - dt.timedelta(days=14):%Y-%m-%d}</span>" in home
    dt_page = fetch(site.portal + "jyj/col/col1201/index.html")[2].decode()
    assert dt_page.count("<record>") == 12 and "<datastore>" in dt_page
    assert fetch(site.portal + "jyj/col/col1201/index.html?uid=5001&pageNum=2")[2].decode() == dt_page
    gg = fetch(site.portal + "jyj/col/col1202/index.html")[2].decode()
    spans = re.findall(r"<span>(\[\d\d-\d\d\])</span>", gg)
    assert spans == ["[01-05]", "[01-02]", "[12-20]"]
    art = re.search(r'href="(/jyj/art/2025/12/20/art_1202_\d+\.html)"', gg).group(1)
    text = fetch(site.portal.rstrip("/") + art)[2].decode()
    assert "<!--ZJEG_RSS.content.begin-->" in text and "发布日期：2025-12-20" in text


def test_redirect_to_directory(site):
    req = urllib.request.Request(site.portal + "jyj")
    with _OPENER.open(req, timeout=5) as r:     # follows the 301
        assert r.status == 200 and r.url.endswith("/jyj/")


# --------------------------------------------------------------------------- #
# the model (no network)
# --------------------------------------------------------------------------- #
def test_expected_findings_reference():
    got = [(f.rule, f.host, f.path) for f in model.EXPECTED_FINDINGS]
    assert got == [
        ("site-unreachable", "127.0.0.1", "/scj/"),
        ("homepage-stale", "127.0.0.2", "/"),
        ("column-stale", "127.0.0.1", "/xwzx/xzdt/"),
        ("column-stale", "127.0.0.1", "/tzgg/"),
        ("column-stale", "127.0.0.1", "/zwgk/rsxx/"),
        ("column-stale", "127.0.0.1", "/jyj/col/col1202/index.html"),
        ("column-stale", "127.0.0.2", "/wjdt/index.shtml"),
        ("column-empty", "127.0.0.1", "/zwgk/czxx/"),
        ("column-empty", "127.0.0.1", "/zwgk/tjxx/"),
    ]
    assert model.expected_findings(T) == list(model.EXPECTED_FINDINGS)
    for col in model.COLUMNS:        # declared verdict == computed verdict at T
        assert col.expected_verdict(T) == col.expected, col.name


def test_yearless_dates_follow_today():
    jygg = model.COLUMNS_BY_KEY["jygg"]
    assert jygg.item_dates(T) == [dt.date(2026, 1, 5), dt.date(2026, 1, 2), dt.date(2025, 12, 20)]
    early = dt.date(2027, 1, 3)
    assert jygg.item_dates(early) == [dt.date(2027, 1, 2), dt.date(2026, 12, 20), dt.date(2026, 1, 5)]
    assert jygg.expected_verdict(early) == "fresh"
    # relative columns keep their verdict whatever the date
    for today in (dt.date(2025, 3, 1), dt.date(2028, 2, 29)):
        for col in model.COLUMNS:
            if col.key != "jygg":
                assert col.expected_verdict(today) == col.expected


def test_column_ages_on_pages():
    pages = model.build_site(T, 1)
    P = pages["127.0.0.1"]
    ago = lambda n: T - dt.timedelta(days=n)  # noqa: E731
    assert f"<span>{ago(14):%Y/%m/%d}</span>" in P["/xwzx/bmdt/"].body.decode()
    xz = ago(15)
    assert f"<td>{xz.year}年{xz.month:02d}月{xz.day:02d}日</td>" in P["/xwzx/xzdt/"].body.decode()
    assert f'<span class="date">({ago(183):%Y-%m-%d})</span>' in P["/zcwj/"].body.decode()
    assert '<div class="nodata">暂无信息</div>' in P["/zwgk/czxx/"].body.decode()
    assert '<ul class="list"></ul>' in P["/zwgk/tjxx/"].body.decode()
    assert P["/zwgk/zdxm/"].body.decode().count(ITEM) == 1
    assert '<meta name="ColumnType"' not in P["/xwzx/bmdt/"].body.decode()
    W = pages["127.0.0.2"]
    assert f'<span class="date">{ago(30):%Y-%m-%d}</span>' in W["/wjdt/index.shtml"].body.decode("gb18030")
    for col in model.COLUMNS:
        items = model.column_items(col, T)
        assert len(items) == col.item_count
        for it in items:
            assert it.path in pages[col.host], it.path


def test_every_static_link_resolves():
    port = 1
    pages = model.build_site(T, port)
    skip_prefix = ("/scj/", "/hdjl/rl/", "/search/")
    checked = 0
    for host, hp in pages.items():
        for path, page in hp.items():
            ctype = page.headers.get("Content-Type", "")
            if not ctype.startswith("text/html"):
                continue
            text = page.body.decode("gb18030" if b"charset=gb" in page.body or b'"gbk"' in page.body
                                    else "utf-8")
            for href in re.findall(r'href="([^"]+)"', text):
                href = html.unescape(href)
                if href.startswith("javascript:"):
                    continue
                u = urlsplit(urljoin(f"http://{host}:{port}{path}", href))
                if u.hostname == model.HIDDEN_LINK_HOST:
                    continue  # the planted 暗链 points where nothing listens
                assert u.hostname in pages and u.port == port, (path, href)
                if u.path.startswith(skip_prefix) or u.path in (model.DEAD_LINK, *services.DEAD_LINKS):
                    continue
                assert u.path in pages[u.hostname], (host, path, href)
                checked += 1
    assert checked > 500
