"""Each timeliness rule on positives and near-miss negatives, over real SQLite facts."""

from __future__ import annotations

import datetime as dt

import pytest

from audits.config import parse_config
from tests.facts import ROOT, Facts

T = dt.date(2026, 12, 15)


def ago(n: int) -> dt.date:
    return T - dt.timedelta(days=n)


@pytest.fixture
def facts(tmp_path):
    f = Facts(tmp_path / "f.db")
    f.home(ROOT)
    f.items(ROOT, [ago(1)])
    return f


def urls(findings, rule):
    return sorted(f["url"] for f in findings if f["rule"] == rule)


# -- column-stale ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "meta_type", "age", "stale"),
    [
        ("部门动态", None, 14, False),
        ("部门动态", None, 15, True),
        ("本地要闻", "要闻", 15, True),
        ("通知公告", None, 183, False),
        ("通知公告", None, 184, True),
        ("政策文件", "政策文件", 184, True),
        ("人事信息", None, 365, False),
        ("人事信息", None, 366, True),
        ("其他栏目", None, 366, True),  # unknown type: should-update (365)
        ("其他栏目", None, 200, False),
        ("2019年主题教育专题", "专题", 2000, False),  # historical special topic: exempt
        ("工作信息", "动态", 20, True),  # ColumnType meta decides
    ],
)
def test_column_stale_thresholds(facts, name, meta_type, age, stale):
    url = ROOT + "col/"
    facts.column(url, name, [ago(age), ago(age + 30)], meta_type=meta_type)
    found = facts.audit(T, rule="column-stale")
    assert urls(found, "column-stale") == ([url] if stale else [])
    if stale:
        ev = found[0]["evidence"]
        assert ev["days_since_update"] == age
        assert ev["newest_date"] == ago(age).isoformat()


def test_column_stale_ignores_future_dates(facts):
    url = ROOT + "tzgg/"
    facts.column(url, "部门动态", [T + dt.timedelta(days=40), ago(20)])
    found = facts.audit(T, rule="column-stale")
    assert urls(found, "column-stale") == [url]
    assert found[0]["evidence"]["newest_date"] == ago(20).isoformat()


def test_column_type_pinned_by_config_and_thresholds_overridden(facts):
    facts.column(ROOT + "a/", "杂项", [ago(20)])
    facts.column(ROOT + "b/", "部门动态", [ago(20)])
    cfg = parse_config({
        "rules": {"column-stale": {"dynamic_days": 30}},
        "site": [{"root": ROOT, "columns": {"杂项": "dynamic"}, "rules": {"column-stale": {"dynamic_days": 10}}}],
    })
    found = facts.audit(T, cfg, rule="column-stale")
    assert urls(found, "column-stale") == [ROOT + "a/", ROOT + "b/"]
    assert {f["evidence"]["threshold_days"] for f in found} == {10}
    assert {f["evidence"]["column_type_source"] for f in found} == {"config", "name"}


# -- column-empty ---------------------------------------------------------------
def test_column_empty_positive_and_near_misses(facts):
    facts.link(ROOT, ROOT + "nav/")
    facts.column(ROOT + "czxx/", "财政信息", [], empty_marker="暂无信息")
    facts.column(ROOT + "tjxx/", "统计信息", [])  # empty list, only template links
    facts.link(ROOT + "tjxx/", ROOT + "nav/")
    facts.column(ROOT + "jgsz/", "机构设置", [])  # undated links of its own: not provably empty
    facts.link(ROOT + "jgsz/", ROOT + "jgsz/a.html")
    facts.column(ROOT + "zdxm/", "重大项目", [ago(30)])  # one item
    found = facts.audit(T, rule="column-empty")
    assert urls(found, "column-empty") == [ROOT + "czxx/", ROOT + "tjxx/"]
    marker = next(f for f in found if f["url"].endswith("czxx/"))
    assert marker["evidence"]["empty_marker"] == "暂无信息"
    assert "暂无信息" in marker["message"]


# -- homepage-stale -----------------------------------------------------------------
@pytest.mark.parametrize(("age", "stale"), [(14, False), (15, True)])
def test_homepage_stale_threshold(tmp_path, age, stale):
    f = Facts(tmp_path / "h.db")
    f.home(ROOT)
    f.items(ROOT, [ago(age), ago(age + 3), None])
    found = f.audit(T, rule="homepage-stale")
    assert urls(found, "homepage-stale") == ([ROOT] if stale else [])
    if stale:
        assert found[0]["severity"] == "veto"
        assert found[0]["evidence"]["basis"] == "home"


def test_navigation_only_home_is_judged_by_second_level_pages_of_its_own_site(tmp_path):
    other = "http://127.0.0.2:9/"
    f = Facts(tmp_path / "n.db", roots=[ROOT, other])
    f.home(ROOT)
    f.home(other)
    f.items(other, [ago(1)])  # a fresh other site linked from this home must not count
    f.link(ROOT, other)
    f.link(ROOT, ROOT + "wjdt/")
    f.column(ROOT + "wjdt/", "卫健动态", [ago(30), ago(40)])
    found = f.audit(T, rule="homepage-stale")
    assert urls(found, "homepage-stale") == [ROOT]
    ev = found[0]["evidence"]
    assert (ev["basis"], ev["days_since_update"], ev["second_level_pages"]) == ("second_level", 30, 1)


def test_home_without_any_date_is_stale(tmp_path):
    f = Facts(tmp_path / "u.db")
    f.home(ROOT)
    f.items(ROOT, [None, None])
    found = f.audit(T, rule="homepage-stale")
    assert urls(found, "homepage-stale") == [ROOT]
    assert found[0]["evidence"]["newest_date"] is None


