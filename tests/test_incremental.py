"""Incremental recrawl end to end: real servers on loopback that send ETag / Last-Modified and
answer conditional GETs with 304, the real `govaudit crawl` in subprocesses, a real SQLite file.

The second crawl of an unchanged site asks for articles conditionally, reuses their facts
from the first run and still fetches list pages and home pages in full; its facts and its
findings are those of a full crawl.  Changed pages, new pages and servers without
validators are fetched and read as in a full crawl.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter

import pytest

from crawler.incremental import load_validators
from crawler.store import open_db
from tests.routes import RouteServer, html, redirect
from tests.site.server import FixtureSite

pytestmark = pytest.mark.e2e

T = dt.date(2026, 12, 15)
GOVAUDIT = [sys.executable, "-m", "crawler.cli"]
# columns that describe a visit (when, how fast, in which order, with which validators), not the page
VISIT = {"run_id", "elapsed", "fetched_at", "etag", "last_modified", "reused_from_run", "depth", "referer", "render_ms"}
# the fixture's search pages carry a new session id on every request (a crawler trap by design)
_SESSION = re.compile(r"sid=qs\d+|jsessionid=ABC\d+|qs\d{6}|\b[0-9A-F]{6}\b")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([*GOVAUDIT, *args], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, f"govaudit {' '.join(args)} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}"
    return proc


def crawl(db, *roots: str, full: bool = False) -> str:
    """Crawl; the summary line."""
    out = run("crawl", "--db", str(db), "--today", T.isoformat(), *(["--full"] if full else []), *roots).stdout
    return out.splitlines()[0]


def _norm(value):
    return _SESSION.sub("#", value) if isinstance(value, str) else value


def facts(db, run_id: int) -> dict[str, object]:
    """Everything a crawl run recorded about the site, minus the visit columns."""
    con = sqlite3.connect(db)
    try:
        def rows(table: str, skip: set[str]) -> list[tuple]:
            cols = [r[1] for r in con.execute(f"PRAGMA table_info({table})") if r[1] not in skip]
            got = con.execute(f"SELECT {', '.join(cols)} FROM {table} WHERE run_id = ?", [run_id]).fetchall()
            return sorted((tuple(_norm(v) for v in r) for r in got), key=repr)

        return {
            "pages": rows("pages", VISIT),
            "links": rows("links", {"run_id"}),
            "list_items": rows("list_items", {"run_id"}),
            "columns": rows("columns", {"run_id"}),
            "run_roots": rows("run_roots", {"run_id", "home_elapsed"}),
        }
    finally:
        con.close()


def _untimed(value):
    """Evidence without response times (they describe the visit), without the history across runs, and
    with its lists in a fixed order (a rule may list things in the order the crawl met them)."""
    if isinstance(value, dict):
        return {k: _untimed(v) for k, v in value.items() if not k.endswith(("_seconds", "elapsed")) and k != "history"}
    if isinstance(value, list):
        return sorted((_untimed(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


def query(db, sql: str, *params) -> list[tuple]:
    con = sqlite3.connect(db, uri=str(db).startswith("file:"))
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def stats(db, run_id: int) -> dict:
    return json.loads(query(db, "SELECT stats_json FROM crawl_runs WHERE id = ?", run_id)[0][0])


# -- the fixture county site: crawled, recrawled, crawled with --full -------------------------------

@pytest.fixture(scope="module")
def recrawled(tmp_path_factory):
    """Runs 1 (first crawl), 2 (incremental), 3 (--full) of the fixture site; its hit log per run."""
    db = tmp_path_factory.mktemp("incremental") / "site.db"
    with FixtureSite(today=T) as site:
        lines, hits = [], []
        for full in (False, False, True):
            site.hits.clear()
            lines.append(crawl(db, *site.roots, full=full))
            hits.append([(f"http://{h}:{site.port}{p}", status, cond) for h, _m, p, status, cond in site.hits])
        yield site, db, lines, hits


def test_second_crawl_reports_unchanged_pages(recrawled):
    _site, db, lines, _hits = recrawled
    reused = query(db, "SELECT count(*) FROM pages WHERE run_id = 2 AND reused_from_run = 1")[0][0]
    assert reused > 50
    assert lines[1].startswith("crawl run 2: complete")
    assert lines[1].endswith(f", {reused:,} unchanged (304)")
    # the first crawl had nothing to compare with; --full asks nothing conditionally
    assert "unchanged" not in lines[0] and "unchanged" not in lines[2]
    assert query(db, "SELECT count(*) FROM pages WHERE run_id IN (1, 3) AND reused_from_run IS NOT NULL")[0][0] == 0
    st = stats(db, 2)
    assert st["govaudit/incremental/not_modified"] == reused
    # the pages answered 304 to the revalidation child ahead of the spider (crawler/revalidate.py) need no
    # request of the spider's; the others got the spider's own conditional request
    ahead = st.get("govaudit/incremental/revalidated", 0)
    assert ahead > 0 and st["govaudit/revalidate/not_modified"] >= ahead
    assert st["downloader/response_status_count/304"] + ahead == reused + st.get("govaudit/incremental/refetched", 0)
    assert "govaudit/revalidate/jobs" not in stats(db, 3)
    assert st["govaudit/incremental/base_runs"] == "1"
    assert "govaudit/incremental/conditional" not in stats(db, 3)


def test_incremental_facts_equal_first_and_full_crawl(recrawled):
    _site, db, _lines, _hits = recrawled
    first, second, full = facts(db, 1), facts(db, 2), facts(db, 3)
    assert len(first["pages"]) > 100 and len(first["links"]) > 1000
    for table in first:
        assert second[table] == first[table], table
        assert full[table] == first[table], table


def test_reused_rows_keep_the_real_status_and_validators(recrawled):
    _site, db, _lines, _hits = recrawled
    rows = query(db, "SELECT DISTINCT status, error, etag IS NOT NULL, last_modified IS NOT NULL, is_list, is_home "
                     "FROM pages WHERE run_id = 2 AND reused_from_run IS NOT NULL")
    assert rows == [(200, None, 1, 1, 0, 0)]
    # the first crawl stored the validators the server sent
    assert query(db, "SELECT count(*) FROM pages WHERE run_id = 1 AND status = 200 AND etag LIKE '\"%\"'")[0][0] > 100


def test_hit_log_articles_304_lists_and_home_pages_in_full(recrawled):
    site, db, _lines, hits = recrawled
    kind = {u: (a, li, h) for u, a, li, h in query(db, "SELECT url, is_article, is_list, is_home FROM pages WHERE run_id = 1")}
    articles = {u for u, (a, _li, _h) in kind.items() if a}
    lists = {u for u, (_a, li, _h) in kind.items() if li}
    homes = {u for u, (_a, _li, h) in kind.items() if h}
    assert len(articles) > 50 and len(lists) > 10 and len(homes) == 4

    first, second, full = hits
    assert not any(cond for _u, _s, cond in first + full)  # nothing to send yet / --full
    not_modified = {u for u, status, cond in second if status == 304}
    assert all(cond for _u, status, cond in second if status == 304)
    reused = {u for (u,) in query(db, "SELECT url FROM pages WHERE run_id = 2 AND reused_from_run = 1")}
    # a 304 page with new-media account links is fetched again in full (its accounts are fetched while it is read)
    accounts = {u for (u,) in query(db, "SELECT DISTINCT source FROM links WHERE run_id = 1 AND kind = 'newmedia'")}
    assert reused == not_modified - accounts
    assert not (reused & accounts)
    assert stats(db, 2).get("govaudit/incremental/refetched", 0) == len(not_modified & accounts)
    fetched = {u for (u,) in query(db, "SELECT url FROM pages WHERE run_id = 1 AND status = 200 AND final_url = url")}
    assert articles & fetched <= not_modified  # every article served last time is asked conditionally, 304
    # list pages and home pages: fetched unconditionally, in full, in the second crawl too
    asked = Counter(u for u, _s, _c in second)
    for url in lists | homes:
        assert not any(cond for u, _s, cond in second if u == url), url
    for url in lists | (homes - {site.scj}):
        assert any(status == 200 for u, status, _c in second if u == url), url
    assert asked[site.portal] == 1
    assert not (not_modified & (lists | homes))


def test_audit_of_recrawl_gives_the_same_findings(recrawled):
    _site, db, _lines, _hits = recrawled
    found = []
    for audit_run, crawl_run in ((1, 1), (2, 2)):
        run("audit", "--db", str(db), "--as-of", T.isoformat(), "--run", str(crawl_run))
        out = run("findings", "--db", str(db), "--format", "jsonl", "--run", str(audit_run)).stdout
        rows = [json.loads(line) for line in out.splitlines() if line.strip()]
        # the message is left out: it words the evidence, in the order the crawl met things (site-search-broken
        # lists its probes in the order they were answered, which differs between two full crawls too)
        found.append(sorted((f["rule"], f["url"], f["severity"], json.dumps(_untimed(f["evidence"]), sort_keys=True))
                            for f in rows))
    assert len(found[0]) > 20
    assert [f for f in found[1] if f not in found[0]] == []
    assert found[1] == found[0]


def test_killed_recrawl_resumes_to_the_same_facts(tmp_path):
    """A recrawl killed (SIGKILL) after some reused pages were written, then `crawl --resume`: the
    run's facts are a full crawl's (the copies of pages answered 304 are written by the pipeline's
    writer thread, batch by batch, with their links: resume follows them from the database)."""
    db = tmp_path / "site.db"
    with FixtureSite(today=T) as site:
        crawl(db, *site.roots)
        slow = ["--concurrency", "2", "--per-host", "1", "--delay", "0.1"]
        proc = subprocess.Popen([*GOVAUDIT, "crawl", "--db", str(db), "--today", T.isoformat(), *slow, *site.roots],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 120
        stored = 0
        while stored < 30 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.1)
            try:
                stored = query(f"file:{db}?mode=ro", "SELECT count(*) FROM pages WHERE run_id = 2 AND reused_from_run = 1")[0][0]
            except sqlite3.Error:
                stored = 0
        assert proc.poll() is None, "the recrawl ended before it could be killed part-way"
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=60)
        killed = query(db, "SELECT count(*) FROM pages WHERE run_id = 2")[0][0]
        line = run("crawl", "--db", str(db), "--resume").stdout.splitlines()[0]
    assert line.startswith("crawl run 2: complete"), line
    first, resumed = facts(db, 1), facts(db, 2)
    assert killed < len(first["pages"])
    for table in first:  # is_home too: a root linked from a page stored before the kill is still a home page
        assert resumed[table] == first[table], table
    assert query(db, "SELECT count(*) FROM pages WHERE run_id = 2 AND reused_from_run = 1")[0][0] > killed // 2


# -- a small site whose pages change between runs ---------------------------------------------------

def _article(title: str, *links: str, date: str = "2026-12-01") -> tuple[int, dict[str, str], bytes]:
    anchors = "".join(f'<a href="{u}">{u}</a> ' for u in links)
    return html(f"""<html><head><title>{title}</title><meta name="ArticleTitle" content="{title}">
