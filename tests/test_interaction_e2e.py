"""End to end for 互动交流 and 政务新媒体: the fixture county site on loopback, real `govaudit`
subprocesses, real Chromium for the script-filled pages — and the same crawl without a browser.

The fixture (tests/site/interaction.py): a 县长信箱 on two list pages with letter pages, a 部门信箱
whose rows a script fetches from a JSON API, a news column filled the same way, and a
政务新媒体 page linking five accounts on the "platform" host 127.0.0.3 (static fresh, static
stale, script-filled fresh, placeholder-then-replaced 僵尸号, 404).
"""

from __future__ import annotations

import functools
import datetime as dt
import json
import os
import sqlite3
import subprocess
import threading
import time

import pytest

from tests.cli import govaudit
from tests.routes import RouteServer, html
from tests.site import interaction as I
from tests.site.server import FixtureSite

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(not os.path.exists("/usr/bin/chromium"), reason="Chromium not installed (make test installs it)")]

T = dt.date(2026, 12, 15)
RULES = ("mailbox-unanswered", "mailbox-slow", "newmedia-stale", "newmedia-unreachable")


run = functools.partial(govaudit, check=True)


def crawl_and_audit(site: FixtureSite, db, env: dict[str, str] | None = None) -> tuple[subprocess.CompletedProcess[str], list[dict]]:
    crawled = run("crawl", "--db", str(db), "--today", T.isoformat(), "--newmedia-host", "127.0.0.3", *site.roots, env=env)
    run("audit", "--db", str(db), "--as-of", T.isoformat())
    out = run("findings", "--db", str(db), "--format", "jsonl").stdout
    return crawled, [json.loads(line) for line in out.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def site():
    with FixtureSite(today=T) as s:
        yield s


@pytest.fixture(scope="module")
def rendered(site, tmp_path_factory):
    db = tmp_path_factory.mktemp("ia") / "site.db"
    _, findings = crawl_and_audit(site, db)
    return db, findings


@pytest.fixture(scope="module")
def no_browser(site, tmp_path_factory):
    db = tmp_path_factory.mktemp("ia-nb") / "site.db"
    crawled, findings = crawl_and_audit(site, db, env={"GOVAUDIT_CHROMIUM": "/nonexistent/chromium"})
    return db, findings, crawled


def expected(site: FixtureSite, rendered: bool = True) -> set[tuple[str, str, str]]:
    return {(rule, site.url(host, path), sev) for rule, host, path, sev in I.expected_interaction_findings(T, rendered)}


def mine(findings: list[dict]) -> set[tuple[str, str, str]]:
    return {(f["rule"], f["url"], f["severity"]) for f in findings if f["rule"] in RULES}


def q(db, sql: str, *args):
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, args)]
    finally:
        conn.close()


def letter_url(site: FixtureSite, key: str) -> str:
    return site.url("127.0.0.1", I.LETTERS_BY_KEY[key].path(T))


def account_url(site: FixtureSite, key: str) -> str:
    return next(a for a in I.ACCOUNTS if a.key == key).url(site.port)


def test_exact_interaction_findings(site, rendered):
    _, findings = rendered
    got = mine(findings)
    assert got == expected(site)
    assert got == {
        ("mailbox-unanswered", letter_url(site, "x4"), "major"),  # 25 working days
        ("mailbox-unanswered", letter_url(site, "x5"), "veto"),  # over 3 months, within the year
        ("mailbox-unanswered", letter_url(site, "x7"), "major"),  # over a year old: outside the veto window
        ("mailbox-unanswered", letter_url(site, "b3"), "major"),  # a row only the browser saw
        ("mailbox-slow", letter_url(site, "x2"), "minor"),  # answered after 36 working days
        ("newmedia-stale", account_url(site, "dy"), "veto"),  # placeholder replaced by a script: 400 days
        ("newmedia-stale", account_url(site, "tt"), "veto"),  # static, 20 days
        ("newmedia-unreachable", account_url(site, "gone"), "major"),  # 404
    }
    dy = next(f for f in findings if f["url"] == account_url(site, "dy"))
    assert "僵尸号" in dy["message"] and dy["evidence"]["zombie"] and dy["evidence"]["rendered"]
    assert dy["evidence"]["account"] == "青山卫健" and dy["evidence"]["days_since_post"] == 400
    tt = next(f for f in findings if f["url"] == account_url(site, "tt"))
    assert "僵尸号" not in tt["message"] and not tt["evidence"]["rendered"]


def test_near_misses(site, rendered):
    _, findings = rendered
    urls = {f["url"] for f in findings}
    for key in ("x3", "x1", "x6", "b1", "b2"):  # x3: exactly 15 working days; b1: 3, only in the browser
        assert letter_url(site, key) not in urls, key
    for key in ("wx", "wb"):  # a static account and a script-filled one, both fresh
        assert account_url(site, key) not in urls, key
    p = site.portal
    # the script-filled columns are neither empty nor stale once rendered
    assert not [f for f in findings if f["rule"] in ("column-empty", "column-stale") and f["url"] in (p + "xwzx/spxw/", p + "hdjl/bmxx/")]
    # accounts are judged as accounts, not as dead links
    assert ("dead-link", account_url(site, "gone")) not in {(f["rule"], f["url"]) for f in findings}


