"""The annual-report draft (政府信息公开工作年度报告): Word and Markdown, from the two-run database.

The Word file is opened with python-docx and checked part by part (official
section headings, the official tables with their merged headers, bookmarks
behind every internal link); when LibreOffice is installed it must convert
the file to PDF (the "opens cleanly" check).
"""

from __future__ import annotations

import json

import re
import shutil
import subprocess
import sys
import zipfile

import pytest
from docx import Document
from lxml import etree

from reports.annual import SECTION_TITLES, TABLE3_NOTE
from reports.build import annual_name, render_annual_markdown
from reports.model import build_model
from reports.word import clean, write_docx
from tests.facts import ROOT, Facts
from tests.test_reports_tracking import EVIL, SUB, T2, two_runs

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def two(tmp_path_factory):
    f, a1, a2 = two_runs(tmp_path_factory.mktemp("annual"))
    return f.db


@pytest.fixture(scope="module")
def model(two):
    return build_model(two)


@pytest.fixture(scope="module")
def docx_path(model, tmp_path_factory):
    path = tmp_path_factory.mktemp("docx") / annual_name(model.annual[0], "docx")
    write_docx(model.annual[0], path)
    return path


def _text(doc) -> str:
    parts = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        for row in t.rows:
            parts += [c.text for c in row.cells]
    return "\n".join(parts)


def test_docx_opens_with_the_official_headings_and_tables(docx_path):
    doc = Document(str(docx_path))
    assert doc.paragraphs[0].style.name == "Title"
    assert doc.paragraphs[0].text == "青山县人民政府2026年政府信息公开工作年度报告"
    heads = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert heads == [*SECTION_TITLES, "附录一　统计数据来源", "附录二　问题明细"]
    subs = [p.text for p in doc.paragraphs if p.style.name == "Heading 2"]
    assert subs == ["（一）存在的主要问题", "（二）改进情况及下一步措施"]
    tables = ["\n".join(c.text for row in t.rows for c in row.cells) for t in doc.tables]

    def table(*words):
        found = [t for t in tables if all(w in t for w in words)]
        assert len(found) == 1, words
        return found[0]

    t2 = table("第二十条第（一）项", "本年制发件数", "第二十条第（五）项", "行政许可", "第二十条第（六）项", "行政强制", "第二十条第（八）项", "行政事业性收费")
    assert "2（S8）" in t2  # 规范性文件 本年制发, with its figure
    table(TABLE3_NOTE, "申请人情况", "法人或其他组织", "商业企业", "一、本年新收政府信息公开申请数量", "（七）总计", "四、结转下年度继续办理",
          "1.属于国家秘密", "3.补正后申请内容仍不明确")
    table("行政复议", "行政诉讼", "未经复议直接起诉", "复议后起诉", "尚未审结")
    table("栏目", "本年发布信息（条）", "乡镇动态")
    table("规范性文件公开情况", "行政规范性文件：超过20个工作日公开")
    table("编号", "查询与明细", "SELECT normative_late FROM site_year_stats")
    table("编号", "问题描述与网址", "整改情况", "F1")
    # merged headers of table 三: 申请人情况 spans the 7 numeric columns
    xml = docx_path.read_bytes()
    with zipfile.ZipFile(docx_path) as z:
        body = etree.fromstring(z.read("word/document.xml"))
        for name in z.namelist():
            if name.endswith(".xml") or name.endswith(".rels"):
                etree.fromstring(z.read(name))  # every part is well-formed XML
        rels = z.read("word/_rels/document.xml.rels").decode()
    assert xml
    spans = [int(e.get(f"{W}val")) for e in body.iter(f"{W}gridSpan")]
    assert 7 in spans and 5 in spans and 10 in spans
    # every internal link has its bookmark; external links are http(s) only
    marks = {e.get(f"{W}name") for e in body.iter(f"{W}bookmarkStart")}
    anchors = {e.get(f"{W}anchor") for e in body.iter(f"{W}hyperlink") if e.get(f"{W}anchor")}
    assert anchors and anchors <= marks
    assert {"F1", "S1"} <= marks
    targets = re.findall(r'Target="([^"]+)" TargetMode="External"', rels)
    assert targets and all(t.startswith("http://") or t.startswith("https://") for t in targets)