def test_unreachable_home_is_not_judged_stale(tmp_path):
    f = Facts(tmp_path / "x.db")
    f.home(ROOT, status=None, error="ConnectionRefusedError")
    assert f.audit(T, rule="homepage-stale") == []
    assert f.status("homepage-stale") == "not_applicable"


# -- site-unreachable ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("status", "error", "expected"),
    [
        (200, None, False),
        (301, None, False),
        (503, None, True),
        (404, None, True),
        (None, "TimeoutError: took longer than 15.0 seconds", True),
        (None, "DNSLookupError: no such host", True),
    ],
)
def test_site_unreachable(tmp_path, status, error, expected):
    f = Facts(tmp_path / "s.db")
    f.home(ROOT, status=status, error=error)
    found = f.audit(T, rule="site-unreachable")
    assert urls(found, "site-unreachable") == ([ROOT] if expected else [])
    if expected:
        assert found[0]["evidence"]["status"] == status
        assert found[0]["evidence"]["error"] == error


def test_robots_forbidden_home_is_not_unreachable(tmp_path):
    f = Facts(tmp_path / "r.db")
    f.home(ROOT, status=None, error="IgnoreRequest: Forbidden by robots.txt")
    assert f.audit(T, rule="site-unreachable") == []
    assert f.status("site-unreachable") == "not_applicable"


def test_every_rule_gets_a_result_row(facts):
    facts.audit(T)
    from audits.registry import RULES

    rows = {r["rule"]: r["status"] for r in facts.db.query("SELECT rule, status FROM rule_results")}
    assert set(rows) == {r.id for r in RULES}  # "not run" never looks like "passed"
    for rule in ("site-unreachable", "homepage-stale", "column-stale", "column-empty"):
        assert rows[rule] == "pass"


# -- metadata-missing ---------------------------------------------------------------
FULL_SITE = {"SiteName": "青山县人民政府", "SiteDomain": "www.qingshan.gov.cn", "SiteIDCode": "3311270001"}
FOOTER = '{"site_id_code": "3311270001", "icp": "浙ICP备12345678号-1", "police": "浙公网安备 33112702000001号"}'


def test_metadata_missing_grouped_by_page_type_and_item(tmp_path):
    f = Facts(tmp_path / "m.db")
    f.home(ROOT, meta=FULL_SITE, footer_json=FOOTER)
    article = {**FULL_SITE, "ArticleTitle": "标题", "PubDate": "2026-12-01 10:00", "ContentSource": "县政府办"}
    f.page(ROOT + "a1.html", meta=article, is_article=1, footer_json=FOOTER)  # complete
    for n in (2, 3):
        f.page(ROOT + f"a{n}.html", meta={**article, "PubDate": ""}, is_article=1, footer_json=FOOTER)
    f.page(ROOT + "col/", meta={**FULL_SITE, "ColumnName": "通知公告"}, is_list=1,
           footer_json='{"site_id_code": "3311270009", "icp": "浙ICP备12345678号-1", "police": null}')
    found = [x for x in f.audit(T, rule="metadata-missing")]
    got = {(x["evidence"]["page_type"], x["evidence"]["missing"]): x["evidence"] for x in found}
    assert set(got) == {("article", "PubDate"), ("list", "ColumnType"), ("footer", "police"), ("footer", "site_id_code_mismatch")}
    assert got[("article", "PubDate")]["pages_missing"] == 2
    assert got[("article", "PubDate")]["pages_of_type"] == 3
    assert got[("footer", "site_id_code_mismatch")]["footer_code"] == "3311270009"
    assert all(x["url"] == ROOT and x["severity"] == "minor" for x in found)
    assert len({x["fingerprint"] for x in found}) == 4  # one subject per page type and item


def test_metadata_complete_site_has_no_finding(tmp_path):
    f = Facts(tmp_path / "c.db")
    f.home(ROOT, meta=FULL_SITE, footer_json=FOOTER)
    f.page(ROOT + "col/", meta={**FULL_SITE, "ColumnName": "通知公告", "ColumnType": "通知公告"}, is_list=1, footer_json=FOOTER)
    f.page(ROOT + "err.html", status=404, meta={}, footer_json="{}")  # error pages are not judged
    assert f.audit(T, rule="metadata-missing") == []


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # 005: SiteIDCode meta present but empty, the footer shows 3300000020
        ("005.html", {("article", "SiteIDCode")}),
        # 007 (中国政府网): none of the standard tags; footer complete
        ("007.html", {("article", "SiteName"), ("article", "SiteDomain"), ("article", "SiteIDCode"), ("article", "ArticleTitle"), ("article", "PubDate")}),
        # 010: the footer is an iframe, so no 标识码/ICP/公安备案 on the page
        ("010.html", {("footer", "site_id_code"), ("footer", "icp"), ("footer", "police")}),
    ],
)
def test_metadata_missing_on_real_pages(tmp_path, realpage, name, expected):
    import dataclasses
    import json as _json

    from parsel import Selector

    from crawler.extract.page import extract_page

    facts = extract_page(Selector(text=realpage(name)), ROOT, T)
    f = Facts(tmp_path / "real.db")
    f.home(ROOT, meta=facts.meta, footer_json=_json.dumps(dataclasses.asdict(facts.footer)), is_article=int(facts.is_article))
    got = {(x["evidence"]["page_type"], x["evidence"]["missing"]) for x in f.audit(T, rule="metadata-missing")}
    assert expected <= got
    if name == "005.html":
        assert ("footer", "site_id_code") not in got  # the code is in the footer, only the meta is empty
