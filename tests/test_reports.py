"""Reports escape everything crawled, in HTML and in Markdown."""

from __future__ import annotations

import datetime as dt

from reports.build import md, render_html, render_markdown, safe_href
from reports.model import build_model
from tests.facts import ROOT, Facts

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
