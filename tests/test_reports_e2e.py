"""End to end: crawl the fixture county site on loopback, audit it, and write every report format
with the real `govaudit` commands; the annual-report draft must speak of the site's own columns."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest
from docx import Document

from tests.site.server import FixtureSite

pytestmark = pytest.mark.e2e

T = dt.date(2026, 12, 15)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([sys.executable, "-m", "crawler.cli", *args], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, f"govaudit {' '.join(args)}: {proc.stdout}\n{proc.stderr}"
    return proc


def test_fixture_site_reports(tmp_path):
    db = tmp_path / "site.db"
    with FixtureSite(today=T) as site:
        run("crawl", "--db", str(db), "--today", T.isoformat(), *site.roots)
    run("audit", "--db", str(db), "--as-of", T.isoformat())
    findings = [json.loads(x) for x in run("findings", "--db", str(db)).stdout.splitlines()]
    out = tmp_path / "r"
    paths = run("report", "--db", str(db), "--format", "html", "--format", "docx", "--format", "json", "--format", "md", "--out", str(out)).stdout.split()
    assert len([p for p in paths if p.endswith(".docx")]) == len(site.roots)
    model = json.loads((out / "report.json").read_text(encoding="utf-8"))
    portal = next(a for a in model["annual"] if a["site"] == site.portal)
    stale = [f for f in findings if f["site"] == site.portal and f["rule"] == "column-stale"]
    empty = [f for f in findings if f["site"] == site.portal and f["rule"] == "column-empty"]
    docx = next(p for p in paths if p.endswith(".docx") and "jyj" not in p and "127.0.0.2" not in p and "scj" not in p)
    doc = Document(docx)
    text = "\n".join(p.text for p in doc.paragraphs)
    assert doc.paragraphs[0].text.endswith("2026年政府信息公开工作年度报告")
    assert "五、存在的主要问题及改进情况" in text
    assert len(stale) >= 2 and len(empty) >= 2
    assert f"{len(stale)}个栏目未在规定时限内更新" in text
    assert f"{len(empty)}个栏目没有任何内容" in text
    for f in stale + empty:
        assert f"“{f['column']}”" in text or len(stale) > 4
    worst = max(stale, key=lambda f: f["evidence"]["days_since_update"])
    assert f"最长的“{worst['column']}”已{worst['evidence']['days_since_update']}天未更新" in text
    assert portal["problems"][0]["text"] in text
    appendix = doc.tables[-1]
    assert len(appendix.rows) - 1 == len(portal["findings"]) == len([f for f in findings if f["site"] == site.portal])
    html = (out / "report.html").read_text(encoding="utf-8")
    assert html.count('class="finding"') == len(findings)
