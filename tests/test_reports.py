"""Reports escape everything crawled, in HTML and in Markdown; the HTML, Markdown and JSON
reports built from the two-run database (tests/test_reports_tracking.py) hold every finding,
the scorecard, the charts, and what is new and fixed since the previous run."""

from __future__ import annotations

import datetime as dt
import json

import lxml.html
import pytest

from reports.build import md, render_html, render_json, render_markdown, safe_href, write_reports
from reports.model import build_model
from tests.facts import ROOT, Facts
from tests.test_reports_tracking import EVIL as EVIL_COLUMN
from tests.test_reports_tracking import EVIL_ITEM, SUB, T1, T2, two_runs

T = dt.date(2026, 12, 15)
EVIL = '<img src=x onerror=alert(1)>栏目</td><script>alert("x")</script>'


def evil_db(tmp_path):
    f = Facts(tmp_path / "e.db")
    f.home(ROOT, meta={"SiteName": "<b>青山县</b>"})
    f.items(ROOT, [T])
    f.column(ROOT + "evil/", EVIL, [T - dt.timedelta(days=30)], meta_type="动态")
    f.db["list_items"].update(
        next(f.db.query("SELECT rowid FROM list_items WHERE column_url = ?", [ROOT + "evil/"]))["rowid"],
        {"title": "</pre><script>steal()</script>", "url": "javascript:alert(2)"},
    )
    found = f.audit(T)
    assert any(x["rule"] == "column-stale" for x in found)
    return f.db


def test_html_report_escapes_crawled_text(tmp_path):
    html = render_html(build_model(evil_db(tmp_path)))
    assert "<script>alert" not in html and "<script>steal" not in html
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;栏目" in html
    assert 'href="javascript:' not in html
    assert html.count("<script>") == 1  # our own filter/sort script only


def test_markdown_report_escapes_crawled_text(tmp_path):
    text = render_markdown(build_model(evil_db(tmp_path)))
    assert "<img" not in text and "<script" not in text
    assert "&lt;img src=x onerror=alert\\(1\\)&gt;栏目" in text
    assert "](javascript" not in text


def test_safe_href_and_md():
    assert safe_href("http://127.0.0.1/a") == "http://127.0.0.1/a"
    assert safe_href("javascript:alert(1)") == ""
    assert safe_href("data:text/html,<b>") == ""
    assert safe_href(None) == ""
    assert md("a|b [x](y)") == "a\\|b \\[x\\]\\(y\\)"


# --- the two-run report database (tests/test_reports_tracking.py) -------------------------


@pytest.fixture(scope="module")
def two(tmp_path_factory):
    f, a1, a2 = two_runs(tmp_path_factory.mktemp("two"))
    return f.db, a1, a2


@pytest.fixture(scope="module")
def two_html(two):
    return render_html(build_model(two[0]))


def test_html_parses_and_holds_every_finding_once(two, two_html):
    db, _, a2 = two
    doc = lxml.html.fromstring(two_html)
    rows = doc.xpath("//tr[@class='finding']")
    expected = list(db.query("SELECT site, fingerprint, message FROM findings WHERE audit_run_id = ?", [a2]))
    assert len(rows) == len(expected) == len({r.get("id") for r in rows})
    assert sorted(r.get("data-fingerprint") for r in rows) == sorted(e["fingerprint"] for e in expected)
    text = doc.text_content()
    for e in expected:
        assert e["message"] in text
    # crawled markup stays text: one <script> element (ours), no injected <img>
    assert len(doc.xpath("//script")) == 1 and not doc.xpath("//img")
    assert EVIL_COLUMN in text and EVIL_ITEM in text
    assert "<script>alert" not in two_html and "&lt;script&gt;alert" in two_html
    assert 'href="javascript:' not in two_html
    # self-contained: nothing loaded from elsewhere
    assert not doc.xpath("//script[@src] | //link[@href] | //img[@src] | //iframe")


def test_html_scorecard_charts_and_sections(two, two_html):
    doc = lxml.html.fromstring(two_html)
    card = doc.get_element_by_id("scorecard1")
    triggered = {tr.xpath("td")[0].text_content(): tr.xpath("td")[2].text_content() for tr in card.xpath(".//tr[@class='sc-triggered']")}
    assert set(triggered) == {"安全问题（暗链、篡改）"} and "casino.example.com" in triggered["安全问题（暗链、篡改）"]
    sub = doc.get_element_by_id("scorecard2")
    assert [tr.xpath("td")[0].text_content() for tr in sub.xpath(".//tr[@class='sc-triggered']")] == ["首页不更新"]
    for i in (1, 2):  # one inline SVG chart per site, with its ids prefixed
        svg = doc.get_element_by_id(f"chart{i}").xpath(".//*[local-name()='svg']")
        assert len(svg) == 1 and "不及时" in svg[0].get("aria-label")
    ids = [e.get("id") for e in doc.xpath("//*[@id]")]
    assert len(ids) == len(set(ids))
    fixed = doc.xpath("//table[contains(@class,'fixed')]")[0].text_content()
    assert "http://127.0.0.1:9/tzgg/" in fixed and "http://127.0.0.1:9/tjxx/" in fixed
    new = doc.xpath("//table[contains(@class,'new')]")[0].text_content()
    assert "部门动态" in new and "casino.example.com" in new
    fresh = {tr.xpath("td")[0].text_content(): [td.text_content() for td in tr.xpath("td")] for tr in doc.xpath("//table[contains(@class,'freshness')]")[0].xpath(".//tbody/tr")}
    assert fresh["人事信息"][4:] == ["414", "365", "不更新"]
    assert fresh["通知公告"][4:] == ["10", "183", "正常"]
    assert fresh["财政信息"][6] == "空白栏目" and fresh["专题专栏"][6] == "不检查"


def test_markdown_report_has_tracking_and_escapes(two):
    text = render_markdown(build_model(two[0]))
    assert "与上次检查（2026-12-01，审计批次 1）相比：新发现 2 个" in text
    assert "已整改（2026-12-15，用时 14 天）" in text
    assert "<script" not in text and "&lt;script&gt;alert" in text


def test_json_is_the_renderers_model(two, tmp_path):
    db, a1, a2 = two
    paths = write_reports(db, tmp_path, ["json"])
    data = json.loads(paths[0].read_text(encoding="utf-8"))
    assert data == json.loads(render_json(build_model(db)))
    assert data["audit_run"]["id"] == a2 and data["year"] == 2026 and data["total"] == len(list(db.query("SELECT id FROM findings WHERE audit_run_id = ?", [a2])))
    portal = data["sites"][0]
    assert portal["changes"]["previous"] == {"id": a1, "as_of": T1.isoformat()}
    assert {c["url"] for c in portal["changes"]["fixed"]} == {"http://127.0.0.1:9/tzgg/", "http://127.0.0.1:9/tjxx/"}
    assert [p["as_of"] for p in portal["trend"]] == [T1.isoformat(), T2.isoformat()]
    assert data["annual"][0]["problems"][0]["text"].startswith("一是信息发布更新不够及时。")
    assert data["sites"][1]["root"] == SUB and data["sites"][1]["vetoed"] is True
    one = json.loads(render_json(build_model(db, a1)))  # an earlier run: no previous run, everything new
    assert one["sites"][0]["changes"]["previous"] is None and not one["sites"][0]["changes"]["fixed"]
