"""End to end for the disclosure rules: crawl the fixture county site over loopback,
audit, and compare every disclosure finding with the site model — positives and
near misses — plus the evidence, the stored facts and the statistics table."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import subprocess
import sys

import pytest

from tests.site import disclosure as S
from tests.site.server import FixtureSite

pytestmark = pytest.mark.e2e

T = dt.date(2026, 12, 15)
GOVAUDIT = [sys.executable, "-m", "crawler.cli"]
RULES = {
    "normative-doc-late", "normative-doc-incomplete", "normative-doc-expired", "interpretation-missing",
    "interpretation-late", "annual-report-missing", "annual-report-late", "annual-report-inconsistent",
    "disclosure-column-missing",
}


def run(*args: str) -> str:
    proc = subprocess.run([*GOVAUDIT, *args], capture_output=True, text=True, timeout=300)
    if proc.returncode != 0:
        raise AssertionError(f"govaudit {' '.join(args)} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}")
    return proc.stdout


def crawl_and_audit(today: dt.date, tmp) -> tuple[FixtureSite, str, list[dict]]:
    site = FixtureSite(today=today).start()
    try:
        db = str(tmp / "site.db")
        run("crawl", "--db", db, "--today", today.isoformat(), *site.roots)
        run("audit", "--db", db, "--as-of", today.isoformat())
        findings = [json.loads(x) for x in run("findings", "--db", db, "--format", "jsonl").splitlines() if x.strip()]
    finally:
        site.stop()
    return site, db, findings


@pytest.fixture(scope="module")
def audited(tmp_path_factory):
    return crawl_and_audit(T, tmp_path_factory.mktemp("disclosure"))


def mine(findings):
    return {(f["rule"], f["url"]) for f in findings if f["rule"] in RULES}


def expected(site, today):
    return {(x.rule, x.url(site.port)) for x in S.expected_disclosure_findings(today)}


def by(findings, rule, url_end):
    hits = [f for f in findings if f["rule"] == rule and f["url"].endswith(url_end)]
    assert len(hits) == 1, (rule, url_end, hits)
    return hits[0]


def test_exact_disclosure_findings(audited):
    site, _, findings = audited
    assert mine(findings) == expected(site, T)
    assert len(mine(findings)) == 11


def test_near_misses(audited):
    site, _, findings = audited
    docs = {d.key: d for d in S.normative_docs(T)}
    flagged = {(f["rule"], f["url"]) for f in findings}
    p = site.portal.rstrip("/")
    # exactly 20 working days across 国庆 2026: not late; two-way interpretation published the same day
    for rule in ("normative-doc-late", "interpretation-missing", "normative-doc-incomplete", "normative-doc-expired"):
        assert (rule, p + docs["n1"].path) not in flagged
    # 有效期三年 from its publication: not expired; its interpretation is late, the document itself is fine
    assert ("normative-doc-expired", p + docs["n5"].path) not in flagged
    assert ("interpretation-missing", p + docs["n5"].path) not in flagged
    # marked 废止 although its period ended: correctly marked
    assert ("normative-doc-expired", p + docs["n7"].path) not in flagged
    # interpretation found by title and links both ways
    assert ("interpretation-missing", p + docs["n6"].path) not in flagged
    # the county's own reports: on time and consistent, two years agree (R5/R6)
    for r in S.portal_reports(T):
        assert not any(u == p + r.path for _, u in flagged)
    # no disclosure verdicts for department sites without a section, none for the 503 subsite
    assert not any(f["site"] == site.scj for f in findings if f["rule"] in RULES)
    assert not any(r == "disclosure-column-missing" and u != site.portal + "zfxxgk/" for r, u in flagged)


def test_evidence(audited):
    site, _, findings = audited
    late = by(findings, "normative-doc-late", "t20261030_7002.html")["evidence"]
    assert (late["workdays"], late["naive_workdays"], late["threshold_workdays"]) == (21, 26, 20)
    assert late["written"] == {"date": "2026-09-24", "raw": "二〇二六年九月二十四日", "source": "doc_meta:成文日期"}
    assert late["published"]["source"] == "doc_meta:发布日期" and late["doc_no"] == "青政办规〔2026〕6号"
    assert late["deadline"] == "2026-10-29"

    one_way = by(findings, "interpretation-missing", "t20261030_7002.html")
    assert one_way["severity"] == "minor" and one_way["evidence"]["ways"] == ["interp→doc", "title"]
    none = by(findings, "interpretation-missing", "t20261030_7003.html")
    assert none["severity"] == "major" and none["evidence"]["interpretations"] == []

    il = by(findings, "interpretation-late", "t20261205_7105.html")
    assert il["evidence"]["two_way"] is True and il["evidence"]["workdays"] > 3
    assert il["page"].endswith(S.normative_docs(T)[0].path)

    inc = by(findings, "normative-doc-incomplete", "t20261019_7006.html")["evidence"]
    assert inc["missing"] == ["有效性"] and inc["metadata_block"] is False
    assert inc["metadata"]["written"]["source"] == "signature" and inc["metadata"]["doc_no"] == "青政办规〔2026〕8号"
    assert by(findings, "normative-doc-incomplete", "t20261030_7003.html")["evidence"]["missing"] == ["有效性"]

    exp = by(findings, "normative-doc-expired", "t20231104_7004.html")["evidence"]
    assert exp["valid_until"]["date"] == (T - dt.timedelta(days=20)).isoformat() and exp["validity"] == "有效"

    dc = by(findings, "disclosure-column-missing", "/zfxxgk/")
    assert dc["evidence"]["missing"] == "政府信息公开制度" and dc["severity"] == "major"

    miss = by(findings, "annual-report-missing", site.wjj)
    assert miss["evidence"]["site_kind"] == "department" and miss["evidence"]["deadline"] == "2026-01-31"
    arl = by(findings, "annual-report-late", "art_1203_5325.html")["evidence"]
    assert (arl["deadline"], arl["published"], arl["days_late"]) == ("2026-01-31", "2026-02-20", 20)
    ari = by(findings, "annual-report-inconsistent", "art_1203_5325.html")
    assert ari["evidence"]["format"] == "2019"
    assert [(v["check"], v["column"], v["left"], v["right"]) for v in ari["evidence"]["violations"]] == [
        ("R1", "自然人", 11, 10), ("R1", "总计", 12, 11)]
    for f in findings:
        if f["rule"] in RULES:
            assert f["message"].endswith("。") and f["first_seen"] == T.isoformat()


def test_stored_facts(audited):
    site, db, _ = audited
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    docs = {d.key: d for d in S.normative_docs(T)}
    p = site.portal.rstrip("/")

    def dm(key):
        row = conn.execute("SELECT doc_meta_json FROM pages WHERE url = ?", [p + docs[key].path]).fetchone()
        return json.loads(row[0])

    assert dm("n1")["文号"] == "青政规〔2026〕5号" and dm("n1")["有效性"] == "有效"  # table
    assert dm("n2")["成文日期"] == "二〇二六年九月二十四日" and dm("n2")["发文字号"] == "青政办规[2026]6号"  # dl
    assert dm("n3")["文号"].startswith("青政办规【") and "有效性" not in dm("n3")  # one line of text
    assert dm("n6") == {}  # no block
    report = S.portal_reports(T)[0]
    row = conn.execute("SELECT tables_json FROM pages WHERE url = ?", [p + report.path]).fetchone()
    assert len(json.loads(row[0])) == 4  # metadata table + 二, 三, 四


def test_statistics_table(audited):
    site, db, _ = audited
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    rows = {(r["site"], r["year"]): dict(r) for r in conn.execute("SELECT * FROM site_year_stats")}
    assert {k[0] for k in rows} == {site.portal, site.jyj, site.wjj}  # not the unreachable subsite
    r = rows[(site.portal, 2026)]
    assert (r["normative_published"], r["normative_on_time"], r["normative_late"]) == (5, 4, 1)
    assert (r["policy_docs"], r["interpreted"], r["interpreted_two_way"]) == (5, 4, 3)
    assert r["interpretation_coverage"] == 0.8 and r["interpretations_published"] == 4
    cols = json.loads(r["docs_by_column_json"])
    assert cols["规范性文件"] == 5 and cols["政策解读"] == 4 and cols["本地要闻"] == 25
    ar = json.loads(rows[(site.portal, 2025)]["details_json"])["annual_report"]
    assert ar["parsed"] and ar["format"] == "2021" and ar["deadline"] == "2026-03-31" and ar["parse_warnings"] == []
    jr = json.loads(rows[(site.jyj, 2025)]["details_json"])["annual_report"]
    assert jr["published"] == "2026-02-20" and jr["deadline"] == "2026-01-31"
    audit_run = conn.execute("SELECT DISTINCT audit_run_id FROM site_year_stats").fetchall()
    assert len(audit_run) == 1


def test_another_date(tmp_path):
    """On 2027-02-10 the 教育局's 2026 report is due (1月31日) but not yet out: missing, not late."""
    today = dt.date(2027, 2, 10)
    site, _, findings = crawl_and_audit(today, tmp_path)
    assert mine(findings) == expected(site, today)
    assert ("annual-report-missing", site.portal + "jyj/col/col1203/index.html") in mine(findings)
    assert not any(f["rule"] == "annual-report-late" for f in findings)


