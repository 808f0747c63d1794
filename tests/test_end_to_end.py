"""End to end: serve the fixture county site on loopback, run the real `govaudit`
commands in subprocesses (Twisted's reactor cannot restart in one process),
and check the exact findings — positives and near-miss negatives."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import json
import sqlite3

import pytest

from tests.cli import govaudit
from tests.site.disclosure import interpretations
from tests.site.interaction import expected_interaction_findings
from tests.site.model import column_items
from tests.site.server import FixtureSite
from tests.site.services import GUIDES, expected_service_findings

pytestmark = pytest.mark.e2e

T = dt.date(2026, 12, 15)


run = functools.partial(govaudit, check=True)


@pytest.fixture(scope="module")
def site():
    with FixtureSite(today=T) as s:
        yield s


@pytest.fixture(scope="module")
def crawled(site, tmp_path_factory):
    db = tmp_path_factory.mktemp("e2e") / "site.db"
    run("crawl", "--db", str(db), "--today", T.isoformat(), *site.roots)
    run("audit", "--db", str(db), "--as-of", T.isoformat())
    out = run("findings", "--db", str(db), "--format", "jsonl").stdout
    findings = [json.loads(line) for line in out.splitlines() if line.strip()]
    return db, findings


def _pairs(findings):
    return {(f["rule"], f["url"]) for f in findings}


def test_exact_timeliness_findings(site, crawled):
    _, findings = crawled
    p, w = site.portal, site.wjj
    expected = {
        ("site-unreachable", site.scj),
        ("homepage-stale", w),
        ("column-stale", p + "xwzx/xzdt/"),  # 15 days > 14
        ("column-stale", p + "tzgg/"),  # 200 days > 183, a GBK page
        ("column-stale", p + "zwgk/rsxx/"),  # 400 days > 365
        ("column-stale", p + "jyj/col/col1202/index.html"),  # year-less January dates judged in December
        ("column-stale", w + "wjdt/index.shtml"),  # 30 days, GBK bytes under a utf-8 header
        ("column-empty", p + "zwgk/czxx/"),  # 暂无信息
        ("column-empty", p + "zwgk/tjxx/"),  # empty list
        ("typo", p),  # 截止目前 → 截至目前 on the home page
        ("typo", site.url("127.0.0.1", next(i for i in column_items("tzgg", T) if i.index == 1).path)),  # 布署, GBK page
        # a "文件压缩" interpretation: long sentences full of 文号 and citations
        ("interpretation-hard-to-read", site.url("127.0.0.1", next(i for i in interpretations(T) if i.key == "i6").path)),
        ("metadata-missing", p),  # list pages without ColumnType (部门动态) or ColumnName (search)
        ("metadata-missing", site.jyj),  # Hanweb columns without ColumnType
        ("metadata-missing", w),  # 卫健动态 without ColumnType
        ("dead-link", site.scj),  # the portal home links the 503 subsite
        ("dead-link", p + "xwzx/bdyw/202001/t20200101_0001.html"),  # 404 from an article
        ("soft-404", p + "xwzx/bdyw/202002/t20200202_0002.html"),  # 200 with 页面不存在
        ("hidden-link", f"http://127.0.0.4:{site.port}/bc/"),  # 暗链 off-screen on the home page
        ("dead-link", f"http://127.0.0.4:{site.port}/bc/"),  # ... to a host where nothing listens
        # 政府信息公开 (tests/site/disclosure.py, SPEC.md): documents, interpretations, annual reports
        ("normative-doc-late", p + "zfxxgk/fdzdgknr/gfxwj/202610/t20261030_7002.html"),  # 21 working days across 国庆
        ("normative-doc-incomplete", p + "zfxxgk/fdzdgknr/gfxwj/202610/t20261030_7003.html"),  # no 有效性 (one-line block)
        ("normative-doc-incomplete", p + "zfxxgk/fdzdgknr/gfxwj/202610/t20261019_7006.html"),  # no block, no 有效性
        ("normative-doc-expired", p + "zfxxgk/fdzdgknr/gfxwj/202311/t20231104_7004.html"),  # 有效期至 T-20, still 有效
        ("interpretation-missing", p + "zfxxgk/fdzdgknr/gfxwj/202610/t20261030_7002.html"),  # one-way only (minor)
        ("interpretation-missing", p + "zfxxgk/fdzdgknr/gfxwj/202610/t20261030_7003.html"),  # no interpretation
        ("interpretation-late", p + "zfxxgk/fdzdgknr/zcjd/202612/t20261205_7105.html"),  # 12 working days after
        ("disclosure-column-missing", p + "zfxxgk/"),  # 政府信息公开制度
        ("annual-report-missing", w),  # 卫生健康局: no report at all
        ("annual-report-late", p + "jyj/art/2026/2/20/art_1203_5325.html"),  # 2月20日 > 1月31日
        ("annual-report-inconsistent", p + "jyj/art/2026/2/20/art_1203_5325.html"),  # R1: 11+0 ≠ 10+0
        # 县长信箱/部门信箱 letters and 政务新媒体 accounts, script-filled pages in Chromium (tests/site/interaction.py)
        *{(rule, site.url(host, path)) for rule, host, path, _ in expected_interaction_findings(T)},
        # 办事服务, 咨询, 搜索, 标准目录, 网站年度报表 (tests/site/services.py, SPEC.md)
        ("service-guide-incomplete", site.url("127.0.0.1", next(g for g in GUIDES if g.key == "g3").path(T))),  # 4 classes missing
        ("dead-link", p + "bsfw/files/g3_sqb.doc"),  # that guide's 申请表 download
        ("consultation-channel-missing", site.jyj),  # no 咨询/建言 channel
        ("consultation-channel-missing", w + "jzxx/index.shtml"),  # 局长信箱 loads, its 我要写信 page does not
        ("dead-link", w + "jzxx/write.shtml"),  # ... that 我要写信 page
        ("site-search-broken", site.jyj),  # the engine answers 共找到 0 条 for exact titles
        ("site-search-broken", w),  # no search box
        ("standard-catalog-missing", p + "jcgk/"),  # 公共资源交易, 税收管理 (newer names 国土空间规划… count)
        ("standard-catalog-missing", p + "jcgk/jy/"),  # 就业 catalog without 公开时限 and 公开渠道
        ("site-yearly-report-missing", site.jyj),  # only the year-before-last 报表
        ("site-yearly-report-missing", w),  # none
    }
    assert _pairs(findings) == expected
    sev = {f["url"]: f["severity"] for f in findings if f["rule"] == "dead-link"}
    assert sev == {site.scj: "major", p + "xwzx/bdyw/202001/t20200101_0001.html": "minor", f"http://127.0.0.4:{site.port}/bc/": "major",
                   p + "bsfw/files/g3_sqb.doc": "minor", site.wjj + "jzxx/write.shtml": "minor"}


def test_service_findings_match_the_fixture_model(site, crawled):
    _, findings = crawled
    rules = {r for r, _, _ in expected_service_findings(T)} - {"dead-link"}
    want = {(r, site.url(h, path)) for r, h, path in expected_service_findings(T)}
    assert want <= _pairs(findings)
    assert {(f["rule"], f["url"]) for f in findings if f["rule"] in rules} == {x for x in want if x[0] in rules}


def test_near_misses_are_not_findings(site, crawled):
    _, findings = crawled
    # the timeliness verdicts (site-level rules such as metadata-missing name the root as subject)
    urls = {f["url"] for f in findings if f["rule"] in ("homepage-stale", "column-stale", "column-empty")}
    p = site.portal
    for url in (
        p + "xwzx/bmdt/",  # exactly 14 days
        p + "zcwj/",  # exactly 183 days
        p + "zwgk/ghjh/",  # 300 < 365
        p + "ztzl/2019ztjy/",  # historical special topic: exempt
        p + "zwgk/zdxm/",  # one item: not empty
        p + "jyj/col/col1201/index.html",  # 14 days
        site.wjj + "wjgg/index.shtml",  # 60 < 183
        p,  # home page fresh
        site.jyj,  # home page exactly 14 days
        p + "xwzx/spxw/",  # filled from a JSON API by a script: rendered, fresh
        p + "hdjl/bmxx/",  # 部门信箱 rows from a script: rendered, not empty
    ):
        assert url not in urls, url


def test_findings_follow_the_contract(crawled):
    _, findings = crawled
    for f in findings:
        assert set(f) >= {"rule", "url", "page", "severity", "category", "message", "evidence", "first_seen", "run_id"}
        assert f["severity"] in ("veto", "major", "minor")
        assert f["category"] in ("不及时", "不准确", "不回应", "不实用", "不安全")
        assert "#" not in f["url"]
        assert f["first_seen"] == T.isoformat()
    stale = [f for f in findings if f["rule"] == "column-stale"]
    tz = next(f for f in stale if f["url"].endswith("/tzgg/"))
    assert tz["evidence"]["days_since_update"] == 200
    assert tz["evidence"]["threshold_days"] == 183
    assert tz["evidence"]["column_type"] == "notice"
    assert "通知公告" in tz["message"]
    jy = next(f for f in stale if f["url"].endswith("col1202/index.html"))
    assert jy["evidence"]["newest_date"] == "2026-01-05"
    home = next(f for f in findings if f["rule"] == "homepage-stale")
    assert home["severity"] == "veto"
    assert home["evidence"]["basis"] == "second_level"
    assert home["evidence"]["days_since_update"] == 30


def test_crawl_facts(site, crawled):
    db, _ = crawled
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    run_row = conn.execute("SELECT * FROM crawl_runs").fetchone()
    assert run_row["status"] == "complete"
    p = site.portal
    # page 3 of a list paginated only by createPageHTML(3, …)
    items = conn.execute("SELECT * FROM list_items WHERE column_url = ?", [p + "xwzx/bdyw/"]).fetchall()
    assert len({i["url"] for i in items}) == 25
    assert any(i["page_url"] == p + "xwzx/bdyw/index_2.html" for i in items)
    # GBK page under no charset header: the text is right, 堃 included
    tz = conn.execute("SELECT * FROM pages WHERE url = ?", [p + "tzgg/"]).fetchone()
    assert tz["encoding"] == "gb18030"
    assert tz["column_name"] == "通知公告"
    titles = [r[0] for r in conn.execute("SELECT title FROM list_items WHERE column_url = ?", [p + "tzgg/"])]
    assert len(titles) == 7 and any("堃" in t for t in titles)
    w = conn.execute("SELECT * FROM pages WHERE url = ?", [site.wjj]).fetchone()
    assert w["encoding"] == "gb18030" and w["declared_encoding"] == "utf-8"
    # robots.txt obeyed, traps bounded
    assert conn.execute("SELECT count(*) FROM pages WHERE url LIKE ?", [p + "admin/%"]).fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM pages WHERE url LIKE ?", [p + "hdjl/rl/%"]).fetchone()[0] <= 21
    assert conn.execute("SELECT count(*) FROM pages WHERE url LIKE '%sid=%' OR url LIKE '%jsessionid%'").fetchone()[0] == 0
    # article facts
    art = conn.execute("SELECT * FROM pages WHERE is_article = 1 AND url LIKE ? LIMIT 1", [p + "xwzx/bdyw/%"]).fetchone()
    assert art["pub_date"] and art["article_title"] and art["main_text"]
    # links of every kind are recorded, with the linking page
    kinds = {r[0] for r in conn.execute("SELECT DISTINCT kind FROM links")}
    assert {"page"} <= kinds


def test_exports_and_reports(crawled, tmp_path):
    db, findings = crawled
    out = run("findings", "--db", str(db), "--format", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == len(findings)
    assert {r["rule"] for r in rows} == {f["rule"] for f in findings}
    run("report", "--db", str(db), "--format", "html", "--format", "md", "--out", str(tmp_path / "r"))
    html = (tmp_path / "r" / "report.html").read_text(encoding="utf-8")
    md = (tmp_path / "r" / "report.md").read_text(encoding="utf-8")
    assert "首页不更新" in html and "触发" in html
    assert "乡镇动态" in html and "乡镇动态" in md
    assert "<script src" not in html  # self-contained


def test_second_run_keeps_the_first(site, crawled, tmp_path):
    db, _ = crawled
    copy = tmp_path / "copy.db"
    src = sqlite3.connect(db)
    dst = sqlite3.connect(copy)
    src.backup(dst)
    src.close()
    before = dst.execute("SELECT count(*) FROM pages WHERE run_id = 1").fetchone()[0]
    dst.close()
    run("crawl", "--db", str(copy), "--today", T.isoformat(), site.portal)
    run("audit", "--db", str(copy), "--as-of", (T + dt.timedelta(days=1)).isoformat())
    conn = sqlite3.connect(copy)
    assert conn.execute("SELECT count(*) FROM pages WHERE run_id = 1").fetchone()[0] == before
    assert conn.execute("SELECT count(*) FROM crawl_runs").fetchone()[0] == 2
    # a finding seen in both audits keeps its first date; one day later the
    # columns that were exactly at their threshold become new findings
    old = {r[0] for r in conn.execute("SELECT fingerprint FROM findings WHERE audit_run_id = 1")}
    second = conn.execute("SELECT fingerprint, url, first_seen FROM findings WHERE audit_run_id = 2 AND rule = 'column-stale'").fetchall()
    for fp, url, first in second:
        assert first == (T.isoformat() if fp in old else (T + dt.timedelta(days=1)).isoformat()), url
    new_urls = {url for fp, url, _ in second if fp not in old}
    assert new_urls == {site.portal + "xwzx/bmdt/", site.portal + "zcwj/", site.portal + "jyj/col/col1201/index.html"}


def test_ignore_robots_reaches_the_disallowed_column(site, tmp_path):
    db = tmp_path / "r.db"
    run("crawl", "--db", str(db), "--ignore-robots", "--today", T.isoformat(), site.portal)
    run("audit", "--db", str(db), "--as-of", T.isoformat())
    found = [json.loads(x) for x in run("findings", "--db", str(db)).stdout.splitlines()]
    assert ("column-stale", site.portal + "admin/old/") in _pairs(found)
