"""Link integrity end to end: a site on 127.0.0.1 and an outside host on 127.0.0.2,
real HTTP, the real `govaudit` commands, every failure kind, cache, soft-404, 暗链."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
import time

import pytest

from tests.routes import RouteServer, html, redirect

pytestmark = pytest.mark.e2e
GOVAUDIT = [sys.executable, "-m", "crawler.cli"]
T = "2026-12-15"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([*GOVAUDIT, *args], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


class Outside:
    """The outside host: every kind of answer a link checker meets."""

    def __init__(self) -> None:
        self.flaky_calls = 0
        self.ok_broken = False
        self.lock = threading.Lock()
        page = html("<title>外部网站</title><p>正常页面</p>")

        def head405(method: str):
            return (405, {}, b"") if method == "HEAD" else page

        def flaky(method: str):
            with self.lock:
                self.flaky_calls += 1
                busy = self.flaky_calls <= 1
            return (503, {}, b"busy") if busy else page

        def ok(method: str):
            return (500, {}, b"") if self.ok_broken else page

        def slow(method: str):
            time.sleep(4)
            return page

        routes = {
            "/ok": ok,
            "/ok2": page,
            "/ok3": page,
            "/file.pdf": (200, {"Content-Type": "application/pdf"}, b"%PDF-1.4"),
            "/file405.pdf": lambda m: (405, {}, b"") if m == "HEAD" else (200, {"Content-Type": "application/pdf"}, b"%PDF-1.4"),
            "/softpage": html("<html><head><title>页面不存在</title></head><body>抱歉，信息已删除</body></html>"),
            "/head405": head405,
            "/flaky": flaky,
            "/gone": html("<title>404</title>", status=404),
            "/loop-a": redirect("/loop-b"),
            "/loop-b": redirect("/loop-a"),
            "/slow": slow,
            "/casino": html("<title>娱乐城</title>"),
            "/big": lambda m: (404, {}, b"") if m == "HEAD" else (200, {"Content-Type": "application/zip"}, b"\0" * (3 * 1024 * 1024)),
            "/pill": html("<title>药</title>"),
            "/white": html("<title>白字</title>"),
            "/marquee": html("<title>跑马灯</title>"),
            "/sheet": html("<title>样式表</title>"),
        }
        for i in range(12):
            routes[f"/hop{i}"] = redirect(f"/hop{i + 1}")
        self.server = RouteServer(routes, host="127.0.0.2")


def site_routes(ext: str) -> dict:
    home = f"""<html><head><title>青山县人民政府</title>