def test_section_five_states_the_facts_of_the_year(model, docx_path):
    a = model.annual[0]
    text = "\n".join(p.text for p in a.problems) + "\n" + "\n".join(p.improvement for p in a.problems)
    assert [p.number for p in a.problems] == ["一", "二", "三", "四", "五"]
    assert [p.category for p in a.problems] == ["不及时", "不准确", "不回应", "不实用", "不安全"]
    one = a.problems[0].text
    assert one.startswith("一是信息发布更新不够及时。经2次网站检查（12月1日至12月15日）发现，")
    assert "5个栏目未在规定时限内更新（其中动态要闻类3个、通知公告和政策文件类1个、其他应更新类1个）" in one
    assert "最长的“人事信息”已414天未更新（要求365天内更新）" in one
    for name in ("人事信息", "通知公告", "乡镇动态"):
        assert f"“{name}”" in one
    assert "1件行政规范性文件未在成文之日起20个工作日内公开" in one and "相隔57个工作日" in one
    assert "网站有2个链接无法正常打开（其中首页1个），分布在2个页面上" in a.problems[1].text
    assert "1件政策文件未发布政策解读，1件政策文件与解读材料未做到双向关联" in a.problems[2].text
    assert "“财政信息”“统计信息”2个栏目没有任何内容" in a.problems[3].text
    assert "指向“casino.example.com”的隐藏外部链接（暗链）" in a.problems[4].text
    assert "已整改1个问题（“通知公告”栏目已恢复更新），平均用时14天，尚有5个问题正在整改。下一步将建立栏目更新台账" in a.problems[0].improvement
    assert "（“统计信息”栏目已补充内容）" in a.problems[3].improvement
    assert all(p.improvement.startswith(f"{p.number}是") and "下一步将" in p.improvement for p in a.problems)
    assert "column-stale" not in text and "dead-link" not in text  # sentences, not rule ids
    # every claim cites its findings, and the appendix holds them all
    cited = [r for p in a.problems for r in p.refs]
    assert sorted(cited, key=lambda x: int(x[1:])) == [f["id"] for f in a.findings]
    f3 = next(f for f in a.findings if f["url"].endswith("/tzgg/"))
    assert (f3["status"], f3["fixed_on"], f3["first_seen"], f3["last_seen"]) == ("fixed", T2.isoformat(), "2026-12-01", "2026-12-01")
    # the same text in Word, crawled markup as plain text
    doc_text = _text(Document(str(docx_path)))
    for p in a.problems:
        assert p.text in doc_text
    assert EVIL in doc_text


def test_section_two_figures_are_traceable_to_their_queries(two, model):
    for a in model.annual:
        assert a.stats_source == "site_year_stats"
        for f in a.figures:
            if not f.query:
                assert f.value is None and f.note  # letters: not collected yet, and said so
                continue
            got = two.execute(f.query).fetchone()[0]
            assert got == f.value, (f.id, f.label, f.query)
    portal = model.annual[0]
    cols = {c["column"]: c["count"] for c in portal.column_docs}
    assert cols["乡镇动态"] == 2 and cols["通知公告"] == 1
    by_label = {f.label: f for f in portal.figures}
    assert by_label["行政规范性文件：本年公开（发布日期在本年）"].value == 2
    late = by_label["行政规范性文件：超过20个工作日公开"]
    assert late.value == 1 and late.refs == [ROOT + "gfxwj/d2.html"]
    assert by_label["政策文件解读率"].text == "50.0%"


def test_markdown_draft_mirrors_the_word_draft(model):
    a = model.annual[1]
    text = render_annual_markdown(a)
    assert text.startswith("# 青山县教育局2026年政府信息公开工作年度报告")
    for h in SECTION_TITLES:
        assert f"## {h}" in text
    assert "一是信息发布更新不够及时。经2次网站检查" in text.replace("\\", "")
    assert "首页最近一条信息发布于11月1日，已44天未更新" in text
    assert '<a id="f1"></a>**F1**' in text and "[F1](#f1)" in text
    assert "<script" not in text


