"""Untrusted content in reports: crawled titles, column names and anchor texts that carry
<script>, event handlers, javascript: URLs, CSS injection, bidi overrides and Markdown
syntax go through a real crawl, audit and every report format.

- HTML: shown as text; in headless Chromium no script runs, no dialog opens and nothing
  is requested from elsewhere (file:// only); the only <script> is ours; every href is
  http(s) or an in-page anchor; bidi controls are made visible ([U+202E]).
- Markdown: no raw HTML, no links but http(s), tables keep their columns, no heading is
  made from crawled text (checked on markdown-it's rendering).
- DOCX: every hyperlink target is http(s), tables keep their shape, the text is there.
- JSON: the data, unchanged (it is not a document; escaping is its reader's job).
"""

from __future__ import annotations

import html as htmlmod
import json
import os
import re
import sqlite3
import subprocess
import sys
import zipfile

import lxml.html
import pytest

from tests.routes import RouteServer, html, redirect

pytestmark = pytest.mark.e2e
GOVAUDIT = [sys.executable, "-m", "crawler.cli"]
T = "2026-12-15"
CHROMIUM = "/usr/bin/chromium"

EVIL = {
    "script": "<script>window.__pwned=1</script>通知",
    "handler": '<img src=x onerror="window.__pwned=2">公告',
    "attr": '" onmouseover="window.__pwned=3" data-x="栏目',
    "css": '</style><style>*{display:none}</style><b style="background:url(http://127.0.0.9:9/css.png)">动态',
    "rtl": "文件\u202egpj.exe",
    "markdown": "| 列 | 列 |\n# 标题 [点我](javascript:window.__pwned=4) ![图](http://127.0.0.9:9/x.png) `代码` *强调*",
}
BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def _column(name: str, n: int) -> tuple[int, dict[str, str], bytes]:
    e = htmlmod.escape(name)
    rows = "".join(f'<li><a href="/c{n}/a{k}.html">通知{k}</a><span>2025-01-0{k}</span></li>' for k in range(1, 4))
    return html(f"""<html><head><title>{e}</title><meta name="ColumnName" content="{e}"><meta name="ColumnType" content="通知公告"></head>
<body><ul>{rows}</ul></body></html>""")


def _site() -> dict:
    cols = "".join(f'<a href="/c{n}/">{htmlmod.escape(v)}</a>' for n, v in enumerate(EVIL.values()))
    dead = "".join(f'<a href="/gone{n}.html">{htmlmod.escape(v)}</a>' for n, v in enumerate(EVIL.values()))
    routes = {
        "/": html(f"<html><head><title>{htmlmod.escape(EVIL['script'])}</title></head><body>"
                  f"<ul><li><a href='/c0/a1.html'>今日要闻</a><span>2026-12-14</span></li></ul>"
                  f"{cols}{dead}<a href='javascript:window.__pwned=5'>脚本链接</a><a href='/jump'>跳转</a>"
                  f"<a href='http://casino.example.com/' style='display:none'>{htmlmod.escape(EVIL['handler'])}</a></body></html>"),
        "/jump": redirect("javascript:window.__pwned=6"),
    }
    for n, name in enumerate(EVIL.values()):
        routes[f"/c{n}/"] = _column(name, n)
        for k in range(1, 4):
            routes[f"/c{n}/a{k}.html"] = html(f"<html><head><title>通知{k}</title></head><body><p>发布日期：2025-01-0{k}</p><p>正文。</p></body></html>")
    return routes