# --------------------------------------------------------------------------- #
# the model (no network): any date
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("today", [dt.date(2025, 3, 1), dt.date(2026, 10, 29), T, dt.date(2027, 2, 10), dt.date(2028, 2, 29)])
def test_model_on_any_date(today):
    import html
    import re
    from urllib.parse import urljoin, urlsplit

    from tests.site import model

    pages = model.build_site(today, 1)
    portal = pages[model.PORTAL_HOST]
    new_paths = [p for p in portal if p.startswith("/zfxxgk/") or p.startswith("/jyj/col/col1203/") or "art_1203_" in p]
    assert new_paths
    for path in new_paths:  # every link on the new pages resolves
        text = portal[path].body.decode("utf-8")
        for href in re.findall(r'href="([^"]+)"', text):
            u = urlsplit(urljoin(f"http://127.0.0.1:1{path}", html.unescape(href)))
            if u.hostname == model.PORTAL_HOST and not u.path.startswith("/scj/"):
                assert u.path in portal, (path, href)
    # the new list columns are fresh (newest item within its column type's threshold)
    limits = {S.GFXWJ: 183, S.ZCJD: 183, S.GKNB: 365, S.SECTION: 365, S.JYJ_GKNB: 365}
    for path, limit in limits.items():
        dates = [dt.date.fromisoformat(d) for d in re.findall(r"<span>(\d{4}-\d\d-\d\d)</span>", portal[path].body.decode())]
        assert dates and (today - max(dates)).days <= limit - 1, (today, path)
    # fixed-date documents never appear before they are published
    for d in S.normative_docs(today):
        assert d.published <= today
    rules = [f.rule for f in S.expected_disclosure_findings(today)]
    assert rules.count("disclosure-column-missing") == 1
    assert "annual-report-inconsistent" in rules and "normative-doc-expired" in rules