def test_letters_accounts_and_render_facts(site, rendered):
    db, _ = rendered
    letters = {r["url"]: r for r in q(db, "SELECT * FROM letters")}
    assert set(letters) == {letter_url(site, x.key) for x in I.LETTERS}
    assert {r["source"] for r in letters.values()} == {"list+detail"}
    b3 = letters[letter_url(site, "b3")]
    assert (b3["mailbox_name"], b3["mailbox_url"], b3["received"], b3["status"], b3["list_render_status"]) == (
        "部门信箱", site.portal + "hdjl/bmxx/", "2026-11-05", "unanswered", "ok")
    x2 = letters[letter_url(site, "x2")]
    assert (x2["replied"], x2["unit"], x2["status"]) == ("2026-11-25", "青山县交通运输局", "answered")
    accounts = {r["url"]: r for r in q(db, "SELECT * FROM newmedia_accounts")}
    assert {(a["name"], a["platform"], a["render_status"], a["newest_post"]) for a in accounts.values()} == {
        ("青山发布", "微信公众号", None, "2026-12-13"),
        ("青山教育", "微博", "ok", "2026-12-15"),  # "2小时前", after its script ran
        ("青山卫健", "抖音", "ok", "2025-11-10"),
        ("青山市场监管", "头条号", None, "2026-11-25"),
        (None, "微信公众号", None, None),
    }
    assert {a["listed_on"] for a in accounts.values()} == {site.portal + "zwxmt/"}
    kinds = {r["kind"] for r in q(db, "SELECT kind FROM links WHERE target LIKE 'http://127.0.0.3:%'")}
    assert kinds == {"newmedia"}
    platform = {h[2] for h in site.hits if h[0] == "127.0.0.3"}
    assert {a.path for a in I.ACCOUNTS} <= platform and not [p for p in platform if "/s/" in p]  # one hop: posts never fetched
    # the news column filled from a JSON API: its three items, read from the rendered page
    spxw = q(db, "SELECT * FROM columns WHERE url = ?", site.portal + "xwzx/spxw/")[0]
    assert spxw["items"] == 3 and spxw["newest_date"] == (T - dt.timedelta(days=3)).isoformat()
    pages = {r["url"]: r for r in q(db, "SELECT url, render_reason, render_status FROM pages WHERE render_reason IS NOT NULL")}
    assert {u: (r["render_reason"], r["render_status"]) for u, r in pages.items()} == {
        site.portal + "xwzx/spxw/": ("script fills an empty list", "ok"),
        site.portal + "hdjl/bmxx/": ("script fills an empty list", "ok"),
    }
    stats = json.loads(q(db, "SELECT stats_json FROM crawl_runs")[0]["stats_json"])
    assert stats["govaudit/render/needed"] == 4 and stats["govaudit/render/rendered"] == 4
    assert stats["govaudit/render/share"] == round(4 / stats["govaudit/render/pages_read"], 4)
    assert 0 < stats["govaudit/render/share"] < 0.05
    assert stats["govaudit/render/browser_peak_mb"] > 0 and stats["govaudit/newmedia/accounts"] == 5


def test_mailbox_statistics_and_the_annual_report(site, rendered):
    db, _ = rendered
    rows = {(r["mailbox_name"], r["year"]): r for r in q(db, "SELECT * FROM mailbox_stats WHERE site = ?", site.portal)}
    cols = ("received", "answered", "unanswered", "median_reply_workdays", "max_reply_workdays", "over_limit")
    assert {k: tuple(r[c] for c in cols) for k, r in rows.items()} == {
        ("县长信箱", 2026): (6, 3, 3, 2.0, 36, 3),  # replies in 2, 36 and 2 working days; x4, x5 waiting, x2 late
        ("县长信箱", 2025): (1, 0, 1, None, None, 1),
        ("部门信箱", 2026): (3, 1, 2, 3.0, 3, 1),
    }
    assert rows[("县长信箱", 2026)]["worst_letter_url"] == letter_url(site, "x5")
    from crawler.store import open_db
    from reports.model import build_model

    model = build_model(open_db(db), year=2026)
    portal = next(a for a in model.annual if a.site == site.portal)
    figs = {f.label: f.value for f in portal.figures}
    assert figs["互动交流：本年收到来信"] == 9 and figs["互动交流：本年已答复来信"] == 4
    assert figs["“县长信箱”本年收到来信"] == 6
    wjj = next(a for a in model.annual if a.site == site.wjj)
    assert {f.label: f.value for f in wjj.figures}["互动交流：本年收到来信"] is None  # no letters list there: blank, not 0


