"""End to end beyond the fixture county: a POST search box that answers through a redirect,
a service guide on another host (one hop), a consultation channel on another host that fails,
a county without a 标准目录 column, a 报表 column linked from the home page. Real servers on
loopback, real `python -m crawler.cli` subprocesses."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, urlsplit

import pytest

pytestmark = pytest.mark.e2e
GOVAUDIT = [sys.executable, "-m", "crawler.cli"]
ARTICLES = {f"/art/{n}.html": t for n, t in enumerate(["青溪县召开春季农业生产工作会议", "县政府常务会议研究部署防汛工作", "青溪县举办第三届农民丰收节"])}


def page(title: str, body: str, site: str = "青溪县人民政府") -> bytes:
    return (f'<html><head><meta charset="utf-8"><title>{title}</title><meta name="SiteName" content="{site}"></head>'
            f"<body>{body}</body></html>").encode()


class Server:
    """GET, HEAD and POST on one loopback address; handler(method, path, query, form) -> (status, headers, body)."""

    def __init__(self, host: str, handler) -> None:
        outer = self
        self.log: list[tuple[str, str]] = []

        class H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a) -> None:
                pass

            def _go(self, method: str) -> None:
                parts = urlsplit(self.path)
                form = {}
                if method == "POST":
                    n = int(self.headers.get("Content-Length") or 0)
                    form = {k: v[0] for k, v in parse_qs(self.rfile.read(n).decode()).items()}
                outer.log.append((method, self.path))
                status, headers, body = handler(method, parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()}, form)
                self.send_response(status)
                for k, v in {"Content-Type": "text/html; charset=utf-8", **headers}.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if method != "HEAD":
                    self.wfile.write(body)

            def do_GET(self) -> None:
                self._go("GET")

            def do_HEAD(self) -> None:
                self._go("HEAD")

            def do_POST(self) -> None:
                self._go("POST")

        self.httpd = ThreadingHTTPServer((host, 0), H)
        self.url = f"http://{host}:{self.httpd.server_address[1]}/"

    def __enter__(self) -> Server:
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def outside(method, path, query, form):
    if path == "/guide/qykb.html":  # a province platform's guide without 办理流程
        rows = "".join(f"<tr><td>{k}</td><td>见说明</td></tr>" for k in ("事项名称", "设定依据", "受理条件", "申请材料", "办理地点", "办理时间", "咨询电话"))
        return 200, {}, page("企业开办办事指南", f"<h1>企业开办</h1><table>{rows}</table>", "浙江政务服务网")
    if path == "/12345/":
        return 502, {}, b"<html><body>Bad Gateway</body></html>"
    return 404, {}, b"<html><body>404</body></html>"


def county(outer_url: str):
    def handle(method, path, query, form):
        if path == "/":
            arts = "".join(f'<li><a href="{p}">{t}</a><span>2026-12-{10 + i:02d}</span></li>' for i, (p, t) in enumerate(ARTICLES.items()))
            return 200, {}, page("青溪县人民政府", f"""
<form action="/search4/s" method="post" name="form1"><input name="searchWord" type="text"><input name="siteCode" type="hidden" value="3399000001">
<input type="submit" value="搜索"></form>
<ul>{arts}</ul>
<a href="/bszn/">办事指南</a> <a href="{outer_url}12345/">县长信箱</a> <a href="/bb/">政府网站年度报表</a>""")
        if path == "/bszn/":
            return 200, {}, page("办事指南", f'<div class="crumb">首页 &gt; 办事指南</div><ul><li><a href="{outer_url}guide/qykb.html">企业开办</a></li></ul>')
        if path == "/bb/":
            return 200, {}, page("政府网站年度报表", '<ul><li><a href="/bb/2025.html">青溪县人民政府2025年政府网站工作年度报表</a></li></ul>')
        if path == "/bb/2025.html":
            return 200, {}, page("青溪县人民政府2025年政府网站工作年度报表", "<h1>报表</h1><p>信息发布总数 100 条。</p>")
        if path in ARTICLES:
            return 200, {}, page(ARTICLES[path], f"<h1>{ARTICLES[path]}</h1><p>发布时间：2026-12-10</p><p>正文内容。</p>")
        if path == "/search4/s" and method == "POST":  # the CMS hands the query on to its engine
            return 302, {"Location": f"/s/result?kw={quote(form.get('searchWord', ''))}&site={form.get('siteCode', '')}"}, b""
        if path == "/s/result":
            hits = [(p, t) for p, t in ARTICLES.items() if query.get("kw") and query["kw"] in t and query.get("site") == "3399000001"]
            lis = "".join(f'<li><a href="{p}"><em>{t}</em></a></li>' for p, t in hits)
            return 200, {}, page("搜索结果", f"<p>共找到 {len(hits)} 条结果</p><ul>{lis}</ul>")
        return 404, {}, page("404", "页面不存在")

    return handle


@pytest.fixture(scope="module")
def audited(tmp_path_factory):
    with Server("127.0.0.6", outside) as out:
        with Server("127.0.0.5", county(out.url)) as site:
            db = tmp_path_factory.mktemp("svc") / "s.db"
            for args in (("crawl", "--db", str(db), "--today", "2026-12-15", site.url), ("audit", "--db", str(db), "--as-of", "2026-12-15")):
                proc = subprocess.run([*GOVAUDIT, *args], capture_output=True, text=True, timeout=300)
                assert proc.returncode == 0, proc.stderr
            found = [json.loads(x) for x in subprocess.run([*GOVAUDIT, "findings", "--db", str(db)], capture_output=True, text=True).stdout.splitlines()]
            yield site, out, db, found, list(site.log)


def test_findings(audited):
    site, out, _, found, _ = audited
    got = {(f["rule"], f["url"]) for f in found if f["rule"] in (
        "service-guide-incomplete", "consultation-channel-missing", "site-search-broken", "standard-catalog-missing", "site-yearly-report-missing")}
    assert got == {
        ("service-guide-incomplete", out.url + "guide/qykb.html"),  # one hop to another host: no 办理流程
        ("consultation-channel-missing", out.url + "12345/"),  # the only channel answers 502
        ("standard-catalog-missing", site.url),  # a county without the 基层政务公开 column
    }
    guide = next(f for f in found if f["rule"] == "service-guide-incomplete")
    assert guide["page"] == site.url + "bszn/" and guide["evidence"]["missing"] == ["办理流程"]
    assert guide["evidence"]["present"]["申请条件"] == "受理条件"


def test_search_probes_post_the_form_and_follow_the_redirect(audited):
    site, _, db, _, log = audited
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    rows = conn.execute("SELECT * FROM search_probes").fetchall()
    assert sorted(r["query"] for r in rows) == sorted(ARTICLES.values())
    for r in rows:
        assert (r["method"], r["field"], r["status"]) == ("POST", "searchWord", 200)
        chain = json.loads(r["redirect_chain_json"])
        assert chain[0] == site.url + "search4/s" and "/s/result?kw=" in chain[-1]
        assert any(href == r["article_url"] for href, _ in json.loads(r["links_json"]))
    assert sum(1 for m, p in log if m == "POST" and p == "/search4/s") == 3
    # the outside guide was read (labels kept with its link check), the outside channel checked
    labels = conn.execute("SELECT labels_json FROM link_checks WHERE url LIKE '%/guide/qykb.html'").fetchone()[0]
    assert "受理条件" in json.loads(labels)