<meta name="PubDate" content="{date}"></head><body><h1>{title}</h1><p>发布时间：{date}</p>
<div class="content"><p>{title}。{'正文内容，' * 60}</p></div>{anchors}<a href="/">首页</a></body></html>""")


def _list(items: list[tuple[str, str]]) -> tuple[int, dict[str, str], bytes]:
    rows = "".join(f'<li><a href="{u}">文章{u}</a><span>2026-12-01</span></li>' for u, _t in items)
    return html(f"""<html><head><title>通知公告</title><meta name="ColumnName" content="通知公告"></head>
<body><ul>{rows}</ul></body></html>""")


class ChangingSite:
    """Home → list → articles /a1 /a2 /a3; `change()` rewrites /a1 to link a new page /a4."""

    def __init__(self, validators: str = "etag") -> None:
        self.pages: dict[str, tuple[int, dict[str, str], bytes]] = {
            "/": html('<html><head><title>青山县人民政府</title></head><body><a href="/tzgg/">通知公告</a></body></html>'),
            "/tzgg/": _list([("/a1.html", ""), ("/a2.html", ""), ("/a3.html", "")]),
            "/a1.html": _article("关于开展安全检查的通知", "/a2.html"),
            "/a2.html": _article("关于调整办公时间的通知", "/a3.html", "http://127.0.0.2:9/outside"),
            "/a3.html": _article("关于春节放假的通知"),
            "/moved.html": _article("旧的页面"),
        }
        self.pages["/tzgg/"] = _list([("/a1.html", ""), ("/a2.html", ""), ("/a3.html", ""), ("/moved.html", "")])
        routes = {path: (lambda method, p=path: self.pages[p]) for path in [*self.pages, "/a4.html", "/new.html"]}
        self.server = RouteServer(routes, validators=validators)
        self.url = self.server.url

    def change(self) -> None:
        self.pages["/a1.html"] = _article("关于开展安全大检查的通知", "/a2.html", "/a4.html")
        self.pages["/a4.html"] = _article("新增的通知")
        # same body as before, now behind a redirect: a 304 for another URL must not be reused
        self.pages["/new.html"] = self.pages["/moved.html"]
        self.pages["/moved.html"] = redirect("/new.html")

    def log(self, since: int = 0) -> list[tuple[str, int, bool]]:
        return [(p, status, cond) for m, p, status, cond in self.server.log[since:] if m == "GET" and p != "/robots.txt"]


def test_changed_page_is_fetched_and_stored_with_new_facts(tmp_path):
    db = tmp_path / "c.db"
    site = ChangingSite()
    with site.server:
        crawl(db, site.url)
        mark = len(site.server.log)
        site.change()
        line = crawl(db, site.url)
        log = site.log(mark)
    assert line.endswith(", 2 unchanged (304)"), line
    # unchanged: asked conditionally, 304, reused
    assert ("/a2.html", 304, True) in log and ("/a3.html", 304, True) in log
    # changed: asked conditionally, answered 200, read afresh (near miss: not reused)
    assert ("/a1.html", 200, True) in log
    row = query(db, "SELECT article_title, reused_from_run, status FROM pages WHERE run_id = 2 AND url = ?", site.url + "a1.html")
    assert row == [("关于开展安全大检查的通知", None, 200)]
    targets = {t for (t,) in query(db, "SELECT target FROM links WHERE run_id = 2 AND source = ?", site.url + "a1.html")}
    assert site.url + "a4.html" in targets
    # a page the earlier run did not have: fetched in full, unconditionally
    assert ("/a4.html", 200, False) in log
    assert query(db, "SELECT article_title, reused_from_run FROM pages WHERE run_id = 2 AND url = ?", site.url + "a4.html") == [("新增的通知", None)]
    # reused: the old facts under the new run, links included
    assert query(db, "SELECT article_title, reused_from_run, status FROM pages WHERE run_id = 2 AND url = ?", site.url + "a2.html") == [
        ("关于调整办公时间的通知", 1, 200)]
    assert query(db, "SELECT count(*) FROM links WHERE run_id = 2 AND source = ?", site.url + "a2.html") == \
        query(db, "SELECT count(*) FROM links WHERE run_id = 1 AND source = ?", site.url + "a2.html")
    # the outside link of a reused page is still checked in this run
    assert query(db, "SELECT count(*) FROM link_checks WHERE run_id = 2 AND url = 'http://127.0.0.2:9/outside'") == [(1,)]
    # redirected since last time, and the target answers 304 to the old validators: fetched in full
    moved = query(db, "SELECT final_url, reused_from_run FROM pages WHERE run_id = 2 AND url = ?", site.url + "moved.html")
    assert moved == [(site.url + "new.html", None)]
    assert stats(db, 2)["govaudit/incremental/redirected"] == 1


def test_last_modified_only_server_answers_if_modified_since(tmp_path):
    db = tmp_path / "lm.db"
    site = ChangingSite(validators="last-modified")
    with site.server:
        crawl(db, site.url)
        mark = len(site.server.log)
        line = crawl(db, site.url)
        log = site.log(mark)
    assert query(db, "SELECT count(*) FROM pages WHERE run_id = 1 AND etag IS NULL AND last_modified IS NOT NULL")[0][0] >= 4
    assert {p for p, status, cond in log if status == 304 and cond} == {"/a1.html", "/a2.html", "/a3.html", "/moved.html"}
    assert line.endswith(", 4 unchanged (304)")
    assert facts(db, 2) == facts(db, 1)


def test_server_without_validators_is_crawled_in_full(tmp_path):
    db = tmp_path / "plain.db"
    site = ChangingSite(validators="")
    with site.server:
        first = crawl(db, site.url)
        mark = len(site.server.log)
        second = crawl(db, site.url)
        log = site.log(mark)
    assert "unchanged" not in first and "unchanged" not in second
    assert not any(cond for _p, _s, cond in log) and all(status == 200 for _p, status, _c in log)
    assert query(db, "SELECT count(*) FROM pages WHERE reused_from_run IS NOT NULL OR etag IS NOT NULL")[0][0] == 0
    assert facts(db, 2) == facts(db, 1)


# -- which earlier run a page's validators come from ------------------------------------------------

def _run(db, run_id: int, status: str, roots: list[str], today: str = "2026-12-15") -> None:
    db["crawl_runs"].insert({"id": run_id, "status": status, "roots_json": json.dumps(roots), "today": today})


def _page(db, run_id: int, url: str, etag: str | None = '"e"', **kw) -> None:
    row = {"run_id": run_id, "url": url, "final_url": url, "status": 200, "is_list": 0, "is_home": 0, "etag": etag,
           "last_modified": None, **kw}
    db["pages"].insert(row)


def test_validators_come_from_the_latest_run_that_stored_the_page(tmp_path):
    path = tmp_path / "v.db"
    db = open_db(path)
    roots = ["http://127.0.0.1:1/"]
    u = roots[0]
    _run(db, 1, "complete", roots)
    for name in ("a", "b", "c", "list", "home", "err", "moved"):
        _page(db, 1, u + name, etag=f'"{name}1"')
    _page(db, 1, u + "lm", etag=None, last_modified="Tue, 01 Dec 2026 00:00:00 GMT")
    _run(db, 2, "partial", roots)  # after the complete run 1: only part of the site
    _page(db, 2, u + "a", etag='"a2"')
    _page(db, 2, u + "b", etag='"b2"', error="TimeoutError")  # failed last time: not conditional
    _page(db, 2, u + "list", is_list=1)
    _page(db, 2, u + "home", is_home=1)
    _page(db, 2, u + "moved", final_url=u + "elsewhere")
    _page(db, 2, u + "err", status=404)
    _run(db, 3, "failed", roots)
    _page(db, 3, u + "c", etag='"c3"')  # a failed run is never a base
    _run(db, 4, "complete", ["http://127.0.0.1:1/", "http://127.0.0.1:2/"])  # other roots
    _page(db, 4, u + "a", etag='"a4"')
    con = sqlite3.connect(path)
    val = load_validators(con, 5, roots, "2026-12-15")
    assert val.runs == [1, 2]
    assert val.take(u + "a") == (2, {"If-None-Match": b'"a2"'})
    assert val.take(u + "a") is None  # each URL is asked once
    assert val.take(u + "c") == (1, {"If-None-Match": b'"c1"'})
    assert val.take(u + "lm") == (1, {"If-Modified-Since": b"Tue, 01 Dec 2026 00:00:00 GMT"})
    for name in ("b", "list", "home", "err", "moved", "missing"):
        assert val.take(u + name) is None, name
    assert load_validators(con, 1, roots, "2026-12-15").runs == []  # nothing before the first run


def test_pages_with_yearless_dates_are_refetched_when_the_reference_date_changed(tmp_path):
    path = tmp_path / "y.db"
    db = open_db(path)
    roots = ["http://127.0.0.1:1/"]
    u = roots[0]
    _run(db, 1, "complete", roots, today="2026-12-15")
    _page(db, 1, u + "full", pub_date_text="2026-12-01")
    _page(db, 1, u + "cn", pub_date_text="二〇二六年十二月一日")
    _page(db, 1, u + "yearless", pub_date_text="[12-01]")
    _page(db, 1, u + "sidebar")
    db["list_items"].insert({"run_id": 1, "page_url": u + "sidebar", "url": u + "x", "date_text": "12-01"})
    con = sqlite3.connect(path)
    same_day = load_validators(con, 2, roots, "2026-12-15")
    assert len(same_day) == 4
    next_day = load_validators(con, 2, roots, "2026-12-16")
    assert next_day.take(u + "full") and next_day.take(u + "cn")
    assert next_day.take(u + "yearless") is None and next_day.take(u + "sidebar") is None