def test_without_a_browser_the_crawl_runs_and_says_what_it_did_not_check(site, no_browser):
    db, findings, crawled = no_browser
    assert "need JavaScript and were not rendered (no browser)" in crawled.stderr
    for path in ("/xwzx/spxw/", "/hdjl/bmxx/"):
        assert f"not rendered: {site.portal[:-1]}{path} (unavailable)" in crawled.stderr
    assert mine(findings) == expected(site, rendered=False)
    p = site.portal
    assert not [f for f in findings if f["rule"] in ("column-empty", "column-stale") and f["url"] in (p + "xwzx/spxw/", p + "hdjl/bmxx/")]
    nc = {r["rule"]: json.loads(r["not_checked_json"]).get(p, {}) for r in q(db, "SELECT * FROM rule_results WHERE not_checked_json IS NOT NULL")}
    assert set(nc["column-empty"]) == set(nc["column-stale"]) == {p + "xwzx/spxw/", p + "hdjl/bmxx/"}
    assert set(nc["mailbox-unanswered"]) == {p + "hdjl/bmxx/"}
    assert set(nc["newmedia-stale"]) == {account_url(site, "wb"), account_url(site, "dy")}
    stats = json.loads(q(db, "SELECT stats_json FROM crawl_runs")[0]["stats_json"])
    assert stats["govaudit/render/unavailable"] == 4 and stats["govaudit/render/rendered"] == 0


def _slow_after_first(body: str):
    calls = {"n": 0}
    lock = threading.Lock()

    def route(method: str):
        with lock:
            calls["n"] += 1
            n = calls["n"]
        if n > 1:  # the crawler's fetch is answered; the browser's hangs
            time.sleep(8)
        return html(body)

    return route


def test_the_browser_stays_on_loopback_and_a_hung_render_times_out(tmp_path):
    fill = "<script>fetch('{src}').then(function (r) {{ return r.json(); }}).then(function (x) {{ document.getElementById('list').innerHTML = x; }});</script>"
    page = '<html><head><meta name="ColumnName" content="{name}"></head><body><ul class="list" id="list"></ul>' + fill + "</body></html>"
    routes = {
        "/": html('<html><body><a href="/far/">外网数据</a> <a href="/slow/">慢页面</a></body></html>'),
        "/far/": html(page.format(name="外网数据", src="http://192.0.2.1/data.json")),
        "/slow/": _slow_after_first(page.format(name="慢页面", src="/data.json")),
        "/robots.txt": (200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow:\n"),
    }
    db = tmp_path / "r.db"
    with RouteServer(routes) as srv:
        crawled = run("crawl", "--db", str(db), "--render-timeout", "2", srv.url)  # the browser's page is held 8 s
    rows = {r["url"]: r for r in q(db, "SELECT url, render_status, render_error FROM pages WHERE render_reason IS NOT NULL")}
    assert rows[srv.url + "far/"]["render_status"] == "ok"  # rendered; its outside request was refused
    assert (rows[srv.url + "slow/"]["render_status"], rows[srv.url + "slow/"]["render_error"]) == ("failed", "timeout")
    stats = json.loads(q(db, "SELECT stats_json FROM crawl_runs")[0]["stats_json"])
    assert stats["govaudit/render/blocked_requests"] >= 1 and stats["govaudit/render/failed"] == 1
    assert "render failed" in crawled.stderr


@pytest.mark.parametrize("refuse", [True, False])
def test_refuse_private_covers_the_browsers_own_requests(tmp_path, refuse):
    """A rendered page's script asks a private address (127.0.0.2) for its list: with --refuse-private
    the browser's request is refused like the crawler's own (the server sees none), without it the
    list is read."""
    data = json.dumps('<li><a href="/a.html">县政府召开常务会议</a><span>2026-12-10</span></li>', ensure_ascii=False)
    with RouteServer({"/data.json": (200, {"Content-Type": "application/json", "Access-Control-Allow-Origin": "*"},
                                     data.encode())}, host="127.0.0.2") as private:
        fill = ("<script>fetch('" + private.url + "data.json').then(function (r) { return r.json(); })"
                ".then(function (x) { document.getElementById('list').innerHTML = x; });</script>")
        page = ('<html><head><meta name="ColumnName" content="工作动态"></head><body><ul class="list" id="list"></ul>'
                + fill + "</body></html>")
        routes = {
            "/": html('<html><body><a href="/col/">工作动态</a></body></html>'),
            "/col/": html(page),
            "/a.html": html("<title>县政府召开常务会议</title>"),
            "/robots.txt": (200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow:\n"),
        }
        db = tmp_path / "p.db"
        with RouteServer(routes) as srv:
            flags = ["--refuse-private"] if refuse else []
            run("crawl", "--db", str(db), "--render-timeout", "10", *flags, srv.url)
        browser_hits = private.hits[("GET", "/data.json")]
    row = q(db, "SELECT render_status FROM pages WHERE url LIKE '%/col/'")[0]
    assert row["render_status"] == "ok"
    stats = json.loads(q(db, "SELECT stats_json FROM crawl_runs")[0]["stats_json"])
    items = q(db, "SELECT title FROM list_items WHERE page_url LIKE '%/col/'")
    if refuse:
        assert browser_hits == 0 and stats["govaudit/render/private_refused"] >= 1
        assert items == []
    else:
        assert browser_hits >= 1 and stats["govaudit/render/private_refused"] == 0
        assert [i["title"] for i in items] == ["县政府召开常务会议"]