def test_year_without_runs_and_site_without_findings(tmp_path):
    f = Facts(tmp_path / "clean.db")
    site_meta = {"SiteName": "青山县人民政府", "SiteDomain": "www.qingshan.gov.cn", "SiteIDCode": "3311270001"}
    footer = json.dumps({"site_id_code": "3311270001", "icp": "浙ICP备12345678号-1", "police": "浙公网安备 33112702000001号"})
    f.home(ROOT, meta=site_meta, footer_json=footer)
    f.items(ROOT, [T2])
    f.column(ROOT + "xzdt/", "乡镇动态", [T2])
    # complete page metadata and footer: a site without any finding
    f.db["pages"].update((f.run_id, ROOT + "xzdt/"), {"meta_json": json.dumps({**site_meta, "ColumnName": "乡镇动态", "ColumnType": "动态"}, ensure_ascii=False), "footer_json": footer})
    f.audit(T2)
    f.db["run_roots"].update((f.run_id, ROOT), {"site_name": "青山县人民政府"})
    a = build_model(f.db, year=2026).annual[0]
    problems = [p for p in a.problems if p.category != "不实用"]  # no 年报 yet: annual-report-missing
    assert not problems
    earlier = build_model(f.db, year=2025).annual[0]
    assert "2025 年内没有该站点的检查记录" in " ".join(earlier.notes)
    assert earlier.title == "青山县人民政府2025年政府信息公开工作年度报告"


def test_docx_survives_control_characters(tmp_path):
    f = Facts(tmp_path / "ctl.db")
    f.home(ROOT)
    f.items(ROOT, [T2])
    f.column(ROOT + "bad/", "动态\x0b\x00栏目\ufffe", [T2.replace(month=1)])
    f.audit(T2)
    path = tmp_path / "ctl.docx"
    write_docx(build_model(f.db).annual[0], path)
    text = _text(Document(str(path)))
    assert "“动态栏目”" in text
    assert "【请填写：机关名称】2026年政府信息公开工作年度报告" in text  # no site name known
    assert clean("a\x01b\u0007c") == "abc"


def test_cli_writes_every_format_and_rejects_an_unknown_site(two, tmp_path):
    db = two.conn.execute("PRAGMA database_list").fetchone()[2]
    cmd = [sys.executable, "-m", "crawler.cli", "report", "--db", db, "--out", str(tmp_path)]
    proc = subprocess.run([*cmd, "--format", "docx", "--format", "md", "--format", "json", "--site", SUB],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["annual-report-2026-127.0.0.1-9-jyj.docx", "annual-report-2026-127.0.0.1-9-jyj.md", "report.json", "report.md"]
    assert Document(str(tmp_path / names[0])).paragraphs[0].text == "青山县教育局2026年政府信息公开工作年度报告"
    bad = subprocess.run([*cmd, "--format", "docx", "--site", "http://nowhere.example/"], capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "no site http://nowhere.example/" in bad.stderr


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice not installed")
def test_docx_opens_in_libreoffice(docx_path, tmp_path):
    proc = subprocess.run(
        ["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf", "--outdir", str(tmp_path), str(docx_path)],
        capture_output=True, text=True, timeout=120,
    )
    pdf = tmp_path / docx_path.with_suffix(".pdf").name
    assert pdf.exists() and pdf.stat().st_size > 10_000, proc.stdout + proc.stderr


def test_figures_without_statistics_come_from_the_crawl_tables(tmp_path):
    f, _, a2 = two_runs(tmp_path)
    with_stats = build_model(f.db).annual[0]
    f.db.execute("DELETE FROM site_year_stats WHERE audit_run_id = ? AND site = ?", [a2, ROOT])
    a = build_model(f.db).annual[0]
    assert a.stats_source == "crawl tables"
    assert any("没有该站点的记录" in n for n in a.notes)
    for fig in a.figures:
        if fig.query:
            assert f.db.execute(fig.query).fetchone()[0] == fig.value, fig
    # the crawl tables give the same per-column counts as audits/stats.py
    assert {c["column"]: c["count"] for c in a.column_docs} == {c["column"]: c["count"] for c in with_stats.column_docs}
    assert a.figures[0].value == with_stats.figures[0].value == 6
    cell = a.table2[0]["rows"][1]["cells"][0]
    assert cell == {"value": None, "figure": None}  # 规范性文件: left for the office
    other = build_model(f.db, year=2023).annual[1]  # the subsite has statistics, none for 2023
    assert any("没有 2023 年的记录" in n for n in other.notes) and other.figures[0].value == 0
