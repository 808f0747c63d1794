"""End to end: crawl the fixture county site on loopback, audit it, and write every report format
with the real `govaudit` commands; the annual-report draft must speak of the site's own columns."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import lxml.html
import pytest
from docx import Document

from audits.model import CATEGORIES

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
    # the 网站群 summary: one row per root, counts equal to the exported findings of that site
    check_group_summary(html, findings, site.roots, "青山县人民政府网站群")  # no [group]: the portal's name
    cfg = tmp_path / "govaudit.toml"
    cfg.write_text(f'[group]\nname = "青山县政府网站群"\n\n[[site]]\nroot = "{site.scj}"\nname = "县市场监管局"\nkind = "department"\n', encoding="utf-8")
    run("audit", "--db", str(db), "--as-of", T.isoformat(), "--config", str(cfg))
    findings = [json.loads(x) for x in run("findings", "--db", str(db)).stdout.splitlines()]
    run("report", "--db", str(db), "--format", "html", "--out", str(out))
    rows = check_group_summary((out / "report.html").read_text(encoding="utf-8"), findings, site.roots, "青山县政府网站群")
    assert [(r["name"], r["kind"]) for r in rows] == [
        ("青山县人民政府", "政府门户网站"), ("青山县教育局", "部门网站"), ("县市场监管局", "部门网站"), ("青山县卫生健康局", "部门网站")
    ]
    assert rows[2]["status"] == "无法访问"  # the 503 subsite


def check_group_summary(html: str, findings: list[dict], roots: list[str], group: str) -> list[dict]:
    doc = lxml.html.fromstring(html)
    assert doc.get_element_by_id("group").text_content() == f"{group}检查汇总"
    table = doc.get_element_by_id("overview")
    heads = [th.text_content() for th in table.xpath("./thead/tr/th")]
    rows = []
    for tr in table.xpath("./tbody/tr"):
        cells = dict(zip(heads, (td.text_content() for td in tr.xpath("./td")), strict=True))
        mine = [f for f in findings if f["site"] == tr.get("data-root")]
        assert [int(cells[h]) for h in ("单项否决", "扣分", "提示")] == [sum(1 for f in mine if f["severity"] == s) for s in ("veto", "major", "minor")]
        assert [int(cells[c]) for c in CATEGORIES] == [sum(1 for f in mine if f["category"] == c) for c in CATEGORIES]
        anchor = tr.xpath("./td[1]/a")[0]
        section = doc.get_element_by_id(anchor.get("href")[1:])
        assert section.text_content() == anchor.text_content()
        # veto status: unreachable first, then any veto finding or a triggered scorecard item
        unreachable = any(f["rule"] == "site-unreachable" for f in mine)
        vetoed = any(f["severity"] == "veto" for f in mine) or "不合格" in section.getnext().text_content()
        assert cells["单项否决状态"] == ("无法访问" if unreachable else "单项否决" if vetoed else "未触发")
        rows.append({"root": tr.get("data-root"), "name": anchor.text_content(), "kind": cells["类型"], "status": cells["单项否决状态"]})
    assert [r["root"] for r in rows] == roots
    return rows