<style>
.hide-m {{ display: none }}
.dl {{ position: absolute; top: -3000px }}
.dropdown ul {{ display: none }}
.dropdown:hover ul {{ display: block }}
</style></head><body>
<ul>
<li><a href="/ok.html">正常页面</a></li>
<li><a href="/missing.html">已删除的页面</a></li>
<li><a href="/files/通知 附件.pdf">附件</a> <a href="/files/gone.doc">失效附件</a></li>
<li><img src="/img/logo.png"><img src="/img/broken.jpg" alt="坏图"></li>
<li><a href="{ext}ok">外部正常</a> <a href="{ext}head405">HEAD 被拒</a> <a href="{ext}gone">外部失效</a></li>
<li><a href="{ext}flaky">时好时坏</a> <a href="{ext}loop-a">重定向循环</a> <a href="{ext}hop0">重定向过多</a></li>
<li><a href="{ext}file.pdf">外部附件</a> <a href="{ext}file405.pdf">HEAD 被拒的附件</a> <a href="{ext}softpage">外部错误页</a></li>
<li><a href="{ext}slow">超时</a> <a href="http://no-such-host.invalid/">域名不存在</a> <a href="http://127.0.0.3:1/">拒绝连接</a></li>
<li><a href="https://{ext[7:]}ok">TLS 错误</a> <a href="http://[bad">格式错误</a> <a href="ftp://127.0.0.1/a.zip">FTP</a>
<a href="{ext}big">大文件</a> <a href="/{'x' * 3000}.html">超长网址</a></li>
<li><a href="mailto:zfb@qingshan.gov.cn">信箱</a> <a href="tel:0571-1234567">电话</a> <a href="javascript:void(0)">打印</a> <a href="#">顶部</a></li>
<li><a href="/news.html">新闻</a> <a href="/deleted.html">旧通知</a> <a href="/about.html">青政〔2026〕404号</a></li>
<li><a href="/old1.html">旧1</a> <a href="/old2.html">旧2</a> <a href="/old3.html">旧3</a></li>
</ul>
<div style="display:none"><a href="{ext}casino">博彩</a></div>
<span style="position:absolute;left:-9999px"><a href="{ext}pill">药品</a></span>
<a href="{ext}white" style="color:#fff;background-color:#ffffff">白字链接</a>
<marquee height="0"><a href="{ext}marquee">跑马灯</a></marquee>
<div class="dl"><a href="{ext}sheet">样式表隐藏</a></div>
<div class="hide-m"><a href="/ok.html">手机菜单</a><a href="/news.html">新闻</a></div>
<div class="dropdown">部门网站<ul><li><a href="{ext}ok3">外部下拉菜单</a></li></ul></div>
</body></html>"""
    not_found = "<html><head><title>提示</title></head><body>对不起，您访问的页面不存在或已被删除。</body></html>"
    long_text = "青山县人民政府关于印发青政〔2026〕404号文件的通知。" + "为进一步做好政务公开工作，现将有关事项通知如下。" * 80
    return {
        "/": html(home),
        "/ok.html": html("<title>正常页面</title><p>内容</p>"),
        "/files/%E9%80%9A%E7%9F%A5%20%E9%99%84%E4%BB%B6.pdf": (200, {"Content-Type": "application/pdf"}, b"%PDF-1.4 test"),
        "/img/logo.png": (200, {"Content-Type": "image/png"}, b"\x89PNG\r\n"),
        "/news.html": html(f"""<html><head><base href="/sub/"><title>新闻</title></head><body>
            <a href="a.html">相对链接</a><a href="b.html">失效相对链接</a><a href="{ext}ok2">外部</a></body></html>"""),
        "/sub/a.html": html("<title>A</title>"),
        "/deleted.html": html("<html><head><title>页面不存在</title></head><body>该信息已删除</body></html>"),
        "/about.html": html(f"<html><head><title>关于印发青政〔2026〕404号文件的通知</title></head><body>{long_text}</body></html>"),
        "/old1.html": redirect("/404.html"),
        "/old2.html": redirect("/404.html"),
        "/old3.html": redirect("/404.html"),
        "/404.html": html(not_found),
    }


@pytest.fixture(scope="module")
def linked(tmp_path_factory):
    outside = Outside()
    with outside.server as ext:
        with RouteServer(site_routes(ext.url)) as site:
            db = tmp_path_factory.mktemp("links") / "l.db"
            run("crawl", "--db", str(db), "--timeout", "2", "--retries", "1", "--today", T, site.url)
            run("audit", "--db", str(db), "--as-of", T)
            first = [json.loads(x) for x in run("findings", "--db", str(db)).stdout.splitlines()]
            yield {"db": db, "site": site, "ext": ext, "outside": outside, "findings": first}


def by_rule(findings, rule):
    return {f["url"]: f for f in findings if f["rule"] == rule}


def test_dead_links_every_failure_kind(linked):
    s, e = linked["site"].url, linked["ext"].url
    dead = by_rule(linked["findings"], "dead-link")
    expected = {
        s + "missing.html",
        s + "files/gone.doc",
        s + "img/broken.jpg",
        e + "gone",
        e + "loop-a",
        e + "hop0",
        e + "slow",
        "http://no-such-host.invalid/",
        "http://127.0.0.3:1/",
        "https://" + e[7:] + "ok",
        s + "sub/b.html",  # relative to <base href="/sub/">
        "http://[bad",  # invalid syntax: nobody can follow it
    }
    assert set(dead) == expected
    ev = {u: f["evidence"] for u, f in dead.items()}
    assert ev[s + "missing.html"]["status"] == 404
    assert ev[e + "loop-a"]["error"].startswith("redirect loop")
    assert ev[e + "loop-a"]["redirect_chain"][:3] == [e + "loop-a", e + "loop-b", e + "loop-a"]
    assert ev[e + "hop0"]["error"].startswith("too many redirects")
    assert "TimeoutError" in ev[e + "slow"]["error"] or "timed out" in ev[e + "slow"]["error"].lower()
    assert "DNS lookup failed" in ev["http://no-such-host.invalid/"]["error"]
    assert "ConnectionRefused" in ev["http://127.0.0.3:1/"]["error"]
    assert ev[e + "gone"]["status"] == 404 and ev[e + "gone"]["checked_by"] == "GET"  # HEAD failure confirmed by GET
    # severity: links on the home page are major, the rest minor; every linking page listed
    assert {u: f["severity"] for u, f in dead.items()}[s + "sub/b.html"] == "minor"
    assert all(f["severity"] == "major" for u, f in dead.items() if u != s + "sub/b.html")
    assert ev[s + "sub/b.html"]["pages"] == [{"page": s + "news.html", "anchor": "失效相对链接"}]
    assert ev[s + "missing.html"]["pages"] == [{"page": s, "anchor": "已删除的页面"}]


def test_working_links_are_not_dead(linked):
    s, e = linked["site"].url, linked["ext"].url
    dead = by_rule(linked["findings"], "dead-link")
    for url in (s + "ok.html", s + "files/%E9%80%9A%E7%9F%A5%20%E9%99%84%E4%BB%B6.pdf", s + "img/logo.png",
                e + "ok", e + "ok2", e + "ok3", e + "head405", e + "flaky", s + "sub/a.html"):
        assert url not in dead, url
    conn = sqlite3.connect(linked["db"])
    method, attempts = conn.execute("SELECT method, attempts FROM link_checks WHERE url = ?", [e + "head405"]).fetchone()
    assert (method, attempts) == ("GET", 1)
    # attachments are checked with HEAD first; a refused HEAD (405) falls back to GET
    method, status = conn.execute("SELECT method, status FROM link_checks WHERE url = ?", [e + "file405.pdf"]).fetchone()
    assert (method, status) == ("GET", 200)
    method, status = conn.execute("SELECT method, status FROM link_checks WHERE url = ?", [e + "file.pdf"]).fetchone()
    assert (method, status) == ("HEAD", 200)
    method, attempts = conn.execute("SELECT method, attempts FROM link_checks WHERE url = ?", [e + "flaky"]).fetchone()
    assert (method, attempts) == ("GET", 2)  # 503, then a re-check after backoff
    # a body over the check limit, a URL over the length limit: logged skips, not findings
    assert conn.execute("SELECT error FROM link_checks WHERE url = ?", [e + "big"]).fetchone()[0].startswith("skipped:")
    assert e + "big" not in dead
    assert not any(len(u) > 2048 for u in dead)
    kinds = {r[0] for r in conn.execute("SELECT DISTINCT kind FROM links")}
    assert {"page", "external", "attachment", "image", "mail", "tel", "javascript", "other", "invalid"} <= kinds
    assert conn.execute("SELECT count(*) FROM links WHERE target LIKE '%#%' OR target = '#'").fetchone()[0] == 0


def test_soft_404(linked):
    s = linked["site"].url
    soft = by_rule(linked["findings"], "soft-404")
    e = linked["ext"].url
    assert set(soft) == {s + "deleted.html", s + "old1.html", s + "old2.html", s + "old3.html", e + "softpage"}
    assert soft[s + "old1.html"]["evidence"]["many_urls_redirect_here"] is True
    assert soft[s + "deleted.html"]["evidence"]["error_text"] == "页面不存在"
    # near miss: "404号" in a real document's title is not an error page
    assert s + "about.html" not in soft


def test_hidden_links(linked):
    e = linked["ext"].url
    hidden = by_rule(linked["findings"], "hidden-link")
    assert set(hidden) == {e + "casino", e + "pill", e + "white", e + "marquee", e + "sheet"}
    how = {u: f["evidence"]["how_hidden"][0] for u, f in hidden.items()}
    assert how[e + "casino"] == "display:none (inline)"
    assert how[e + "pill"].startswith("off-screen")
    assert how[e + "white"].startswith("text colour equals background")
    assert how[e + "marquee"] == "zero-size <marquee>"
    assert how[e + "sheet"].endswith("(stylesheet)")
    assert all(f["severity"] == "veto" and f["category"] == "不安全" for f in hidden.values())
    # near misses: the site's own hidden mobile menu, a drop-down revealed on hover
    assert e + "ok3" not in hidden


def test_cache_second_run(linked):
    ext, outside, db = linked["ext"], linked["outside"], linked["db"]
    e = ext.url
    hits_before = dict(ext.hits)
    outside.ok_broken = True  # a link of the home page breaks between runs
    with RouteServer(site_routes(e)) as site2:
        run("crawl", "--db", str(db), "--timeout", "2", "--retries", "1", "--today", T, site2.url)
    run("audit", "--db", str(db), "--as-of", T)
    second = [json.loads(x) for x in run("findings", "--db", str(db)).stdout.splitlines()]
    # /ok2 (not on the home page, answered well last time) comes from the cache
    assert sum(v for (m, p), v in ext.hits.items() if p == "/ok2") == sum(v for (m, p), v in hits_before.items() if p == "/ok2")
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT from_cache FROM link_checks WHERE run_id = 2 AND url = ?", [e + "ok2"]).fetchone()[0] == 1
    # the home page's link is rechecked and its new failure is reported
    assert e + "ok" in by_rule(second, "dead-link")
    # a link that failed last time is rechecked, not taken from the cache
    assert sum(v for (m, p), v in ext.hits.items() if p == "/gone") > sum(v for (m, p), v in hits_before.items() if p == "/gone")
