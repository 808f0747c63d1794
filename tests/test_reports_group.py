"""Group reports (网站群): a run over several sites gets a summary table at the top whose rows
match the findings stored per site, links to each site's section, and escapes crawled names;
a one-site report has no group summary."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter

import lxml.html
import pytest

from audits.config import Config, SiteConfig
from audits.model import CATEGORIES
from audits.registry import RULES_BY_ID
from audits.runner import run_audit
from reports.build import render_html, render_json, render_markdown
from reports.model import build_model, group_title
from tests.facts import ROOT, Facts

T = dt.date(2026, 12, 15)
JYJ = ROOT + "jyj/"
TOWN = "http://127.0.0.3:9/"
TOWN2 = "http://127.0.0.3:9/qsz/"
HOSTILE = '<script>alert("n")</script>青山镇人民政府'
HOSTILE_GROUP = "<b onmouseover=x()>青山县</b>网站群"
RULES_USED = ("site-unreachable", "homepage-stale", "column-stale", "column-empty", "dead-link", "hidden-link", "metadata-missing")


def ago(n: int) -> dt.date:
    return T - dt.timedelta(days=n)


def county(tmp_path, config: Config | None) -> tuple[Facts, int]:
    """The portal (暗链: veto, a stale column), 教育局 (one dead link: clear), 城关镇 (home page
    unreachable) and a township whose crawled name is hostile (home page stale: veto)."""
    f = Facts(tmp_path / "g.db", roots=[ROOT, JYJ, TOWN, TOWN2])
    f.home(ROOT, meta={"SiteName": "青山县人民政府门户网站"})
    f.items(ROOT, [ago(1), ago(2)])
    f.column(ROOT + "tzgg/", "通知公告", [ago(300)], meta_type="通知公告")
    f.db["links"].insert({"run_id": f.run_id, "source": ROOT, "target": "http://casino.example.com/", "anchor": "娱乐", "kind": "external", "hidden": "display:none"})
    f.home(JYJ, meta={"SiteName": "青山县教育局"})
    f.items(JYJ, [ago(1)])
    f.page(JYJ + "a.html", root=JYJ, is_article=1, pub_date=ago(3).isoformat())
    f.page(JYJ + "gone.html", root=JYJ, status=404)
    f.link(JYJ + "a.html", JYJ + "gone.html")
    f.home(TOWN, status=None, error="ConnectionRefusedError: Connection was refused")
    f.home(TOWN2, meta={"SiteName": HOSTILE})
    f.items(TOWN2, [ago(90)])
    f.finish()  # only the rules this DB is built for: a rule added later must not change the statuses pinned here
    run_audit(f.db, T, f.run_id, config, rules=tuple(RULES_BY_ID[r] for r in RULES_USED))
    names = {ROOT: "青山县人民政府门户网站", JYJ: "青山县教育局", TOWN2: HOSTILE}
    for root, name in names.items():  # the crawler records each root's SiteName
        f.db["run_roots"].update((f.run_id, root), {"site_name": name})
    audit_id = int(next(f.db.query("SELECT max(id) AS id FROM audit_runs"))["id"])
    return f, audit_id


CONFIG = Config(group_name=HOSTILE_GROUP, sites=[SiteConfig(root=TOWN, name="城关镇", kind="township")])


@pytest.fixture(scope="module")
def group_db(tmp_path_factory):
    return county(tmp_path_factory.mktemp("group"), CONFIG)


def expected_rows(f: Facts, audit_id: int) -> dict[str, dict]:
    """What the summary must say per site, computed from the findings table."""
    out = {}
    for root in (ROOT, JYJ, TOWN, TOWN2):
        rows = list(f.db.query("SELECT rule, severity, category FROM findings WHERE audit_run_id = ? AND site = ?", [audit_id, root]))
        sev, cat = Counter(r["severity"] for r in rows), Counter(r["category"] for r in rows)
        status = "无法访问" if any(r["rule"] == "site-unreachable" for r in rows) else "单项否决" if sev["veto"] else "未触发"
        out[root] = {"status": status, "sev": [sev["veto"], sev["major"], sev["minor"]], "cat": [cat[c] for c in CATEGORIES]}
    return out


def test_group_summary_rows_match_the_findings(group_db):
    f, audit_id = group_db
    doc = lxml.html.fromstring(render_html(build_model(f.db, audit_id)))
    heading = doc.get_element_by_id("group")
    assert heading.text_content() == HOSTILE_GROUP + "检查汇总"
    table = doc.get_element_by_id("overview")
    heads = [th.text_content() for th in table.xpath("./thead/tr/th")]
    expected = expected_rows(f, audit_id)
    # every site is different: a veto, a clear one, an unreachable one, a township with a veto
    assert [expected[r]["status"] for r in (ROOT, JYJ, TOWN, TOWN2)] == ["单项否决", "未触发", "无法访问", "单项否决"]
    assert expected[JYJ]["sev"][0] == 0 and sum(expected[JYJ]["sev"]) > 0  # findings, none of them a veto
    rows = table.xpath("./tbody/tr")
    assert [tr.get("data-root") for tr in rows] == [ROOT, JYJ, TOWN, TOWN2]
    kinds = {}
    for tr in rows:
        cells = dict(zip(heads, (td.text_content() for td in tr.xpath("./td")), strict=True))
        want = expected[tr.get("data-root")]
        assert cells["单项否决状态"] == want["status"]
        assert [int(cells[h]) for h in ("单项否决", "扣分", "提示")] == want["sev"]
        assert [int(cells[c]) for c in CATEGORIES] == want["cat"]
        kinds[tr.get("data-root")] = cells["类型"]
        # the name links to the site's own section, which has the same name
        a = tr.xpath("./td[1]/a")[0]
        section = doc.get_element_by_id(a.get("href").removeprefix("#"))
        assert section.tag == "h2" and section.text_content() == a.text_content()
    assert kinds == {ROOT: "政府门户网站", JYJ: "部门网站", TOWN: "乡镇（街道）网站", TOWN2: "乡镇（街道）网站"}
    # the configured name wins over the crawled one; the crawled hostile name stays text
    assert rows[2].xpath("./td[1]/a")[0].text_content() == "城关镇"
    assert rows[3].xpath("./td[1]/a")[0].text_content() == HOSTILE
    # the totals row adds up the findings of the run
    total = dict(zip(heads, (th.text_content() for th in table.xpath("./tfoot/tr/td")), strict=True))
    every = list(f.db.query("SELECT severity, category FROM findings WHERE audit_run_id = ?", [audit_id]))
    assert [int(total[h]) for h in ("单项否决", "扣分", "提示")] == [sum(1 for r in every if r["severity"] == s) for s in ("veto", "major", "minor")]
    assert [int(total[c]) for c in CATEGORIES] == [sum(1 for r in every if r["category"] == c) for c in CATEGORIES]
    assert total["单项否决状态"] == "否决 2，无法访问 1"
    assert "共 4 个网站（政府门户网站 1 个，部门网站 1 个，乡镇（街道）网站 2 个）：触发单项否决 2 个，无法访问 1 个，未触发 1 个；问题 " in doc.get_element_by_id("group-totals").text_content()


def test_crawled_and_configured_names_are_escaped(group_db):
    f, audit_id = group_db
    model = build_model(f.db, audit_id)
    html = render_html(model)
    assert "<script>alert(\"n\")" not in html and "&lt;script&gt;alert(&#34;n&#34;)&lt;/script&gt;青山镇人民政府" in html
    assert "<b onmouseover" not in html and "&lt;b onmouseover=x()&gt;青山县&lt;/b&gt;网站群检查汇总" in html
    assert len(lxml.html.fromstring(html).xpath("//script")) == 1  # ours
    text = render_markdown(model)
    assert "<script" not in text and "<b " not in text
    assert "## &lt;b onmouseover=x\\(\\)&gt;青山县&lt;/b&gt;网站群检查汇总" in text
    assert "| [&lt;script&gt;alert\\(\"n\"\\)&lt;/script&gt;青山镇人民政府](#site4)" in text
    assert text.count('<a id="site') == 4


def test_json_model_has_the_group(group_db):
    f, audit_id = group_db
    data = json.loads(render_json(build_model(f.db, audit_id)))
    g = data["group"]
    assert (g["name"], g["name_source"], g["sites"]) == (HOSTILE_GROUP, "config", 4)
    assert g["by_status"] == {"unreachable": 1, "vetoed": 2, "clear": 1}
    assert [s["group_status_label"] for s in data["sites"]] == ["单项否决", "未触发", "无法访问", "单项否决"]
    assert sum(g["counts"].values()) == data["total"]


def test_group_name_falls_back_to_the_portal(tmp_path):
    f, audit_id = county(tmp_path, Config())  # no [group] in govaudit.toml
    model = build_model(f.db, audit_id)
    assert (model.group.name, model.group.name_source) == ("青山县人民政府网站群", "portal")
    assert lxml.html.fromstring(render_html(model)).get_element_by_id("group").text_content() == "青山县人民政府网站群检查汇总"
    assert group_title("青山县人民政府") == "青山县人民政府网站群" and group_title("某某网站群") == "某某网站群"


def test_one_site_has_no_group_summary(group_db):
    f, audit_id = group_db
    model = build_model(f.db, audit_id, sites=[JYJ])
    assert model.group is None
    doc = lxml.html.fromstring(render_html(model))
    assert not doc.xpath("//*[@id='group']") and not doc.xpath("//table[@id='overview']/tfoot")
    assert "站点概览" in doc.text_content() and "检查汇总" not in render_markdown(model)
