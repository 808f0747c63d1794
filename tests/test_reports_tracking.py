"""Rectification tracking across audit runs (audits/tracking.py), on a fixed two-run database.

``two_runs(tmp_path)`` builds the database the report tests share: a county
portal and one unit subsite, crawled and audited twice (2026-12-01 and
2026-12-15), with findings that stay open, get fixed, appear, and a crawled
title carrying ``<script>``.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from audits import tracking
from tests.facts import ROOT, Facts

T1 = dt.date(2026, 12, 1)
T2 = dt.date(2026, 12, 15)
SUB = ROOT + "jyj/"
EVIL = '<script>alert("x")</script>乡村振兴动态'
EVIL_ITEM = "</td><img src=x onerror=alert(1)>通知"


def _site(f: Facts, today: dt.date, run: int) -> None:
    ago = lambda n: today - dt.timedelta(days=n)  # noqa: E731
    f.home(ROOT, meta={"SiteName": "青山县人民政府"}, title="青山县人民政府")
    f.items(ROOT, [ago(1), ago(3)])
    f.column(ROOT + "xzdt/", "乡镇动态", [ago(30 + (today - T1).days), ago(40)])
    f.column(ROOT + "tzgg/", "通知公告", [ago(10)] if run == 2 else [ago(200), ago(300)])
    f.column(ROOT + "rsxx/", "人事信息", [ago(400 + (today - T1).days)])
    f.column(ROOT + "bmdt/", "部门动态", [T1 - dt.timedelta(days=5)])  # 5 days old in run 1, 19 in run 2
    f.column(ROOT + "czxx/", "财政信息", [], empty_marker="暂无信息")
    f.column(ROOT + "tjxx/", "统计信息", [ago(3)] if run == 2 else [], empty_marker=None if run == 2 else "暂无信息")
    f.column(ROOT + "xczx/", EVIL, [ago(60)])
    f.db["list_items"].update(
        next(f.db.query("SELECT rowid FROM list_items WHERE run_id = ? AND column_url = ?", [f.run_id, ROOT + "xczx/"]))["rowid"],
        {"title": EVIL_ITEM, "url": "javascript:alert(2)"},
    )
    f.column(ROOT + "ztzl/", "专题专栏", [dt.date(2019, 5, 1)])  # exempt
    # a working 在线咨询 channel and 办事服务 entry (else consultation-channel-missing and
    # service-guide-incomplete would veto the portal)
    for path, anchor in (("zxzx/", "在线咨询"), ("bsfw/", "办事服务")):
        f.page(ROOT + path)
        f.db["links"].insert({"run_id": f.run_id, "source": ROOT, "target": ROOT + path, "anchor": anchor, "kind": "page"})
    # a dead link on the home page (major) and one on an article (minor)
    f.page(ROOT + "gone.html", status=404)
    f.link(ROOT, ROOT + "gone.html")
    f.page(ROOT + "xzdt/a1.html", is_article=1, article_title="乡镇动态一", pub_date=ago(40).isoformat())
    f.page(ROOT + "missing.html", status=404)
    f.link(ROOT + "xzdt/a1.html", ROOT + "missing.html")
    f.link(ROOT + "xzdt/a1.html", ROOT + "missing.html")
    # 规范性文件: one on time, one late; one interpretation
    docs = [
        ("gfxwj/d1.html", "青山县人民政府关于加强农村建房管理的通知", dt.date(2026, 3, 2), dt.date(2026, 3, 10), "青政规〔2026〕1号"),
        ("gfxwj/d2.html", "青山县人民政府关于印发青山县养老服务补贴办法的通知", dt.date(2026, 6, 1), dt.date(2026, 8, 20), "青政规〔2026〕2号"),
    ]
    for path, title, written, published, no in docs:
        dm = {"索引号": "002581234/2026-1", "文号": no, "成文日期": written.isoformat(), "发布日期": published.isoformat(), "有效性": "有效"}
        f.page(ROOT + path, title=f"{title}_青山县人民政府", article_title=title, is_article=1, column_name="规范性文件",
               doc_meta_json=json.dumps(dm, ensure_ascii=False), main_text="各乡镇人民政府：现将有关事项通知如下。",
               pub_date=published.isoformat(), pub_date_source="doc_meta", pub_date_text=published.isoformat(),
               breadcrumb_json=json.dumps(["首页", "政府信息公开", "规范性文件"], ensure_ascii=False))
    f.page(ROOT + "zcjd/j1.html", title="《关于加强农村建房管理的通知》政策解读", article_title="《关于加强农村建房管理的通知》政策解读",
           is_article=1, column_name="政策解读", doc_meta_json="{}", main_text="一、制定背景……", pub_date="2026-03-11",
           pub_date_source="visible", breadcrumb_json=json.dumps(["首页", "政策解读"], ensure_ascii=False))
    f.link(ROOT + "zcjd/j1.html", ROOT + "gfxwj/d1.html")
    if run == 2:  # a hidden link to a casino appears (暗链: veto)
        f.db["links"].insert({"run_id": f.run_id, "source": ROOT, "target": "http://casino.example.com/", "anchor": "娱乐", "kind": "external", "hidden": "display:none"})
    # the unit subsite: home page stale (veto) in both runs, one stale column
    f.home(SUB, meta={"SiteName": "青山县教育局"}, title="青山县教育局")
    f.items(SUB, [ago(30 + (today - T1).days)])
    f.column(SUB + "jydt/", "教育动态", [ago(20 + (today - T1).days)], root=SUB)


NAMES = {ROOT: "青山县人民政府门户网站", SUB: "青山县教育局"}


def _audit(f: Facts, as_of: dt.date) -> int:
    f.audit(as_of)
    for root, name in NAMES.items():  # the crawler records the site name (SiteName meta) per root
        f.db["run_roots"].update((f.run_id, root), {"site_name": name})
    return int(next(f.db.query("SELECT max(id) AS id FROM audit_runs"))["id"])


def two_runs(tmp_path: Path) -> tuple[Facts, int, int]:
    """The shared report database: (facts of run 2, audit run 1, audit run 2)."""
    path = tmp_path / "two.db"
    f1 = Facts(path, roots=[ROOT, SUB])
    _site(f1, T1, 1)
    a1 = _audit(f1, T1)
    f2 = Facts(path, roots=[ROOT, SUB])
    _site(f2, T2, 2)
    a2 = _audit(f2, T2)
    return f2, a1, a2


def _by(changes, status):
    return {(c.rule, c.url) for c in changes.of(status)}


def test_new_open_fixed_across_two_runs(tmp_path):
    f, a1, a2 = two_runs(tmp_path)
    first = tracking.compare(f.db, a1)[ROOT]
    assert first.previous is None
    assert not first.of("open") and not first.of("fixed")
    assert ("column-stale", ROOT + "tzgg/") in _by(first, "new")

    ch = tracking.compare(f.db, a2)
    c = ch[ROOT]
    assert c.previous == {"id": a1, "as_of": T1.isoformat()}
    assert _by(c, "fixed") == {("column-stale", ROOT + "tzgg/"), ("column-empty", ROOT + "tjxx/")}
    assert {("column-stale", ROOT + "bmdt/"), ("hidden-link", "http://casino.example.com/")} <= _by(c, "new")
    assert {("column-stale", ROOT + "xzdt/"), ("column-stale", ROOT + "rsxx/"), ("column-empty", ROOT + "czxx/"),
            ("dead-link", ROOT + "gone.html")} <= _by(c, "open")
    assert not c.of("unverified")
    still = next(x for x in c.of("open") if x.url == ROOT + "xzdt/")
    assert (still.first_seen, still.open_since, still.last_seen, still.days_open) == (T1.isoformat(), T1.isoformat(), T2.isoformat(), 14)
    fixed = next(x for x in c.of("fixed") if x.url == ROOT + "tzgg/")
    assert (fixed.last_seen, fixed.fixed_on, fixed.days_open) == (T1.isoformat(), T2.isoformat(), 14)
    new = next(x for x in c.of("new") if x.url == ROOT + "bmdt/")
    assert new.days_open == 0 and not new.recurring
    assert {("homepage-stale", SUB), ("column-stale", SUB + "jydt/")} <= _by(ch[SUB], "open")


def test_unreachable_site_does_not_count_as_fixed(tmp_path):
    f, a1, a2 = two_runs(tmp_path)
    f3 = Facts(tmp_path / "two.db", roots=[ROOT, SUB])
    _site(f3, T2 + dt.timedelta(days=1), 2)
    f3.db["pages"].update((f3.run_id, SUB), {"status": None, "error": "ConnectionRefusedError"})
    f3.audit(T2 + dt.timedelta(days=1))
    a3 = int(next(f3.db.query("SELECT max(id) AS id FROM audit_runs"))["id"])
    c = tracking.compare(f3.db, a3)[SUB]
    assert ("site-unreachable", SUB) in _by(c, "new")
    assert ("homepage-stale", SUB) in _by(c, "unverified")  # not judged: the home page was not fetched
    assert ("column-stale", SUB + "jydt/") in _by(c, "open")
    assert not c.of("fixed")
    assert all(x.note == "本次检查网站首页无法访问" for x in c.of("unverified"))


def test_recurring_finding_and_trend(tmp_path):
    f, a1, a2 = two_runs(tmp_path)
    f3 = Facts(tmp_path / "two.db", roots=[ROOT, SUB])
    _site(f3, T2, 1)  # run-1 facts again: 通知公告 stale again, hidden link gone
    f3.audit(T2 + dt.timedelta(days=7))
    a3 = int(next(f3.db.query("SELECT max(id) AS id FROM audit_runs"))["id"])
    c = tracking.compare(f3.db, a3)[ROOT]
    back = next(x for x in c.of("new") if x.url == ROOT + "tzgg/")
    assert back.recurring and back.first_seen == T1.isoformat()
    assert ("hidden-link", "http://casino.example.com/") in _by(c, "fixed")
    points = tracking.trend(f3.db, ROOT, a3)
    assert [p.as_of for p in points] == [T1.isoformat(), T2.isoformat(), (T2 + dt.timedelta(days=7)).isoformat()]
    assert points[0].new is None and points[1].new == len(_by(tracking.compare(f3.db, a2)[ROOT], "new"))
    assert points[1].by_category.get("不安全") == 1 and not points[2].by_category.get("不安全")
    year = tracking.year_items(f3.db, ROOT, 2026, a3)
    st = {(i.finding["rule"], i.finding["url"]): i for i in year.items}
    assert st[("hidden-link", "http://casino.example.com/")].status == "fixed"
    assert st[("column-stale", ROOT + "tzgg/")].status == "open"
    assert st[("column-empty", ROOT + "tjxx/")].status == "open"  # empty again in run 3
    assert st[("column-stale", ROOT + "xzdt/")].runs_seen == 3


def test_materialized_table_matches_compare_and_is_incremental(tmp_path):
    f, a1, a2 = two_runs(tmp_path)
    # the audit runner recorded both runs as they happened: nothing left to compute
    assert tracking.materialize(f.db) == 0
    rows = {(r["rule"], r["url"]): r for r in f.db.query("SELECT * FROM rectification WHERE audit_run_id = ? AND site = ?", [a2, ROOT])}
    live = {(c.rule, c.url): c for c in tracking.compare(f.db, a2)[ROOT].items}
    assert {k: r["status"] for k, r in rows.items()} == {k: c.status for k, c in live.items()}
    assert rows[("column-stale", ROOT + "xzdt/")]["open_since"] == T1.isoformat()
    assert rows[("column-stale", ROOT + "tzgg/")]["fixed_on"] == T2.isoformat()
    # a re-audit of run 1's crawl dated between the two runs changes run 2's previous run
    f.db["audit_runs"].insert({"crawl_run_id": 1, "as_of": "2026-12-08", "started_at": "x", "finished_at": "y", "config_json": "{}", "ruleset": "t"})
    assert tracking.materialize(f.db) == 2  # the new run and run 2
    assert tracking.record(f.db, a2) > 0


def test_findings_export_carries_the_tracking_status(tmp_path):
    import csv
    import io

    from audits.export import export_findings

    f, a1, a2 = two_runs(tmp_path)
    out = io.StringIO()
    n = export_findings(f.db, out, "jsonl")
    rows = [json.loads(x) for x in out.getvalue().splitlines()]
    assert n == len(rows) and all(r["run_id"] == a2 for r in rows)
    by = {(r["rule"], r["url"]): r for r in rows}
    still = by[("column-stale", ROOT + "xzdt/")]
    assert (still["status"], still["open_since"], still["days_open"], still["first_seen"]) == ("open", T1.isoformat(), 14, T1.isoformat())
    assert by[("column-stale", ROOT + "bmdt/")]["status"] == "new" and by[("column-stale", ROOT + "bmdt/")]["days_open"] == 0
    out = io.StringIO()
    export_findings(f.db, out, "csv", a1)
    first = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert {r["status"] for r in first} == {"new"} and "days_open" in first[0]


def test_a_new_session_id_does_not_make_a_finding_new():
    """A site that hands out a new sid= on every visit: the same soft 404 keeps its identity."""
    from audits.runner import fingerprint

    one = fingerprint("soft-404", ROOT + "search/?q=%E6%94%BF%E5%8A%A1&sid=qs000001")
    assert one == fingerprint("soft-404", ROOT + "search/?q=%E6%94%BF%E5%8A%A1&sid=qs000004")
    assert one == fingerprint("soft-404", ROOT + "search/?q=%E6%94%BF%E5%8A%A1")
    assert one == fingerprint("soft-404", ROOT + "search/;jsessionid=AB12?q=%E6%94%BF%E5%8A%A1")
    # near misses: another query, another rule, another page
    assert one != fingerprint("soft-404", ROOT + "search/?q=%E6%94%BF%E7%AD%96&sid=qs000001")
    assert one != fingerprint("dead-link", ROOT + "search/?q=%E6%94%BF%E5%8A%A1&sid=qs000001")
    assert fingerprint("metadata-missing", ROOT + "#list:ColumnName") != fingerprint("metadata-missing", ROOT + "#list:ColumnType")