def run(*args: str) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([*GOVAUDIT, *args], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("inject")
    db = tmp / "inject.db"
    with RouteServer(_site()) as site:
        run("crawl", "--db", str(db), "--today", T, "--no-render", "--retries", "0", site.url)
    run("audit", "--db", str(db), "--as-of", T)
    out = tmp / "out"
    run("report", "--db", str(db), "--format", "html", "--format", "md", "--format", "docx", "--format", "json", "--out", str(out))
    conn = sqlite3.connect(db)
    columns = {r[0] for r in conn.execute("SELECT message FROM findings WHERE rule = 'column-stale'")}
    conn.close()
    return {"out": out, "stale": columns}


def test_the_corpus_reached_the_findings(reports):
    # each hostile column name is in a column-stale message: the reports below really carry them
    for name in EVIL.values():
        assert any(name.replace("\n", " ") in m or name in m for m in reports["stale"]), name


def _html(reports) -> str:
    return (reports["out"] / "report.html").read_text(encoding="utf-8")


def test_html_shows_crawled_markup_as_text(reports):
    text = _html(reports)
    doc = lxml.html.fromstring(text)
    assert len(doc.xpath("//script")) == 1  # ours (filters and sorting)
    assert len(doc.xpath("//style[not(ancestor::*[local-name()='svg'])]")) == 1  # ours (and the charts' own)
    assert not doc.xpath("//img | //iframe | //object | //embed | //svg//script")
    handlers = [(el.tag, a) for el in doc.iter() if isinstance(el.tag, str) for a in el.attrib if a.lower().startswith("on")]
    assert handlers == []
    assert not [el for el in doc.xpath("//*[@style]") if "url(" in el.get("style")]
    hrefs = doc.xpath("//@href")
    assert hrefs and all(h.startswith(("#", "http://", "https://")) for h in hrefs), [h for h in hrefs if not h.startswith(("#", "http"))]
    shown = doc.text_content()
    for key in ("script", "handler", "attr", "css"):
        assert EVIL[key] in shown, key  # visible, as text
    assert not BIDI.search(text) and "文件[U+202E]gpj.exe" in shown  # a bidi override is shown, not obeyed


@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Chromium not installed")
def test_no_script_runs_in_chromium(reports):
    from playwright.sync_api import sync_playwright

    page_file = reports["out"] / "report.html"
    requests: list[str] = []
    dialogs: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            page = browser.new_page()
            page.route("**/*", lambda route: (requests.append(route.request.url), route.continue_() if route.request.url.startswith("file:") else route.abort()))
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto(page_file.as_uri())
            page.wait_for_load_state("load")
            for cell in page.locator("tr.finding td").all()[:40]:
                cell.hover()  # an injected onmouseover would fire here
            for summary in page.locator("summary").all()[:20]:
                summary.click()  # open the evidence
            assert page.evaluate("typeof window.__pwned") == "undefined"
            assert page.locator("body").is_visible()  # no injected stylesheet hid the page
            assert page.locator("text=window.__pwned=1").first.is_visible()  # shown as text
        finally:
            browser.close()
    assert dialogs == []
    assert [u for u in requests if not u.startswith("file:")] == []


def test_markdown_keeps_its_structure(reports):
    from markdown_it import MarkdownIt

    text = (reports["out"] / "report.md").read_text(encoding="utf-8")
    assert "<script" not in text and "<img" not in text and "<style" not in text
    assert "](javascript" not in text and "![" not in text.replace("\\![", "")
    assert not BIDI.search(text)
    # tables: every row has as many cells as its header
    for block in re.split(r"\n(?!\|)", text):
        rows = [r for r in block.split("\n") if r.startswith("|")]
        widths = {len(re.findall(r"(?<!\\)\|", r)) for r in rows}
        assert len(widths) <= 1, rows[:3]
    rendered = MarkdownIt("commonmark").enable("table").render(text)
    doc = lxml.html.fromstring(f"<div>{rendered}</div>")
    assert not doc.xpath("//script | //img | //style | //b")
    assert all(h.startswith(("#", "http://", "https://")) for h in doc.xpath("//@href"))
    headings = [h.text_content() for h in doc.xpath("//h1 | //h2 | //h3 | //h4 | //h5 | //h6")]
    assert not [h for h in headings if "标题" in h or "pwned" in h]
    assert "window.__pwned=1" in doc.text_content()  # the text is there, as text


def test_docx_links_are_http_and_tables_keep_their_shape(reports):
    import docx

    files = list(reports["out"].glob("*.docx"))
    assert files
    for path in files:
        d = docx.Document(str(path))
        for table in d.tables:
            widths = {len(row.cells) for row in table.rows}
            assert len(widths) == 1, path
        text = "\n".join(p.text for p in d.paragraphs) + "\n".join(c.text for t in d.tables for r in t.rows for c in r.cells)
        assert "window.__pwned=1" in text and "</script>" in text  # literal text, not markup
        assert not BIDI.search(text)
        with zipfile.ZipFile(path) as z:
            rels = "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".rels"))
        targets = re.findall(r'Target="([^"]+)"[^>]*TargetMode="External"', rels)
        assert all(t.startswith(("http://", "https://")) for t in targets), targets


def test_json_is_the_data_unchanged(reports):
    data = json.loads((reports["out"] / "report.json").read_text(encoding="utf-8"))
    blob = json.dumps(data, ensure_ascii=False)
    for key in ("script", "rtl"):
        assert json.dumps(EVIL[key], ensure_ascii=False)[1:-1] in blob, key
